/**
 * Records, for every registration the SDK sends to the mock monitor, its dependencies (the URNs the SDK
 * waited for) and when it started and finished. From that the deploy benchmark computes the critical
 * path the program's dependency graph allows, and names the chain that set the wall time.
 *
 * It wraps `MockMonitor.prototype.registerResource` (the SDK's own mock monitor, in
 * `@pulumi/pulumi/runtime/mocks`): the `Mocks` interface does not expose dependencies.
 */

/** One registration as traced. */
export interface TracedResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    parent?: string;
    /** URNs the SDK resolved before sending the request (inputs' resources and `dependsOn`). */
    deps: string[];
    /** ms since the trace started: request reached the monitor (every dependency had resolved). */
    start: number;
    /** ms since the trace started: response delivered to the SDK. */
    end: number;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getDependenciesList(): string[];
}

type Callback = (err: Error | null, response?: { getUrn(): string }) => void;

interface MonitorPrototype {
    registerResource(req: RegisterRequest, callback: Callback): Promise<void> | void;
}

/**
 * A physical dependency the program cannot declare: resources of type `held` cannot finish before the
 * first resource of type `until` has (a node's join cannot complete before the API answers, although
 * the node's lifecycle record rightly depends only on its machine). Their requests are held until then.
 */
export interface Gate {
    held: string;
    until: string;
}

/**
 * Starts tracing; call before the mock engine is installed. Returns the (growing) list of records.
 *
 * @param gates - physical dependencies to enforce (see {@link Gate})
 */
export function traceRegistrations(gates: Gate[] = []): { resources: TracedResource[]; t0: number } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mocks = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: MonitorPrototype } };
    const proto = mocks.MockMonitor.prototype;
    const original = proto.registerResource;
    const resources: TracedResource[] = [];
    const t0 = performance.now();
    const opened = new Map<string, string>(); // gate type -> URN of the resource that opened it
    const waiting = new Map<string, (() => void)[]>();
    proto.registerResource = function (this: MonitorPrototype, req: RegisterRequest, callback: Callback) {
        const start = performance.now() - t0;
        const type = req.getType();
        const record: TracedResource = {
            urn: "",
            type,
            name: req.getName(),
            custom: req.getCustom(),
            parent: req.getParent() || undefined,
            deps: req.getDependenciesList(),
            start,
            end: start,
        };
        resources.push(record);
        const send = () => {
            original.call(this, req, (err, response) => {
                record.end = performance.now() - t0;
                if (response) record.urn = response.getUrn();
                const gate = gates.find((g) => g.until === type);
                if (gate && response && !opened.has(gate.until)) {
                    opened.set(gate.until, record.urn);
                    for (const release of waiting.get(gate.until) ?? []) release();
                    waiting.delete(gate.until);
                }
                callback(err, response);
            });
        };
        const gate = gates.find((g) => g.held === type);
        if (!gate) return send();
        const release = () => {
            const opener = opened.get(gate.until);
            if (opener) record.deps = [...record.deps, opener];
            record.start = performance.now() - t0;
            send();
        };
        if (opened.has(gate.until)) return release();
        if (!waiting.has(gate.until)) {
            // Should the gate's resource never come (a program without it), release the held ones
            // rather than hang: the run then simply has no such physical dependency.
            const timer = setTimeout(() => {
                for (const r of waiting.get(gate.until) ?? []) r();
                waiting.delete(gate.until);
            }, 60_000);
            waiting.set(gate.until, [() => clearTimeout(timer)]);
        }
        waiting.get(gate.until)!.push(release);
    };
    return { resources, t0 };
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
 * The longest path through the traced graph, each resource weighted by `seconds(type, name)`: how long
 * `pulumi up` takes with unlimited parallelism and a free program, given the dependencies declared.
 * `ignoreEdge` drops dependencies, to price a proposed change of the program.
 */
export function graphCriticalPath(
    resources: TracedResource[],
    seconds: (type: string, name: string) => number,
    ignoreEdge: (from: TracedResource, to: TracedResource) => boolean = () => false,
): GraphPath {
    const byUrn = new Map(resources.filter((r) => r.urn).map((r) => [r.urn, r]));
    const finish = new Map<string, { at: number; via?: string }>();
    const visiting = new Set<string>();
    const solve = (r: TracedResource): number => {
        const known = finish.get(r.urn);
        if (known) return known.at;
        if (visiting.has(r.urn)) return 0; // a cycle cannot happen in a DAG the SDK accepted; be safe
        visiting.add(r.urn);
        let start = 0;
        let via: string | undefined;
        for (const dep of [...r.deps, ...(r.parent ? [r.parent] : [])]) {
            const d = byUrn.get(dep);
            if (!d || ignoreEdge(r, d)) continue;
            const at = solve(d);
            if (at > start) {
                start = at;
                via = dep;
            }
        }
        const at = start + seconds(r.type, r.name);
        finish.set(r.urn, { at, via });
        visiting.delete(r.urn);
        return at;
    };
    let last: TracedResource | undefined;
    let best = -1;
    for (const r of byUrn.values()) {
        const at = solve(r);
        if (at > best) {
            best = at;
            last = r;
        }
    }
    const chain: ChainStep[] = [];
    for (
        let cur: TracedResource | undefined = last;
        cur;
        cur = finish.get(cur.urn)?.via ? byUrn.get(finish.get(cur.urn)!.via!) : undefined
    ) {
        const s = seconds(cur.type, cur.name);
        if (s > 0) chain.unshift({ type: cur.type, name: cur.name, seconds: s });
    }
    return { seconds: Math.max(0, best), chain };
}

/**
 * The chain that actually set the wall time: from the last registration to finish, back through the
 * dependency that finished last before it started.
 */
export function observedChain(resources: TracedResource[]): { type: string; name: string; startMs: number; endMs: number }[] {
    const byUrn = new Map(resources.filter((r) => r.urn).map((r) => [r.urn, r]));
    let cur = resources.reduce<TracedResource | undefined>((a, b) => (!a || b.end > a.end ? b : a), undefined);
    const out: { type: string; name: string; startMs: number; endMs: number }[] = [];
    const seen = new Set<string>();
    while (cur && !seen.has(cur.urn)) {
        seen.add(cur.urn);
        out.unshift({ type: cur.type, name: cur.name, startMs: Math.round(cur.start), endMs: Math.round(cur.end) });
        let next: TracedResource | undefined;
        for (const dep of [...cur.deps, ...(cur.parent ? [cur.parent] : [])]) {
            const d = byUrn.get(dep);
            if (d && (!next || d.end > next.end)) next = d;
        }
        cur = next;
    }
    return out;
}
