/**
 * The kit options that let shipped platforms build on the kit without changing what they write: tag key
 * mappings and leading/extra tags, a platform's own refusals and wording in the readers, controller
 * placement with upstream's extra tolerations in upstream's order. Pure, no mocks.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { IssueList } from "../../components/core/fields";
import { controlPlanePlacement } from "../../components/kit/ccm";
import { readMachineTypes, readRegion, readResourceId, readZones, replaceNodesPolicy } from "../../components/kit/readers";
import { formatTags, nodeTags, ownershipTags } from "../../components/kit/tags";
import type { TagLimits } from "../../components/platform";

const SPEC = { name: "demo", tags: { team: "platform", Name: "mine" } };
const NODE = { name: "demo-cp-0", role: "control-plane" as const, pool: "control-plane", failureDomain: "zone-a" };

describe("ownership tags with a platform's keys", () => {
    test("neutral keys by default; the user's tags first, kubeforge's win", () => {
        assert.deepEqual(Object.entries(ownershipTags(SPEC, { extra: "1" })), [
            ["team", "platform"],
            ["Name", "mine"],
            ["kubeforge.io/cluster", "demo"],
            ["extra", "1"],
        ]);
    });

    test("leading tags go before the ownership tag and override the user's", () => {
        const tags = nodeTags(SPEC, NODE, { leading: { Name: NODE.name, "kubernetes.io/cluster/demo": "owned" } });
        assert.deepEqual(Object.keys(tags), [
            "team",
            "Name",
            "kubernetes.io/cluster/demo",
            "kubeforge.io/cluster",
            "kubeforge.io/role",
            "kubeforge.io/pool",
            "kubeforge.io/node",
            "kubeforge.io/failure-domain",
        ]);
        assert.equal(tags.Name, "demo-cp-0");
    });

    test("mapped keys replace the neutral ones; extra tags sit between ownership and identity", () => {
        const keys = { cluster: "c", role: "r", pool: "p", node: "n", failureDomain: "fd" };
        const tags = nodeTags({ name: "demo", tags: {} }, NODE, { keys, extra: { selector: "" } });
        assert.deepEqual(Object.entries(tags), [
            ["c", "demo"],
            ["selector", ""],
            ["r", "control-plane"],
            ["p", "control-plane"],
            ["n", "demo-cp-0"],
            ["fd", "zone-a"],
        ]);
        const list: TagLimits = { maxCount: 10, keyMax: 255, valueMax: 255, keyPattern: "^[A-Za-z0-9:_-]+$", shape: "list" };
        assert.deepEqual(formatTags(tags, list), ["c:demo", "selector", "r:control-plane", "p:control-plane", "n:demo-cp-0", "fd:zone-a"]);
    });
});

describe("readers with a platform's own checks and wording", () => {
    const known = { west1: ["west1-a", "west1-b"] };
    const options = {
        platform: "p",
        known,
        example: "west1",
        refuse: (n: string) => (n === "old1" ? "takes no new machines; use west1" : undefined),
    };

    test("refuse runs before the known list, on the region and on each zone", () => {
        const issues = new IssueList();
        assert.equal(readRegion("old1", "p.region", false, options, issues), undefined);
        assert.deepEqual(readZones(["west1-a", "old1"], "p.zones", false, { ...options, region: "west1", defaultToKnown: false }, issues), [
            "west1-a",
        ]);
        assert.deepEqual(
            issues.items.map((i) => [i.field, i.message]),
            [
                ["kubeforge:p.region", "takes no new machines; use west1"],
                ["kubeforge:p.zones[1]", "takes no new machines; use west1"],
            ],
        );
    });

    test("an absent zone list with an unknown region takes its example from the example region", () => {
        const issues = new IssueList();
        readZones(undefined, "p.zones", false, { ...options, region: undefined, defaultToKnown: false }, issues);
        assert.match(issues.items[0].message, /\[west1-a, west1-b\]/);
    });

    test("machine types and resource ids say what they are and what omitting means", () => {
        const issues = new IssueList();
        const defaults = { controlPlane: "small", worker: "small" };
        readMachineTypes({ worker: "Big" }, "p.types", { defaults, pattern: /^[a-z]+$/, example: "large", what: "a P size" }, issues);
        readResourceId(
            "x",
            "p.key",
            { pattern: /^key-/, what: "key id", example: "key-1", whenAbsent: "use platform-managed keys" },
            issues,
        );
        assert.deepEqual(
            issues.items.map((i) => i.message),
            [
                "`Big` is not a P size; use one such as `large`",
                "is not a key id; give one such as `key-1`, or omit it to use platform-managed keys",
            ],
        );
    });
});

describe("controller placement as upstream manifests write it", () => {
    const keys = (options: Parameters<typeof controlPlanePlacement>[0]) => controlPlanePlacement(options).tolerations.map((t) => t.key);

    test("extra tolerations sit between uninitialized and control-plane; a CSI controller may skip uninitialized", () => {
        assert.deepEqual(keys({ alsoTolerate: [{ key: "CriticalAddonsOnly", operator: "Exists" }] }), [
            "node.cloudprovider.kubernetes.io/uninitialized",
            "CriticalAddonsOnly",
            "node-role.kubernetes.io/control-plane",
        ]);
        assert.deepEqual(keys({ uninitialized: false }), ["node-role.kubernetes.io/control-plane"]);
        assert.deepEqual(keys({}), ["node.cloudprovider.kubernetes.io/uninitialized", "node-role.kubernetes.io/control-plane"]);
    });

    test("every call returns fresh objects (a manifest edit cannot leak into another)", () => {
        const a = controlPlanePlacement();
        a.tolerations[0].value = "changed";
        a.nodeSelector.extra = "x";
        assert.equal(controlPlanePlacement().tolerations[0].value, "true");
        assert.deepEqual(controlPlanePlacement().nodeSelector, { "node-role.kubernetes.io/control-plane": "" });
    });
});

describe("replaceNodes as a change policy", () => {
    test("listed nodes are rebuilt on a new rendering or image; the others ignore both", () => {
        const rolled = ["userData", "image"];
        assert.deepEqual(replaceNodesPolicy(["demo-general-1"], "demo-general-0", rolled), { ignoreChanges: rolled, replaceOnChanges: [] });
        assert.deepEqual(replaceNodesPolicy(["demo-general-1"], "demo-general-1", rolled), { ignoreChanges: [], replaceOnChanges: rolled });
    });
});
