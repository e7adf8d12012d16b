/**
 * Turns a {@link ClusterSpec} into {@link NodePlan}s: names, failure domains, labels and taints.
 *
 * Placement is round-robin by ordinal: node i of a pool goes to `domains[i % domains.length]`. That is
 * balanced (counts per domain differ by at most one) and stable: scaling a pool adds or removes only
 * its highest ordinals, and no other node changes name or domain. Changing the domain list is
 * different: removing or reordering domains moves nodes, and even appending one moves every node
 * whose ordinal is at least the old domain count (with [a, b] node 2 is in a; with [a, b, c] in c).
 */
import { CONTROL_PLANE_TAINT, LABELS, type ClusterSpec, type NodePlan, type WorkerPoolSpec } from "./types";

/** Pool name of the masters. */
export const CONTROL_PLANE_POOL = "control-plane";

/** Name of master `ordinal`: `<cluster>-cp-<ordinal>`. */
export function masterName(cluster: string, ordinal: number): string {
    return `${cluster}-cp-${ordinal}`;
}

/** Name of worker `ordinal` of `pool`: `<cluster>-<pool>-<ordinal>`. */
export function workerName(cluster: string, pool: string, ordinal: number): string {
    return `${cluster}-${pool}-${ordinal}`;
}

/**
 * The failure domain of node `ordinal` under round-robin placement.
 *
 * @param ordinal - the node's ordinal in its pool
 * @param domains - the pool's domains, in order (at least one)
 */
export function domainFor(ordinal: number, domains: readonly string[]): string {
    if (domains.length === 0)
        throw new Error("no failure domain to place a node in; resolveCluster fills spec.failureDomains from the platform");
    return domains[ordinal % domains.length];
}

/**
 * How many of `count` nodes each domain gets under round-robin placement, aligned with `domains`:
 * the first `count % domains.length` domains get one more (5 over 3 domains: 2, 2, 1).
 *
 * @param count - number of nodes
 * @param domains - the domains, in order
 */
export function spreadCounts(count: number, domains: readonly string[]): number[] {
    if (domains.length === 0) return [];
    const base = Math.floor(count / domains.length);
    const extra = count % domains.length;
    return domains.map((_, i) => base + (i < extra ? 1 : 0));
}

/**
 * True when the nodes are spread over `domains` as evenly as possible: every node is in one of
 * `domains` and the per-domain counts (empty domains included) differ by at most one. Used for the
 * masters by validation (platform-placed nodes) and by the policy pack.
 *
 * @param assigned - the failure domain of each node
 * @param domains - every domain the nodes could have used
 */
export function isEvenSpread(assigned: readonly string[], domains: readonly string[]): boolean {
    if (assigned.length === 0) return true;
    const counts = new Map(domains.map((d) => [d, 0]));
    for (const domain of assigned) {
        const current = counts.get(domain);
        if (current === undefined) return false;
        counts.set(domain, current + 1);
    }
    const values = [...counts.values()];
    return Math.max(...values) - Math.min(...values) <= 1;
}

/**
 * The fewest failure domains `masters` need under `spread: required`: one per master up to three
 * (three domains already let a 5- or 7-master etcd survive a domain loss).
 */
export function requiredMasterDomains(masters: number): number {
    return Math.min(masters, 3);
}

/** The failure domains a pool may use, in order: its own list, else the cluster's. */
export function poolDomains(spec: ClusterSpec, pool: WorkerPoolSpec): string[] {
    return pool.failureDomains ?? spec.failureDomains;
}

/** kubeforge's own labels on a node; user labels cannot override them (config rejects `kubeforge.io/*`). */
function ownLabels(spec: ClusterSpec, name: string, role: NodePlan["role"], pool: string, domain: string): Record<string, string> {
    return {
        [LABELS.cluster]: spec.name,
        [LABELS.role]: role,
        [LABELS.pool]: pool,
        [LABELS.node]: name,
        [LABELS.kubeforgeFailureDomain]: domain,
    };
}

/**
 * The plan of master `ordinal` in `failureDomain` (platforms that place nodes themselves use this
 * so names, labels and taints stay the same everywhere).
 *
 * @param spec - the cluster
 * @param ordinal - the master's ordinal; 0 is the init node
 * @param failureDomain - where it goes
 */
export function masterPlan(spec: ClusterSpec, ordinal: number, failureDomain: string): NodePlan {
    const name = masterName(spec.name, ordinal);
    return {
        name,
        role: "control-plane",
        pool: CONTROL_PLANE_POOL,
        ordinal,
        failureDomain,
        os: "linux",
        ...(spec.controlPlane.machineType !== undefined ? { machineType: spec.controlPlane.machineType } : {}),
        diskSizeGb: spec.controlPlane.diskSizeGb,
        spot: false,
        labels: ownLabels(spec, name, "control-plane", CONTROL_PLANE_POOL, failureDomain),
        taints: [{ ...CONTROL_PLANE_TAINT }],
        kubernetesVersion: spec.kubernetesVersion,
        initNode: ordinal === 0,
    };
}

/**
 * The plan of worker `ordinal` of `pool` in `failureDomain`.
 *
 * @param spec - the cluster
 * @param pool - the worker's pool
 * @param ordinal - its ordinal in the pool
 * @param failureDomain - where it goes
 */
export function workerPlan(spec: ClusterSpec, pool: WorkerPoolSpec, ordinal: number, failureDomain: string): NodePlan {
    const name = workerName(spec.name, pool.name, ordinal);
    return {
        name,
        role: "worker",
        pool: pool.name,
        ordinal,
        failureDomain,
        os: pool.os,
        ...(pool.machineType !== undefined ? { machineType: pool.machineType } : {}),
        diskSizeGb: pool.diskSizeGb,
        spot: pool.spot,
        labels: { ...pool.labels, ...ownLabels(spec, name, "worker", pool.name, failureDomain) },
        taints: pool.taints.map((t) => ({ ...t })),
        kubernetesVersion: pool.kubernetesVersion ?? spec.kubernetesVersion,
        initNode: false,
    };
}

/**
 * Places every node of the cluster: masters first (`<cluster>-cp-<i>`, master 0 runs `kubeadm init`),
 * then each pool in config order (`<cluster>-<pool>-<i>`), round-robin over the pool's domains.
 *
 * @param spec - a validated cluster with at least one failure domain
 */
export function placeNodes(spec: ClusterSpec): NodePlan[] {
    const nodes: NodePlan[] = [];
    for (let i = 0; i < spec.controlPlane.count; i++) nodes.push(masterPlan(spec, i, domainFor(i, spec.failureDomains)));
    for (const pool of spec.workerPools) {
        const domains = poolDomains(spec, pool);
        for (let i = 0; i < pool.count; i++) nodes.push(workerPlan(spec, pool, i, domainFor(i, domains)));
    }
    return nodes;
}
