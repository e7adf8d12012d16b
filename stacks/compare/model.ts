/**
 * The time-to-ready model, whole: a recorded plan's graph with the dependencies the world imposes
 * (physical.ts), each resource weighted by its latency row (latency-table.ts), dependencies that
 * only bound a resource's finish where its work starts early (a row's `workStartsAfter`) or gate only
 * its end (a row's `afterDnsSeconds`), its critical path taken (critical-path.ts). `npm run compare` (timing.ts) and `npm run bench` (bench/deploy.ts)
 * both price a plan through {@link modelRole} and {@link modelledCriticalPath}, so they cannot drift.
 */
import { graphCriticalPath, type DependencyRole, type GraphNode, type GraphPath } from "./critical-path";
import type { Phase } from "./data";
import { overlapApplies, type LatencyRow } from "./latency-table";
import { NEEDS_EGRESS, egressResources, withPhysicalDependencies } from "./physical";
import type { ResolvedStack } from "../program";
import { NODE_LIFECYCLE_TYPE } from "../../components/lifecycle/types";

/** A latency row as the model reads it (the shared table's or a platform's). */
export type ModelRow = Pick<LatencyRow, "seconds" | "phase" | "source" | "workStartsAfter" | "afterDnsSeconds">;

/** How the model finds a resource's row. */
export type RowOf = (type: string, name: string) => ModelRow | undefined;

/**
 * How a dependency weighs on a resource: the nodes' egress always gates the work of what needs it
 * (kubeadm init's downloads); a node's lifecycle record waiting for another's (the masters' chain,
 * which exists so that Pulumi removes masters one at a time) only bounds its finish: the join it stands
 * for runs on its own machine once the API answers, beside the other masters' joins; the nodes' private
 * name service (phase `dns`) gates only the last `afterDnsSeconds` of a row that has them (what runs
 * after the bootstrap's first lookup of the API name; the install before runs meanwhile), all the work
 * of a row without; where a row's work starts early (its `workStartsAfter`, applied when the
 * platform lets the init master skip the endpoint), a custom dependency of another phase only bounds
 * the finish; everything else gates the work.
 *
 * @param rowOf - the row of a resource
 * @param initWithoutEndpoint - the platform's bootstrap facts have an `endpointNameCommand`
 * @param isEgress - whether a resource is part of the nodes' egress (see physical.ts)
 */
export function modelRole<R extends GraphNode>(
    rowOf: RowOf,
    initWithoutEndpoint: boolean,
    isEgress: (r: R) => boolean,
): (from: R, to: R) => DependencyRole {
    return (from, to) => {
        if (NEEDS_EGRESS.includes(from.type) && isEgress(to)) return "work";
        if (from.type === NODE_LIFECYCLE_TYPE && to.type === NODE_LIFECYCLE_TYPE) return "bound";
        const row = rowOf(from.type, from.name);
        const phase = rowOf(to.type, to.name)?.phase;
        if (phase === "dns" && to.custom) return row?.afterDnsSeconds !== undefined ? { last: row.afterDnsSeconds } : "work";
        const phases = overlapApplies(row, initWithoutEndpoint);
        return phases && !(phase && phases.includes(phase)) && to.custom ? "bound" : "work";
    };
}

/**
 * The modelled critical path of a recorded plan: physical dependencies added, each resource weighted
 * by its row (0 without one), roles by {@link modelRole}.
 *
 * @param resources - every registration of the plan, with its dependencies
 * @param rowOf - the row of a resource
 * @param initWithoutEndpoint - the platform lets the init master run `kubeadm init` without the endpoint
 * @param ignoreEdge - dependencies to drop, to price a what-if (none by default)
 */
export function modelledCriticalPath<R extends GraphNode>(
    resources: R[],
    rowOf: RowOf,
    initWithoutEndpoint: boolean,
    ignoreEdge?: (from: R, to: R) => boolean,
): GraphPath {
    const phaseOf = (r: R): Phase | undefined => rowOf(r.type, r.name)?.phase;
    const graph = withPhysicalDependencies(resources, phaseOf);
    const egress = new Set(egressResources(resources, phaseOf).map((r) => r.urn));
    const seconds = (type: string, name: string) => rowOf(type, name)?.seconds ?? 0;
    return graphCriticalPath(
        graph,
        seconds,
        ignoreEdge,
        modelRole(rowOf, initWithoutEndpoint, (r: R) => egress.has(r.urn)),
    );
}

/**
 * Whether a stack's platform lets the init master run `kubeadm init` without the endpoint (its bootstrap
 * facts have an `endpointNameCommand`): then kubeadm init's work runs beside the load balancer.
 *
 * @param resolved - the validated stack
 */
export function initWithoutEndpointOf(resolved: ResolvedStack): boolean {
    return resolved.platform.bootstrapFacts(resolved.platformConfig, resolved.spec).endpointNameCommand !== undefined;
}
