import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CONTROL_PLANE_TAINT } from "../../components/core/types";
import { emptyFacts, type PlatformAdapter } from "../../policies/facts";
import { factsOf, registeredAdapters } from "../../policies/adapters";
import { AWS_TYPES } from "../../components/platforms/aws/policy";
import { runPolicies } from "../../policies/evaluate";
import { clusterRecord, nodeRecord, policiesOf, resource } from "./builders";

const HOST = "pulumi-nodejs:dynamic/kubeforge:HostBootstrap";
const racks = ["rack-a", "rack-b", "rack-c"];

const view = (r: ReturnType<typeof resource>) => ({ ...r, props: r.inputs });

function host(name: string, role: "control-plane" | "worker") {
    return resource(HOST, name, {
        host: "192.0.2.10",
        port: 22,
        user: "ops",
        privateKey: "[secret]",
        nodeName: name,
        role,
        files: [],
        command: ["bash", "-c", "true"],
    });
}

function metalCluster(masters: number) {
    return [
        clusterRecord({ platform: "baremetal", controlPlaneCount: masters, failureDomains: racks }),
        ...Array.from({ length: masters }, (_, i) =>
            nodeRecord(`lab-cp-${i}`, {
                platform: "baremetal",
                role: "control-plane",
                failureDomain: racks[i % 3],
                taints: [CONTROL_PLANE_TAINT],
            }),
        ),
        nodeRecord("lab-w-0", { platform: "baremetal", failureDomain: racks[0] }),
        ...Array.from({ length: masters }, (_, i) => host(`lab-cp-${i}`, "control-plane")),
        host("lab-w-0", "worker"),
    ];
}

describe("bare metal", () => {
    test("a healthy bare-metal cluster passes; its hosts are nodes with a role and nothing cloud-only is asked of them", async () => {
        assert.deepEqual(policiesOf(await runPolicies(metalCluster(3))), []);
        const f = factsOf(view(host("lab-cp-0", "control-plane")));
        assert.equal(f?.platform, "baremetal");
        assert.equal(f?.machine?.role, "control-plane");
        assert.equal(f?.machine?.node, "lab-cp-0");
        assert.deepEqual(f?.machine?.groups, []);
        assert.equal(f?.metadata, undefined);
        assert.deepEqual(f?.disks, []);
    });
    test("the neutral policies hold on bare metal unchanged", async () => {
        assert.deepEqual(policiesOf(await runPolicies(metalCluster(2))), ["control-plane-count"]);
        const open = metalCluster(3).map((r) =>
            r.type.endsWith("ApiReadiness")
                ? { ...r, inputs: { ...r.inputs, sshAllowedCidrs: ["0.0.0.0/0"], secretsEncryption: false } }
                : r,
        );
        assert.deepEqual(policiesOf(await runPolicies(open)), ["secrets-encryption", "ssh-not-public"]);
    });
    test("the neutral records are not claimed by a platform adapter", () => {
        for (const r of [nodeRecord("x"), clusterRecord()]) assert.equal(factsOf(view(r)), undefined);
    });
});

describe("adapters", () => {
    test("a new platform is one adapter: factsOf asks the adapters it is given, first claim wins", () => {
        const fake: PlatformAdapter = {
            platform: "fakecloud",
            claims: (type) => type === "fakecloud:index:Vm",
            describe: () => ({
                ...emptyFacts("fakecloud"),
                disks: [{ label: "boot disk", encrypted: false }],
                metadata: { endpointDisabled: false, tokensRequired: false },
            }),
        };
        const vm = resource("fakecloud:index:Vm", "vm", {});
        assert.equal(factsOf(view(vm)), undefined);
        assert.equal(factsOf(view(vm), [...registeredAdapters(), fake])?.platform, "fakecloud");
    });
    test("several adapters may claim one type; their facts are merged", () => {
        const disk = (platform: string): PlatformAdapter => ({
            platform,
            claims: (type) => type === AWS_TYPES.storageClass,
            describe: () => ({ ...emptyFacts(platform), disks: [{ label: platform, encrypted: true }] }),
        });
        const sc = resource(AWS_TYPES.storageClass, "sc", { provisioner: "x" });
        assert.deepEqual(
            factsOf(view(sc), [disk("one"), disk("two")])?.disks.map((d) => d.label),
            ["one", "two"],
        );
    });
    test("AWS: kubeforge's control-plane security-group tag declares the masters' group; protocol -1 covers every port", () => {
        const sg = resource(AWS_TYPES.securityGroup, "sg", { id: "sg-1", tags: { "kubeforge.io/security-group": "control-plane" } });
        assert.deepEqual(factsOf(view(sg))?.firewallGroup, { id: "sg-1", role: "control-plane" });
        const all = resource(AWS_TYPES.securityGroupRule, "r", {
            type: "ingress",
            protocol: "-1",
            fromPort: 0,
            toPort: 0,
            self: true,
            securityGroupId: "sg-1",
        });
        assert.deepEqual(factsOf(view(all))?.ingress, [
            { protocol: "all", fromPort: 0, toPort: 65535, sources: [{ kind: "self" }], group: "sg-1" },
        ]);
    });
});
