/**
 * The Azure firewall rules and role grants as data: priorities unique per NSG with the deny-all last,
 * etcd from the masters' ASG only, the API from the allowed ranges plus the cluster's egress (hairpin),
 * SSH only when asked, probes on their ports only; the identity's roles. Pure.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { firewallRules, type AzureRule } from "../../../components/platforms/azure/firewall";
import { BUILT_IN_ROLES, roleGrants } from "../../../components/platforms/azure/identity";
import { apiLoadBalancerName } from "../../../components/platforms/azure/endpoint";
import { parseAzureConfig } from "../../../components/platforms/azure/config";
import { makeSpec, rawAzure } from "./fixtures";

const EGRESS = "198.51.100.9/32";

function byNsg(rules: AzureRule[], nsg: AzureRule["nsg"]): AzureRule[] {
    return rules.filter((r) => r.nsg === nsg).sort((a, b) => a.priority - b.priority);
}

test("priorities are unique per NSG, within 100..4096, and the deny-all comes last", () => {
    for (const cni of ["cilium", "calico", "none"] as const) {
        const rules = firewallRules(
            makeSpec({ cni, access: { apiAllowedCidrs: ["203.0.113.0/24"], sshAllowedCidrs: ["192.0.2.0/24"], sshPublicKeys: [] } }),
            [EGRESS],
        );
        for (const nsg of ["controlPlane", "workers"] as const) {
            const list = byNsg(rules, nsg);
            assert.equal(new Set(list.map((r) => r.priority)).size, list.length, `${cni}/${nsg}`);
            assert.equal(new Set(list.map((r) => r.name)).size, list.length, `${cni}/${nsg}`);
            assert.ok(list.every((r) => r.priority >= 100 && r.priority <= 4096));
            const last = list[list.length - 1];
            assert.deepEqual([last.access, last.priority, last.source], ["Deny", 4096, { prefixes: ["*"] }]);
            assert.ok(list.slice(0, -1).every((r) => r.access === "Allow"));
        }
    }
});

test("etcd only from the masters' ASG, the API from the allowed ranges and the cluster's egress", () => {
    const rules = firewallRules(makeSpec(), [EGRESS]);
    const etcd = rules.filter((r) => r.ports.some((p) => p.startsWith("2379")));
    assert.deepEqual(
        etcd.map((r) => [r.nsg, r.source]),
        [["controlPlane", { asg: "controlPlane" }]],
    );
    const api = rules.find((r) => r.name === "api");
    assert.deepEqual(api?.source, { prefixes: ["203.0.113.0/24", EGRESS] });
    assert.equal(api?.nsg, "controlPlane");
});

test("SSH closed unless access.sshAllowedCidrs; probes only to the ports they check; no world source otherwise", () => {
    const closed = firewallRules(makeSpec(), [EGRESS]);
    assert.ok(!closed.some((r) => r.ports.includes("22")));
    const open = firewallRules(
        makeSpec({ access: { apiAllowedCidrs: ["203.0.113.0/24"], sshAllowedCidrs: ["192.0.2.0/24"], sshPublicKeys: [] } }),
        [EGRESS],
    );
    assert.deepEqual(
        open.filter((r) => r.name === "ssh").map((r) => [r.nsg, r.source]),
        [
            ["controlPlane", { prefixes: ["192.0.2.0/24"] }],
            ["workers", { prefixes: ["192.0.2.0/24"] }],
        ],
    );
    const probes = closed.filter((r) => "prefixes" in r.source && r.source.prefixes.includes("AzureLoadBalancer"));
    assert.deepEqual(
        probes.map((r) => [r.nsg, r.ports]),
        [
            ["controlPlane", ["6443"]],
            ["workers", ["30000-32767", "10256"]],
        ],
    );
    const world = closed.filter(
        (r) =>
            r.access === "Allow" &&
            "prefixes" in r.source &&
            r.source.prefixes.some((p) => ["*", "0.0.0.0/0", "Internet"].includes(String(p))),
    );
    assert.deepEqual(world, []);
});

test("the CNI's ports between nodes, on both NSGs", () => {
    const names = (cni: "cilium" | "calico") =>
        firewallRules(makeSpec({ cni }), [EGRESS])
            .filter((r) => r.nsg === "workers" && "asg" in r.source)
            .map((r) => r.name);
    assert.deepEqual(names("cilium"), ["kubelet", "cilium-vxlan", "cilium-health", "cilium-icmp"]);
    assert.deepEqual(names("calico"), ["kubelet", "calico-vxlan", "calico-tcp"]);
});

test("the API load balancer is never named as the CCM names Service load balancers", () => {
    for (const cluster of ["demo", "kubernetes", "prod-eu"]) {
        assert.notEqual(apiLoadBalancerName(cluster), cluster);
        assert.notEqual(apiLoadBalancerName(cluster), "kubernetes");
        assert.notEqual(apiLoadBalancerName(cluster), `${cluster}-internal`);
    }
});

test("role grants: Network and VM Contributor on the resource group; the VNet's group and the encryption set when used", () => {
    const config = (raw: Record<string, unknown>) => {
        const { config: c } = parseAzureConfig(rawAzure(raw), makeSpec());
        assert.ok(c);
        return c;
    };
    assert.deepEqual(
        roleGrants(config({})).map((g) => [g.role, g.scope]),
        [
            [BUILT_IN_ROLES.networkContributor, "resourceGroup"],
            [BUILT_IN_ROLES.virtualMachineContributor, "resourceGroup"],
        ],
    );
    const existing = config({
        network: {
            existingVnet: { resourceGroup: "net", name: "hub", controlPlaneSubnet: "cp", nodeSubnet: "nodes" },
            egressCidrs: [EGRESS],
        },
        diskEncryptionSetId:
            "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/keys/providers/Microsoft.Compute/diskEncryptionSets/k8s",
    });
    assert.deepEqual(
        roleGrants(existing).map((g) => g.scope),
        ["resourceGroup", "resourceGroup", "vnetResourceGroup", "diskEncryptionSet"],
    );
});
