/**
 * One Compute Engine instance per NodePlan, named after it (instance name = node name). Not a managed
 * instance group: every node keeps a stable identity and the core drains it before Pulumi deletes it,
 * which a group replacing instances on its own would bypass.
 *
 * Choices worth knowing:
 * - No external address on any node (egress through Cloud NAT); SSH, if opened at all, from
 *   `access.sshAllowedCidrs` through your own path into the network (VPN, IAP TCP forwarding).
 * - Shielded VM (Secure Boot, vTPM, integrity monitoring); the boot disk is encrypted by Google, or
 *   with `kmsKeyName` (CMEK); its type is the machine series' balanced type (`pd-balanced`, or
 *   `hyperdisk-balanced` on Hyperdisk-only series).
 * - The service account: the masters' (CCM, PD CSI controller) or the workers' (no role), with the
 *   `cloud-platform` scope, so IAM alone decides.
 * - Metadata: the bootstrap (`user-data` + `user-data-encoding: base64`, or
 *   `windows-startup-script-ps1`), `disable-legacy-endpoints: "true"`, `block-project-ssh-keys`. The
 *   bootstrap and image are read only at first boot, so changes to them leave running machines alone
 *   except the nodes listed in `replaceNodes`, which are rebuilt.
 * - Spot nodes: `provisioningModel: SPOT`, deleted on preemption (the CCM then deletes the Node; the
 *   next `pulumi up --refresh` recreates the instance under the same name).
 */
import type * as pulumi from "@pulumi/pulumi";
import { Instance } from "@pulumi/gcp/compute";
import type { NodePlan } from "../../core/types";
import type { DeliveredBootstrap, MachineContext, MachineFacts } from "../../platform";
import { type GcpConfig, imageFor, machineTypeFor } from "./config";
import { bootDiskType } from "./disks";
import { bootstrapMetadata } from "./bootstrap";
import { joinApiGroup } from "./endpoint";
import type { GcpInfrastructure } from "./infrastructure";
import { machineLabels, networkTags } from "./names";
import { CLOUD_PLATFORM_SCOPE } from "./roles";
import { type MachineChangePolicy, replaceNodesPolicy } from "../../kit/readers";

/** How a machine reacts to a new image or bootstrap rendering. */
export type { MachineChangePolicy } from "../../kit/readers";

/**
 * Bootstrap and image are read at first boot only: ignored on running machines, except on the nodes
 * listed in `replaceNodes`, which are rebuilt when either changed.
 * @param config - the gcp config
 * @param node - the node
 */
export function machineChangePolicy(config: GcpConfig, node: NodePlan): MachineChangePolicy {
    const key = node.os === "windows" ? "windows-startup-script-ps1" : "user-data";
    return replaceNodesPolicy(config.replaceNodes, node.name, [`metadata["${key}"]`, "bootDisk.initializeParams.image"]);
}

/**
 * Creates one node's instance and, for a master, its membership in its zone's API instance group.
 * @param name - prefix of every resource name
 * @param node - the node
 * @param bootstrap - its delivered bootstrap (user data or Windows startup script)
 * @param ctx - the cluster, config, infrastructure and parent
 */
export function createGcpMachine(
    name: string,
    node: NodePlan,
    bootstrap: DeliveredBootstrap,
    ctx: MachineContext<GcpConfig, GcpInfrastructure>,
): MachineFacts {
    if (bootstrap.kind !== "user-data") throw new Error(`node ${node.name}: gcp delivers bootstraps as instance metadata, not over SSH`);
    const { spec, config, infrastructure: infra, parent } = ctx;
    const isMaster = node.role === "control-plane";
    const machineType = machineTypeFor(config, node.role, node.machineType);
    const tags = networkTags(spec.name);
    const labels = machineLabels(spec, node);
    const instance = new Instance(
        `${name}-${node.name}`,
        {
            project: config.project,
            zone: node.failureDomain,
            name: node.name,
            machineType,
            bootDisk: {
                autoDelete: true,
                kmsKeySelfLink: config.kmsKeyName,
                initializeParams: {
                    image: imageFor(config, machineType, node.os),
                    size: node.diskSizeGb,
                    type: bootDiskType(machineType),
                    labels,
                },
            },
            // No accessConfigs: no external address.
            networkInterfaces: [{ subnetwork: infra.network.subnetwork, subnetworkProject: infra.network.networkProject }],
            serviceAccount: {
                email: (isMaster ? infra.identity.controlPlane : infra.identity.worker).email,
                scopes: [CLOUD_PLATFORM_SCOPE],
            },
            shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
            metadata: bootstrapMetadata(node.os, bootstrap.value, node.os === "linux" ? spec.access.sshPublicKeys : []),
            tags: isMaster ? [tags.node, tags.controlPlane] : [tags.node],
            labels,
            scheduling: node.spot
                ? { provisioningModel: "SPOT", preemptible: true, automaticRestart: false, instanceTerminationAction: "DELETE" }
                : { provisioningModel: "STANDARD", automaticRestart: true, onHostMaintenance: "MIGRATE" },
            canIpForward: false,
            allowStoppingForUpdate: true,
            deletionProtection: false,
        },
        { parent, dependsOn: [...infra.network.ready, ...infra.identity.ready], ...machineChangePolicy(config, node) },
    );
    const dependsOn: pulumi.Resource[] = [instance];
    if (isMaster) dependsOn.push(joinApiGroup(name, config, infra.api, node, instance, parent));
    return { machineId: instance.instanceId, privateIp: instance.networkInterfaces.apply((nics) => nics[0]?.networkIp ?? ""), dependsOn };
}
