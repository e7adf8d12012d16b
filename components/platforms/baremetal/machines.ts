/**
 * One HostBootstrap per node: the core's rendered bootstrap (the same files and idempotent command as
 * the cloud user data), plus kube-vip on masters and the node-IP file, delivered over SSH.
 */
import * as pulumi from "@pulumi/pulumi";
import { HostBootstrap } from "../../../bootstrap/ssh/provider";
import type { HostFile } from "../../../bootstrap/ssh/host";
import type { BootstrapFile } from "../../../bootstrap/types";
import type { NodePlan } from "../../core/types";
import type { MachineFacts, PlatformContext } from "../../platform-legacy";
import type { BaremetalConfig, BaremetalHost } from "./config";
import { kubeVipFiles } from "./kubevip";
import { hostFor } from "./placement";
import { parseIp } from "../../core/cidr";

/** API server port. */
export const API_PORT = 6443;

/** Where each host's own address is written, for kubelet's `--node-ip`. */
export const NODE_IP_FILE = "/etc/kubeforge/node-ip";

/** True when every host is given by IP, so the node IP can be pinned to it. */
export function hostsHaveIps(config: BaremetalConfig): boolean {
    return config.hosts.every((h) => parseIp(h.address).ok);
}

/** The files kubeforge adds to the core's bootstrap for one node on bare metal. */
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
 * Registers the HostBootstraps and returns each node's machine facts.
 *
 * @param name - the cluster component's name (prefix of every resource name).
 * @param ctx - the platform context.
 */
export function createHosts(
    name: string,
    ctx: PlatformContext<BaremetalConfig>,
): { machines: MachineFacts[]; hostKeys: pulumi.Output<Record<string, string>> } {
    const { config, nodes, parent, pki } = ctx;
    const endpointHost = config.endpoint.address;
    const resources: HostBootstrap[] = [];
    const machines = nodes.map((node): MachineFacts => {
        // checkNodes reported a node without a host before any resource existed.
        const host = hostFor(config, node);
        if (!host) throw new Error(`kubeforge: no host for ${node.name}; checkNodes should have reported it`);
        const bootstrap = ctx.renderBootstrap(node, { host: endpointHost, port: API_PORT, extraSans: [endpointHost] });
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
        resources.push(resource);
        return {
            node,
            machineId: pulumi.output(`${host.address}:${host.port}`),
            privateIp: pulumi.output(host.address),
            dependsOn: [resource],
        };
    });
    const hostKeys = pulumi
        .all(resources.map((r) => r.hostKeySeen))
        .apply((keys) => Object.fromEntries(nodes.map((n, i) => [n.name, keys[i]])));
    return { machines, hostKeys };
}
