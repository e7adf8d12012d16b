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
import type { MachineFacts, PlatformContext } from "../../platform";
import { type GcpConfig, imageFor, machineTypeFor } from "./config";
import { bootDiskType } from "./disks";
import { bootstrapMetadata, gcpUserData } from "./bootstrap";
import { API_PORT, type GcpEndpointAddress } from "./endpoint";
import type { GcpIdentity } from "./identity";
import type { GcpNetwork } from "./network";
import { machineLabels, networkTags } from "./names";
import { CLOUD_PLATFORM_SCOPE } from "./roles";

/** Everything the machines hang off. */
export interface MachineDeps {
    /** The network (subnetwork, what must exist before boot). */
    network: GcpNetwork;
    /** The endpoint's address (the bootstrap's endpoint host). */
    endpoint: GcpEndpointAddress;
    /** Service accounts by role. */
    identity: GcpIdentity;
}

/** How a machine reacts to a new image or bootstrap rendering. */
export interface MachineChangePolicy {
    /** Instance inputs kept at their value from creation. */
    ignoreChanges: string[];
    /** Instance inputs whose change rebuilds the machine. */
    replaceOnChanges: string[];
}

/**
 * Bootstrap and image are read at first boot only: ignored on running machines, except on the nodes
 * listed in `replaceNodes`, which are rebuilt when either changed.
 * @param config - the gcp config
 * @param node - the node
 */
export function machineChangePolicy(config: GcpConfig, node: NodePlan): MachineChangePolicy {
    const key = node.os === "windows" ? "windows-startup-script-ps1" : "user-data";
    const rolled = [`metadata["${key}"]`, "bootDisk.initializeParams.image"];
    return config.replaceNodes.includes(node.name)
        ? { ignoreChanges: [], replaceOnChanges: rolled }
        : { ignoreChanges: rolled, replaceOnChanges: [] };
}

/** A created machine. */
export interface GcpMachine {
    /** The node. */
    node: NodePlan;
    /** Its instance. */
    instance: Instance;
}

/**
 * Creates one instance per node.
 * @param name - prefix of every resource name
 * @param ctx - the platform context (spec, nodes, bootstrap renderer, parent)
 * @param deps - network, endpoint address, identity
 */
export function createMachines(name: string, ctx: PlatformContext<GcpConfig>, deps: MachineDeps): GcpMachine[] {
    const userData = ctx.renderUserData(ctx.nodes, { host: deps.endpoint.ip, port: API_PORT }, gcpUserData);
    return ctx.nodes.map((node, i) => ({ node, instance: createInstance(name, ctx, node, deps, userData[i]) }));
}

function createInstance(
    name: string,
    ctx: PlatformContext<GcpConfig>,
    node: NodePlan,
    deps: MachineDeps,
    userData: pulumi.Output<string>,
): Instance {
    const { spec, config } = ctx;
    const isMaster = node.role === "control-plane";
    const machineType = machineTypeFor(config, node.role, node.machineType);
    const tags = networkTags(spec.name);
    const labels = machineLabels(spec, node);
    return new Instance(
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
            networkInterfaces: [{ subnetwork: deps.network.subnetwork, subnetworkProject: deps.network.networkProject }],
            serviceAccount: { email: (isMaster ? deps.identity.controlPlane : deps.identity.worker).email, scopes: [CLOUD_PLATFORM_SCOPE] },
            shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
            metadata: bootstrapMetadata(node.os, userData, node.os === "linux" ? spec.access.sshPublicKeys : []),
            tags: isMaster ? [tags.node, tags.controlPlane] : [tags.node],
            labels,
            scheduling: node.spot
                ? { provisioningModel: "SPOT", preemptible: true, automaticRestart: false, instanceTerminationAction: "DELETE" }
                : { provisioningModel: "STANDARD", automaticRestart: true, onHostMaintenance: "MIGRATE" },
            canIpForward: false,
            allowStoppingForUpdate: true,
            deletionProtection: false,
        },
        {
            parent: ctx.parent,
            dependsOn: [...deps.network.ready, ...deps.identity.ready],
            ...machineChangePolicy(config, node),
        },
    );
}

/**
 * What the core needs of each machine.
 * @param machines - the created machines, in NodePlan order
 * @param extra - per-node resources the node's lifecycle also depends on (a master's instance group)
 */
export function machineFacts(machines: GcpMachine[], extra: (node: NodePlan) => pulumi.Resource[] = () => []): MachineFacts[] {
    return machines.map(({ node, instance }) => ({
        node,
        machineId: instance.instanceId,
        privateIp: instance.networkInterfaces.apply((nics) => nics[0]?.networkIp ?? ""),
        dependsOn: [instance, ...extra(node)],
    }));
}
