/**
 * The kit options that let shipped platforms build on the kit without changing what they write: tag key
 * mappings and leading/extra tags. Pure, no mocks.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
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
