/**
 * The kit's controller placement (CCM/CSI on the masters) and mock helpers, without mocks: placement
 * shape and independence of the returned objects; mock values deterministic per seed, distinct for
 * distinct seeds, and shaped as each provider's ids and addresses are (property tests).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import fc from "fast-check";
import {
    CONTROL_PLANE_LABEL,
    UNINITIALIZED_TAINT,
    controlPlanePlacement,
    controlPlaneTolerations,
    workersOnlyAffinity,
} from "../../components/kit/ccm";
import {
    isWrappedSecret,
    mockDigest,
    mockEd25519HostKey,
    mockHexId,
    mockIpv4,
    mockNumericId,
    wrapSecret,
} from "../../components/kit/mocks";
import { hostKeyProblem, parseHostKey } from "../../bootstrap/ssh/hostkey";

describe("controller placement", () => {
    test("on the masters, tolerating the control-plane and uninitialized taints, host network by default", () => {
        const p = controlPlanePlacement();
        assert.deepEqual(p.nodeSelector, { [CONTROL_PLANE_LABEL]: "" });
        assert.deepEqual(p.tolerations, [
            { key: UNINITIALIZED_TAINT, value: "true", effect: "NoSchedule" },
            { key: CONTROL_PLANE_LABEL, operator: "Exists", effect: "NoSchedule" },
        ]);
        assert.equal(p.hostNetwork, true);
        assert.equal(controlPlanePlacement({ hostNetwork: false }).hostNetwork, false);
    });
    test("each placement is a fresh copy: editing one changes neither the next nor the shared constants", () => {
        const a = controlPlanePlacement();
        a.nodeSelector.extra = "x";
        a.tolerations[0].value = "changed";
        a.tolerations.push({ key: "k" });
        const b = controlPlanePlacement();
        assert.deepEqual(Object.keys(b.nodeSelector), [CONTROL_PLANE_LABEL]);
        assert.equal(b.tolerations.length, 2);
        assert.equal(b.tolerations[0].value, "true");
        assert.equal(controlPlaneTolerations[0].value, "true");
    });
    test("workers-only affinity keeps a pod off every node with the control-plane label", () => {
        assert.deepEqual(workersOnlyAffinity(), {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [{ matchExpressions: [{ key: CONTROL_PLANE_LABEL, operator: "DoesNotExist" }] }],
                },
            },
        });
    });
});

describe("mock helpers", () => {
    // Resource names share long prefixes (`demo-cp-0`, `demo-cp-1`), so distinct seeds often differ only at the end.
    const seeds = fc
        .tuple(fc.string({ maxLength: 40 }), fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }))
        .filter(([, a, b]) => a !== b)
        .map(([prefix, a, b]) => [prefix + a, prefix + b] as const);

    test("the same seed gives the same values; distinct seeds give distinct ids", () => {
        fc.assert(
            fc.property(seeds, ([a, b]) => {
                assert.equal(mockHexId("vpc", a), mockHexId("vpc", a));
                assert.equal(mockIpv4(a), mockIpv4(a));
                assert.equal(mockNumericId(a), mockNumericId(a));
                assert.ok(mockDigest(a).equals(mockDigest(a)));
                assert.notEqual(mockHexId("vpc", a), mockHexId("vpc", b));
                assert.notEqual(mockHexId("", a, 32), mockHexId("", b, 32));
            }),
            { numRuns: 300 },
        );
        assert.notEqual(mockHexId("i", "demo-general-pool-10"), mockHexId("i", "demo-general-pool-11"));
    });
    test("ids and addresses have their provider's shape, for any seed", () => {
        fc.assert(
            fc.property(fc.string(), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 9 }), (seed, length, digits) => {
                assert.match(mockHexId("i", seed, length), new RegExp(`^i-[0-9a-f]{${length}}$`));
                assert.match(mockHexId("", seed, length), new RegExp(`^[0-9a-f]{${length}}$`));
                const ip = mockIpv4(seed, "10.7");
                assert.ok(net.isIPv4(ip), ip);
                assert.ok(ip.startsWith("10.7."), ip);
                const last = Number(ip.split(".")[3]);
                assert.ok(last >= 4 && last <= 253, `${ip}: the last octet avoids .0-.3 and .255`);
                assert.match(mockNumericId(seed, digits), new RegExp(`^[0-9]{${digits}}$`));
            }),
            { numRuns: 300 },
        );
    });
    test("an invented host key is a sound ssh-ed25519 line, the same for a seed, distinct for distinct seeds", () => {
        fc.assert(
            fc.property(seeds, ([a, b]) => {
                const key = mockEd25519HostKey(a);
                assert.equal(hostKeyProblem(key), undefined, key);
                assert.equal(parseHostKey(key)?.type, "ssh-ed25519");
                assert.equal(mockEd25519HostKey(a), key);
                assert.notEqual(mockEd25519HostKey(b), key);
            }),
            { numRuns: 100 },
        );
    });
    test("a wrapped secret is recognised; plain values, null and look-alikes are not", () => {
        const w = wrapSecret("s3cret");
        assert.ok(isWrappedSecret(w));
        assert.equal(w.value, "s3cret");
        for (const v of [null, undefined, "s3cret", 1, { value: "s3cret" }, { ...w, "4dabf18193072939515e22adb298388d": "other" }])
            assert.equal(isWrappedSecret(v), false, JSON.stringify(v));
    });
});
