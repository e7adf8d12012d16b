import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
    DEFAULT_KUBERNETES_VERSION,
    kubeletSkewError,
    MAX_KUBELET_SKEW,
    resolveKubernetesVersion,
    SUPPORTED_MINORS,
    type KubernetesVersion,
} from "../../components/core/versions";

function resolved(text: string): KubernetesVersion {
    const r = resolveKubernetesVersion(text);
    assert.ok(r.ok, `${text} should resolve`);
    return r.value;
}

describe("Kubernetes versions", () => {
    test("the window is 1.34 to 1.36 and the default is the newest known 1.36 patch", () => {
        assert.deepEqual(SUPPORTED_MINORS, ["1.34", "1.35", "1.36"]);
        assert.equal(DEFAULT_KUBERNETES_VERSION, "1.36.4");
    });

    test("a bare minor means its newest known patch", () => {
        assert.deepEqual(resolved("1.36"), { version: "1.36.4", minor: "1.36" });
        assert.deepEqual(resolved("1.35"), { version: "1.35.8", minor: "1.35" });
        assert.deepEqual(resolved("1.34"), { version: "1.34.11", minor: "1.34" });
    });

    test("a full version is kept as written (leading v tolerated)", () => {
        assert.deepEqual(resolved("1.35.2"), { version: "1.35.2", minor: "1.35" });
        assert.deepEqual(resolved("v1.36.0"), { version: "1.36.0", minor: "1.36" });
    });

    test("versions outside the window name the window", () => {
        for (const text of ["1.33", "1.33.9", "1.37", "1.37.0", "1.2", "2.0"]) {
            const r = resolveKubernetesVersion(text);
            assert.equal(r.ok, false, text);
            if (!r.ok) assert.match(r.error, /1\.34–1\.36/, text);
        }
    });

    test("malformed versions are rejected with an example", () => {
        for (const text of ["", "latest", "1", "1.36.", "1.36.4.1", "1.036", "1.36.04", "1.36-rc.1"]) {
            const r = resolveKubernetesVersion(text);
            assert.equal(r.ok, false, text);
            if (!r.ok) assert.match(r.error, /not a Kubernetes version; write .*1\.36\.4/, text);
        }
    });

    test("kubelet may lag by at most three minors and never be a newer minor", () => {
        const cp = { version: "1.38.0", minor: "1.38" };
        assert.equal(MAX_KUBELET_SKEW, 3);
        assert.equal(kubeletSkewError({ version: "1.35.1", minor: "1.35" }, cp), undefined);
        assert.match(kubeletSkewError({ version: "1.34.1", minor: "1.34" }, cp) ?? "", /lags .* by 4 minors/);
        assert.match(kubeletSkewError(resolved("1.36"), resolved("1.35")) ?? "", /newer than the control plane/);
        assert.equal(
            kubeletSkewError(resolved("1.36.4"), resolved("1.36.1")),
            undefined,
            "a newer patch of the same minor is within policy",
        );
        assert.equal(kubeletSkewError(resolved("1.34"), resolved("1.36")), undefined);
    });
});
