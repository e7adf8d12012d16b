/**
 * The core config parser: defaults, name and platform, kubernetesVersion, controlPlane, failure domains,
 * unknown keys and kubeforge:lifecycle. Worker pools, network/access and the raw reader have their own files.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { base, issuesOf, specOf, expectIssue, pool } from "./configFixture";

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

describe("failureDomains", () => {
    test("optional (an empty list, Pulumi.yaml's default, means the platform's); when given, unique label values", () => {
        assert.deepEqual(specOf(base({ failureDomains: [] })).failureDomains, []);
        expectIssue(base({ failureDomains: ["a", "a"] }), "kubeforge:failureDomains[1]", /listed twice/);
        expectIssue(base({ failureDomains: ["rack 1"] }), "kubeforge:failureDomains[0]", /label value/);
        expectIssue(base({ failureDomains: ["a", 2] }), "kubeforge:failureDomains[1]", /must be a string/);
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
