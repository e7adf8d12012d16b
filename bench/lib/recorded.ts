/**
 * What the evaluation benchmark records of a program run for the floor to replay: every custom
 * resource with its inputs and its dependencies, as indexes into the list.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlanResource } from "../../stacks/plan/mocks";

/** What the floor replays. */
export interface RecordedPlan {
    project: string;
    stack: string;
    platform: string;
    /** Long strings that occur more than once (provider code, certificates), referenced as `{"$str": i}`. */
    strings: string[];
    resources: RecordedResource[];
}

/** One custom resource as the program registered it. */
export interface RecordedResource {
    type: string;
    name: string;
    /** The id the mock engine gave it (what other resources' inputs hold when they took its `id`). */
    id?: string;
    inputs: Record<string, unknown>;
    /**
     * For each input that came from other resources' outputs, those resources (indexes into
     * {@link RecordedPlan.resources}, all registered earlier): the floor passes their outputs, as a
     * program written by hand must.
     */
    propertyDependencies?: Record<string, number[]>;
    /**
     * Inputs that are exactly one output property of their one dependency (`role: role.name`): the
     * property's name. A program passes that Output as it is, with nothing in between.
     */
    fromOutputs?: Record<string, string>;
    /** Other resources it waits for (`dependsOn`), not through an input. */
    dependsOn?: number[];
}

/**
 * The custom resources of a run, with their dependencies as indexes. Dependencies on components are
 * already expanded by the SDK to the components' custom children; a URN that is not a custom resource
 * of this run (none should be) is dropped.
 */
export function recordResources(resources: readonly PlanResource[]): RecordedResource[] {
    const custom = resources.filter((r) => r.custom);
    const index = new Map(custom.map((r, i) => [r.urn, i]));
    const indexes = (urns: readonly string[]) => urns.flatMap((urn) => (index.has(urn) ? [index.get(urn)!] : []));
    return custom.map((r) => {
        const out: RecordedResource = { type: r.type, name: r.name, id: r.id, inputs: r.inputs };
        const viaInputs = new Set<string>();
        for (const [key, urns] of Object.entries(r.propertyDependencies)) {
            const deps = indexes(urns);
            urns.forEach((urn) => viaInputs.add(urn));
            if (deps.length > 0) (out.propertyDependencies ??= {})[key] = deps;
            const property = deps.length === 1 ? matchingOutput(r.inputs[key], custom[deps[0]]) : undefined;
            if (property !== undefined) (out.fromOutputs ??= {})[key] = property;
        }
        const dependsOn = indexes(r.dependencies.filter((urn) => !viaInputs.has(urn)));
        if (dependsOn.length > 0) out.dependsOn = dependsOn;
        return out;
    });
}

/** The output property of `dep` whose value is exactly `value` (ids are matched by the floor itself). */
function matchingOutput(value: unknown, dep: PlanResource): string | undefined {
    if (value === undefined || value === dep.id) return undefined;
    const json = typeof value === "string" ? undefined : JSON.stringify(value);
    for (const [property, output] of Object.entries(dep.outputs)) {
        if (typeof value === "string" ? output === value : typeof output === "object" && output !== null && JSON.stringify(output) === json)
            return property;
    }
    return undefined;
}

/**
 * Which wired inputs share one Output: a program computes a value once and passes the same Output
 * wherever it goes (the API endpoint to every node record), so inputs with the same value from the
 * same resources get one. Computed before the floor's clock (the program's structure is given); the
 * Outputs themselves are made inside it.
 *
 * @returns per resource, the group of each input that has property dependencies
 */
export function shareGroups(resources: readonly RecordedResource[]): Record<string, number>[] {
    // Keyed by the dependencies, then by the value: a string by itself (the very string the parsed
    // record holds, so a node's 40 KB of user data is not copied into a key), anything else by its
    // JSON in a map of its own (a string that reads like JSON is not that object). Copies would raise
    // the floor's peak memory, which the bench measures.
    const byDeps = new Map<string, { strings: Map<string, number>; others: Map<string, number> }>();
    let next = 0;
    return resources.map((r) => {
        const out: Record<string, number> = {};
        for (const [key, deps] of Object.entries(r.propertyDependencies ?? {})) {
            const depsKey = deps.join(",");
            let groups = byDeps.get(depsKey);
            if (!groups) byDeps.set(depsKey, (groups = { strings: new Map(), others: new Map() }));
            const value = r.inputs[key];
            const [map, id] = typeof value === "string" ? [groups.strings, value] : [groups.others, JSON.stringify(value) ?? "undefined"];
            let group = map.get(id);
            if (group === undefined) map.set(id, (group = next++));
            out[key] = group;
        }
        return out;
    });
}

/**
 * Where the floor's registrations declared other dependencies than the program's: per input (its
 * property dependencies) and in all. Compared by resource name.
 *
 * @param recorded - what the program registered
 * @param registered - what the floor's engine recorded
 * @returns one line per resource that differs
 */
export function dependencyMismatches(recorded: readonly RecordedResource[], registered: readonly PlanResource[]): string[] {
    const nameOf = new Map(registered.map((r) => [r.urn, r.name]));
    const byKey = new Map(registered.map((r) => [`${r.type}::${r.name}`, r]));
    const fromUrns = (urns: readonly string[]) => [...new Set(urns.map((u) => nameOf.get(u) ?? u))].sort().join(",");
    const fromIndexes = (js: readonly number[]) => [...new Set(js.map((j) => recorded[j].name))].sort().join(",");
    const out: string[] = [];
    for (const r of recorded) {
        const mine = byKey.get(`${r.type}::${r.name}`);
        if (!mine) {
            out.push(`${r.name}: not registered`);
            continue;
        }
        const want = r.propertyDependencies ?? {};
        for (const key of new Set([...Object.keys(want), ...Object.keys(mine.propertyDependencies)])) {
            const expected = fromIndexes(want[key] ?? []);
            const got = fromUrns(mine.propertyDependencies[key] ?? []);
            if (expected !== got) out.push(`${r.name}.${key}: [${got}], the program's [${expected}]`);
        }
        const expected = fromIndexes([...Object.values(want).flat(), ...(r.dependsOn ?? [])]);
        const got = fromUrns(mine.dependencies);
        if (expected !== got) out.push(`${r.name}: depends on [${got}], the program's on [${expected}]`);
    }
    return out;
}

/**
 * One input as a program written by hand passes it when it came from other resources (`deps`, with
 * the ids they were given): an id is that resource's `id` Output, also inside a list (`[sg.id]`);
 * anything else derived from them (an address, an interpolated string, a secret) is one Output that
 * waits for them, as `pulumi.interpolate` or `all(...).apply(...)` would give.
 */
export function wire(value: unknown, deps: pulumi.CustomResource[], depIds: (string | undefined)[]): unknown {
    let tookId = false;
    const swap = (v: unknown): unknown => {
        if (typeof v === "string") {
            const j = depIds.indexOf(v);
            if (j < 0) return v;
            tookId = true;
            return deps[j].id;
        }
        return Array.isArray(v) ? v.map(swap) : v;
    };
    const swapped = swap(value);
    if (tookId) return swapped;
    return pulumi.all([...deps.map((d) => d.urn), value]).apply((resolved) => resolved[resolved.length - 1]);
}
