/**
 * Child: one simulated `pulumi up` of the AWS stack at one size. Every resource's creation sleeps its
 * row of the latency table (scaled), the program runs for real under the mock engine, and the wall time
 * is compared with the ideal from the same table and with the critical path of the dependency graph the
 * program declared.
 *
 *   node --import tsx bench/deploy.ts --workers 30 --ms-per-second 2 [--topology public] --out result.json
 */
import { API_READINESS_TYPE, NODE_LIFECYCLE_TYPE } from "../components/lifecycle/types";
import { runPlan } from "../stacks/plan/run";
import { arg, round, runChild } from "./lib/child";
import { idealSeconds, latencyRow, latencySeconds, overlapApplies, type IdealBreakdown } from "../stacks/compare/latency-table";
import { sizedStack } from "./lib/stackConfig";
import { NEEDS_DNS, NEEDS_EGRESS, dnsResources, egressResources, withPhysicalDependencies } from "../stacks/compare/physical";
import { initWithoutEndpointOf, modelRole, modelledCriticalPath } from "../stacks/compare/model";
import { leftToSleepMs, longestChainOf, observedChain, traceRegistrations, type ChainStep, type TracedResource } from "./lib/trace";
import { resolveStack } from "../stacks/program";
import { readStackConfig } from "../stacks/plan/stackConfig";

/** What one deploy run reports. */
export interface DeployResult {
    /** The stack config that was resized. */
    stack: string;
    /** `kubeforge:aws.topology` of the run (the stack's own, `private` by default). */
    topology: string;
    /** Why the shipped stack was not used, when it was not. */
    stackNote?: string;
    masters: number;
    workers: number;
    /** Registrations (custom resources and components). */
    resources: number;
    /** Wall-clock milliseconds per simulated second. */
    msPerSecond: number;
    /** From `runPlan` start to every registration settled, ms. */
    wallMs: number;
    /** The same in simulated seconds. */
    wallSeconds: number;
    /** CPU the process used meanwhile, ms (user + system). */
    cpuMs: number;
    /** Event loop busy (evaluating the program, serializing, the SDK's bookkeeping), ms. */
    loopBusyMs: number;
    /** Event loop idle: nothing to do but wait for simulated creations, ms. */
    loopIdleMs: number;
    /**
     * `up` in simulated seconds with the program's own CPU counted at its real cost rather than
     * magnified by the time scale: idle / msPerSecond + busy / 1000.
     */
    simulatedSeconds: number;
    /** The ideal bring-up (no dependency order can beat it). */
    ideal: IdealBreakdown;
    /** Critical path of the program's dependency graph with free evaluation, simulated seconds. */
    graphSeconds: number;
    /** The resources on that path. */
    graphChain: ChainStep[];
    /**
     * The same path if kubeadm init did not wait for the nodes' private name service (the zone's SOA
     * record, which the machines no longer wait for: their bootstrap does, before the kubeadm step):
     * the price of that gate. A what-if, not the model. (It replaces "machines waiting for nothing of
     * the endpoint", which Linux machines no longer do, so it priced nothing.)
     */
    graphWithoutDnsGateSeconds: number;
    /**
     * The same path if the masters' lifecycle records did not chain (they do, so masters leave one at
     * a time; their joins run on the machines side by side): the price of that chain. A what-if.
     */
    graphWithoutMasterChainSeconds: number;
    /** Both what-ifs at once: no wait for the name service, and no chain of master records. */
    graphWithoutBothSeconds: number;
    /** The chain that set the measured wall time (start and end in simulated seconds). */
    observed: { type: string; name: string; start: number; end: number }[];
    /** Most registrations in flight at once, and most machines in flight at once. */
    maxInFlight: number;
    maxMachinesInFlight: number;
    /** When the last registration reached the engine, simulated seconds: program evaluation spread. */
    lastRequestSeconds: number;
    /** Custom resource types with no row in the latency table (counted as instant). */
    unknownTypes: string[];
    /** The platform lets the init master run `kubeadm init` without the endpoint (init beside the load balancer). */
    initWithoutEndpoint: boolean;
    /** The resources that give the nodes egress (NAT routes), which kubeadm init's work waits for; none without NAT. */
    egressResources: string[];
    /** The nodes' private name service (the zone's SOA record), which the last of kubeadm init's work waits for. */
    dnsResources: string[];
}

function maxOverlap(resources: TracedResource[]): number {
    const events: [number, number][] = [];
    for (const r of resources) events.push([r.start, 1], [r.end, -1]);
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    let best = 0;
    for (const [, d] of events) {
        now += d;
        best = Math.max(best, now);
    }
    return best;
}

async function main(): Promise<DeployResult> {
    const workers = Number(arg("workers"));
    const msPerSecond = Number(arg("ms-per-second", "2"));
    const topologyArg = process.argv.includes("--topology") ? arg("topology") : undefined;
    // Validating the stack also loads every module (the platform's provider SDKs included) before
    // timing: loading is not part of `up`.
    const stack = await sizedStack(workers, 3, topologyArg);
    const configFile = stack.file;
    const resolved = resolveStack(readStackConfig(configFile).values);
    const initWithoutEndpoint = initWithoutEndpointOf(resolved);
    const phaseOf = (r: { type: string; name: string }) => latencyRow(r.type, r.name)?.phase;
    // A URN ends `...$<type>::<name>` (or `::<type>::<name>` at the top).
    const phaseOfUrn = (urn: string) => {
        const m = /(?:\$|::)([^$:]+:[^$]+?)::([^:]*)$/.exec(urn);
        return m ? latencyRow(m[1], m[2])?.phase : undefined;
    };
    // The nodes' egress (the NAT routes): what kubeadm init's work waits for besides its machine.
    const isEgress = (r: TracedResource) => r.custom && phaseOf(r) === "network" && r.deps.some((d) => phaseOfUrn(d) === "egress");
    // The model's roles (stacks/compare/model.ts): what only bounds a resource's finish, what gates its work.
    const roleOf = modelRole<TracedResource>(latencyRow, initWithoutEndpoint, isEgress);

    // The nodes' private name service (the zone's SOA record): what the kubeadm step waits for.
    const isDns = (r: TracedResource) => r.custom && phaseOf(r) === "dns";

    // A join cannot finish before the API answers, though the node's record rightly waits only for its
    // machine: hold the lifecycle records until the readiness gate is through. kubeadm init cannot
    // start before the nodes have egress, nor its kubeadm step before the name service answers (the
    // machines wait for neither): hold the gate until both are there (physical.ts).
    const trace = traceRegistrations(
        [{ held: NODE_LIFECYCLE_TYPE, until: API_READINESS_TYPE }],
        [...new Set([...NEEDS_EGRESS, ...NEEDS_DNS])].map((held) => ({
            held,
            waitsFor: (r: TracedResource) => (NEEDS_EGRESS.includes(held) && isEgress(r)) || (NEEDS_DNS.includes(held) && isDns(r)),
        })),
    );
    // The simulated engine does what the model says: a resource whose work started early (kubeadm
    // init from the masters' boot; a master's join, which runs once the API answers while its record
    // waits for the previous master's) only takes what is left of its latency when its request comes:
    // max(its work dependencies' end + its latency, each `last` dependency's end + its seconds) - now
    // (kubeadm init: max(machine and egress + 150, SOA + 90) - now).
    const simulatedLatencyMs = (type: string, name: string): number => {
        const full = latencySeconds(type, name) * msPerSecond;
        const record = [...trace.resources].reverse().find((r) => r.type === type && r.name === name);
        if (!record) return full;
        const deps = trace.resources
            .filter((r) => record.deps.includes(r.urn) && r.custom)
            .map((r) => ({ endMs: r.end, role: roleOf(record, r) }));
        const startsEarly = overlapApplies(latencyRow(type, name), initWithoutEndpoint) !== undefined;
        return leftToSleepMs(full, deps, startsEarly, performance.now() - trace.t0, msPerSecond);
    };
    let settledAt = 0;
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    await runPlan({
        configFile,
        skipPolicies: true,
        engine: { latencyMs: (type, name) => simulatedLatencyMs(type, name) },
        onSettled: () => {
            settledAt = performance.now();
        },
    });
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    const wallMs = (settledAt || performance.now()) - t0;
    const offset = t0 - trace.t0;
    const traced = withPhysicalDependencies(trace.resources, phaseOf);
    const custom = traced.filter((r) => r.custom);
    // The product's model, as `npm run compare` prices a plan (stacks/compare/model.ts).
    const graph = modelledCriticalPath(trace.resources, latencyRow, initWithoutEndpoint);
    // What-ifs, priced on the same graph: kubeadm init not waiting for the name service (the probe's
    // price); masters' lifecycle records not chained (the chain orders their deletion).
    const dnsGate = (from: TracedResource, to: TracedResource) => NEEDS_DNS.includes(from.type) && isDns(to);
    const masterChain = (from: TracedResource, to: TracedResource) => from.type === NODE_LIFECYCLE_TYPE && to.type === NODE_LIFECYCLE_TYPE;
    const addonChain = longestChainOf(traced, latencySeconds, (r) => r.custom && latencyRow(r.type, r.name)?.phase === "addon");
    const sim = (ms: number) => round((ms - offset) / msPerSecond, 1);
    const machines = custom.filter((r) => latencyRow(r.type, r.name)?.phase === "machine");
    return {
        stack: stack.base,
        topology: (resolved.platformConfig as { topology?: string }).topology ?? "private",
        stackNote: stack.note,
        masters: 3,
        workers,
        resources: traced.length,
        msPerSecond,
        wallMs: round(wallMs, 1),
        wallSeconds: round(wallMs / msPerSecond, 1),
        cpuMs: round((cpu.user + cpu.system) / 1000, 0),
        loopBusyMs: round(elu.active, 0),
        loopIdleMs: round(elu.idle, 0),
        simulatedSeconds: round(msPerSecond > 0 ? elu.idle / msPerSecond + elu.active / 1000 : elu.active / 1000, 1),
        ideal: idealSeconds(custom, addonChain, initWithoutEndpoint),
        egressResources: egressResources(traced, phaseOf).map((r) => r.name),
        dnsResources: dnsResources(traced, phaseOf).map((r) => r.name),
        graphSeconds: graph.seconds,
        graphChain: graph.chain,
        graphWithoutDnsGateSeconds: modelledCriticalPath(trace.resources, latencyRow, initWithoutEndpoint, dnsGate).seconds,
        graphWithoutMasterChainSeconds: modelledCriticalPath(trace.resources, latencyRow, initWithoutEndpoint, masterChain).seconds,
        graphWithoutBothSeconds: modelledCriticalPath(
            trace.resources,
            latencyRow,
            initWithoutEndpoint,
            (f, t) => dnsGate(f, t) || masterChain(f, t),
        ).seconds,
        observed: observedChain(traced)
            .filter((s) => latencySeconds(s.type, s.name) > 0)
            .map((s) => ({ type: s.type, name: s.name, start: sim(s.startMs), end: sim(s.endMs) })),
        maxInFlight: maxOverlap(traced),
        maxMachinesInFlight: maxOverlap(machines),
        lastRequestSeconds: sim(Math.max(...traced.map((r) => r.start))),
        unknownTypes: [...new Set(custom.filter((r) => !latencyRow(r.type, r.name)).map((r) => r.type))].sort(),
        initWithoutEndpoint,
    };
}

runChild(main);
