/**
 * The comparison's pure logic, without mocks: the shared spec, cost arithmetic on a small fixed price
 * table, spec differences, the data files and the SVG.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { applySharedSpec, mergePatch } from "../../stacks/compare/spec";
import { monthlyCost } from "../../stacks/compare/cost";
import { loadPlatformData, parsePlatformData, platformsWithData, type PlatformData } from "../../stacks/compare/data";
import { specDifferences } from "../../stacks/compare/neutral";
import { buildComparison, SpecMismatchError } from "../../stacks/compare/run";
import { renderSvg } from "../../stacks/compare/svg";
import type { RecordedPlan } from "../../stacks/compare/record";

const table: PlatformData = {
    platform: "testcloud",
    currency: "USD",
    hoursPerMonth: 730,
    regionFrom: "region",
    machines: [
        {
            region: "r1",
            type: "small",
            vcpu: 2,
            memoryGiB: 8,
            onDemandHourly: 0.1,
            spotHourly: 0.03,
            source: "https://example.com/p",
            retrieved: "2026-12-01",
        },
        {
            region: "r1",
            type: "capped",
            vcpu: 2,
            memoryGiB: 4,
            onDemandHourly: 0.05,
            billableHoursCap: 672,
            source: "https://example.com/p",
            retrieved: "2026-11-30",
        },
        {
            region: "r2",
            type: "big",
            vcpu: 4,
            memoryGiB: 16,
            onDemandHourly: 0.2,
            source: "https://example.com/p",
            retrieved: "2026-12-01",
        },
    ],
    prices: [
        { kind: "loadBalancer", region: "r1", hourly: 0.025, source: "https://example.com/lb", retrieved: "2026-12-01" },
        {
            kind: "nat",
            region: "r1",
            hourly: 0.01,
            per: "machine",
            maxHourly: 0.025,
            source: "https://example.com/nat",
            retrieved: "2026-12-01",
        },
        { kind: "disk", region: "r1", sku: "ssd", perGbMonth: 0.1, source: "https://example.com/d", retrieved: "2026-12-01" },
        {
            kind: "disk",
            region: "r1",
            sku: "tiered",
            tiers: [
                { maxGb: 64, monthly: 10 },
                { maxGb: 32, monthly: 5 },
            ],
            source: "https://example.com/d",
            retrieved: "2026-12-01",
        },
    ],
    managedControlPlane: { name: "Managed", hourly: 0.1, source: "https://example.com/m", retrieved: "2026-12-01" },
    resources: [
        {
            type: "t:vm",
            kind: "machine",
            machineType: "size",
            spot: { path: "sched.spot", equals: true },
            disks: [{ sizeGb: "disk.gb", sku: "disk.type", defaultSku: "ssd" }],
        },
        { type: "t:lb", kind: "loadBalancer" },
        { type: "t:nat", kind: "nat" },
        { type: "t:ip", kind: "publicAddress" },
    ],
    latency: [],
    fit: {
        failureDomains: "zones",
        cloudController: { gives: true, detail: "ccm" },
        csi: { gives: true, detail: "csi" },
        loadBalancerServices: { gives: true, detail: "lb" },
        windows: { gives: false, detail: "none" },
        spot: { gives: true, detail: "spot" },
        privateNodes: { gives: true, detail: "nat" },
    },
};

const vm = (name: string, size: string, extra: Record<string, unknown> = {}) => ({
    type: "t:vm",
    name,
    inputs: { size, disk: { gb: 50 }, ...extra },
});

describe("cost arithmetic", () => {
    test("hours a month, spot as an estimate, unit prices, per-machine NAT with its cap, disks by GB and by tier", () => {
        const cost = monthlyCost(table, "r1", [
            vm("a", "small"),
            vm("b", "small"),
            vm("c", "small", { sched: { spot: true } }),
            vm("d", "capped", { disk: { gb: 40, type: "tiered" } }),
            { type: "t:lb", name: "lb", inputs: {} },
            { type: "t:nat", name: "nat", inputs: {} },
            { type: "t:other", name: "free", inputs: {} },
        ]);
        const item = (kind: string, what: string) => cost.items.find((i) => i.kind === kind && i.what === what);
        assert.deepEqual({ q: item("onDemand", "small")?.quantity, m: item("onDemand", "small")?.monthly }, { q: 2, m: 146 });
        assert.equal(item("spot", "small")?.monthly, 21.9);
        assert.equal(item("spot", "small")?.estimate, true);
        assert.equal(item("onDemand", "capped")?.monthly, 33.6, "672 h cap: 0.05 x 672");
        assert.equal(item("loadBalancer", "load balancer")?.monthly, 18.25);
        assert.equal(item("nat", "NAT gateway")?.monthly, 18.25, "4 machines x 0.01 capped at 0.025/h");
        assert.equal(item("disk", "ssd disk 50 GB")?.monthly, 15, "3 x 50 GB x 0.10");
        assert.equal(item("disk", "tiered disk 40 GB")?.monthly, 10, "the smallest tier holding 40 GB");
        assert.equal(cost.complete, true);
        assert.equal(cost.priceDate, "2026-11-30");
        assert.equal(cost.managedControlPlane?.monthly, 73);
        assert.equal(cost.total, Math.round(cost.items.reduce((s, i) => s + (i.monthly ?? 0), 0) * 100) / 100);
    });

    test("a price the table lacks is unknown and named, never zero, and stays out of the total", () => {
        const cost = monthlyCost(table, "r1", [
            vm("a", "small"),
            vm("b", "huge"),
            vm("c", "capped", { sched: { spot: true } }),
            { type: "t:ip", name: "ip", inputs: {} },
        ]);
        assert.equal(cost.complete, false);
        const unknown = cost.items.filter((i) => i.monthly === null);
        assert.deepEqual(unknown.map((i) => i.what).sort(), ["capped", "huge", "public address"]);
        assert.ok(unknown.every((i) => i.unitMonthly === null));
        assert.ok(cost.unknown.some((u) => u.includes("huge in r1: no price")));
        assert.ok(cost.unknown.some((u) => u.includes("capped in r1: no spot price")));
        assert.equal(cost.total, 73 + 3 * 5);
    });

    test("a machine with a public address of its own pays for it; one without does not", () => {
        const withAddresses: PlatformData = {
            ...table,
            prices: [
                ...table.prices,
                { kind: "publicAddress", region: "r1", hourly: 0.005, source: "https://example.com/ip", retrieved: "2026-12-01" },
            ],
            resources: table.resources.map((r) =>
                r.kind === "machine" ? { ...r, publicAddress: { path: "net.public", equals: true } } : r,
            ),
        };
        const cost = monthlyCost(withAddresses, "r1", [
            vm("a", "small", { net: { public: true } }),
            vm("b", "small", { net: { public: true } }),
            vm("c", "small", { net: { public: false } }),
            vm("d", "small"),
        ]);
        const addresses = cost.items.filter((i) => i.kind === "publicAddress");
        assert.deepEqual(
            addresses.map((i) => ({ what: i.what, quantity: i.quantity, monthly: i.monthly })),
            [{ what: "public address", quantity: 2, monthly: 7.3 }],
            "2 x 0.005 x 730",
        );
        assert.equal(monthlyCost(table, "r1", [vm("a", "small", { net: { public: true } })]).items.length, 2, "no rule, no address");
    });

    test("another region's price is not borrowed", () => {
        const cost = monthlyCost(table, "r1", [vm("a", "big")]);
        assert.equal(cost.items.find((i) => i.what === "big")?.monthly, null);
    });
});

describe("the shared spec", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-spec-"));
    fs.writeFileSync(path.join(dir, "spec.yaml"), "name: shared\ncni: cilium\ncontrolPlane: { count: 3, diskSizeGb: 50 }\n");

    test("JSON merge patch: maps merge, scalars and lists replace, null removes", () => {
        assert.deepEqual(mergePatch({ a: { b: 1, c: 2 }, l: [1] }, { a: { c: 3, d: null }, l: [2] }), { a: { b: 1, c: 3 }, l: [2] });
    });

    test("a stack lays its own keys over the spec", () => {
        const { values, issues } = applySharedSpec({ spec: "spec.yaml", platform: "aws", controlPlane: '{"count":1}' }, dir);
        assert.deepEqual(issues, []);
        assert.equal(values.spec, undefined);
        assert.equal(values.name, "shared");
        assert.deepEqual(JSON.parse(values.controlPlane), { count: 1, diskSizeGb: 50 });
    });

    test("a missing file, or a spec naming the platform, is refused with the key and the fix", () => {
        assert.match(applySharedSpec({ spec: "nope.yaml" }, dir).issues[0].field, /^kubeforge:spec$/);
        fs.writeFileSync(path.join(dir, "bad.yaml"), "platform: aws\n");
        const bad = applySharedSpec({ spec: "bad.yaml" }, dir).issues[0];
        assert.equal(bad.field, "kubeforge:platform");
        assert.match(bad.message, /belongs in each stack/);
    });
});

function recorded(stack: string, diskSizeGb: number, platform = "aws"): RecordedPlan {
    return {
        stack,
        platform,
        description: "d",
        neutral: { controlPlane: { count: 3, diskSizeGb } },
        nodes: [],
        resources: [],
        violations: [],
    };
}

describe("one spec", () => {
    test("differing neutral keys are named", () => {
        const d = specDifferences({ a: { controlPlane: { count: 3, diskSizeGb: 50 } }, b: { controlPlane: { count: 3, diskSizeGb: 64 } } });
        assert.deepEqual(d, [{ key: "kubeforge:controlPlane.diskSizeGb", values: { a: "50", b: "64" } }]);
    });

    test("a comparison of different specs is refused naming the key, unless allowed", () => {
        assert.throws(
            () => buildComparison([recorded("a", 50), recorded("b", 64)], []),
            (err: unknown) => err instanceof SpecMismatchError && /kubeforge:controlPlane\.diskSizeGb/.test(err.message),
        );
        assert.equal(buildComparison([recorded("a", 50), recorded("b", 64)], [], true).differences.length, 1);
    });
});

describe("data files", () => {
    test("every platform's data parses, and every price row has a source and a date", () => {
        const names = platformsWithData();
        assert.ok(names.includes("aws") && names.includes("baremetal"));
        for (const name of names) {
            const data = loadPlatformData(name) as PlatformData;
            assert.equal(data.platform, name);
            for (const row of [...data.machines, ...data.prices]) {
                assert.ok(/^https?:\/\//.test(row.source), `${name}: ${JSON.stringify(row)} has no source URL`);
                assert.match(row.retrieved, /^\d{4}-\d{2}-\d{2}$/);
            }
            for (const row of data.latency) assert.ok(row.source.length > 8, `${name}: a latency row without a source`);
        }
    });

    test("a row without its source is refused, naming the row", () => {
        assert.throws(
            () =>
                parsePlatformData(
                    "x.yaml",
                    "platform: x\ncurrency: USD\nhoursPerMonth: 730\nmachines: [{region: r, type: t, vcpu: 1, memoryGiB: 1, onDemandHourly: 1, retrieved: '2026-01-01'}]\nprices: []\nresources: []\nlatency: []\nfit: {}\n",
                ),
            /\/machines\/0 must have required property 'source'/,
        );
    });
});

describe("the picture", () => {
    test("well-formed SVG with one series per platform", () => {
        const rows = ["aws", "gcp", "x<y"].map((platform, i) => {
            const plan = {
                ...recorded(`compare-${i}`, 50, platform),
                resources: [{ ...vm("a", "small"), urn: "u", custom: true, dependencies: [] }],
                region: "r1",
            };
            return buildComparison([plan], []).platforms[0];
        });
        const svg = renderSvg(rows);
        assert.equal(XMLValidator.validate(svg), true);
        const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === "g" }).parse(svg) as {
            svg: { g: Record<string, string>[] };
        };
        const series = doc.svg.g.filter((g) => g["@_class"] === "series");
        assert.deepEqual(
            series.map((g) => g["@_data-platform"]),
            ["aws", "gcp", "x<y"],
        );
    });
});
