/**
 * How long each kind of resource takes to create for real, in seconds, and which phase of a cluster's
 * bring-up it belongs to. The deploy benchmark sleeps this long (scaled) in the mock engine's
 * `newResource`, and computes the ideal bring-up time from the same table, so the two stay comparable.
 *
 * Figures are typical, not worst cases: what `pulumi up` waits for (the provider's create call returning),
 * not what the console shows first. Types missing from the table take no time and are listed in the
 * results, so a new resource type is noticed rather than silently free.
 */
import { platformLatencyRows } from "../../stacks/compare/latency";

/** The phases of a bring-up, in the order they must happen. */
export type Phase = "network" | "endpoint" | "egress" | "machine" | "init" | "join" | "addon" | "identity" | "local" | "other";

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
    /** The slowest of: load balancer (+ listener), machine boot, NAT gateway (packages need egress). */
    endpointOrBoot: number;
    /** Which term won `endpointOrBoot`. */
    endpointOrBootIs: string;
    /** kubeadm init until the API answers through the endpoint. */
    init: number;
    /** One node's join (all joins run at once, alongside the addons). */
    join: number;
    /** The addons, one after the other (each waits for the previous). */
    addons: number;
    /** network + endpointOrBoot + init + max(join, addons): what no dependency order can beat. */
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
 * then one join alongside the addons in their install order. A join needs the API but not the CNI (the
 * node registers NotReady until the CNI runs), and the addons need only the API, so the two overlap;
 * `strictTotal` is the literal chain with the join before the addons.
 *
 * @param resources - every custom resource of the plan (types present decide which terms exist)
 */
export function idealSeconds(resources: PlannedResource[]): IdealBreakdown {
    const has = (type: string) => resources.some((r) => r.type === type);
    const network =
        (has("aws:ec2/vpc:Vpc") ? latencySeconds("aws:ec2/vpc:Vpc", "") : 0) +
        (has("aws:ec2/subnet:Subnet") ? latencySeconds("aws:ec2/subnet:Subnet", "") : 0);
    const lb =
        maxOf(resources, (r) => r.type === "aws:lb/loadBalancer:LoadBalancer") +
        maxOf(resources, (r) => r.type === "aws:lb/listener:Listener");
    const boot = maxOf(resources, (r) => latencyRow(r.type, r.name)?.phase === "machine");
    const nat = maxOf(resources, (r) => latencyRow(r.type, r.name)?.phase === "egress");
    const candidates: [string, number][] = [
        ["load balancer", lb],
        ["machine boot", boot],
        ["NAT gateway", nat],
    ];
    const [endpointOrBootIs, endpointOrBoot] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
    const init = maxOf(resources, (r) => latencyRow(r.type, r.name)?.phase === "init");
    const join = maxOf(resources, (r) => latencyRow(r.type, r.name)?.phase === "join");
    let addons = 0;
    for (const r of resources) if (latencyRow(r.type, r.name)?.phase === "addon") addons += latencySeconds(r.type, r.name);
    const total = network + endpointOrBoot + init + Math.max(join, addons);
    const strictTotal = network + endpointOrBoot + init + join + addons;
    return { network, endpointOrBoot, endpointOrBootIs, init, join, addons, total, strictTotal };
}
