/**
 * One `compute.VirtualMachine` per NodePlan, named after it (VM name = computer name = node name,
 * which cloud-provider-azure maps one to one), each with its own NIC (no public IP; the NSG and
 * application security groups of its role; masters join the API backend pool). Not a scale set:
 * every node keeps its identity, and the core drains a node before Pulumi deletes its VM.
 *
 * - Placement: in the node's zone; without zones, masters share an availability set (2 fault
 *   domains) and each non-spot pool has its own. Spot VMs cannot be in an availability set
 *   (`AzureSpotVMNotSupportedInAvailabilitySet`), so spot nodes of an unzoned cluster get neither.
 * - Spot: `priority: Spot`, evicted by deletion, `maxPrice: -1` (never evicted for price). An evicted
 *   node is recreated, same name, by the next `pulumi up --refresh`; the CCM deletes its Node.
 * - Disks: managed OS disk of `osDiskType` (encrypted at rest by Azure, with the disk encryption set's
 *   key when configured; `encryptionAtHost` on request), deleted with the VM.
 * - customData is read at first boot only, and the image only at creation: both are kept from
 *   creation, except on nodes listed in `replaceNodes`, which are rebuilt when either changed.
 * - Linux: Ubuntu 24.04 Gen2, SSH by key only (a generated key when access.sshPublicKeys is empty:
 *   Azure requires one); port 22 stays closed unless access.sshAllowedCidrs opens it.
 * - Windows (unverified on a real VM, like every Windows path here): Windows Server 2022, a generated
 *   admin password (a Pulumi secret), the bootstrap in customData started by a CustomScriptExtension
 *   (bootstrap.ts, `windowsLauncher`).
 */
import * as pulumi from "@pulumi/pulumi";
import { VirtualMachine, VirtualMachineExtension } from "@pulumi/azure-native/compute";
import { NetworkInterface } from "@pulumi/azure-native/network";
import type { NodePlan } from "../../core/types";
import type { DeliveredBootstrap, MachineContext, MachineFacts } from "../../platform";
import { type AzureConfig, imageFor, vmSizeFor } from "./config";
import { windowsLauncher } from "./bootstrap";
import { type AzureInfrastructure, availabilitySetKey } from "./infrastructure";
import { machineTags } from "./tags";
import { type MachineChangePolicy, replaceNodesPolicy } from "../../kit/readers";

/** The admin user on every VM. */
export const ADMIN_USER = "kubeforge";

/** How a VM reacts to a new image or bootstrap rendering. */
export type { MachineChangePolicy } from "../../kit/readers";

/**
 * customData and the image are read only when a VM is created, so a new rendering (a rotated token)
 * or a new `latest` image must not rebuild every VM at once: ignored, except on `replaceNodes`.
 * @param config - the azure config
 * @param nodeName - the NodePlan name
 */
export function machineChangePolicy(config: AzureConfig, nodeName: string): MachineChangePolicy {
    return replaceNodesPolicy(config.replaceNodes, nodeName, ["osProfile.customData", "storageProfile.imageReference"]);
}

/**
 * Creates one node's NIC and VM (and, on Windows, the extension that starts its bootstrap).
 * @param name - prefix of every Pulumi resource name
 * @param node - the node
 * @param bootstrap - its customData, delivered as {@link AZURE_DELIVERY} declares (base64, checked against the limit)
 * @param ctx - the cluster, config, infrastructure and parent
 */
export function createAzureMachine(
    name: string,
    node: NodePlan,
    bootstrap: DeliveredBootstrap,
    ctx: MachineContext<AzureConfig, AzureInfrastructure>,
): MachineFacts {
    if (bootstrap.kind !== "user-data") throw new Error(`node ${node.name}: azure delivers bootstraps as customData, not over SSH`);
    const { spec, config, infrastructure: deps, parent } = ctx;
    const opts: pulumi.CustomResourceOptions = { parent };
    const rg = deps.network.resourceGroupName;
    const location = config.location;
    const master = node.role === "control-plane";
    const size = vmSizeFor(config, node.role, node.machineType);
    const image = imageFor(config, size, node.os);
    const nic = new NetworkInterface(
        `${name}-${node.name}`,
        {
            resourceGroupName: rg,
            location,
            networkInterfaceName: `${node.name}-nic`,
            networkSecurityGroup: { id: master ? deps.firewall.nsgIds.controlPlane : deps.firewall.nsgIds.workers },
            ipConfigurations: [
                {
                    name: "primary",
                    primary: true,
                    privateIPAllocationMethod: "Dynamic",
                    subnet: { id: master ? deps.network.controlPlaneSubnetId : deps.network.nodeSubnetId },
                    applicationSecurityGroups: master
                        ? [{ id: deps.firewall.asgIds.controlPlane }, { id: deps.firewall.asgIds.nodes }]
                        : [{ id: deps.firewall.asgIds.nodes }],
                    loadBalancerBackendAddressPools: master ? [{ id: deps.api.backendPoolId }] : undefined,
                },
            ],
            tags: machineTags(spec, node),
        },
        { ...opts, dependsOn: [...deps.firewall.ready, ...(master ? [deps.api.loadBalancer] : [])] },
    );
    const setKey = availabilitySetKey(config, node);
    const vm = new VirtualMachine(
        `${name}-${node.name}-vm`,
        {
            resourceGroupName: rg,
            location,
            vmName: node.name,
            hardwareProfile: { vmSize: size },
            zones: config.zones.length > 0 ? [node.failureDomain] : undefined,
            availabilitySet: setKey ? { id: deps.availabilitySets.get(setKey) } : undefined,
            priority: node.spot ? "Spot" : "Regular",
            evictionPolicy: node.spot ? "Delete" : undefined,
            billingProfile: node.spot ? { maxPrice: -1 } : undefined,
            identity: master ? { type: "UserAssigned", userAssignedIdentities: [deps.identity.id] } : undefined,
            storageProfile: {
                imageReference: { ...image },
                osDisk: {
                    name: `${node.name}-os`,
                    createOption: "FromImage",
                    caching: "ReadWrite",
                    deleteOption: "Delete",
                    diskSizeGB: node.diskSizeGb,
                    managedDisk: {
                        storageAccountType: config.osDiskType,
                        diskEncryptionSet: config.diskEncryptionSetId ? { id: config.diskEncryptionSetId } : undefined,
                    },
                },
            },
            securityProfile: config.encryptionAtHost ? { encryptionAtHost: true } : undefined,
            networkProfile: { networkInterfaces: [{ id: nic.id, primary: true, deleteOption: "Delete" }] },
            osProfile: {
                computerName: node.name.toLowerCase(),
                adminUsername: ADMIN_USER,
                adminPassword: node.os === "windows" ? deps.windowsPassword : undefined,
                customData: bootstrap.value,
                linuxConfiguration:
                    node.os === "linux"
                        ? {
                              disablePasswordAuthentication: true,
                              provisionVMAgent: true,
                              ssh: {
                                  publicKeys: deps.sshPublicKeys.map((keyData) => ({
                                      path: `/home/${ADMIN_USER}/.ssh/authorized_keys`,
                                      keyData,
                                  })),
                              },
                          }
                        : undefined,
                windowsConfiguration: node.os === "windows" ? { provisionVMAgent: true, enableAutomaticUpdates: false } : undefined,
            },
            diagnosticsProfile: { bootDiagnostics: { enabled: true } },
            tags: machineTags(spec, node),
        },
        {
            ...opts,
            dependsOn: [...deps.network.ready, ...(master ? deps.identity.ready : [])],
            ...machineChangePolicy(config, node.name),
        },
    );
    const dependsOn: pulumi.Resource[] = [vm];
    if (node.os === "windows") {
        dependsOn.push(
            new VirtualMachineExtension(
                `${name}-${node.name}-bootstrap`,
                {
                    resourceGroupName: rg,
                    location,
                    vmName: vm.name,
                    vmExtensionName: "kubeforge-bootstrap",
                    publisher: "Microsoft.Compute",
                    type: "CustomScriptExtension",
                    typeHandlerVersion: "1.10",
                    autoUpgradeMinorVersion: true,
                    protectedSettings: pulumi.secret({ commandToExecute: windowsLauncher() }),
                    tags: machineTags(spec, node),
                },
                opts,
            ),
        );
    }
    const privateIp = nic.ipConfigurations.apply((c) => c?.[0]?.privateIPAddress ?? "");
    return { machineId: vm.id, privateIp, dependsOn };
}
