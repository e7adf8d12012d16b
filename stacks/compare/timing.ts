/**
 * Modelled time to a ready cluster: the critical path of the plan's dependency graph (what the program
 * declared, as the mock engine recorded it), each resource weighted by its latency row, with the bench's
 * engine simulation (bench/lib/trace.ts `graphCriticalPath`) and the bench's core rows after the
 * platform's own. Pure over the recorded plan.
 */
import { graphCriticalPath, type ChainStep, type TracedResource } from "../../bench/lib/trace";
import { LATENCY_TABLE, type LatencyRow } from "../../bench/lib/latency";
import { API_READINESS_TYPE, NODE_LIFECYCLE_TYPE } from "../../components/lifecycle/types";
import type { MatchableLatencyRow } from "./latency";

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
 * The critical path of a plan. A node's join cannot finish before the API answers, although its
 * lifecycle record rightly depends only on its machine: every NodeLifecycle is made to wait for the
 * ApiReadiness gate, as the deploy benchmark's gate does.
 *
 * @param resources - every registration of the plan, with its dependencies
 * @param platformRows - the platform's latency rows
 */
export function timeToReady(resources: GraphResource[], platformRows: MatchableLatencyRow[]): TimeToReady {
    const rows = rowsFor(platformRows);
    const gate = resources.find((r) => r.type === API_READINESS_TYPE)?.urn;
    const traced: TracedResource[] = resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        custom: r.custom,
        parent: r.parent,
        deps: gate && r.type === NODE_LIFECYCLE_TYPE ? [...r.dependencies, gate] : r.dependencies,
        start: 0,
        end: 0,
    }));
    const seconds = (type: string, name: string) => matchRow(rows, type, name)?.seconds ?? 0;
    const path = graphCriticalPath(traced, seconds);
    const unmodelled = resources.filter((r) => r.custom && !matchRow(rows, r.type, r.name)).map((r) => r.type);
    return {
        seconds: path.seconds,
        criticalPath: path.chain.map((step) => ({ ...step, source: matchRow(rows, step.type, step.name)?.source ?? "" })),
        unmodelledTypes: [...new Set(unmodelled)].sort(),
    };
}
