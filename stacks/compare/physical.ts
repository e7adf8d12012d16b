/**
 * Dependencies the program cannot declare but the world imposes, added to a recorded graph before its
 * critical path is taken, so the model is never kinder than what a real `pulumi up` could do:
 * - a node's join cannot finish before the API answers, although its lifecycle record rightly
 *   depends only on its machine: every NodeLifecycle waits for the ApiReadiness gate;
 * - `kubeadm init` cannot start before the nodes have egress: machines no longer wait for the
 *   default routes through NAT (their bootstrap waits for egress itself, bootstrap/scripts/common.sh
 *   `wait_for_egress`), so the readiness gate's work starts at max(machine created, egress ready).
 *   "Egress ready" is every network resource that depends directly on an `egress` one (the NAT routes);
 *   a topology without NAT (public subnets, an existing VPC) has none and waits for nothing more;
 * - `kubeadm init` cannot look the API name up before the nodes' private name service answers: the
 *   machines no longer wait for the private zone's SOA record (phase `dns`), their bootstrap waits for
 *   it after the package install (bootstrap/scripts/kubeadm.sh), so the readiness gate waits for every
 *   `dns` resource; how much of its work that gates is its row's (`afterDnsSeconds`, model.ts).
 */
import { API_READINESS_TYPE, NODE_LIFECYCLE_TYPE } from "../../components/lifecycle/types";
import type { Phase } from "./data";
import { waitedForBy, type GraphNode } from "./critical-path";

/** Resource types whose work needs the nodes' egress (downloads before kubeadm runs). */
export const NEEDS_EGRESS: readonly string[] = [API_READINESS_TYPE];

/** Resource types whose work looks the API name up on the nodes (the kubeadm step, after the packages). */
export const NEEDS_DNS: readonly string[] = [API_READINESS_TYPE];

/**
 * The nodes' private name service: custom resources of phase `dns` (the private zone's SOA record), in
 * the order given; none where the platform has no such rows.
 *
 * @param resources - the recorded resources
 * @param phaseOf - the phase of a resource (its latency row's)
 */
export function dnsResources<R extends GraphNode>(resources: R[], phaseOf: (r: R) => Phase | undefined): R[] {
    return resources.filter((r) => r.custom && phaseOf(r) === "dns");
}

/**
 * The resources that make egress ready: custom `network` resources that depend directly on one of
 * phase `egress` (a NAT gateway's default routes), in the order given.
 *
 * @param resources - the recorded resources
 * @param phaseOf - the phase of a resource (its latency row's)
 */
export function egressResources<R extends GraphNode>(resources: R[], phaseOf: (r: R) => Phase | undefined): R[] {
    const egress = new Set(resources.filter((r) => phaseOf(r) === "egress").map((r) => r.urn));
    return resources.filter((r) => r.custom && phaseOf(r) === "network" && r.deps.some((d) => egress.has(d)));
}

/**
 * The recorded resources with the physical dependencies added (copies; the input is not changed):
 * every NodeLifecycle on the first ApiReadiness, every resource of {@link NEEDS_EGRESS} on every
 * resource of {@link egressResources}, every resource of {@link NEEDS_DNS} on every resource of
 * {@link dnsResources}. Which part of the work each edge gates is the model's to say (model.ts): the
 * egress edges gate all of it, the dns edges what the row says runs after the name lookup. An edge that
 * would close a cycle is left out.
 *
 * @param resources - the recorded resources
 * @param phaseOf - the phase of a resource (its latency row's)
 */
export function withPhysicalDependencies<R extends GraphNode>(resources: R[], phaseOf: (r: R) => Phase | undefined): R[] {
    const gate = resources.find((r) => r.type === API_READINESS_TYPE)?.urn;
    const original = new Map(resources.map((r) => [r.urn, r]));
    // Whether `from` waits, directly or not, for `to` in `graph`: an edge back would make a cycle (a
    // gate that waits for a record, an egress resource that waits for the gate, cannot be waited for).
    const waitsFor = (graph: ReadonlyMap<string, R>, from: string, to: string): boolean => waitedForBy(graph, from).has(to);
    const joined = resources.map((r) =>
        gate && r.type === NODE_LIFECYCLE_TYPE && !r.deps.includes(gate) && !waitsFor(original, gate, r.urn)
            ? { ...r, deps: [...r.deps, gate] }
            : r,
    );
    const egress = egressResources(resources, phaseOf).map((r) => r.urn);
    const dns = dnsResources(resources, phaseOf).map((r) => r.urn);
    // One resource at a time, each seeing the edges added before it: with two gates, edges checked
    // only against the declared graph could close a cycle through each other (found by the property).
    // A resource's own new edges cannot close a cycle among themselves (none leads back into it).
    const graph = new Map(joined.map((r) => [r.urn, r]));
    for (const r of joined) {
        const wanted = [...(NEEDS_EGRESS.includes(r.type) ? egress : []), ...(NEEDS_DNS.includes(r.type) ? dns : [])];
        const extra = [...new Set(wanted)].filter((u) => u !== r.urn && !r.deps.includes(u) && !waitsFor(graph, u, r.urn));
        if (extra.length > 0) graph.set(r.urn, { ...r, deps: [...r.deps, ...extra] });
    }
    return joined.map((r) => graph.get(r.urn)!);
}
