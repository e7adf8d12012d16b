/**
 * One HostBootstrap per node: the core's rendered bootstrap (the same files and idempotent command as
 * the cloud user data), plus kube-vip on masters and the node-IP file, delivered over SSH.
 */
import * as pulumi from "@pulumi/pulumi";
import { HostBootstrap } from "../../../bootstrap/ssh/provider";
import type { HostFile } from "../../../bootstrap/ssh/host";
import type { BootstrapFile } from "../../../bootstrap/types";
import type { NodePlan } from "../../core/types";
import type { DeliveredBootstrap, MachineContext, MachineFacts, PlatformInfrastructure } from "../../platform";
import type { BaremetalConfig, BaremetalHost } from "./config";
import { kubeVipFiles } from "./kubevip";
import { hostFor } from "./placement";
import { API_PORT } from "./endpoint";
import { hostsHaveIps, NODE_IP_FILE } from "./network";

/**
 * What the bare-metal infrastructure gives its machines: the endpoint and addons only. A host needs no
 * other host's access: removal (drain, etcd member) goes through the API like on every platform.
 */
export type BaremetalInfrastructure = PlatformInfrastructure;

/**
 * The files kubeforge adds to the core's bootstrap for one node on bare metal.
 *
 * @param config - the validated block
 * @param node - the node
 * @param host - its host
 */
export function platformFiles(config: BaremetalConfig, node: NodePlan, host: BaremetalHost): HostFile[] {
    const files: HostFile[] = [];
    if (hostsHaveIps(config)) files.push({ path: NODE_IP_FILE, content: `${host.address}\n`, permissions: "0644" });
    if (config.endpoint.kind === "vip") {
        files.push(...kubeVipFiles(node, { address: config.endpoint.address, interface: config.endpoint.interface, port: API_PORT }));
    }
    return files;
}

function toHostFile(file: BootstrapFile): HostFile {
    return { path: file.path, content: file.content, permissions: file.permissions, ...(file.secret ? { secret: true } : {}) };
}

/**
 * Registers the HostBootstrap of one node: the core's bootstrap plus the platform's files, over SSH.
 *
 * @param name - the cluster component's name (prefix of every resource name)
 * @param node - the node
 * @param delivered - its bootstrap (bare metal declares SSH delivery: the bootstrap itself)
 * @param ctx - spec, config, PKI and parent
 */
export function createMachine(
    name: string,
    node: NodePlan,
    delivered: DeliveredBootstrap,
    ctx: MachineContext<BaremetalConfig, BaremetalInfrastructure>,
): MachineFacts {
    const { config, parent, pki } = ctx;
    if (delivered.kind !== "ssh") throw new Error(`node ${node.name}: bare metal bootstraps over SSH, not ${delivered.kind}`);
    // checkNodes reported a node without a host before any resource existed.
    const host = hostFor(config, node);
    if (!host) throw new Error(`kubeforge: no host for ${node.name}; checkNodes should have reported it`);
    const bootstrap = delivered.bootstrap;
    const extra = platformFiles(config, node, host);
    const files = pulumi.secret(bootstrap.apply((b) => [...extra, ...b.files.map(toHostFile)]));
    const resource = new HostBootstrap(
        node.name,
        {
            host: host.address,
            port: host.port,
            user: host.user,
            privateKey: pulumi.secret(host.privateKey),
            hostKey: host.hostKey,
            trustOnFirstUse: host.trustOnFirstUse,
            nodeName: node.name,
            role: node.role,
            files,
            command: bootstrap.apply((b) => b.command),
            forceRemoveUnreachable: config.forceRemoveUnreachable,
            concurrency: config.concurrency,
            secrets: [pki.bootstrapToken, pki.encryptionKey],
            volatile: [pki.bootstrapToken, pki.bootstrapTokenExpires],
        },
        // Named after the node alone; the name stacks made before had (`<cluster>-<node>`, the cluster
        // name twice) is an alias, so no host is bootstrapped (or reset) again for the rename.
        { parent, aliases: [{ name: `${name}-${node.name}` }] },
    );
    return {
        machineId: pulumi.output(`${host.address}:${host.port}`),
        privateIp: pulumi.output(host.address),
        dependsOn: [resource],
        outputs: { hostKeys: resource.hostKeySeen },
    };
}
