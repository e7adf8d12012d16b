/** The addons' install order: each waits for what its `needs` names, nothing else. Pure. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { addonWaits } from "../components/addons/install";
import type { AddonSpec } from "../components/platform";

const manifest = (name: string, needs?: AddonSpec["needs"]): AddonSpec => ({
    kind: "manifest",
    name,
    objects: [],
    ...(needs ? { needs } : {}),
});

describe("addonWaits", () => {
    test("the CNI and addons that need only the API wait for nothing; needs.cni waits for every CNI addon", () => {
        const waits = addonWaits([manifest("cilium")], [manifest("ccm"), manifest("csi", { cni: true })]);
        assert.deepEqual(Object.fromEntries(waits), { cilium: [], ccm: [], csi: ["cilium"] });
    });

    test("with no CNI (cni: none) a need for it waits for nothing", () => {
        assert.deepEqual(Object.fromEntries(addonWaits([], [manifest("csi", { cni: true })])), { csi: [] });
    });

    test("an addon may need another by name; an unknown name or a cycle is refused", () => {
        const waits = addonWaits([], [manifest("metallb", { cni: true }), manifest("pool", { addons: ["metallb"] })]);
        assert.deepEqual(waits.get("pool"), ["metallb"]);
        assert.throws(() => addonWaits([], [manifest("pool", { addons: ["metallb"] })]), /needs addon metallb/);
        assert.throws(() => addonWaits([], [manifest("a", { addons: ["b"] }), manifest("b", { addons: ["a"] })]), /cycle/);
    });
});
