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
import { PrivateKey } from "@pulumi/tls";
import { RandomPassword } from "@pulumi/random";
import { AvailabilitySet, VirtualMachine, VirtualMachineExtension } from "@pulumi/azure-native/compute";
import { NetworkInterface } from "@pulumi/azure-native/network";
import type { NodePlan } from "../../core/types";
import type { MachineFacts, PlatformContext } from "../../platform-legacy";
import { type AzureConfig, imageFor, vmSizeFor } from "./config";
import { azureUserData, windowsLauncher } from "./bootstrap";
import { API_PORT, type AzureFirewall } from "./firewall";
import type { AzureEndpoint } from "./endpoint";
import type { AzureIdentity } from "./identity";
import type { AzureNetwork } from "./network";
import { machineTags, resourceTags } from "./tags";

/** The admin user on every VM. */
export const ADMIN_USER = "kubeforge";

/** Everything the machines hang off. */
export interface MachineDeps {
    /** Subnets and the resources a node needs before boot. */
    network: AzureNetwork;
    /** NSGs and ASGs. */
    firewall: AzureFirewall;
    /** The API endpoint (host for the bootstrap, backend pool for masters). */
    endpoint: AzureEndpoint;
    /** The masters' identity. */
    identity: AzureIdentity;
}

/** How a VM reacts to a new image or bootstrap rendering. */
export interface MachineChangePolicy {
    /** Inputs kept at their value from creation. */
    ignoreChanges: string[];
    /** Inputs whose change rebuilds the VM. */
    replaceOnChanges: string[];
}

/**
 * customData and the image are read only when a VM is created, so a new rendering (a rotated token)
 * or a new `latest` image must not rebuild every VM at once: ignored, except on `replaceNodes`.
 * @param config - the azure config
 * @param nodeName - the NodePlan name
 */
export function machineChangePolicy(config: AzureConfig, nodeName: string): MachineChangePolicy {
    const rolled = ["osProfile.customData", "storageProfile.imageReference"];
    return config.replaceNodes.includes(nodeName)
        ? { ignoreChanges: [], replaceOnChanges: rolled }
        : { ignoreChanges: rolled, replaceOnChanges: [] };
}

/**
 * The availability set a node goes in, by key, or none: only unzoned clusters use them, and never for spot.
 * @param config - the azure config
 * @param node - the node
 */
export function availabilitySetKey(config: AzureConfig, node: NodePlan): string | undefined {
    if (config.zones.length > 0 || node.spot) return undefined;
    return node.role === "control-plane" ? "control-plane" : node.pool;
}

/**
 * Creates one NIC and VM per node (and, on Windows, the extension that starts its bootstrap).
 * @param name - prefix of every Pulumi resource name
 * @param ctx - the platform context
 * @param deps - network, firewall, endpoint and identity
 */
export function createMachines(name: string, ctx: PlatformContext<AzureConfig>, deps: MachineDeps): MachineFacts[] {
    const { spec, config, parent } = ctx;
    const opts: pulumi.CustomResourceOptions = { parent };
    const rg = deps.network.resourceGroupName;
    const location = config.location;

    const sshKeys: pulumi.Input<string>[] = [...spec.access.sshPublicKeys];
    if (sshKeys.length === 0 && ctx.nodes.some((n) => n.os === "linux")) {
        // Azure refuses a Linux VM without a key or password. This key's private half stays in the state only.
        sshKeys.push(new PrivateKey(`${name}-ssh`, { algorithm: "RSA", rsaBits: 4096 }, opts).publicKeyOpenssh);
    }
    const windowsPassword = ctx.nodes.some((n) => n.os === "windows")
        ? new RandomPassword(
              `${name}-windows-admin`,
              { length: 32, special: true, minUpper: 2, minLower: 2, minNumeric: 2, minSpecial: 2 },
              opts,
          ).result
        : undefined;

    const sets = new Map<string, pulumi.Output<string>>();
    const setFor = (key: string) => {
        let id = sets.get(key);
        if (!id) {
            id = new AvailabilitySet(
                `${name}-${key}-as`,
                {
                    resourceGroupName: rg,
                    location,
                    availabilitySetName: `${spec.name}-${key}`,
                    platformFaultDomainCount: 2,
                    platformUpdateDomainCount: 5,
                    sku: { name: "Aligned" },
                    tags: resourceTags(spec),
                },
                opts,
            ).id;
            sets.set(key, id);
        }
        return id;
    };

    const userData = ctx.renderUserData(
        ctx.nodes,
        { host: deps.endpoint.host, port: API_PORT, extraSans: [deps.endpoint.host] },
        azureUserData,
    );
    return ctx.nodes.map((node, i) => {
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
                        loadBalancerBackendAddressPools: master ? [{ id: deps.endpoint.backendPoolId }] : undefined,
                    },
                ],
                tags: machineTags(spec, node),
            },
            { ...opts, dependsOn: [...deps.firewall.ready, ...(master ? [deps.endpoint.loadBalancer] : [])] },
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
                availabilitySet: setKey ? { id: setFor(setKey) } : undefined,
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
                    adminPassword: node.os === "windows" ? windowsPassword : undefined,
                    customData: userData[i],
                    linuxConfiguration:
                        node.os === "linux"
                            ? {
                                  disablePasswordAuthentication: true,
                                  provisionVMAgent: true,
                                  ssh: {
                                      publicKeys: sshKeys.map((keyData) => ({ path: `/home/${ADMIN_USER}/.ssh/authorized_keys`, keyData })),
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
        return { node, machineId: vm.id, privateIp, dependsOn };
    });
}
