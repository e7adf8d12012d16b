/**
 * The overlay mechanics, without a plan: parsing (every malformed field named), which stacks an overlay
 * applies to, and what applying it writes.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { applyOverlay, appliesTo, parseOverlay, splitPath } from "../helpers/overlays";

const platforms = ["aws", "baremetal", "gcp"];

describe("parseOverlay", () => {
    test("reads a full overlay", () => {
        const o = parseOverlay(
            "x",
            "policy: control-plane-single\nlevel: advisory\nstackTags: {environment: production}\nset:\n  kubeforge:controlPlane.count: 1\nnotOn:\n  baremetal: why\n",
        );
        assert.deepEqual(o, {
            name: "x",
            policy: "control-plane-single",
            level: "advisory",
            stackTags: { environment: "production" },
            set: { "kubeforge:controlPlane.count": 1 },
            notOn: { baremetal: "why" },
        });
    });
    for (const [text, field] of [
        ["level: mandatory\nset: {kubeforge:a: 1}", /policy/],
        ["policy: p\nlevel: sometimes\nset: {kubeforge:a: 1}", /level/],
        ["policy: p\nlevel: advisory", /set/],
        ["policy: p\nlevel: advisory\nset: {a.b: 1}", /namespace/],
        ["policy: p\nlevel: advisory\nset: {kubeforge:a..b: 1}", /empty segment/],
        ["policy: p\nlevel: advisory\nset: {kubeforge:a: 1}\nnotOn: {aws: ''}", /notOn\.aws/],
        ["policy: p\nlevel: advisory\nset: {kubeforge:a: 1}\nextra: 1", /unknown key "extra"/],
    ] as const) {
        test(`refuses ${JSON.stringify(text)}`, () => assert.throws(() => parseOverlay("bad", text), field));
    }
});

describe("appliesTo", () => {
    const o = (set: Record<string, unknown>, notOn: Record<string, string> = {}) => ({
        name: "o",
        policy: "p",
        level: "advisory" as const,
        stackTags: {},
        set,
        notOn,
    });
    test("a neutral path applies to every platform", () => {
        for (const p of platforms) assert.ok(appliesTo(o({ "kubeforge:secretsEncryption": false }), p, platforms));
    });
    test("a platform block's path applies to that platform only", () => {
        const aws = o({ "kubeforge:aws.workerMetadataHopLimit": 3 });
        assert.deepEqual(
            platforms.filter((p) => appliesTo(aws, p, platforms)),
            ["aws"],
        );
    });
    test("notOn excludes a platform", () => {
        assert.equal(appliesTo(o({ "kubeforge:controlPlane.count": 1 }, { baremetal: "why" }), "baremetal", platforms), false);
        assert.ok(appliesTo(o({ "kubeforge:controlPlane.count": 1 }, { baremetal: "why" }), "aws", platforms));
    });
});

describe("applyOverlay", () => {
    const overlay = (set: Record<string, unknown>) => ({
        name: "o",
        policy: "p",
        level: "advisory" as const,
        stackTags: {},
        set,
        notOn: {},
    });
    test("sets nested values, creating maps, and leaves the input alone", () => {
        const doc = { config: { "kubeforge:controlPlane": { count: 3, machineType: "m" }, "kubeforge:name": "demo" } };
        const out = applyOverlay(doc, overlay({ "kubeforge:controlPlane.count": 1, "kubeforge:access.sshAllowedCidrs": ["0.0.0.0/0"] }));
        assert.deepEqual(out.config, {
            "kubeforge:controlPlane": { count: 1, machineType: "m" },
            "kubeforge:name": "demo",
            "kubeforge:access": { sshAllowedCidrs: ["0.0.0.0/0"] },
        });
        assert.equal(doc.config["kubeforge:controlPlane"].count, 3);
    });
    test("replaces a whole key", () => {
        assert.deepEqual(
            applyOverlay({ config: { "kubeforge:secretsEncryption": true } }, overlay({ "kubeforge:secretsEncryption": false })).config,
            {
                "kubeforge:secretsEncryption": false,
            },
        );
    });
    test("refuses to walk through a list", () => {
        assert.throws(
            () => applyOverlay({ config: { "kubeforge:workerPools": [{ count: 1 }] } }, overlay({ "kubeforge:workerPools.x.count": 2 })),
            /not a mapping/,
        );
    });
    test("splitPath", () => {
        assert.deepEqual(splitPath("kubeforge:aws.a.b"), { key: "kubeforge:aws", rest: ["a", "b"] });
    });
});
