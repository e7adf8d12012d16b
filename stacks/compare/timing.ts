/**
 * Modelled time to a ready cluster: the critical path of the plan's dependency graph (what the program
 * declared, as the mock engine recorded it), each resource weighted by its latency row, the platform's
 * rows before the shared table's. The same model as `npm run bench` (model.ts: physical dependencies,
 * work that starts early, egress before kubeadm init). Pure over the recorded plan.
 */
import type { ChainStep, GraphNode } from "./critical-path";
import { LATENCY_TABLE, type LatencyRow } from "./latency-table";
import type { MatchableLatencyRow } from "./latency";
import { modelledCriticalPath } from "./model";

/** A recorded resource, as the model needs it. */
export interface GraphResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    parent?: string;
    dependencies: string[];
}

/** The modelled bring-up. */
export interface TimeToReady {
    /** Seconds until the last resource is created: `pulumi up` to a ready cluster. */
    seconds: number;
    /** The chain of resources that sets it, each with its seconds and source. */
    criticalPath: (ChainStep & { source: string })[];
    /** Custom resource types no row covers (counted as instant): the model is short by their time. */
    unmodelledTypes: string[];
}

/**
 * The rows that apply to a platform: its own first, then the bench's shared rows (bootstrap, addons,
 * local work). First match wins.
 *
 * @param platformRows - the platform's latency rows
 */
export function rowsFor(platformRows: MatchableLatencyRow[]): (LatencyRow | MatchableLatencyRow)[] {
    return [...platformRows, ...LATENCY_TABLE];
}

/** The first row that matches a resource. */
export function matchRow<R extends { type: string | RegExp; name?: RegExp }>(rows: R[], type: string, name: string): R | undefined {
    return rows.find(
        (row) => (typeof row.type === "string" ? row.type === type : row.type.test(type)) && (!row.name || row.name.test(name)),
    );
}

/**
 * A recorded plan's resources as the model's graph nodes (their `dependencies` as `deps`).
 *
 * @param resources - every registration of the plan, with its dependencies
 */
export function graphOf(resources: GraphResource[]): GraphNode[] {
    return resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, custom: r.custom, parent: r.parent, deps: r.dependencies }));
}

/**
 * The critical path of a plan, by the shared model (model.ts): a node's join cannot finish before the
 * API answers, kubeadm init's work waits for the nodes' egress, and where the platform lets the init
 * master skip the endpoint its work runs beside the load balancer.
 *
 * @param resources - every registration of the plan, with its dependencies
 * @param platformRows - the platform's latency rows
 * @param initWithoutEndpoint - the platform's bootstrap facts have an `endpointNameCommand`
 */
export function timeToReady(resources: GraphResource[], platformRows: MatchableLatencyRow[], initWithoutEndpoint = false): TimeToReady {
    const rows = rowsFor(platformRows);
    const rowOf = (type: string, name: string) => matchRow(rows, type, name);
    const path = modelledCriticalPath(graphOf(resources), rowOf, initWithoutEndpoint);
    const unmodelled = resources.filter((r) => r.custom && !rowOf(r.type, r.name)).map((r) => r.type);
    return {
        seconds: path.seconds,
        criticalPath: path.chain.map((step) => ({ ...step, source: rowOf(step.type, step.name)?.source ?? "" })),
        unmodelledTypes: [...new Set(unmodelled)].sort(),
    };
}
