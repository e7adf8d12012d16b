/**
 * The kit's firewall matrix (`components/kit/firewall.ts`) mapped onto GCP: ingress rules become one
 * `compute.Firewall` each, by network tag (`<cluster>-node` on every node, `<cluster>-control-plane`
 * on masters), the rule's id in its name; the rules on the API endpoint's own group become the allow
 * list of its Cloud Armor policy. Compute Engine allows all egress and denies any ingress no rule
 * allows, so the matrix's egress rules need no resource.
 *
 * The endpoint is a proxy: every connection reaches the masters from a Google front end, whose ranges
 * (35.191.0.0/16, 130.211.0.0/22, also the health checkers') are what "API from the load balancer"
 * admits; who may use the endpoint at all is the Cloud Armor list (`access.apiAllowedCidrs` and the
 * cluster's NAT addresses).
 */
import type * as pulumi from "@pulumi/pulumi";
import { Firewall } from "@pulumi/gcp/compute";
import type { ClusterSpec } from "../../core/types";
import { type FirewallGroup, type FirewallRule, firewallMatrix } from "../../kit/firewall";
import type { GcpConfig } from "./config";
import type { GcpNetwork } from "./network";
import { type NetworkTags, networkTags } from "./names";

/** Source ranges of Google's front ends (proxy traffic) and health checks for proxy load balancers. */
export const GOOGLE_FRONT_END_RANGES = ["35.191.0.0/16", "130.211.0.0/22"] as const;

/** One GCP ingress rule, as data. */
export interface GcpFirewallRule {
    /** The matrix rule's id (part of the resource and rule names). */
    id: string;
    /** The tag the rule opens. */
    target: keyof NetworkTags;
    /** `tcp`, `udp`, `icmp`, `ipip`, `all` (Compute Engine's names). */
    protocol: string;
    /** Ports or ranges (`6443`, `30000-32767`); all of the protocol's when absent. */
    ports?: string[];
    /** Who may connect: machines with a tag, or address ranges. */
    source: { tag: keyof NetworkTags } | { ranges: pulumi.Input<string>[] };
    /** Why the rule exists (shown in the console). */
    description: string;
}

/** The matrix, as GCP applies it. */
export interface GcpFirewallPlan {
    /** VPC firewall rules. */
    rules: GcpFirewallRule[];
    /** Who may reach the API endpoint (Cloud Armor allow list). */
    apiClients: pulumi.Input<string>[];
}

const TAG_OF: Record<Exclude<FirewallGroup, "apiEndpoint">, keyof NetworkTags> = { nodes: "node", controlPlane: "controlPlane" };

function ranges(rule: FirewallRule, nodeCidr: string, egressCidrs: pulumi.Input<string>[]): pulumi.Input<string>[] | undefined {
    const peer = rule.peer;
    if ("cidr" in peer) return [peer.cidr];
    if ("range" in peer) {
        if (peer.range === "nodeNetwork") return [nodeCidr];
        if (peer.range === "clusterEgress") return egressCidrs;
        return ["0.0.0.0/0"];
    }
    return undefined;
}

/**
 * The cluster's matrix mapped onto GCP.
 * @param spec - the cluster (CNI, access lists)
 * @param nodeCidr - the subnetwork's range
 * @param egressCidrs - the nodes' NAT addresses as /32s
 */
export function gcpFirewallPlan(spec: ClusterSpec, nodeCidr: string, egressCidrs: pulumi.Input<string>[]): GcpFirewallPlan {
    const rules: GcpFirewallRule[] = [];
    const apiClients: pulumi.Input<string>[] = [];
    for (const rule of firewallMatrix(spec, { endpointHasOwnGroup: true })) {
        if (rule.direction !== "ingress") continue;
        if (rule.group === "apiEndpoint") {
            apiClients.push(...(ranges(rule, nodeCidr, egressCidrs) ?? []));
            continue;
        }
        const ports = rule.ports
            ? [rule.ports.from === rule.ports.to ? `${rule.ports.from}` : `${rule.ports.from}-${rule.ports.to}`]
            : undefined;
        const peer = rule.peer;
        const source: GcpFirewallRule["source"] =
            "group" in peer
                ? peer.group === "apiEndpoint"
                    ? { ranges: [...GOOGLE_FRONT_END_RANGES] }
                    : { tag: TAG_OF[peer.group] }
                : { ranges: ranges(rule, nodeCidr, egressCidrs) ?? [] };
        if ("ranges" in source && source.ranges.length === 0) continue;
        rules.push({ id: rule.id, target: TAG_OF[rule.group], protocol: rule.protocol, ports, source, description: rule.description });
    }
    return { rules, apiClients };
}

/**
 * Creates one firewall rule per {@link GcpFirewallRule}.
 * @param name - prefix of every resource name
 * @param spec - the cluster
 * @param config - the gcp config
 * @param network - the network
 * @param rules - the rules (see {@link gcpFirewallPlan})
 * @param parent - parent of every resource
 */
export function createFirewall(
    name: string,
    spec: ClusterSpec,
    config: GcpConfig,
    network: GcpNetwork,
    rules: GcpFirewallRule[],
    parent: pulumi.Resource,
): Firewall[] {
    const tags = networkTags(spec.name);
    return rules.map(
        (rule) =>
            new Firewall(
                `${name}-fw-${rule.id}`,
                {
                    project: network.networkProject ?? config.project,
                    name: `${spec.name}-${rule.id}`,
                    network: network.network,
                    direction: "INGRESS",
                    priority: 1000,
                    allows: [{ protocol: rule.protocol, ports: rule.ports }],
                    targetTags: [tags[rule.target]],
                    ...("tag" in rule.source ? { sourceTags: [tags[rule.source.tag]] } : { sourceRanges: rule.source.ranges }),
                    description: `kubeforge ${spec.name}: ${rule.description}`,
                },
                { parent },
            ),
    );
}
