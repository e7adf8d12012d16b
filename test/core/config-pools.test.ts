/**
 * The core config parser on kubeforge:workerPools: names, counts, labels, taints, Windows pools,
 * failure domains and kubelet versions.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { base, issuesOf, specOf, expectIssue, pool } from "./configFixture";

describe("workerPools", () => {
    test("names are DNS labels, unique, and not the masters'", () => {
        expectIssue(
            base({ workerPools: [pool(), pool({ count: 1 })] }),
            "kubeforge:workerPools[1].name",
            /already the name of workerPools\[0\]/,
        );
        expectIssue(base({ workerPools: [pool({ name: "control-plane" })] }), "kubeforge:workerPools[0].name", /reserved for the masters/);
        expectIssue(base({ workerPools: [pool({ name: "cp" })] }), "kubeforge:workerPools[0].name", /reserved for the masters/);
        expectIssue(base({ workerPools: [pool({ name: "Big_Nodes" })] }), "kubeforge:workerPools[0].name", /DNS label/);
        expectIssue(base({ workerPools: [{ count: 1 }] }), "kubeforge:workerPools[0].name", /is required/);
    });
    test("a duplicate name is found even when the first pool has other problems", () => {
        const issues = issuesOf(base({ workerPools: [pool({ spot: "yes" }), pool()] }));
        assert.deepEqual(issues.map((i) => i.field).sort(), ["kubeforge:workerPools[0].spot", "kubeforge:workerPools[1].name"]);
    });
    test("node names must fit a host name", () => {
        expectIssue(
            base({ name: "a".repeat(32), workerPools: [pool({ name: "b".repeat(30), count: 1 })] }),
            "kubeforge:workerPools[0].name",
            /over the 63/,
        );
    });
    test("count is a whole number, zero allowed", () => {
        assert.equal(specOf(base({ workerPools: [pool({ count: 0 })] })).workerPools[0].count, 0);
        expectIssue(base({ workerPools: [pool({ count: -1 })] }), "kubeforge:workerPools[0].count", /at least 0/);
        expectIssue(base({ workerPools: [{ name: "x" }] }), "kubeforge:workerPools[0].count", /is required/);
    });
    test("labels follow kubelet's --node-labels rules", () => {
        const ok = specOf(
            base({ workerPools: [pool({ labels: { "node.kubernetes.io/role": "db", "topology.kubernetes.io/region": "r1", tier: "" } })] }),
        );
        assert.deepEqual(ok.workerPools[0].labels, { "node.kubernetes.io/role": "db", "topology.kubernetes.io/region": "r1", tier: "" });
        expectIssue(
            base({ workerPools: [pool({ labels: { "node-role.kubernetes.io/worker": "" } })] }),
            'kubeforge:workerPools[0].labels["node-role.kubernetes.io/worker"]',
            /kubelet refuses/,
        );
        expectIssue(
            base({ workerPools: [pool({ labels: { "kubeforge.io/pool": "x" } })] }),
            'kubeforge:workerPools[0].labels["kubeforge.io/pool"]',
            /reserves/,
        );
        expectIssue(
            base({ workerPools: [pool({ labels: { "example.com/gpu": true } })] }),
            'kubeforge:workerPools[0].labels["example.com/gpu"]',
            /quote/,
        );
        expectIssue(
            base({ workerPools: [pool({ labels: { team: "a b" } })] }),
            "kubeforge:workerPools[0].labels.team",
            /not a valid label value/,
        );
    });
    test("taints as objects or key=value:Effect strings", () => {
        expectIssue(
            base({ workerPools: [pool(), pool({ name: "gpu", taints: [{ key: "gpu", effect: "NoScheduel" }] })] }),
            "kubeforge:workerPools[1].taints[0].effect",
            /not a taint effect/,
        );
        expectIssue(base({ workerPools: [pool({ taints: ["gpu=true"] })] }), "kubeforge:workerPools[0].taints[0]", /has no effect/);
        expectIssue(
            base({ workerPools: [pool({ taints: [{ key: "gpu" }] })] }),
            "kubeforge:workerPools[0].taints[0].effect",
            /is required/,
        );
        expectIssue(
            base({ workerPools: [pool({ taints: [{ effect: "NoSchedule" }] })] }),
            "kubeforge:workerPools[0].taints[0].key",
            /is required/,
        );
        expectIssue(
            base({ workerPools: [pool({ taints: ["bad key:NoSchedule"] })] }),
            "kubeforge:workerPools[0].taints[0].key",
            /invalid name/,
        );
        expectIssue(
            base({ workerPools: [pool({ taints: ["k=bad value:NoSchedule"] })] }),
            "kubeforge:workerPools[0].taints[0].value",
            /label value/,
        );
        expectIssue(
            base({ workerPools: [pool({ taints: ["node.kubernetes.io/not-ready:NoExecute"] })] }),
            "kubeforge:workerPools[0].taints[0].key",
            /managed by Kubernetes/,
        );
        expectIssue(
            base({ workerPools: [pool({ taints: ["a=1:NoSchedule", "a=2:NoSchedule"] })] }),
            "kubeforge:workerPools[0].taints[1]",
            /repeats the key and effect/,
        );
        expectIssue(
            base({ workerPools: [pool({ taints: [{ key: "a", effect: "NoSchedule", efect: "x" }] })] }),
            "kubeforge:workerPools[0].taints[0].efect",
            /did you mean "effect"/,
        );
        const spec = specOf(base({ workerPools: [pool({ taints: ["a:NoSchedule", "a:NoExecute"] })] }));
        assert.deepEqual(spec.workerPools[0].taints, [
            { key: "a", effect: "NoSchedule" },
            { key: "a", effect: "NoExecute" },
        ]);
    });
    test("Windows pools need a CNI that runs on Windows", () => {
        expectIssue(
            base({ workerPools: [pool({ os: "windows" })] }),
            "kubeforge:workerPools[0].os",
            /Cilium has no Windows support.*calico/,
        );
        assert.equal(specOf(base({ cni: "calico", workerPools: [pool({ os: "windows" })] })).workerPools[0].os, "windows");
        expectIssue(base({ workerPools: [pool({ os: "macos" })] }), "kubeforge:workerPools[0].os", /"linux", "windows"/);
    });
    test("Windows disks are at least 32 GiB and default to 50", () => {
        expectIssue(
            base({ cni: "calico", workerPools: [pool({ os: "windows", diskSizeGb: 30 })] }),
            "kubeforge:workerPools[0].diskSizeGb",
            /at least 32/,
        );
        assert.equal(specOf(base({ cni: "calico", workerPools: [pool({ os: "windows" })] })).workerPools[0].diskSizeGb, 50);
    });
    test("pool failure domains are a subset of the cluster's", () => {
        expectIssue(
            base({ failureDomains: ["a", "b"], workerPools: [pool({ failureDomains: ["a", "c"] })] }),
            "kubeforge:workerPools[0].failureDomains[1]",
            /not one of the failure domains of kubeforge:failureDomains \(a, b\)/,
        );
        expectIssue(base({ workerPools: [pool({ failureDomains: [] })] }), "kubeforge:workerPools[0].failureDomains", /empty list/);
    });
    test("pool kubelet version: within the window, never newer, at most 3 minors behind", () => {
        assert.equal(specOf(base({ workerPools: [pool({ kubernetesVersion: "1.34" })] })).workerPools[0].kubernetesVersion, "1.34.11");
        expectIssue(
            base({ kubernetesVersion: "1.35", workerPools: [pool({ kubernetesVersion: "1.36" })] }),
            "kubeforge:workerPools[0].kubernetesVersion",
            /newer than the control plane/,
        );
        expectIssue(
            base({ workerPools: [pool({ kubernetesVersion: "1.32" })] }),
            "kubeforge:workerPools[0].kubernetesVersion",
            /1\.34–1\.36/,
        );
    });
    test("workerPools must be a list of maps", () => {
        expectIssue(base({ workerPools: { name: "x" } }), "kubeforge:workerPools", /must be a list/);
        expectIssue(base({ workerPools: ["general"] }), "kubeforge:workerPools[0]", /must be a map/);
    });
});
