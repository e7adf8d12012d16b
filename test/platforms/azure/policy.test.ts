/**
 * The Azure policy adapter, resource by resource: NSG rules (separate and inline, service tags,
 * ranges, ASG sources), application security groups, VMs (role, tags, disks), managed disks and
 * StorageClasses. Pure.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { AZURE_TYPES, azureAdapter } from "../../../components/platforms/azure/policy";
import { AZURE_TAGS } from "../../../components/platforms/azure/tags";
import type { ResourceView } from "../../../policies/facts";
import { hasWorldSource } from "../../../policies/net";

const view = (type: string, props: Record<string, unknown>): ResourceView => ({ type, name: "r", urn: "urn:r", props });

test("claims exactly its types", () => {
    for (const t of Object.values(AZURE_TYPES)) assert.equal(azureAdapter.claims(t), true);
    assert.equal(azureAdapter.claims("aws:ec2/instance:Instance"), false);
});

test("a SecurityRule: inbound allows only, service tags, ranges, ASG sources", () => {
    const world = azureAdapter.describe(
        view(AZURE_TYPES.securityRule, {
            direction: "Inbound",
            access: "Allow",
            protocol: "Tcp",
            sourceAddressPrefix: "Internet",
            destinationPortRanges: ["22", "30000-32767"],
            networkSecurityGroupName: "demo-nodes",
        }),
    );
    assert.equal(world.ingress.length, 2);
    assert.deepEqual(
        world.ingress.map((r) => [r.protocol, r.fromPort, r.toPort]),
        [
            ["tcp", 22, 22],
            ["tcp", 30000, 32767],
        ],
    );
    assert.ok(hasWorldSource(world.ingress[0].sources));

    const asg = azureAdapter.describe(
        view(AZURE_TYPES.securityRule, {
            direction: "Inbound",
            access: "Allow",
            protocol: "Tcp",
            sourceApplicationSecurityGroups: [{ id: "/asg/cp" }],
            destinationPortRange: "2379-2380",
        }),
    );
    assert.deepEqual(asg.ingress[0].sources, [{ kind: "group", group: "/asg/cp" }]);

    const cidr = azureAdapter.describe(
        view(AZURE_TYPES.securityRule, { direction: "Inbound", access: "Allow", protocol: "*", sourceAddressPrefixes: ["203.0.113.7"] }),
    );
    assert.deepEqual(cidr.ingress[0], {
        protocol: "all",
        fromPort: 0,
        toPort: 65535,
        sources: [{ kind: "cidr", cidr: "203.0.113.7/32" }],
        group: undefined,
    });

    for (const ignored of [
        { direction: "Outbound", access: "Allow", protocol: "*", sourceAddressPrefix: "*" },
        { direction: "Inbound", access: "Deny", protocol: "*", sourceAddressPrefix: "*" },
    ]) {
        assert.deepEqual(azureAdapter.describe(view(AZURE_TYPES.securityRule, ignored)).ingress, []);
    }
});

test("an NSG with inline rules and an ASG carry their group and role", () => {
    const nsg = azureAdapter.describe(
        view(AZURE_TYPES.networkSecurityGroup, {
            id: "/nsg/cp",
            tags: { [AZURE_TAGS.role]: "control-plane" },
            securityRules: [
                {
                    direction: "Inbound",
                    access: "Allow",
                    protocol: "Tcp",
                    sourceAddressPrefix: "VirtualNetwork",
                    destinationPortRange: "6443",
                },
            ],
        }),
    );
    assert.deepEqual(nsg.firewallGroup, { id: "/nsg/cp", role: "control-plane" });
    assert.deepEqual(nsg.ingress[0].sources, [{ kind: "group", group: "VirtualNetwork" }]);
    const asg = azureAdapter.describe(
        view(AZURE_TYPES.applicationSecurityGroup, { id: "/asg/cp", tags: { [AZURE_TAGS.role]: "control-plane" } }),
    );
    assert.deepEqual(asg.firewallGroup, { id: "/asg/cp", role: "control-plane" });
});

test("a VM: role, cluster and tags; managed disks encrypted, a VHD not", () => {
    const vm = azureAdapter.describe(
        view(AZURE_TYPES.virtualMachine, {
            tags: { [AZURE_TAGS.cluster]: "demo", [AZURE_TAGS.role]: "worker" },
            storageProfile: {
                osDisk: { managedDisk: { storageAccountType: "Premium_LRS" } },
                dataDisks: [{ lun: 0, vhd: { uri: "https://x" } }],
            },
        }),
    );
    assert.equal(vm.machine?.role, "worker");
    assert.equal(vm.machine?.cluster, "demo");
    assert.deepEqual(
        vm.disks.map((d) => [d.label, d.encrypted]),
        [
            ["OS disk", true],
            ["data disk 0", false],
        ],
    );
    assert.deepEqual(vm.tagging?.required, [AZURE_TAGS.cluster, AZURE_TAGS.role]);
    const untagged = azureAdapter.describe(view(AZURE_TYPES.virtualMachine, { tags: {} }));
    assert.deepEqual(untagged.tagging?.present, []);
});

test("StorageClasses of the azuredisk driver are disks; others are not this adapter's", () => {
    const sc = azureAdapter.describe(
        view(AZURE_TYPES.storageClass, { provisioner: "disk.csi.azure.com", metadata: { name: "managed-csi" } }),
    );
    assert.deepEqual(sc.disks, [{ label: "StorageClass managed-csi", encrypted: true }]);
    assert.deepEqual(azureAdapter.describe(view(AZURE_TYPES.storageClass, { provisioner: "ebs.csi.aws.com" })).disks, []);
});
