/**
 * Bare-metal placement: each node goes to a host of the inventory, so the host decides the node's
 * failure domain. Ordinals follow the inventory order within a role/pool, which keeps node names
 * stable when hosts are appended (and removing the last host of a pool removes its highest ordinal).
 * Pure: no Pulumi import.
 */
import { masterPlan, workerPlan } from "../../core/placement";
import type { ClusterSpec, ConfigIssue, NodePlan } from "../../core/types";
import type { BaremetalConfig, BaremetalHost } from "./config";

/** The failure domains the inventory offers: masters' domains first, then the others, each once. */
export function baremetalFailureDomains(config: BaremetalConfig): string[] {
    const ordered = [...config.hosts.filter((h) => h.role === "control-plane"), ...config.hosts.filter((h) => h.role !== "control-plane")];
    return [...new Set(ordered.map((h) => h.failureDomain))];
}

/** The hosts of one pool (`control-plane` for masters), in inventory order. */
export function poolHosts(config: BaremetalConfig, pool: string): BaremetalHost[] {
    return config.hosts.filter((h) => h.pool === pool);
}

/**
 * The host a node runs on: the `ordinal`-th host of its pool.
 *
 * @param config - the inventory.
 * @param node - a node placed by {@link placeBaremetalNodes}.
 */
export function hostFor(config: BaremetalConfig, node: NodePlan): BaremetalHost | undefined {
    return poolHosts(config, node.pool)[node.ordinal];
}

/**
 * One NodePlan per host: masters (`<cluster>-cp-<i>`, the first control-plane host of the inventory
 * runs `kubeadm init`), then each pool in config order. The host's failure domain and labels go on
 * the node; kubeforge's own labels win over the host's.
 *
 * @param config - the validated inventory.
 * @param spec - the cluster.
 */
export function placeBaremetalNodes(config: BaremetalConfig, spec: ClusterSpec): NodePlan[] {
    const withHostLabels = (plan: NodePlan, host: BaremetalHost): NodePlan => ({ ...plan, labels: { ...host.labels, ...plan.labels } });
    const nodes = poolHosts(config, "control-plane").map((host, i) => withHostLabels(masterPlan(spec, i, host.failureDomain), host));
    for (const pool of spec.workerPools) {
        poolHosts(config, pool.name).forEach((host, i) => nodes.push(withHostLabels(workerPlan(spec, pool, i, host.failureDomain), host)));
    }
    return nodes;
}

/**
 * Every node has a host of its pool, and no host serves two nodes.
 *
 * @param config - the inventory.
 * @param nodes - the placed nodes.
 */
export function checkBaremetalNodes(config: BaremetalConfig, nodes: NodePlan[]): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const used = new Map<string, string>();
    for (const node of nodes) {
        const host = hostFor(config, node);
        if (!host) {
            issues.push({ field: "kubeforge:baremetal.hosts", message: `node ${node.name} (pool ${node.pool}) has no host; add a host with ${node.role === "worker" ? `pool: ${node.pool}` : "role: control-plane"}` });
            continue;
        }
        const other = used.get(host.address);
        if (other) issues.push({ field: "kubeforge:baremetal.hosts", message: `host ${host.name} would serve both ${other} and ${node.name}; list each machine once` });
        used.set(host.address, node.name);
        if (host.failureDomain !== node.failureDomain) {
            issues.push({ field: "kubeforge:baremetal.hosts", message: `node ${node.name} is placed in ${node.failureDomain} but its host ${host.name} is in ${host.failureDomain}` });
        }
    }
    return issues;
}
