import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
    dnsLabelError,
    formatTaint,
    isKubeletLabel,
    labelValueError,
    nodeLabelKeyError,
    qualifiedNameError,
    splitTaintString,
    taintEffectError,
    taintKeyError,
} from "../../components/core/k8s-names";
import { closestMatch, editDistance } from "../../components/core/suggest";

describe("names", () => {
    test("DNS labels", () => {
        for (const ok of ["a", "dev", "prod-1", "0abc", "a".repeat(63)]) assert.equal(dnsLabelError(ok), undefined, ok);
        for (const bad of ["", "Dev", "-a", "a-", "a_b", "a.b", "a".repeat(64)]) assert.notEqual(dnsLabelError(bad), undefined, bad);
        assert.match(dnsLabelError("a".repeat(33), 32) ?? "", /at most 32/);
    });

    test("qualified names (label and taint keys)", () => {
        for (const ok of ["gpu", "example.com/gpu", "a.b-c_d", "node.kubernetes.io/pool", "A/x".toLowerCase(), "x".repeat(63)])
            assert.equal(qualifiedNameError(ok), undefined, ok);
        for (const bad of [
            "",
            "/gpu",
            "Example.com/gpu",
            "a/b/c",
            "example.com/",
            "-gpu",
            "gpu-",
            "x".repeat(64),
            `${"a".repeat(254)}/x`,
        ]) {
            assert.notEqual(qualifiedNameError(bad), undefined, bad);
        }
    });

    test("label values", () => {
        for (const ok of ["", "a", "A.b_c-d", "x".repeat(63)]) assert.equal(labelValueError(ok), undefined, ok);
        for (const bad of ["-a", "a-", "a b", "a/b", "x".repeat(64)]) assert.notEqual(labelValueError(bad), undefined, bad);
    });
});

describe("node labels kubelet may set (--node-labels)", () => {
    test("keys outside kubernetes.io and k8s.io are free", () => {
        assert.equal(isKubeletLabel("example.com/gpu"), true);
        assert.equal(isKubeletLabel("gpu"), true);
        assert.equal(isKubeletLabel("kubernetes.io.example.com/x"), true, "a suffix of the namespace is not the namespace");
    });

    test("node.kubernetes.io and kubelet.kubernetes.io namespaces (and subdomains) are allowed", () => {
        for (const key of [
            "node.kubernetes.io/pool",
            "kubelet.kubernetes.io/x",
            "a.node.kubernetes.io/x",
            "node.kubernetes.io/instance-type",
            "topology.kubernetes.io/zone",
        ]) {
            assert.equal(isKubeletLabel(key), true, key);
        }
    });

    test("other kubernetes.io / k8s.io keys are refused, node-role.kubernetes.io included", () => {
        for (const key of [
            "node-role.kubernetes.io/worker",
            "kubernetes.io/role",
            "k8s.io/x",
            "foo.k8s.io/x",
            "node-restriction.kubernetes.io/x",
            "topology.kubernetes.io/rack",
        ]) {
            assert.equal(isKubeletLabel(key), false, key);
            assert.match(nodeLabelKeyError(key) ?? "", /kubelet refuses/, key);
        }
    });

    test("kubeforge.io is reserved and kubelet's own labels cannot be overridden", () => {
        assert.match(nodeLabelKeyError("kubeforge.io/pool") ?? "", /reserves/);
        assert.match(nodeLabelKeyError("x.kubeforge.io/a") ?? "", /reserves/);
        assert.match(nodeLabelKeyError("kubernetes.io/os") ?? "", /set by the kubelet itself/);
        assert.equal(nodeLabelKeyError("example.com/team"), undefined);
    });
});

describe("taints", () => {
    test("short forms split into key, value and effect", () => {
        assert.deepEqual(splitTaintString("dedicated=gpu:NoSchedule"), { key: "dedicated", value: "gpu", effect: "NoSchedule" });
        assert.deepEqual(splitTaintString("example.com/spot:PreferNoSchedule"), { key: "example.com/spot", effect: "PreferNoSchedule" });
        assert.deepEqual(splitTaintString("a=:NoExecute"), { key: "a", value: undefined, effect: "NoExecute" });
        assert.equal(splitTaintString("dedicated=gpu"), undefined);
        assert.equal(formatTaint({ key: "dedicated", value: "gpu", effect: "NoSchedule" }), "dedicated=gpu:NoSchedule");
    });

    test("effects and reserved keys", () => {
        assert.equal(taintEffectError("NoExecute"), undefined);
        assert.notEqual(taintEffectError("noschedule"), undefined);
        assert.equal(taintKeyError("example.com/gpu"), undefined);
        for (const key of [
            "node.kubernetes.io/not-ready",
            "node.cloudprovider.kubernetes.io/uninitialized",
            "node-role.kubernetes.io/control-plane",
        ]) {
            assert.notEqual(taintKeyError(key), undefined, key);
        }
        assert.equal(taintKeyError("kubeforge.io/spot"), undefined, "kubeforge sets no taint of its own there");
    });
});

describe("did you mean", () => {
    test("edit distance counts a swap of neighbours as one edit", () => {
        assert.equal(editDistance("name", "name"), 0);
        assert.equal(editDistance("nmae", "name"), 1);
        assert.equal(editDistance("kitten", "sitting"), 3);
        assert.equal(editDistance("", "abc"), 3);
    });

    test("suggests close keys only", () => {
        const keys = ["name", "platform", "workerPools", "controlPlane"];
        assert.equal(closestMatch("workerpools", keys), "workerPools");
        assert.equal(closestMatch("platfrom", keys), "platform");
        assert.equal(closestMatch("zzzzzz", keys), undefined);
    });
});
