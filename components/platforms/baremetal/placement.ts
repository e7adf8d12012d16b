/**
 * Bare-metal placement: each node goes to a host of the inventory, so the host decides the node's
 * failure domain. A host's ordinal is the one it states, else its position among its pool's hosts:
 * appending hosts renames nothing, and a host removed from the middle leaves the others' names alone
 * once they state their ordinals (validation asks for that when positions and ordinals disagree).
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

/** A host's ordinal in its pool: the one it states, else its position among the pool's hosts. */
export function hostOrdinal(hosts: BaremetalHost[], host: BaremetalHost): number {
    return host.ordinal ?? hosts.indexOf(host);
}

/**
 * The host a node runs on: the `ordinal`-th host of its pool.
 *
 * @param config - the inventory.
 * @param node - a node placed by {@link placeBaremetalNodes}.
 */
export function hostFor(config: BaremetalConfig, node: NodePlan): BaremetalHost | undefined {
    const hosts = poolHosts(config, node.pool);
    return hosts.find((h) => hostOrdinal(hosts, h) === node.ordinal);
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
    const masters = poolHosts(config, "control-plane");
    const lowest = Math.min(...masters.map((h) => hostOrdinal(masters, h)));
    // The master with the lowest ordinal runs `kubeadm init` (master 0 may have left the inventory; its
    // script joins instead whenever the API already answers, so a running cluster is never re-inited).
    const nodes = masters.map((host) => {
        const ordinal = hostOrdinal(masters, host);
        return withHostLabels({ ...masterPlan(spec, ordinal, host.failureDomain), initNode: ordinal === lowest }, host);
    });
    for (const pool of spec.workerPools) {
        const hosts = poolHosts(config, pool.name);
        hosts.forEach((host) => nodes.push(withHostLabels(workerPlan(spec, pool, hostOrdinal(hosts, host), host.failureDomain), host)));
    }
    return nodes;
}

/**
 * Every node has a host of its pool, and no host serves two nodes.
 *
 * @param config - the inventory.
 * @param nodes - the placed nodes.
 */
export function checkBaremetalNodes(config: BaremetalConfig, nodes: readonly NodePlan[]): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const seen = new Map<string, BaremetalHost>();
    // Hosts already reported: what follows from their clash (a host serving two nodes, a node in the
    // wrong rack) would only repeat it in misleading words.
    const reported = new Set<BaremetalHost>();
    for (const host of config.hosts) {
        const ordinal = hostOrdinal(poolHosts(config, host.pool), host);
        const key = `${host.pool}#${ordinal}`;
        const twin = seen.get(key);
        if (twin) {
            const [a, b] = [config.hosts.indexOf(twin), config.hosts.indexOf(host)];
            issues.push({
                field: `kubeforge:baremetal.hosts[${b}].ordinal`,
                message:
                    `hosts[${a}] (${twin.name}) and hosts[${b}] (${host.name}) would both be node ${ordinal} of pool ${host.pool}; ` +
                    "give every host of a pool its own ordinal (state it on each host once any host states one)",
            });
            reported.add(twin).add(host);
        }
        seen.set(key, host);
    }
    const used = new Map<string, string>();
    for (const node of nodes) {
        const host = hostFor(config, node);
        if (host && reported.has(host)) continue;
        if (!host) {
            issues.push({
                field: "kubeforge:baremetal.hosts",
                message: `node ${node.name} (pool ${node.pool}) has no host; add a host with ${node.role === "worker" ? `pool: ${node.pool}` : "role: control-plane"}`,
            });
            continue;
        }
        const other = used.get(host.address);
        if (other)
            issues.push({
                field: "kubeforge:baremetal.hosts",
                message: `host ${host.name} would serve both ${other} and ${node.name}; list each machine once`,
            });
        used.set(host.address, node.name);
        if (host.failureDomain !== node.failureDomain) {
            issues.push({
                field: "kubeforge:baremetal.hosts",
                message: `node ${node.name} is placed in ${node.failureDomain} but its host ${host.name} is in ${host.failureDomain}`,
            });
        }
    }
    return issues;
}
