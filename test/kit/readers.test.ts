/**
 * The kit's config readers, without mocks: each reader's good values, and every kind of bad value it
 * refuses, with the field path the user wrote (`kubeforge:<platform>.<key>`) and the fix in the message.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { IssueList } from "../../components/core/fields";
import {
    checkNodeList,
    machineTypeFor,
    readAllowUnlisted,
    readImage,
    readMachineTypes,
    readNodeList,
    readRegion,
    readResourceId,
    readZones,
    type ImageReaderOptions,
    type ZoneReaderOptions,
} from "../../components/kit/readers";

const KNOWN = { "europe-west4": ["europe-west4-a", "europe-west4-b", "europe-west4-c"], "us-central1": ["us-central1-a"] };
const REGION = { platform: "gcp", known: KNOWN, example: "europe-west4" };

/** Runs a reader on a fresh IssueList: its result and `[field, message]` of every issue. */
function read<T>(reader: (issues: IssueList) => T): { value: T; issues: [string, string][] } {
    const issues = new IssueList();
    const value = reader(issues);
    return { value, issues: issues.items.map((i) => [i.field, i.message]) };
}

/** The one issue a reader recorded: its field, and its message matched against each pattern. */
function oneIssue(issues: [string, string][], field: string, ...patterns: RegExp[]): void {
    assert.deepEqual(
        issues.map(([f]) => f),
        [field],
    );
    for (const p of patterns) assert.match(issues[0][1], p);
}

describe("readAllowUnlisted", () => {
    test("defaults to false and reads a boolean", () => {
        assert.deepEqual(
            read((i) => readAllowUnlisted({}, "gcp", i)),
            { value: false, issues: [] },
        );
        assert.deepEqual(
            read((i) => readAllowUnlisted({ allowUnlistedRegion: true }, "gcp", i)),
            { value: true, issues: [] },
        );
    });
    test("a quoted boolean is refused at kubeforge:<platform>.allowUnlistedRegion", () => {
        const r = read((i) => readAllowUnlisted({ allowUnlistedRegion: "yes" }, "gcp", i));
        assert.equal(r.value, false);
        oneIssue(r.issues, "kubeforge:gcp.allowUnlistedRegion", /true or false/, /without quotes/);
    });
});

describe("readRegion", () => {
    test("a known region passes, trimmed", () => {
        assert.deepEqual(
            read((i) => readRegion(" europe-west4 ", "gcp.region", false, REGION, i)),
            { value: "europe-west4", issues: [] },
        );
    });
    test("absent, empty, not a string: each names the field and the fix", () => {
        for (const [raw, what] of [
            [undefined, /is required/],
            [null, /is required/],
            ["  ", /is empty/],
        ] as const) {
            const r = read((i) => readRegion(raw, "gcp.region", false, REGION, i));
            assert.equal(r.value, undefined);
            oneIssue(r.issues, "kubeforge:gcp.region", what, /e\.g\. `europe-west4`/);
        }
        const r = read((i) => readRegion(4, "gcp.region", false, REGION, i));
        oneIssue(r.issues, "kubeforge:gcp.region", /must be a string, not 4/);
    });
    test("an unknown region names near matches and the escape hatch; the escape hatch lets it through", () => {
        const r = read((i) => readRegion("europe-west9", "gcp.region", false, REGION, i));
        assert.equal(r.value, undefined);
        oneIssue(r.issues, "kubeforge:gcp.region", /`europe-west4`/, /kubeforge:gcp\.allowUnlistedRegion: true/);
        assert.deepEqual(
            read((i) => readRegion("europe-west9", "gcp.region", true, REGION, i)),
            { value: "europe-west9", issues: [] },
        );
    });
});

describe("readZones", () => {
    const opts = (over: Partial<ZoneReaderOptions> = {}): ZoneReaderOptions => ({
        ...REGION,
        region: "europe-west4",
        defaultToKnown: false,
        ...over,
    });
    test("a list of known zones passes in the order written", () => {
        const r = read((i) => readZones(["europe-west4-c", " europe-west4-a"], "gcp.zones", false, opts(), i));
        assert.deepEqual(r, { value: ["europe-west4-c", "europe-west4-a"], issues: [] });
    });
    test("absent: every known zone when the platform defaults to them, else required with examples of the region", () => {
        assert.deepEqual(
            read((i) => readZones(undefined, "gcp.zones", false, opts({ defaultToKnown: true }), i)).value,
            KNOWN["europe-west4"],
        );
        const r = read((i) => readZones(null, "gcp.zones", false, opts(), i));
        assert.deepEqual(r.value, []);
        oneIssue(r.issues, "kubeforge:gcp.zones", /is required/, /\[europe-west4-a, europe-west4-b, europe-west4-c\]/);
    });
    test("absent with no known region: the example is built from the platform's example region", () => {
        const r = read((i) =>
            readZones(undefined, "gcp.zones", false, opts({ region: undefined, defaultToKnown: true, example: "us-east1" }), i),
        );
        oneIssue(r.issues, "kubeforge:gcp.zones", /\[us-east1-a, us-east1-b, us-east1-c\]/);
    });
    test("not a list, an empty list", () => {
        oneIssue(read((i) => readZones("europe-west4-a", "gcp.zones", false, opts(), i)).issues, "kubeforge:gcp.zones", /must be a list/);
        oneIssue(
            read((i) => readZones([], "gcp.zones", false, opts(), i)).issues,
            "kubeforge:gcp.zones",
            /empty list; list at least one zone/,
        );
    });
    test("each bad item is reported at its index: not a string, empty, listed twice, unknown", () => {
        const r = read((i) => readZones(["europe-west4-a", 7, "", "europe-west4-a", "europe-west4-q"], "gcp.zones", false, opts(), i));
        assert.deepEqual(r.value, ["europe-west4-a"]);
        assert.deepEqual(
            r.issues.map(([f]) => f),
            ["kubeforge:gcp.zones[1]", "kubeforge:gcp.zones[2]", "kubeforge:gcp.zones[3]", "kubeforge:gcp.zones[4]"],
        );
        assert.match(r.issues[0][1], /must be a string/);
        assert.match(r.issues[1][1], /is empty; write a zone name/);
        assert.match(r.issues[2][1], /listed twice; list each zone once/);
        assert.match(r.issues[3][1], /not a zone of `europe-west4`.*allowUnlistedRegion: true/);
    });
    test("the escape hatch lets an unlisted zone through; an unchecked region checks no zone", () => {
        assert.deepEqual(
            read((i) => readZones(["europe-west4-q"], "gcp.zones", true, opts(), i)),
            { value: ["europe-west4-q"], issues: [] },
        );
        assert.deepEqual(
            read((i) => readZones(["x-1"], "gcp.zones", false, opts({ region: undefined }), i)),
            { value: ["x-1"], issues: [] },
        );
    });
});

describe("readMachineTypes and machineTypeFor", () => {
    const options = {
        defaults: { controlPlane: "n2-standard-2", worker: "e2-standard-4" },
        pattern: /^[a-z0-9]+-[a-z0-9-]+$/,
        example: "n2-standard-4",
    };
    test("absent block: the defaults; a role given: that role only", () => {
        assert.deepEqual(read((i) => readMachineTypes(undefined, "gcp.machineTypes", options, i)).value, options.defaults);
        const r = read((i) => readMachineTypes({ worker: "c3-standard-8" }, "gcp.machineTypes", options, i));
        assert.deepEqual(r, { value: { controlPlane: "n2-standard-2", worker: "c3-standard-8" }, issues: [] });
    });
    test("not a map, an unknown role, a type of the wrong shape, a number", () => {
        oneIssue(read((i) => readMachineTypes(["x"], "gcp.machineTypes", options, i)).issues, "kubeforge:gcp.machineTypes", /map/);
        const r = read((i) =>
            readMachineTypes({ master: "n2-standard-2", worker: "Large", controlPlane: 4 }, "gcp.machineTypes", options, i),
        );
        assert.deepEqual(r.value, options.defaults);
        assert.deepEqual(
            r.issues.map(([f]) => f),
            ["kubeforge:gcp.machineTypes.master", "kubeforge:gcp.machineTypes.worker", "kubeforge:gcp.machineTypes.controlPlane"],
        );
        assert.match(r.issues[0][1], /is not a role; use `controlPlane` or `worker`/);
        assert.match(r.issues[1][1], /`Large` is not a machine type here; use one such as `n2-standard-4`/);
        assert.match(r.issues[2][1], /must be a string/);
    });
    test("a node's own type wins, else its role's default", () => {
        const d = options.defaults;
        assert.equal(machineTypeFor({ role: "control-plane", machineType: undefined }, d), "n2-standard-2");
        assert.equal(machineTypeFor({ role: "worker", machineType: undefined }, d), "e2-standard-4");
        assert.equal(machineTypeFor({ role: "worker", machineType: "c3-standard-8" }, d), "c3-standard-8");
    });
});

describe("readImage", () => {
    const options: ImageReaderOptions = {
        idPattern: /^ami-[0-9a-f]{8,17}$/,
        lookupPattern: /^\/aws\/service\/[\w/.-]+$/,
        fallback: { kind: "lookup", reference: "/aws/service/canonical/ubuntu" },
        fallbackName: "Ubuntu 24.04 LTS",
        examples: { id: "ami-0123456789abcdef0", lookup: "/aws/service/canonical/..." },
    };
    test("absent: the fallback; an id; a lookup", () => {
        assert.deepEqual(
            read((i) => readImage(undefined, "aws.ami", options, i)),
            { value: options.fallback, issues: [] },
        );
        assert.deepEqual(read((i) => readImage(" ami-0123456789abcdef0 ", "aws.ami", options, i)).value, {
            kind: "id",
            id: "ami-0123456789abcdef0",
        });
        assert.deepEqual(read((i) => readImage("/aws/service/x/y", "aws.ami", options, i)).value, {
            kind: "lookup",
            reference: "/aws/service/x/y",
        });
    });
    test("neither form: both examples and the fallback in the message; not a string", () => {
        const r = read((i) => readImage("ubuntu", "aws.ami", options, i));
        assert.deepEqual(r.value, options.fallback);
        oneIssue(
            r.issues,
            "kubeforge:aws.ami",
            /`ami-0123456789abcdef0`/,
            /`\/aws\/service\/canonical\/\.\.\.`/,
            /omit it for Ubuntu 24\.04 LTS/,
        );
        oneIssue(read((i) => readImage(12, "aws.ami", options, i)).issues, "kubeforge:aws.ami", /must be a string/);
    });
});

describe("readNodeList and checkNodeList", () => {
    test("names are read once each, in order; absent is empty", () => {
        assert.deepEqual(
            read((i) => readNodeList(undefined, "aws.replaceNodes", i)),
            { value: [], issues: [] },
        );
        assert.deepEqual(
            read((i) => readNodeList(["demo-cp-0", "demo-w-1", "demo-cp-0"], "aws.replaceNodes", i)),
            {
                value: ["demo-cp-0", "demo-w-1"],
                issues: [],
            },
        );
    });
    test("not a list, and items that are not node names, at their index", () => {
        oneIssue(
            read((i) => readNodeList("demo-cp-0", "aws.replaceNodes", i)).issues,
            "kubeforge:aws.replaceNodes",
            /is not a list; list node names/,
        );
        const r = read((i) => readNodeList(["Demo-CP-0", 3, "ok-1", "-x"], "aws.replaceNodes", i));
        assert.deepEqual(r.value, ["ok-1"]);
        assert.deepEqual(
            r.issues.map(([f]) => f),
            ["kubeforge:aws.replaceNodes[0]", "kubeforge:aws.replaceNodes[1]", "kubeforge:aws.replaceNodes[3]"],
        );
        for (const [, m] of r.issues) assert.match(m, /is not a node name; use a name from the plan/);
    });
    test("a name that is not a planned node is reported at its index", () => {
        const r = read((i) =>
            checkNodeList(["demo-cp-0", "demo-gone-7"], [{ name: "demo-cp-0" }, { name: "demo-w-0" }], "aws.replaceNodes", i),
        );
        oneIssue(r.issues, "kubeforge:aws.replaceNodes[1]", /`demo-gone-7` is not a node of this cluster; use a name from the plan/);
    });
});

describe("readResourceId", () => {
    const options = { pattern: /^vpc-[0-9a-f]{8,17}$/, what: "VPC id", example: "vpc-0123456789abcdef0" };
    test("absent is none; a valid id passes, trimmed", () => {
        assert.deepEqual(
            read((i) => readResourceId(null, "aws.vpcId", options, i)),
            { value: undefined, issues: [] },
        );
        assert.deepEqual(
            read((i) => readResourceId(" vpc-0123abcd ", "aws.vpcId", options, i)),
            { value: "vpc-0123abcd", issues: [] },
        );
    });
    test("a malformed id names what it should be, an example and the alternative", () => {
        const r = read((i) => readResourceId("subnet-0123abcd", "aws.vpcId", options, i));
        assert.equal(r.value, undefined);
        oneIssue(r.issues, "kubeforge:aws.vpcId", /is not a VPC id; give one such as `vpc-0123456789abcdef0`, or omit it/);
        oneIssue(read((i) => readResourceId(true, "aws.vpcId", options, i)).issues, "kubeforge:aws.vpcId", /must be a string/);
    });
});
