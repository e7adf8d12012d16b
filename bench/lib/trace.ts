/**
 * Records, for every registration the SDK sends to the mock monitor, its dependencies (the URNs the SDK
 * waited for) and when it started and finished. From that the deploy benchmark computes the critical
 * path the program's dependency graph allows, and names the chain that set the wall time.
 *
 * It wraps `MockMonitor.prototype.registerResource` (the SDK's own mock monitor, in
 * `@pulumi/pulumi/runtime/mocks`): the `Mocks` interface does not expose dependencies. The critical
 * path itself is the product's model (stacks/compare/critical-path.ts), shared with `npm run compare`.
 */
import type { DependencyRole, GraphNode } from "../../stacks/compare/critical-path";
export { graphCriticalPath, longestChainOf, type ChainStep, type DependencyRole, type GraphPath } from "../../stacks/compare/critical-path";

/** One registration as traced: a graph node (its `deps`: the URNs the SDK resolved before sending the request) with its times. */
export interface TracedResource extends GraphNode {
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
 * A physical dependency on a set: resources of type `held` cannot start their work before every
 * resource registered so far that `waitsFor` matches has finished (kubeadm init before the NAT routes:
 * see physical.ts). Their requests are held until then, and those resources become dependencies.
 */
export interface SetGate {
    held: string;
    waitsFor: (r: TracedResource, all: TracedResource[]) => boolean;
}

/**
 * Starts tracing; call before the mock engine is installed. Returns the (growing) list of records.
 *
 * @param gates - physical dependencies to enforce (see {@link Gate})
 * @param setGates - physical dependencies on sets of resources (see {@link SetGate})
 */
export function traceRegistrations(gates: Gate[] = [], setGates: SetGate[] = []): { resources: TracedResource[]; t0: number } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mocks = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: MonitorPrototype } };
    const proto = mocks.MockMonitor.prototype;
    const original = proto.registerResource;
    const resources: TracedResource[] = [];
    const t0 = performance.now();
    const opened = new Map<string, string>(); // gate type -> URN of the resource that opened it
    const waiting = new Map<string, (() => void)[]>();
    const finished = new Set<TracedResource>();
    // Held by a set gate: the record, its gate, and how to send it.
    let heldOnSets: { record: TracedResource; gate: SetGate; send: () => void }[] = [];
    const pendingOf = (record: TracedResource, gate: SetGate) =>
        resources.filter((r) => r !== record && gate.waitsFor(r, resources) && !finished.has(r));
    const releaseSets = () => {
        const ready = heldOnSets.filter((h) => pendingOf(h.record, h.gate).length === 0);
        heldOnSets = heldOnSets.filter((h) => !ready.includes(h));
        for (const h of ready) {
            const waitedFor = resources.filter((r) => r !== h.record && h.gate.waitsFor(r, resources)).map((r) => r.urn);
            h.record.deps = [...new Set([...h.record.deps, ...waitedFor])];
            h.record.start = performance.now() - t0;
            h.send();
        }
    };
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
                finished.add(record);
                const gate = gates.find((g) => g.until === type);
                if (gate && response && !opened.has(gate.until)) {
                    opened.set(gate.until, record.urn);
                    for (const release of waiting.get(gate.until) ?? []) release();
                    waiting.delete(gate.until);
                }
                callback(err, response);
                if (heldOnSets.length > 0) releaseSets();
            });
        };
        const setGate = setGates.find((g) => g.held === type);
        if (setGate && pendingOf(record, setGate).length > 0) {
            heldOnSets.push({ record, gate: setGate, send });
            return;
        }
        if (setGate)
            record.deps = [
                ...new Set([...record.deps, ...resources.filter((r) => r !== record && setGate.waitsFor(r, resources)).map((r) => r.urn)]),
            ];
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

/** A dependency of a resource as the simulated engine weighs it: when it ended, and its role in the model. */
export interface SimulatedDependency {
    /** ms since the trace started. */
    endMs: number;
    role: DependencyRole;
}

/**
 * What the simulated engine sleeps for a resource whose request has just come, so that it finishes when
 * the model says (stacks/compare/critical-path.ts): its whole latency, unless its work started early
 * (`startsEarly`, or a dependency that is not a `work` one); then what is left of max(its work
 * dependencies' end + its latency, each `{ last: n }` dependency's end + n s), never less than 0.
 * Bounding dependencies need nothing here: the request only comes once they are done.
 *
 * @param fullMs - the resource's latency, ms
 * @param deps - its custom dependencies, with their ends and roles
 * @param startsEarly - its row's work starts early (see overlapApplies in latency-table.ts)
 * @param nowMs - ms since the trace started
 * @param msPerSecond - wall ms per simulated second
 */
export function leftToSleepMs(
    fullMs: number,
    deps: SimulatedDependency[],
    startsEarly: boolean,
    nowMs: number,
    msPerSecond: number,
): number {
    if (!startsEarly && deps.every((d) => d.role === "work")) return fullMs;
    const workEnds = deps.filter((d) => d.role === "work").map((d) => d.endMs);
    if (workEnds.length === 0) return fullMs;
    const lastEnds = deps.map((d) => (typeof d.role === "object" ? d.endMs + d.role.last * msPerSecond : 0));
    return Math.max(0, Math.max(Math.max(...workEnds) + fullMs, ...lastEnds) - nowMs);
}
