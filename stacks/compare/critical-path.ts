/**
 * The critical path of a recorded plan's dependency graph, each resource weighted by its latency: how
 * long `pulumi up` takes with unlimited parallelism and a free program, given the dependencies declared.
 * The model `npm run compare` (timing.ts) and `npm run bench` (bench/deploy.ts) share. Pure.
 */

/** A resource of the graph: what the model reads of a registration. */
export interface GraphNode {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    parent?: string;
    /** URNs the resource waited for (its inputs' resources and `dependsOn`). */
    deps: string[];
}

/**
 * Every URN `urn` waits for, directly or not (itself only through a cycle): what must be done before it.
 *
 * @param byUrn - the graph's resources by URN
 * @param urn - the resource
 */
export function waitedForBy(byUrn: ReadonlyMap<string, GraphNode>, urn: string): Set<string> {
    const seen = new Set<string>();
    const stack = [...(byUrn.get(urn)?.deps ?? [])];
    while (stack.length > 0) {
        const cur = stack.pop()!;
        if (seen.has(cur)) continue;
        seen.add(cur);
        stack.push(...(byUrn.get(cur)?.deps ?? []));
    }
    return seen;
}

/** A step of a chain. */
export interface ChainStep {
    type: string;
    name: string;
    /** Simulated seconds this resource itself takes. */
    seconds: number;
}

/** Critical path of the dependency graph, in simulated seconds, with the chain that makes it. */
export interface GraphPath {
    seconds: number;
    chain: ChainStep[];
}

/**
 * How a dependency weighs on a resource in {@link graphCriticalPath}: `work` (the default) when the
 * resource's own work starts only after it; `bound` when it only bounds when the resource can finish
 * (the work runs meanwhile, e.g. kubeadm init while the load balancer is created); `{ last: n }` when
 * it gates only the last `n` seconds of the work (the work before runs meanwhile, e.g. the package
 * install before the bootstrap waits for the private zone): the resource finishes no earlier than
 * `n` seconds after it.
 */
export type DependencyRole = "work" | "bound" | { last: number };

/**
 * The longest path through the traced graph, each resource weighted by `seconds(type, name)`: how long
 * `pulumi up` takes with unlimited parallelism and a free program, given the dependencies declared.
 * `ignoreEdge` drops dependencies, to price a proposed change of the program; `roleOf` marks
 * dependencies that only bound a resource's finish or gate only the end of its work
 * ({@link DependencyRole}): such a resource finishes at max(its bounding dependencies, each `last`
 * dependency + its `n`, its work dependencies + its own seconds). A chain step's `seconds` is what it
 * added to the path (after a `last` dependency: its `n`).
 */
export function graphCriticalPath<R extends GraphNode>(
    resources: R[],
    seconds: (type: string, name: string) => number,
    ignoreEdge: (from: R, to: R) => boolean = () => false,
    roleOf: (from: R, to: R) => DependencyRole = () => "work",
): GraphPath {
    const byUrn = new Map(resources.filter((r) => r.urn).map((r) => [r.urn, r]));
    const finish = new Map<string, { at: number; via?: string }>();
    const visiting = new Set<string>();
    const solve = (r: R): number => {
        const known = finish.get(r.urn);
        if (known) return known.at;
        if (visiting.has(r.urn)) return 0; // a cycle cannot happen in a DAG the SDK accepted; be safe
        visiting.add(r.urn);
        let workStart = 0;
        let workVia: string | undefined;
        // The latest a bounding or `last` dependency lets the resource finish.
        let bound = 0;
        let boundVia: string | undefined;
        for (const dep of [...r.deps, ...(r.parent ? [r.parent] : [])]) {
            const d = byUrn.get(dep);
            if (!d || ignoreEdge(r, d)) continue;
            const at = solve(d);
            const role = dep === r.parent ? "work" : roleOf(r, d);
            const until = role === "work" ? undefined : role === "bound" ? at : at + role.last;
            if (until === undefined) {
                if (at > workStart) [workStart, workVia] = [at, dep];
            } else if (until > bound) [bound, boundVia] = [until, dep];
        }
        const worked = workStart + seconds(r.type, r.name);
        const result = bound > worked ? { at: bound, via: boundVia } : { at: worked, via: workVia };
        finish.set(r.urn, result);
        visiting.delete(r.urn);
        return result.at;
    };
    let last: R | undefined;
    let best = -1;
    for (const r of byUrn.values()) {
        const at = solve(r);
        if (at > best) {
            best = at;
            last = r;
        }
    }
    const chain: ChainStep[] = [];
    for (let cur: R | undefined = last; cur; cur = finish.get(cur.urn)?.via ? byUrn.get(finish.get(cur.urn)!.via!) : undefined) {
        const via = finish.get(cur.urn)?.via;
        const added = finish.get(cur.urn)!.at - (via ? finish.get(via)!.at : 0);
        if (added > 0) chain.unshift({ type: cur.type, name: cur.name, seconds: added });
    }
    return { seconds: Math.max(0, best), chain };
}

/**
 * The longest chain of resources matching `member` that wait for each other (through any
 * dependency path), each weighted by `seconds`: e.g. addons installed side by side except where one
 * needs another.
 */
export function longestChainOf<R extends GraphNode>(
    resources: R[],
    seconds: (type: string, name: string) => number,
    member: (r: R) => boolean,
): number {
    const byUrn = new Map(resources.filter((r) => r.urn).map((r) => [r.urn, r]));
    const memo = new Map<string, number>();
    const solve = (r: R, seen: Set<string>): number => {
        const known = memo.get(r.urn);
        if (known !== undefined) return known;
        if (seen.has(r.urn)) return 0;
        seen.add(r.urn);
        let before = 0;
        for (const dep of [...r.deps, ...(r.parent ? [r.parent] : [])]) {
            const d = byUrn.get(dep);
            if (d) before = Math.max(before, solve(d, seen));
        }
        const at = before + (member(r) ? seconds(r.type, r.name) : 0);
        memo.set(r.urn, at);
        return at;
    };
    let best = 0;
    for (const r of byUrn.values()) if (member(r)) best = Math.max(best, solve(r, new Set()));
    return best;
}
