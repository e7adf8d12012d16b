/**
 * How long each kind of resource takes to create for real, in seconds, and which phase of a cluster's
 * bring-up it belongs to: the latency model `npm run compare` (timing.ts) and `npm run bench` (the
 * deploy benchmark sleeps this long, scaled, in the mock engine's `newResource`, and computes the ideal
 * bring-up time from the same table) share. Product code: the benchmark imports it, never the reverse.
 *
 * Figures are typical, not worst cases: what `pulumi up` waits for (the provider's create call returning),
 * not what the console shows first. Types missing from the table take no time and are listed in the
 * results, so a new resource type is noticed rather than silently free.
 */
import { platformLatencyRows } from "./latency";
import type { Phase } from "./data";

/** The phases of a bring-up, in the order they must happen. */
export type { Phase } from "./data";

/** One row of the table. */
export interface LatencyRow {
    /** Exact type token, or a regular expression over it. */
    type: string | RegExp;
    /** When set, the row only applies to resources whose name matches. */
    name?: RegExp;
    /** Typical seconds until the create call returns. */
    seconds: number;
    /** Where it sits in the bring-up. */
    phase: Phase;
    /** Why this figure (source or reasoning). */
    source: string;
    /**
     * When set, the resource's work (what `seconds` measures) starts once its dependencies of these
     * phases have finished; its other dependencies bound only when it can finish, not when its work
     * starts. Applied only where the program lets that work start early (see {@link overlapApplies}).
     */
    workStartsAfter?: Phase[];
    /**
     * When set, how many of `seconds` run after the nodes' private name service (resources of phase
     * `dns`, whose dependency the model adds: physical.ts): the resource cannot finish before those
     * have finished plus this many seconds, although its earlier work runs meanwhile. Its seconds
     * minus this are what its work does before it looks a name up.
     */
    afterDnsSeconds?: number;
}

/** The table. First matching row wins, so name-specific rows come before the general row of a type. */
export const LATENCY_TABLE: LatencyRow[] = [
    // The AWS stack's own resources (the benchmark deploys the aws stack): the `latency:` rows of
    // components/platforms/aws/compare.yaml, which `npm run compare` models `pulumi up` with too.
    ...platformLatencyRows("aws"),
    // --- bootstrap, as the program observes it ---
    {
        type: "pulumi-nodejs:dynamic/kubeforge:ApiReadiness",
        seconds: 150,
        phase: "init",
        source: "kubeadm init as seen through the endpoint: cloud-init package install (~60 s) + kubeadm init with image pulls (~50 s) + 3 NLB health checks at 10 s",
        // The work is the init master's: it starts when the masters are running and the nodes have
        // egress for the packages (the machines do not wait for the NAT route; their bootstrap waits
        // for egress, and the model adds that dependency: physical.ts), not when the load
        // balancer is, once the init master no longer waits for the endpoint's name (it pins it to
        // itself: bootstrap/scripts/kubeadm.sh). The gate still cannot finish before the load balancer.
        workStartsAfter: ["machine"],
        // The node's bootstrap waits for the private zone's SOA (phase `dns`) after the package install
        // and before the kubeadm step looks the API name up: kubeadm init with its image pulls (~50 s)
        // and the health checks (30 s), 90 s = 150 - the ~60 s install, cannot start before the SOA is
        // in sync. The machines no longer wait for it in `pulumi up`; the model adds it (physical.ts).
        afterDnsSeconds: 150 - 60,
    },
    {
        type: "pulumi-nodejs:dynamic/kubeforge:NodeLifecycle",
        seconds: 45,
        phase: "join",
        source: "kubeadm join once the API answers: TLS bootstrap, kubelet registration (~30-60 s; packages were installed during init)",
    },
    {
        type: /^pulumi-nodejs:dynamic\/kubeforge:(Host|Ssh|Bootstrap|Prep|Join|Init)/,
        seconds: 60,
        phase: "join",
        source: "an SSH bootstrap step (packages + kubeadm)",
    },
    // --- addons ---
    {
        type: "kubernetes:helm.sh/v3:Release",
        name: /cilium|calico/,
        seconds: 90,
        phase: "addon",
        source: "helm install --atomic of the CNI: images pulled and the agent DaemonSet ready on every node (60-120 s)",
    },
    {
        type: "kubernetes:helm.sh/v3:Release",
        name: /csi|ebs/,
        seconds: 60,
        phase: "addon",
        source: "EBS CSI controller + node DaemonSet ready (~60 s)",
    },
    {
        type: "kubernetes:helm.sh/v3:Release",
        seconds: 40,
        phase: "addon",
        source: "helm install --atomic of a small chart (cloud controller: one Deployment/DaemonSet, ~30-60 s)",
    },
    { type: /^kubernetes:yaml\/v2:ConfigGroup$/, seconds: 5, phase: "addon", source: "server-side apply of a few objects" },
    {
        type: /^kubernetes:(storage\.k8s\.io|core|rbac\.authorization\.k8s\.io|apps)\//,
        seconds: 2,
        phase: "addon",
        source: "one server-side apply",
    },
    { type: /^pulumi:providers:/, seconds: 0, phase: "local", source: "provider configuration: no API call" },
    // --- local ---
    { type: /^(tls|random):/, seconds: 0, phase: "local", source: "computed in the provider process, no network" },
    { type: /^kubeforge:/, seconds: 0, phase: "local", source: "component: no provider call" },
];

/** The row for a resource, or undefined when the table has none. */
export function latencyRow(type: string, name: string): LatencyRow | undefined {
    for (const row of LATENCY_TABLE) {
        const typeOk = typeof row.type === "string" ? row.type === type : row.type.test(type);
        if (typeOk && (!row.name || row.name.test(name))) return row;
    }
    return undefined;
}

/**
 * Whether a row's {@link LatencyRow.workStartsAfter} applies to a run: only when the platform lets
 * the init master start `kubeadm init` without the endpoint (its `endpointNameCommand` fact);
 * otherwise the init really waited for the load balancer's name, and the whole latency follows all
 * of the resource's dependencies, as before.
 * @param row - a row of the table
 * @param initWithoutEndpoint - the platform's bootstrap facts have an `endpointNameCommand`
 */
export function overlapApplies(row: Pick<LatencyRow, "workStartsAfter"> | undefined, initWithoutEndpoint: boolean): Phase[] | undefined {
    return row?.workStartsAfter && initWithoutEndpoint ? row.workStartsAfter : undefined;
}

/** Simulated seconds for a resource (0 when the table has no row for it). */
export function latencySeconds(type: string, name: string): number {
    return latencyRow(type, name)?.seconds ?? 0;
}

/** The resources of a plan that the ideal is computed from. */
export interface PlannedResource {
    type: string;
    name: string;
}

/** The ideal bring-up, term by term, in simulated seconds. */
export interface IdealBreakdown {
    /** VPC then subnet (what a machine or load balancer needs to exist). */
    network: number;
    /**
     * The slowest of: load balancer (+ listener), machine boot, NAT gateway (packages need egress); with
     * init beside the load balancer, the slower of NAT gateway and boot. When the name service sets init's
     * end (`dns` + `afterDns`), what that leaves before init: total is always network + this + init + max(join, addons).
     */
    endpointOrBoot: number;
    /** Which term won `endpointOrBoot`. */
    endpointOrBootIs: string;
    /** kubeadm init until the API answers through the endpoint. */
    init: number;
    /**
     * When the nodes' private name service answers: VPC + private zone + its slowest `dns` resource (the
     * SOA record); 0 when the plan has none.
     */
    dns: number;
    /** The init row's seconds after the name service (its `afterDnsSeconds`): init ends no earlier than `dns` + this. 0 without. */
    afterDns: number;
    /** One node's join (all joins run at once, alongside the addons). */
    join: number;
    /** The longest chain of addons that need each other (side by side otherwise). */
    addons: number;
    /**
     * What no dependency order can beat: max(network + endpointOrBoot + init, dns + afterDns) +
     * max(join, addons), or, when init overlaps the load balancer,
     * max(network + max(load balancer, max(NAT, boot) + init), dns + afterDns) + max(join, addons).
     */
    total: number;
    /** The literal chain, join then addons (not a lower bound: see the README). */
    strictTotal: number;
}

function maxOf(resources: PlannedResource[], test: (r: PlannedResource) => boolean): number {
    let best = 0;
    for (const r of resources) if (test(r)) best = Math.max(best, latencySeconds(r.type, r.name));
    return best;
}

/**
 * The longest chain that cannot be parallelised, from the same table: network, then the load
 * balancer or a machine's boot (or the NAT gateway, without which packages cannot install), then init,
 * then one join alongside the addons. A join needs the API but not the CNI (the node registers
 * NotReady until the CNI runs), and the addons need only the API and what they name, so the two
 * overlap; `strictTotal` is the issue's literal chain with the join before the addons. When the init
 * master starts without the endpoint, init runs beside the load balancer instead of after it (but
 * still after the NAT gateway and its machine's boot, which run side by side: the machine does not
 * wait for the NAT route, its bootstrap waits for egress). Either way init cannot end before the
 * nodes' private name service (VPC, private zone, its `dns` record) plus the init row's
 * `afterDnsSeconds`: the bootstrap waits for the name service before the kubeadm step.
 *
 * @param resources - every custom resource of the plan (types present decide which terms exist)
 * @param addonChain - seconds of the longest chain of addons that wait for each other (default: all
 *   of them one after the other, the old install order)
 * @param initWithoutEndpoint - the init master does not wait for the endpoint (see {@link overlapApplies})
 */
export function idealSeconds(resources: PlannedResource[], addonChain?: number, initWithoutEndpoint = false): IdealBreakdown {
    const has = (type: string) => resources.some((r) => r.type === type);
    const network =
        (has("aws:ec2/vpc:Vpc") ? latencySeconds("aws:ec2/vpc:Vpc", "") : 0) +
        (has("aws:ec2/subnet:Subnet") ? latencySeconds("aws:ec2/subnet:Subnet", "") : 0);
    const lb =
        maxOf(resources, (r) => r.type === "aws:lb/loadBalancer:LoadBalancer") +
        maxOf(resources, (r) => r.type === "aws:lb/listener:Listener");
    const boot = maxOf(resources, (r) => latencyRow(r.type, r.name)?.phase === "machine");
    const nat = maxOf(resources, (r) => latencyRow(r.type, r.name)?.phase === "egress");
    const init = maxOf(resources, (r) => latencyRow(r.type, r.name)?.phase === "init");
    const join = maxOf(resources, (r) => latencyRow(r.type, r.name)?.phase === "join");
    let serialAddons = 0;
    for (const r of resources) if (latencyRow(r.type, r.name)?.phase === "addon") serialAddons += latencySeconds(r.type, r.name);
    const addons = addonChain ?? serialAddons;
    // The name service: the SOA record is in the zone, which is associated with the VPC when created.
    const dnsRecord = maxOf(resources, (r) => latencyRow(r.type, r.name)?.phase === "dns");
    const hasDns = resources.some((r) => latencyRow(r.type, r.name)?.phase === "dns");
    const dns = hasDns
        ? (has("aws:ec2/vpc:Vpc") ? latencySeconds("aws:ec2/vpc:Vpc", "") : 0) +
          maxOf(resources, (r) => r.type === "aws:route53/zone:Zone") +
          dnsRecord
        : 0;
    let afterDns = 0;
    for (const r of resources) {
        const row = latencyRow(r.type, r.name);
        if (hasDns && row?.phase === "init" && row.afterDnsSeconds !== undefined) afterDns = Math.max(afterDns, row.afterDnsSeconds);
    }
    let endpointOrBootIs: string;
    let endpointOrBoot: number;
    if (initWithoutEndpoint) {
        // The init master's work needs egress and its machine, which do not wait for each other; the
        // gate cannot finish before the LB.
        const initPath = Math.max(nat, boot) + init;
        [endpointOrBootIs, endpointOrBoot] =
            lb > initPath ? ["load balancer", lb - init] : nat >= boot ? ["NAT gateway", nat] : ["machine boot", boot];
    } else {
        const candidates: [string, number][] = [
            ["load balancer", lb],
            ["machine boot", boot],
            ["NAT gateway", nat],
        ];
        [endpointOrBootIs, endpointOrBoot] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
    }
    // The kubeadm step's last seconds wait for the name service, whatever else init waited for.
    if (afterDns > 0 && dns + afterDns > network + endpointOrBoot + init) {
        [endpointOrBootIs, endpointOrBoot] = ["private name service", dns + afterDns - network - init];
    }
    const total = network + endpointOrBoot + init + Math.max(join, addons);
    const strictTotal = network + endpointOrBoot + init + join + addons;
    return { network, endpointOrBoot, endpointOrBootIs, init, dns, afterDns, join, addons, total, strictTotal };
}
