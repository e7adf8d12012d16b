import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { runPolicies } from "../../policies/evaluate";
import { AWS_TYPES } from "../../components/platforms/aws/policy";
import { CLUSTER, clusterRecord, healthyCluster, instance, nodeRecord, policiesOf, replace, resource } from "./builders";

describe("kubernetes-version-window", () => {
    test("a control plane outside 1.34-1.36 is reported, and so is each node outside it", async () => {
        const resources = healthyCluster().map((r) =>
            r.type.endsWith("NodeLifecycle") || r.type.endsWith("ApiReadiness")
                ? { ...r, inputs: { ...r.inputs, kubernetesVersion: "1.33.9" } }
                : r,
        );
        const v = await runPolicies(resources);
        assert.deepEqual([...new Set(policiesOf(v))], ["kubernetes-version-window"]);
        assert.equal(v.length, 6);
        const newer = await runPolicies(replace(healthyCluster(), clusterRecord({ kubernetesVersion: "v1.37.0" })));
        assert.deepEqual(
            policiesOf(newer).filter((p) => p === "kubernetes-version-window"),
            ["kubernetes-version-window"],
        );
    });
    test("a malformed version is reported; the window is configurable", async () => {
        assert.deepEqual(policiesOf(await runPolicies(replace(healthyCluster(), clusterRecord({ kubernetesVersion: "latest" })))), [
            "kubernetes-version-window",
        ]);
        const v = await runPolicies(healthyCluster(), {
            config: { "kubernetes-version-window": { minVersion: "1.34", maxVersion: "1.35" } },
        });
        assert.equal(v.filter((x) => x.policy === "kubernetes-version-window").length, 6);
    });
});

describe("kubelet-skew", () => {
    const withWorker = (version: string) =>
        replace(healthyCluster(), nodeRecord("demo-general-1", { kubernetesVersion: version, failureDomain: "eu-west-1b" }));
    test("three minors behind passes, four is reported", async () => {
        const ok = await runPolicies(withWorker("1.33.2"), { config: { "kubernetes-version-window": { minVersion: "1.30" } } });
        assert.deepEqual(policiesOf(ok), []);
        const bad = await runPolicies(withWorker("1.32.0"), { config: { "kubernetes-version-window": { minVersion: "1.30" } } });
        assert.deepEqual(policiesOf(bad), ["kubelet-skew"]);
        assert.match(bad[0].resource ?? "", /NodeLifecycle::demo-general-1$/);
    });
    test("a kubelet newer than the API server is reported", async () => {
        const v = await runPolicies(replace(withWorker("1.36.4"), clusterRecord({ kubernetesVersion: "1.35.8" })));
        assert.deepEqual(policiesOf(v), ["kubelet-skew", "kubelet-skew", "kubelet-skew", "kubelet-skew", "kubelet-skew"]);
    });
    test("maxSkew is configurable", async () => {
        const v = await runPolicies(withWorker("1.35.8"), { config: { "kubelet-skew": { maxSkew: 0 } } });
        assert.deepEqual(policiesOf(v), ["kubelet-skew"]);
    });
});

describe("node-tags", () => {
    const tags = (drop: string) => {
        const t = { ...(instance("demo-cp-0", "control-plane").inputs.tags as Record<string, string>) };
        delete t[drop];
        return t;
    };
    test("an instance without the cloud controller's cluster tag or the role tag is reported", async () => {
        for (const key of [`kubernetes.io/cluster/${CLUSTER}`, "kubeforge.io/role"]) {
            const v = await runPolicies(replace(healthyCluster(), instance("demo-cp-0", "control-plane", { tags: tags(key) })));
            const names = policiesOf(v);
            assert.ok(names.includes("node-tags"), key);
            assert.match(v.find((x) => x.policy === "node-tags")?.message ?? "", new RegExp(key.replace(/[/.]/g, "\\$&")));
        }
    });
    test("an untagged instance is reported as belonging to no cluster", async () => {
        const v = await runPolicies([
            resource(AWS_TYPES.instance, "stray", { rootBlockDevice: { encrypted: true }, metadataOptions: { httpTokens: "required" } }),
        ]);
        assert.deepEqual(policiesOf(v), ["node-tags"]);
        assert.match(v[0].message, /kubernetes\.io\/cluster\/<cluster>, kubeforge\.io\/role/);
    });
    test("a cluster subnet needs the cluster tag, not a role; extra keys come from config", async () => {
        const subnet = resource(AWS_TYPES.subnet, "demo-subnet-b", { tags: { "kubeforge.io/cluster": CLUSTER } });
        const v = await runPolicies([...healthyCluster(), subnet]);
        assert.deepEqual(policiesOf(v), ["node-tags"]);
        assert.match(v[0].message, /^subnet demo-subnet-b lacks tag\(s\) kubernetes\.io\/cluster\/demo,/);
        const extra = await runPolicies(healthyCluster(), {
            config: { "node-tags": { extraTagKeys: ["owner", "kubeforge.io/{cluster}-cost"] } },
        });
        assert.equal(extra.length, 5);
        assert.match(extra[0].message, /owner, kubeforge\.io\/demo-cost this pack requires; set them in kubeforge:tags$/);
    });
});
