/**
 * One platform's row of the comparison, from its recorded plan and its data file. Pure: everything
 * platform-specific comes from the data (no platform is named here).
 */
import type { NodePlan } from "../../components/core/types";
import type { Violation } from "../../policies/evaluate";
import { monthlyCost, type CostedResource, type MonthlyCost } from "./cost";
import { valueAt, type Fit, type PlatformData } from "./data";
import { platformLatencyRowsFrom } from "./latency";
import type { RecordedPlan } from "./record";
import { timeToReady, type TimeToReady } from "./timing";

/** Machines of one pool, resolved. */
export interface MachineGroup {
    pool: string;
    role: string;
    count: number;
    machineType: string;
    vcpu: number | null;
    memoryGiB: number | null;
    spot: boolean;
    diskGb: number | null;
}

/** One failure domain and what it holds. */
export interface DomainCount {
    name: string;
    controlPlane: number;
    workers: number;
}

/** The policy pack's verdict on the plan. */
export interface PolicyVerdict {
    /** `pass` when no mandatory policy failed. */
    verdict: "pass" | "fail";
    mandatory: number;
    advisory: number;
    violations: Violation[];
}

/** A platform, side by side with the others. */
export interface ComparisonRow {
    platform: string;
    stack: string;
    description: string;
    region: string | null;
    nodes: { total: number; controlPlane: number; workers: number; pools: Record<string, number> };
    failureDomains: DomainCount[];
    /** What a failure domain is on this platform (what spreading protects against). */
    failureDomainMeaning: string | null;
    machines: MachineGroup[];
    monthlyCost: MonthlyCost;
    timeToReadySeconds: number;
    criticalPath: TimeToReady["criticalPath"];
    unmodelledTypes: string[];
    fit: Fit | null;
    resources: { total: number; custom: number; byKind: Record<string, number> };
    policy: PolicyVerdict;
}

/** The node a resource realises: the node whose name the resource's name ends with (longest wins). */
export function nodeOf(resourceName: string, nodes: NodePlan[]): NodePlan | undefined {
    let best: NodePlan | undefined;
    for (const n of nodes) {
        if ((resourceName === n.name || resourceName.endsWith(`-${n.name}`)) && (!best || n.name.length > best.name.length)) best = n;
    }
    return best;
}

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
    return out;
}

function machineGroups(plan: RecordedPlan, data: PlatformData | undefined): MachineGroup[] {
    const groups = new Map<string, MachineGroup>();
    for (const r of plan.resources) {
        const rule = data?.resources.find((m) => m.type === r.type && m.kind === "machine");
        if (!rule) continue;
        const node = nodeOf(r.name, plan.nodes);
        const type = String((rule.machineType ? valueAt(r.inputs, rule.machineType) : undefined) ?? rule.defaultMachineType ?? "?");
        const spot = rule.spot !== undefined && valueAt(r.inputs, rule.spot.path) === rule.spot.equals;
        const disk = rule.disks?.[0];
        const diskValue = disk?.sizeGb ? Number(valueAt(r.inputs, disk.sizeGb)) : (disk?.defaultSizeGb ?? node?.diskSizeGb ?? NaN);
        const price = data?.machines.find((m) => m.type === type && (plan.region === undefined || m.region === plan.region));
        const pool = node?.pool ?? "?";
        const key = `${pool}|${type}|${spot}`;
        const g = groups.get(key);
        if (g) g.count += 1;
        else
            groups.set(key, {
                pool,
                role: node?.role ?? "?",
                count: 1,
                machineType: type,
                vcpu: price?.vcpu ?? null,
                memoryGiB: price?.memoryGiB ?? null,
                spot,
                diskGb: Number.isFinite(diskValue) ? diskValue : null,
            });
    }
    // Platforms whose machines have no priced resource (hosts you own): one group per pool, from the nodes.
    if (groups.size === 0) {
        for (const [pool, count] of Object.entries(countBy(plan.nodes, (n) => n.pool))) {
            const n = plan.nodes.find((x) => x.pool === pool) as NodePlan;
            groups.set(pool, {
                pool,
                role: n.role,
                count,
                machineType: n.machineType ?? "your hosts",
                vcpu: null,
                memoryGiB: null,
                spot: n.spot,
                diskGb: n.diskSizeGb,
            });
        }
    }
    return [...groups.values()].sort((a, b) => (a.role === b.role ? a.pool.localeCompare(b.pool) : a.role === "control-plane" ? -1 : 1));
}

/**
 * The row for one recorded plan.
 *
 * @param plan - the recorded plan
 * @param data - the platform's comparison data; undefined when it has none (every price then unknown)
 */
export function comparisonRow(plan: RecordedPlan, data: PlatformData | undefined): ComparisonRow {
    const masters = plan.nodes.filter((n) => n.role === "control-plane");
    const workers = plan.nodes.filter((n) => n.role !== "control-plane");
    const domains = [...new Set(plan.nodes.map((n) => n.failureDomain))].map((name) => ({
        name,
        controlPlane: masters.filter((n) => n.failureDomain === name).length,
        workers: workers.filter((n) => n.failureDomain === name).length,
    }));
    const osOf = (r: CostedResource) => nodeOf(r.name, plan.nodes)?.os ?? "linux";
    const cost: MonthlyCost = data
        ? monthlyCost(data, plan.region, plan.resources, osOf)
        : {
              total: 0,
              currency: "USD",
              priceDate: null,
              complete: false,
              items: [],
              unknown: [`every price: ${plan.platform} has no comparison data (components/platforms/${plan.platform}/compare.yaml)`],
          };
    const time = timeToReady(plan.resources, data ? platformLatencyRowsFrom(data) : [], plan.initWithoutEndpoint ?? false);
    const custom = plan.resources.filter((r) => r.custom);
    const mandatory = plan.violations.filter((v) => v.level === "mandatory").length;
    return {
        platform: plan.platform,
        stack: plan.stack,
        description: plan.description,
        region: plan.region ?? null,
        nodes: { total: plan.nodes.length, controlPlane: masters.length, workers: workers.length, pools: countBy(workers, (n) => n.pool) },
        failureDomains: domains,
        failureDomainMeaning: data?.fit.failureDomains ?? null,
        machines: machineGroups(plan, data),
        monthlyCost: cost,
        timeToReadySeconds: time.seconds,
        criticalPath: time.criticalPath,
        unmodelledTypes: time.unmodelledTypes,
        fit: data?.fit ?? null,
        resources: {
            total: plan.resources.length,
            custom: custom.length,
            byKind: countBy(custom, (r) => data?.resources.find((m) => m.type === r.type)?.kind ?? "other"),
        },
        policy: {
            verdict: mandatory > 0 ? "fail" : "pass",
            mandatory,
            advisory: plan.violations.length - mandatory,
            violations: plan.violations,
        },
    };
}
