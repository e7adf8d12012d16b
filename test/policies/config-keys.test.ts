/**
 * Every policy's message names what the user changes: the `kubeforge:` stack-config key that fixes it, or,
 * where kubeforge always makes the setting safe and no key changes it, says so (the resource then comes
 * from outside the stack config). Never only a provider field such as `metadataOptions.httpPutResponseHopLimit`.
 * One case per way a policy reports; a policy added to the pack without a case here fails the last test.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { policies } from "../../policies/policies";
import { runPolicies } from "../../policies/evaluate";
import { AWS_TYPES } from "../../components/platforms/aws/policy";
import type { PolicyInputResource } from "../../policies/evaluate";
import { clusterRecord, healthyCluster, ingressRule, instance, mastersCluster, nodeRecord, replace, resource } from "./builders";

/** Says the setting has no key, so the resource was added or changed outside the stack config. */
const NO_KEY = /kubeforge .+ and no kubeforge:\* key changes that, so this comes from outside the stack config: /;
const zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
const world = { ipProtocol: "tcp", securityGroupId: "demo-nodes-sg-id", cidrIpv4: "0.0.0.0/0" };

interface Case {
    /** Policy that must report. */
    policy: string;
    /** What the case shows. */
    what: string;
    /** The stack. */
    resources: () => PolicyInputResource[];
    /** Stack tags the policies see. */
    stackTags?: Record<string, string>;
    /** What its message must name. */
    names: RegExp;
}

const CASES: Case[] = [
    {
        policy: "control-plane-count",
        what: "even count",
        resources: () => mastersCluster(4, (i) => zones[i % 3]),
        names: /set kubeforge:controlPlane\.count to 3 or 5/,
    },
    {
        policy: "control-plane-spread",
        what: "two in one zone",
        resources: () => mastersCluster(3, (i) => zones[Math.min(i, 1)]),
        names: /kubeforge:failureDomains/,
    },
    {
        policy: "control-plane-spread",
        what: "an undeclared domain",
        resources: () => mastersCluster(3, (i) => (i === 0 ? "eu-west-1z" : zones[i])),
        names: /add it to kubeforge:failureDomains/,
    },
    {
        policy: "control-plane-single",
        what: "one master",
        resources: () => mastersCluster(1, () => zones[0], { failureDomains: [zones[0]] }),
        names: /set kubeforge:controlPlane\.count to 3/,
    },
    {
        policy: "control-plane-single-production",
        what: "one master in production",
        resources: () => mastersCluster(1, () => zones[0], { failureDomains: [zones[0]] }),
        stackTags: { environment: "production" },
        names: /set kubeforge:controlPlane\.count to 3/,
    },
    {
        policy: "control-plane-linux",
        what: "a Windows master",
        resources: () => replace(healthyCluster(), nodeRecord("demo-cp-0", { role: "control-plane", os: "windows" })),
        names: /set kubeforge:controlPlane\.os to linux .*kubeforge:workerPools/,
    },
    {
        policy: "control-plane-taint",
        what: "an untainted master",
        resources: () => replace(healthyCluster(), nodeRecord("demo-cp-0", { role: "control-plane", taints: [] })),
        names: NO_KEY,
    },
    {
        policy: "disks-encrypted",
        what: "an unencrypted root disk",
        resources: () => replace(healthyCluster(), instance("demo-general-0", "worker", { rootBlockDevice: { encrypted: false } })),
        names: NO_KEY,
    },
    {
        policy: "secrets-encryption",
        what: "plain-text Secrets",
        resources: () => replace(healthyCluster(), clusterRecord({ secretsEncryption: false })),
        names: /set kubeforge:secretsEncryption to true/,
    },
    {
        policy: "ssh-not-public",
        what: "SSH open by config",
        resources: () => replace(healthyCluster(), clusterRecord({ sshAllowedCidrs: ["0.0.0.0/0"] })),
        names: /kubeforge:access\.sshAllowedCidrs/,
    },
    {
        policy: "ssh-not-public",
        what: "SSH open by a rule",
        resources: () => [...healthyCluster(), ingressRule("ssh-world", { ...world, fromPort: 22, toPort: 22 })],
        names: /kubeforge:access\.sshAllowedCidrs/,
    },
    {
        policy: "api-not-public",
        what: "the API open by a rule",
        resources: () => [...healthyCluster(), ingressRule("api-world", { ...world, fromPort: 6443, toPort: 6443 })],
        names: /kubeforge:access\.apiAllowedCidrs/,
    },
    {
        policy: "api-public-by-config",
        what: "the API open by config",
        resources: () => replace(healthyCluster(), clusterRecord({ apiAllowedCidrs: ["0.0.0.0/0"] })),
        names: /kubeforge:access\.apiAllowedCidrs/,
    },
    {
        policy: "nodeports-not-public",
        what: "node ports open by a rule",
        resources: () => [...healthyCluster(), ingressRule("np-world", { ...world, fromPort: 30000, toPort: 32767 })],
        names: /kubeforge opens node ports only to kubeforge:network\.nodeCidr and no kubeforge:\* key changes that/,
    },
    {
        policy: "etcd-masters-only",
        what: "etcd open to the workers",
        resources: () => [
            ...healthyCluster(),
            ingressRule("etcd-workers", {
                ipProtocol: "tcp",
                fromPort: 2379,
                toPort: 2380,
                securityGroupId: "demo-cp-sg-id",
                referencedSecurityGroupId: "demo-worker-sg-id",
            }),
        ],
        names: NO_KEY,
    },
    {
        policy: "imdsv2-required",
        what: "tokens optional",
        resources: () => replace(healthyCluster(), instance("demo-general-0", "worker", { metadataOptions: { httpTokens: "optional" } })),
        names: NO_KEY,
    },
    {
        policy: "imds-hop-limit",
        what: "a worker's hop limit, which kubeforge:aws sets",
        resources: () =>
            replace(
                healthyCluster(),
                instance("demo-general-0", "worker", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }),
            ),
        names: /set kubeforge:aws\.workerMetadataHopLimit to 1$/,
    },
    {
        policy: "imds-hop-limit",
        what: "a master's hop limit, which no key sets",
        resources: () =>
            replace(
                healthyCluster(),
                instance("demo-cp-0", "control-plane", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }),
            ),
        names: NO_KEY,
    },
    {
        policy: "node-tags",
        what: "a node without kubeforge's own tags",
        resources: () => [
            ...healthyCluster(),
            resource(AWS_TYPES.instance, "stray", { rootBlockDevice: { encrypted: true }, metadataOptions: { httpTokens: "required" } }),
        ],
        names: NO_KEY,
    },
    {
        policy: "kubernetes-version-window",
        what: "an old control plane",
        resources: () => replace(healthyCluster(), clusterRecord({ kubernetesVersion: "1.20.0" })),
        names: /set kubeforge:kubernetesVersion/,
    },
    {
        policy: "kubelet-skew",
        what: "a kubelet newer than the API server",
        resources: () => replace(healthyCluster(), nodeRecord("demo-general-0", { kubernetesVersion: "1.37.0" })),
        names: /raise kubeforge:kubernetesVersion, or lower pool "general"'s kubernetesVersion in kubeforge:workerPools/,
    },
];

describe("each policy's message names the config key that fixes it", () => {
    for (const c of CASES) {
        test(`${c.policy}: ${c.what}`, async () => {
            const found = (await runPolicies(c.resources(), { stackTags: c.stackTags })).filter((v) => v.policy === c.policy);
            assert.ok(found.length > 0, `${c.policy} did not report`);
            for (const v of found) {
                assert.match(v.message, c.names);
                assert.doesNotMatch(v.message, /^[^:]*\bset (metadataOptions|rootBlockDevice)\./, "a provider field as the only fix");
            }
        });
    }

    test("the extra tags this pack requires are set in kubeforge:tags", async () => {
        const v = await runPolicies(healthyCluster(), { config: { "node-tags": { extraTagKeys: ["owner"] } } });
        assert.ok(v.length > 0);
        for (const m of v.map((x) => x.message)) assert.match(m, /lacks tag\(s\) owner this pack requires; set them in kubeforge:tags$/);
    });

    test("a kubelet too far behind names its pool's key", async () => {
        const v = await runPolicies(replace(healthyCluster(), nodeRecord("demo-general-0", { kubernetesVersion: "1.31.0" })), {
            config: { "kubernetes-version-window": { enforcementLevel: "disabled" } },
        });
        const skew = v.filter((x) => x.policy === "kubelet-skew");
        assert.equal(skew.length, 1, v.map((x) => x.message).join("\n"));
        assert.match(skew[0].message, /raise pool "general"'s kubernetesVersion in kubeforge:workerPools/);
    });

    test("every policy of the pack has a case", () => {
        assert.deepEqual(
            policies.map((p) => p.name).filter((name) => !CASES.some((c) => c.policy === name)),
            [],
        );
    });
});
