/**
 * The kit's firewall matrix (`components/kit/firewall.ts`) mapped onto DigitalOcean Cloud Firewalls,
 * keyed by droplet tags: one firewall per group, applied to the group's tag.
 *
 * - `nodes` goes to firewall `<name>-nodes` on `kubeforge-<cluster>` (every droplet);
 * - `controlPlane` goes to firewall `<name>-control-plane` on `kubeforge-<cluster>-control-plane`;
 * - `apiEndpoint` goes to the external API load balancer's own allow list (`endpoint.ts`): a REGIONAL load
 *   balancer proxies, so only it sees the client's address. Masters admit the API from both load
 *   balancers by uid (`{ group: "apiEndpoint" }`).
 *
 * DigitalOcean firewalls filter public AND VPC traffic and drop everything not allowed, outbound
 * included, so the cluster's own traffic is listed too. A droplet in two firewalls gets the union of
 * their rules. Sources are tags or load balancer uids, never droplet ids: adding a node changes no rule.
 * Mapping limits, and why they are safe: DigitalOcean rules know tcp, udp and icmp only, so the matrix's
 * `ipip` rule (Calico IP-in-IP) has no equivalent and is dropped (kubeforge's Calico pool is VXLAN);
 * `all` becomes tcp + udp + icmp; ICMP types are not filterable (any ICMP from the peer);
 * `clusterEgress` maps to nothing (nodes reach the API through the internal load balancer, not
 * through public egress addresses); `nodeNetwork` is the VPC range (load balancers reach NodePorts
 * over the VPC, CCM `docs/getting-started.md`).
 */
import type * as pulumi from "@pulumi/pulumi";
import { Firewall } from "@pulumi/digitalocean/firewall";
import type { ClusterSpec } from "../../core/types";
import { type FirewallGroup, type FirewallPeer, type FirewallRule, firewallMatrix } from "../../kit/firewall";
import { clusterTags } from "./tags";

/** A DigitalOcean firewall rule, as the provider takes it (sources for inbound, destinations for outbound). */
export interface DoRule {
    /** The matrix rule it comes from. */
    id: string;
    /** `tcp`, `udp` or `icmp`. */
    protocol: "tcp" | "udp" | "icmp";
    /** `6443`, `2379-2380`, `all`; absent for icmp. */
    portRange?: string;
    /** Address ranges. */
    addresses: string[];
    /** Droplet tags. */
    tags: string[];
    /** The API load balancers. */
    loadBalancers: boolean;
}

/** Rules per firewall and direction. */
export interface DoFirewallRules {
    /** Inbound rules of each droplet group. */
    inbound: Record<"nodes" | "controlPlane", DoRule[]>;
    /** Outbound rules of each droplet group. */
    outbound: Record<"nodes" | "controlPlane", DoRule[]>;
    /** `cidr:` entries of the external load balancer's allow list. */
    apiAllows: string[];
}

const EVERYWHERE = ["0.0.0.0/0", "::/0"];

function peerOf(
    peer: FirewallPeer,
    vpcCidr: string,
    tags: Record<"nodes" | "controlPlane", string>,
): Omit<DoRule, "id" | "protocol" | "portRange"> | undefined {
    const none = { addresses: [] as string[], tags: [] as string[], loadBalancers: false };
    if ("group" in peer) {
        if (peer.group === "apiEndpoint") return { ...none, loadBalancers: true };
        return { ...none, tags: [tags[peer.group]] };
    }
    if ("cidr" in peer) return { ...none, addresses: [peer.cidr] };
    if (peer.range === "nodeNetwork") return { ...none, addresses: [vpcCidr] };
    if (peer.range === "anywhere") return { ...none, addresses: EVERYWHERE };
    return undefined; // clusterEgress: nodes do not reach the API through public egress addresses here
}

function protocolsOf(rule: FirewallRule): DoRule["protocol"][] {
    if (rule.protocol === "all") return ["tcp", "udp", "icmp"];
    if (rule.protocol === "ipip") return [];
    return [rule.protocol];
}

/**
 * The matrix, mapped: per droplet group, inbound and outbound rules; the load balancer's allow list.
 * @param spec - the cluster (CNI, access lists)
 * @param vpcCidr - the VPC range
 */
export function doFirewallRules(spec: ClusterSpec, vpcCidr: string): DoFirewallRules {
    const selectors = clusterTags(spec.name);
    const tags = { nodes: selectors.nodes, controlPlane: selectors.controlPlane };
    const out: DoFirewallRules = { inbound: { nodes: [], controlPlane: [] }, outbound: { nodes: [], controlPlane: [] }, apiAllows: [] };
    for (const rule of firewallMatrix(spec, { endpointHasOwnGroup: true })) {
        if (rule.group === "apiEndpoint") {
            if (rule.direction === "ingress" && "cidr" in rule.peer) out.apiAllows.push(`cidr:${rule.peer.cidr}`);
            continue;
        }
        const peer = peerOf(rule.peer, vpcCidr, tags);
        if (!peer) continue;
        const group: Exclude<FirewallGroup, "apiEndpoint"> = rule.group;
        for (const protocol of protocolsOf(rule)) {
            const portRange =
                protocol === "icmp"
                    ? undefined
                    : !rule.ports
                      ? "all"
                      : rule.ports.from === rule.ports.to
                        ? `${rule.ports.from}`
                        : `${rule.ports.from}-${rule.ports.to}`;
            (rule.direction === "ingress" ? out.inbound : out.outbound)[group].push({ id: rule.id, protocol, portRange, ...peer });
        }
    }
    return out;
}

/**
 * Creates the two firewalls (every droplet; the masters).
 * @param name - prefix of the firewalls' resource and DigitalOcean names
 * @param spec - the cluster
 * @param vpcCidr - the VPC range
 * @param loadBalancerIds - the API load balancers' ids
 * @param opts - parent and provider
 */
export function createFirewalls(
    name: string,
    spec: ClusterSpec,
    vpcCidr: string,
    loadBalancerIds: pulumi.Input<string>[],
    opts: pulumi.CustomResourceOptions,
): Firewall[] {
    const rules = doFirewallRules(spec, vpcCidr);
    const selectors = clusterTags(spec.name);
    const make = (group: "nodes" | "controlPlane", suffix: string): Firewall => {
        const fwName = `${name}-${suffix}`;
        return new Firewall(
            fwName,
            {
                name: fwName,
                tags: [selectors[group]],
                inboundRules: rules.inbound[group].map((r) => ({
                    protocol: r.protocol,
                    portRange: r.portRange,
                    sourceAddresses: r.addresses.length > 0 ? r.addresses : undefined,
                    sourceTags: r.tags.length > 0 ? r.tags : undefined,
                    sourceLoadBalancerUids: r.loadBalancers ? loadBalancerIds : undefined,
                })),
                outboundRules: rules.outbound[group].map((r) => ({
                    protocol: r.protocol,
                    portRange: r.portRange,
                    destinationAddresses: r.addresses.length > 0 ? r.addresses : undefined,
                    destinationTags: r.tags.length > 0 ? r.tags : undefined,
                })),
            },
            opts,
        );
    };
    return [make("nodes", "nodes"), make("controlPlane", "control-plane")];
}
