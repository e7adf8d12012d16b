import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseClusterConfig, readRawConfig, type RawConfig } from "../../components/core/config";
import type { ClusterSpec, ConfigIssue } from "../../components/core/types";

/** The smallest valid config. */
function base(extra: RawConfig = {}): RawConfig {
    return { name: "demo", platform: "aws", access: { apiAllowedCidrs: ["203.0.113.7/32"] }, ...extra };
}

function issuesOf(raw: RawConfig, platformNames?: string[]): ConfigIssue[] {
    return parseClusterConfig(raw, platformNames ? { platformNames } : {}).issues;
}

function specOf(raw: RawConfig): ClusterSpec {
    const result = parseClusterConfig(raw);
    assert.deepEqual(result.issues, []);
    assert.ok(result.spec);
    return result.spec;
}

/** Asserts exactly one issue on `field` whose message matches `pattern`, and a "; " before the fix. */
function expectIssue(raw: RawConfig, field: string, pattern: RegExp): void {
    const issues = issuesOf(raw);
    const matching = issues.filter((i) => i.field === field);
    assert.equal(matching.length, 1, `expected one issue on ${field}, got ${JSON.stringify(issues, null, 1)}`);
    assert.match(matching[0].message, pattern);
    assert.match(matching[0].message, /; /, "message says what is wrong; how to fix");
    assert.equal(parseClusterConfig(raw).spec, undefined, "no spec when there are issues");
}

function pool(extra: RawConfig = {}): RawConfig {
    return { name: "general", count: 2, ...extra };
}

describe("defaults", () => {
    test("a minimal config gets every documented default", () => {
        const spec = specOf(base());
        assert.deepEqual(spec, {
            name: "demo",
            kubernetesVersion: "1.36.4",
            kubernetesMinor: "1.36",
            controlPlane: { count: 3, diskSizeGb: 50, spread: "required" },
            workerPools: [],
            failureDomains: [],
            network: { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", nodeCidr: "10.0.0.0/16" },
            cni: "cilium",
            access: { apiAllowedCidrs: ["203.0.113.7/32"], sshAllowedCidrs: [], sshPublicKeys: [] },
            secretsEncryption: true,
            tags: {},
            lifecycle: { drainOnDelete: true, drainTimeoutSeconds: 600, bootstrapTokenHours: 24 },
            platform: "aws",
            platformConfig: undefined,
        });
    });

    test("a pool gets its defaults and keeps optional fields absent", () => {
        const spec = specOf(base({ workerPools: [pool()] }));
        assert.deepEqual(spec.workerPools, [
            { name: "general", count: 2, labels: {}, taints: [], os: "linux", spot: false, diskSizeGb: 50 },
        ]);
    });

    test("everything set explicitly is kept", () => {
        const spec = specOf(
            base({
                kubernetesVersion: "1.35",
                controlPlane: { count: 5, machineType: "m7i.large", diskSizeGb: 80, spread: "preferred" },
                failureDomains: ["a", "b", "c"],
                cni: "calico",
                workerPools: [
                    pool({
                        machineType: "c7i.xlarge",
                        labels: { "example.com/team": "data", "node.kubernetes.io/pool": "gp" },
                        taints: ["dedicated=data:NoSchedule", { key: "example.com/spot", effect: "PreferNoSchedule" }],
                        spot: true,
                        diskSizeGb: 100,
                        failureDomains: ["a", "b"],
                        kubernetesVersion: "1.34.2",
                    }),
                    { name: "win", count: 1, os: "windows" },
                ],
                network: { podCidr: "192.168.0.0/16", serviceCidr: "172.20.0.0/16", nodeCidr: "10.10.0.0/16" },
                access: {
                    apiAllowedCidrs: ["198.51.100.0/24"],
                    sshAllowedCidrs: ["198.51.100.7/32"],
                    sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHVq me@laptop"],
                },
                secretsEncryption: false,
                tags: { team: "platform" },
            }),
        );
        assert.equal(spec.kubernetesVersion, "1.35.8");
        assert.deepEqual(spec.controlPlane, { count: 5, machineType: "m7i.large", diskSizeGb: 80, spread: "preferred" });
        assert.deepEqual(spec.workerPools[0], {
            name: "general",
            count: 2,
            machineType: "c7i.xlarge",
            labels: { "example.com/team": "data", "node.kubernetes.io/pool": "gp" },
            taints: [
                { key: "dedicated", value: "data", effect: "NoSchedule" },
                { key: "example.com/spot", effect: "PreferNoSchedule" },
            ],
            os: "linux",
            spot: true,
            diskSizeGb: 100,
            failureDomains: ["a", "b"],
            kubernetesVersion: "1.34.2",
        });
        assert.equal(spec.workerPools[1].os, "windows");
        assert.equal(spec.cni, "calico");
        assert.equal(spec.secretsEncryption, false);
        assert.deepEqual(spec.tags, { team: "platform" });
        assert.deepEqual(spec.failureDomains, ["a", "b", "c"]);
    });
});

describe("name and platform", () => {
    test("name is required", () => {
        const { name: _, ...rest } = base();
        expectIssue(rest, "kubeforge:name", /is required/);
    });
    test("name is a DNS label of at most 32 characters", () => {
        assert.equal(specOf(base({ name: "a".repeat(32) })).name, "a".repeat(32));
        expectIssue(base({ name: "a".repeat(33) }), "kubeforge:name", /at most 32/);
        expectIssue(base({ name: "My_Cluster" }), "kubeforge:name", /not a DNS label/);
        expectIssue(base({ name: 42 }), "kubeforge:name", /must be a string/);
    });
    test("platform is required and, when the names are known, must be one of them", () => {
        const { platform: _, ...rest } = base();
        expectIssue(rest, "kubeforge:platform", /is required/);
        const issues = issuesOf(base({ platform: "azure" }), ["aws", "baremetal"]);
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:platform"],
        );
        assert.match(issues[0].message, /aws, baremetal/);
    });
});

describe("kubernetesVersion", () => {
    test("minor or full version inside 1.34–1.36", () => {
        assert.equal(specOf(base({ kubernetesVersion: "1.34" })).kubernetesVersion, "1.34.11");
        assert.equal(specOf(base({ kubernetesVersion: "1.36.1" })).kubernetesMinor, "1.36");
    });
    test("outside the window names the window", () => {
        expectIssue(base({ kubernetesVersion: "1.33" }), "kubeforge:kubernetesVersion", /1\.34–1\.36/);
        expectIssue(base({ kubernetesVersion: "1.37.0" }), "kubeforge:kubernetesVersion", /1\.34–1\.36/);
    });
    test("a YAML number is refused with a hint to quote it", () => {
        expectIssue(base({ kubernetesVersion: 1.35 }), "kubeforge:kubernetesVersion", /quote it/);
    });
});

describe("controlPlane", () => {
    test("count must be 1, 3, 5 or 7", () => {
        for (const count of [1, 3, 5, 7]) assert.equal(specOf(base({ controlPlane: { count } })).controlPlane.count, count);
        for (const count of [0, 2, 4, 6, -1])
            expectIssue(base({ controlPlane: { count } }), "kubeforge:controlPlane.count", /etcd quorum needs an odd count/);
        expectIssue(base({ controlPlane: { count: 9 } }), "kubeforge:controlPlane.count", /more than 7/);
        expectIssue(base({ controlPlane: { count: 2.5 } }), "kubeforge:controlPlane.count", /whole number/);
        expectIssue(base({ controlPlane: { count: "3" } }), "kubeforge:controlPlane.count", /whole number/);
    });
    test("disk is at least 20 GiB", () => {
        assert.equal(specOf(base({ controlPlane: { diskSizeGb: 20 } })).controlPlane.diskSizeGb, 20);
        expectIssue(base({ controlPlane: { diskSizeGb: 19 } }), "kubeforge:controlPlane.diskSizeGb", /at least 20/);
    });
    test("spread is required or preferred", () => {
        expectIssue(base({ controlPlane: { spread: "always" } }), "kubeforge:controlPlane.spread", /"required", "preferred"/);
    });
    test("masters are always Linux", () => {
        expectIssue(base({ controlPlane: { os: "windows" } }), "kubeforge:controlPlane.os", /masters are always Linux/);
        assert.equal(specOf(base({ controlPlane: { os: "linux" } })).controlPlane.count, 3);
    });
    test("unknown keys get a suggestion", () => {
        expectIssue(base({ controlPlane: { cuont: 3 } }), "kubeforge:controlPlane.cuont", /did you mean "count"/);
        expectIssue(base({ controlPlane: [3] }), "kubeforge:controlPlane", /must be a map/);
    });
    test("an empty machine type is refused", () => {
        expectIssue(base({ controlPlane: { machineType: " " } }), "kubeforge:controlPlane.machineType", /empty/);
    });
});

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

describe("failureDomains", () => {
    test("optional (an empty list, Pulumi.yaml's default, means the platform's); when given, unique label values", () => {
        assert.deepEqual(specOf(base({ failureDomains: [] })).failureDomains, []);
        expectIssue(base({ failureDomains: ["a", "a"] }), "kubeforge:failureDomains[1]", /listed twice/);
        expectIssue(base({ failureDomains: ["rack 1"] }), "kubeforge:failureDomains[0]", /label value/);
        expectIssue(base({ failureDomains: ["a", 2] }), "kubeforge:failureDomains[1]", /must be a string/);
    });
});

describe("network", () => {
    test("malformed and host-bit CIDRs", () => {
        expectIssue(base({ network: { podCidr: "10.244.0.0" } }), "kubeforge:network.podCidr", /no prefix length/);
        expectIssue(base({ network: { podCidr: "10.244.0.0/33" } }), "kubeforge:network.podCidr", /invalid prefix/);
        expectIssue(
            base({ network: { nodeCidr: "10.0.0.1/16" } }),
            "kubeforge:network.nodeCidr",
            /host bits set; write the network address 10\.0\.0\.0\/16/,
        );
    });
    test("overlaps name both fields", () => {
        expectIssue(base({ network: { podCidr: "10.96.0.0/16" } }), "kubeforge:network.serviceCidr", /overlaps kubeforge:network\.podCidr/);
        expectIssue(
            base({ network: { nodeCidr: "10.244.128.0/20" } }),
            "kubeforge:network.nodeCidr",
            /overlaps kubeforge:network\.podCidr/,
        );
        const issues = issuesOf(base({ network: { podCidr: "10.0.0.0/8", serviceCidr: "10.96.0.0/12", nodeCidr: "10.10.0.0/16" } }));
        // 10.0.0.0/8 holds both others; the service and node ranges are disjoint from each other.
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:network.serviceCidr", "kubeforge:network.nodeCidr"],
        );
    });
    test("IPv6 ranges are accepted, mixed pod/service families are not", () => {
        const spec = specOf(base({ network: { podCidr: "fd00:10:244::/56", serviceCidr: "fd00:10:96::/112" } }));
        assert.equal(spec.network.podCidr, "fd00:10:244::/56");
        expectIssue(
            base({ network: { serviceCidr: "fd00:10:96::/112" } }),
            "kubeforge:network.serviceCidr",
            /IPv6 but kubeforge:network\.podCidr is IPv4/,
        );
        expectIssue(
            base({ network: { podCidr: "fd00:10:244::/56", serviceCidr: "fd00:10:96::/64" } }),
            "kubeforge:network.serviceCidr",
            /too large.*\/108/,
        );
    });
    test("service range size limits", () => {
        expectIssue(base({ network: { serviceCidr: "10.96.0.0/11" } }), "kubeforge:network.serviceCidr", /too large.*\/12/);
        expectIssue(base({ network: { serviceCidr: "10.96.0.0/29" } }), "kubeforge:network.serviceCidr", /only 8 addresses/);
    });
    test("the pod range has a /24 for every node", () => {
        assert.equal(
            specOf(base({ network: { podCidr: "10.244.0.0/22" }, controlPlane: { count: 1 }, workerPools: [pool({ count: 3 })] })).network
                .podCidr,
            "10.244.0.0/22",
        );
        expectIssue(
            base({ network: { podCidr: "10.244.0.0/22" }, workerPools: [pool({ count: 2 })] }),
            "kubeforge:network.podCidr",
            /room for 4 nodes .* has 5/,
        );
        expectIssue(base({ network: { podCidr: "10.244.0.0/25" } }), "kubeforge:network.podCidr", /room for 0 nodes/);
    });
    test("unknown network keys", () => {
        expectIssue(base({ network: { podCIDR: "10.1.0.0/16" } }), "kubeforge:network.podCIDR", /did you mean "podCidr"/);
    });
});

describe("cni, access, secretsEncryption, tags", () => {
    test("cni is one of cilium, calico, none", () => {
        assert.equal(specOf(base({ cni: "none" })).cni, "none");
        expectIssue(base({ cni: "flannel" }), "kubeforge:cni", /"cilium", "calico", "none"/);
    });
    test("apiAllowedCidrs is required, non-empty, and the message asks for the user's /32", () => {
        expectIssue({ name: "demo", platform: "aws" }, "kubeforge:access.apiAllowedCidrs", /is required; there is no safe default.*\/32/);
        expectIssue(base({ access: {} }), "kubeforge:access.apiAllowedCidrs", /is required.*\/32/);
        expectIssue(base({ access: { apiAllowedCidrs: [] } }), "kubeforge:access.apiAllowedCidrs", /is empty.*\/32/);
        expectIssue(base({ access: { apiAllowedCidrs: ["203.0.113.7/24"] } }), "kubeforge:access.apiAllowedCidrs[0]", /host bits/);
        assert.deepEqual(specOf(base({ access: { apiAllowedCidrs: ["0.0.0.0/0", "::/0"] } })).access.apiAllowedCidrs, [
            "0.0.0.0/0",
            "::/0",
        ]);
    });
    test("ssh CIDRs and keys", () => {
        expectIssue(
            base({ access: { apiAllowedCidrs: ["203.0.113.7/32"], sshAllowedCidrs: ["nope"] } }),
            "kubeforge:access.sshAllowedCidrs[0]",
            /no prefix length/,
        );
        const issues = issuesOf(
            base({ access: { apiAllowedCidrs: ["203.0.113.7/32"], sshPublicKeys: ["-----BEGIN OPENSSH PRIVATE KEY----- abc"] } }),
        );
        assert.equal(issues.length, 1);
        assert.equal(issues[0].field, "kubeforge:access.sshPublicKeys[0]");
        assert.doesNotMatch(issues[0].message, /PRIVATE KEY/, "the value is not echoed");
        expectIssue(
            base({ access: { apiAllowedCidrs: ["203.0.113.7/32"], sshkeys: [] } }),
            "kubeforge:access.sshkeys",
            /known keys|did you mean/,
        );
    });
    test("secretsEncryption is a boolean", () => {
        expectIssue(base({ secretsEncryption: "yes" }), "kubeforge:secretsEncryption", /true or false/);
    });
    test("tags are strings and not kubeforge's own", () => {
        expectIssue(base({ tags: { cost: 12 } }), "kubeforge:tags.cost", /quote/);
        expectIssue(base({ tags: { "kubeforge.io/cluster": "x" } }), 'kubeforge:tags["kubeforge.io/cluster"]', /set themselves/);
        expectIssue(base({ tags: ["a"] }), "kubeforge:tags", /must be a map/);
    });
});

describe("unknown keys", () => {
    test("a typo gets a did-you-mean", () => {
        expectIssue(base({ workerPool: [] }), "kubeforge:workerPool", /did you mean "workerPools"/);
        expectIssue(base({ kubernetesversion: "1.36" }), "kubeforge:kubernetesversion", /did you mean "kubernetesVersion"/);
    });
    test("platform blocks are not typos", () => {
        assert.deepEqual(issuesOf(base({ aws: { region: "eu-west-1" } })), []);
        assert.deepEqual(issuesOf(base({ baremetal: { hosts: [] } }), ["aws", "baremetal"]), []);
        assert.equal(issuesOf(base({ baremetal: {} })).length, 1, "without the names, another platform's block is unknown");
    });
});

test("every problem is reported in one pass", () => {
    const issues = issuesOf({
        name: "Bad Name",
        controlPlane: { count: 2, os: "windows" },
        workerPools: [pool({ taints: [{ key: "a", effect: "Nope" }] }), pool({ name: "win", os: "windows" })],
        network: { podCidr: "10.96.0.0/16" },
        cni: "cilium",
        extra: 1,
    });
    assert.deepEqual(issues.map((i) => i.field).sort(), [
        "kubeforge:access.apiAllowedCidrs",
        "kubeforge:controlPlane.count",
        "kubeforge:controlPlane.os",
        "kubeforge:extra",
        "kubeforge:name",
        "kubeforge:network.serviceCidr",
        "kubeforge:platform",
        "kubeforge:workerPools[0].taints[0].effect",
        "kubeforge:workerPools[1].os",
    ]);
    for (const issue of issues) assert.match(issue.message, /; /, issue.field);
});

describe("readRawConfig", () => {
    test("parses objects and arrays, reads booleans, keeps strings, and reads the platform's block", () => {
        const values: Record<string, string> = {
            name: "demo",
            platform: "aws",
            kubernetesVersion: "1.36",
            controlPlane: '{"count":3}',
            workerPools: '[{"name":"a","count":1}]',
            secretsEncryption: "false",
            aws: '{"region":"eu-west-1"}',
        };
        const { raw, issues } = readRawConfig((key) => values[key]);
        assert.deepEqual(issues, []);
        assert.deepEqual(raw, {
            name: "demo",
            platform: "aws",
            kubernetesVersion: "1.36",
            controlPlane: { count: 3 },
            workerPools: [{ name: "a", count: 1 }],
            secretsEncryption: false,
            aws: { region: "eu-west-1" },
        });
    });

    test("a record source reads every key it holds, so unknown keys reach the parser", () => {
        const { raw } = readRawConfig({ name: "demo", nmae: "x", baremetal: '{"hosts":[]}' });
        assert.deepEqual(raw, { name: "demo", nmae: "x", baremetal: { hosts: [] } });
    });

    test("a map that is not one (plain or malformed text) is an issue naming the key in YAML terms, without echoing the value", () => {
        const { raw, issues } = readRawConfig({ controlPlane: '{"count": 3', access: "s3cr3t-not-json" });
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:controlPlane", "kubeforge:access"],
        );
        for (const issue of issues) {
            assert.match(issue.message, /YAML map/);
            assert.doesNotMatch(issue.message, /s3cr3t/);
        }
        assert.equal(raw.controlPlane, undefined);
    });

    test("a getter reads only the listed keys (plus the platform block)", () => {
        const seen: string[] = [];
        readRawConfig(
            (key) => {
                seen.push(key);
                return key === "platform" ? "aws" : undefined;
            },
            ["platform", "name"],
        );
        assert.deepEqual(seen, ["platform", "name", "aws"]);
    });
});

describe("robustness", () => {
    const anyValue = fc.jsonValue({ maxDepth: 3 });
    const poolLike = fc.dictionary(
        fc.constantFrom(
            "name",
            "count",
            "labels",
            "taints",
            "os",
            "spot",
            "diskSizeGb",
            "failureDomains",
            "kubernetesVersion",
            "machineType",
            "x",
        ),
        anyValue,
        { maxKeys: 6 },
    );

    test("any JSON anywhere gives issues, never an exception, and a spec exactly when there are none", () => {
        fc.assert(
            fc.property(
                fc.dictionary(
                    fc.constantFrom(
                        "name",
                        "platform",
                        "kubernetesVersion",
                        "controlPlane",
                        "failureDomains",
                        "network",
                        "cni",
                        "access",
                        "secretsEncryption",
                        "tags",
                        "aws",
                        "other",
                    ),
                    anyValue,
                    { maxKeys: 6 },
                ),
                fc.option(fc.array(poolLike, { maxLength: 3 }), { nil: undefined }),
                (overrides, pools) => {
                    const raw = { ...base(), ...overrides, ...(pools ? { workerPools: pools } : {}) };
                    const result = parseClusterConfig(raw);
                    assert.equal(result.spec === undefined, result.issues.length > 0);
                    for (const issue of result.issues) {
                        assert.match(issue.field, /^kubeforge:/);
                        assert.match(issue.message, /; /, `${issue.field}: ${issue.message}`);
                    }
                },
            ),
            { numRuns: 300 },
        );
    });
});

describe("kubeforge:lifecycle", () => {
    test("defaults: drain every leaving node, 600 s each", () => {
        assert.deepEqual(specOf(base()).lifecycle, { drainOnDelete: true, drainTimeoutSeconds: 600, bootstrapTokenHours: 24 });
    });
    test("drainOnDelete can be switched off (before destroying a whole cluster)", () => {
        assert.equal(specOf(base({ lifecycle: { drainOnDelete: false } })).lifecycle.drainOnDelete, false);
    });
    test("a timeout under a minute, a non-boolean switch and unknown keys are refused", () => {
        expectIssue(base({ lifecycle: { drainTimeoutSeconds: 10 } }), "kubeforge:lifecycle.drainTimeoutSeconds", /at least 60/);
        expectIssue(base({ lifecycle: { drainOnDelete: "no" } }), "kubeforge:lifecycle.drainOnDelete", /./);
        expectIssue(base({ lifecycle: { drainTimeout: 100 } }), "kubeforge:lifecycle.drainTimeout", /./);
    });
});
