/**
 * The cluster's Cloud Firewall: one firewall applied by tag to every droplet of the cluster, its rules
 * computed here as data (`firewallRules`, pure) and turned into one `digitalocean.Firewall`.
 *
 * DigitalOcean firewalls filter public AND VPC traffic, and drop everything not allowed, outbound
 * included, so the cluster's own traffic is listed too (CNI, kubelet, etcd between masters). Sources
 * are droplet tags, never droplet ids: a node joins the rules by its tags, so adding or removing one
 * changes no rule. Protocols are what DigitalOcean firewalls know, tcp, udp and icmp: Calico runs
 * VXLAN here (kubeforge's Calico pool is VXLAN), never IP-in-IP (protocol 4).
 *
 * - API 6443: from the two API load balancers (by uid) and from the cluster's droplets (kubelets,
 *   pods through the `kubernetes` Service). People reach it only through the public load balancer,
 *   whose own firewall admits `access.apiAllowedCidrs`.
 * - NodePorts: from the VPC range only (DigitalOcean load balancers reach droplets over the VPC,
 *   CCM `docs/getting-started.md`).
 * - SSH: from `access.sshAllowedCidrs` only; closed when empty.
 * - etcd 2379-2380: from the masters' tag only.
 */
import type * as pulumi from "@pulumi/pulumi";
import { Firewall } from "@pulumi/digitalocean/firewall";
import type { ClusterSpec } from "../../core/types";
import { type ClusterTags, clusterTags } from "./tags";

/** NodePort range of kube-proxy / Cilium's default `--service-node-port-range`. */
export const NODE_PORT_RANGE = "30000-32767";

/** Where an inbound rule admits traffic from. */
export type RuleSource =
    /** Address ranges. */
    | { cidrs: string[] }
    /** Droplets carrying a tag. */
    | { tag: keyof ClusterTags }
    /** The cluster's API load balancers. */
    | { apiLoadBalancers: true };

/** One inbound rule, as data. */
export interface InboundRule {
    /** What it is for (kept in the plan; DigitalOcean rules have no description field). */
    id: string;
    /** `tcp`, `udp` or `icmp`. */
    protocol: "tcp" | "udp" | "icmp";
    /** A port (`6443`), a range (`2379-2380`) or `all`; absent for icmp. */
    ports?: string;
    /** Who may send it. */
    source: RuleSource;
}

/**
 * Inbound rules the CNI needs between nodes.
 * @param cni - the cluster's CNI
 */
export function cniRules(cni: ClusterSpec["cni"]): InboundRule[] {
    const nodes = { tag: "nodes" } as const;
    switch (cni) {
        case "cilium":
            return [
                { id: "cilium-vxlan", protocol: "udp", ports: "8472", source: nodes },
                { id: "cilium-health", protocol: "tcp", ports: "4240", source: nodes },
                { id: "cilium-health-icmp", protocol: "icmp", source: nodes },
                { id: "hubble", protocol: "tcp", ports: "4244", source: nodes },
            ];
        case "calico":
            return [
                { id: "calico-bgp", protocol: "tcp", ports: "179", source: nodes },
                { id: "calico-vxlan", protocol: "udp", ports: "4789", source: nodes },
                { id: "calico-typha", protocol: "tcp", ports: "5473", source: nodes },
            ];
        case "none":
            return [];
    }
}

/**
 * Every inbound rule of the cluster's firewall.
 * @param spec - the cluster (CNI, access lists)
 * @param vpcCidr - the VPC range (load balancers reach NodePorts over it)
 */
export function firewallRules(spec: ClusterSpec, vpcCidr: string): InboundRule[] {
    const ssh = [...new Set(spec.access.sshAllowedCidrs)];
    return [
        ...cniRules(spec.cni),
        // metrics-server and Prometheus on workers scrape every kubelet; kubelets authorise each request.
        { id: "kubelet", protocol: "tcp", ports: "10250", source: { tag: "nodes" } },
        { id: "api-from-load-balancers", protocol: "tcp", ports: "6443", source: { apiLoadBalancers: true } },
        { id: "api-from-nodes", protocol: "tcp", ports: "6443", source: { tag: "nodes" } },
        { id: "etcd", protocol: "tcp", ports: "2379-2380", source: { tag: "controlPlane" } },
        { id: "nodeports-tcp", protocol: "tcp", ports: NODE_PORT_RANGE, source: { cidrs: [vpcCidr] } },
        { id: "nodeports-udp", protocol: "udp", ports: NODE_PORT_RANGE, source: { cidrs: [vpcCidr] } },
        ...(ssh.length > 0 ? [{ id: "ssh", protocol: "tcp" as const, ports: "22", source: { cidrs: ssh } }] : []),
    ];
}

/** Everything a droplet may send: packages, images, DigitalOcean's API, the cluster itself. */
const EVERYWHERE = ["0.0.0.0/0", "::/0"];
const OUTBOUND_ALL: { protocol: string; portRange?: string; destinationAddresses: string[] }[] = [
    { protocol: "tcp", portRange: "all", destinationAddresses: EVERYWHERE },
    { protocol: "udp", portRange: "all", destinationAddresses: EVERYWHERE },
    { protocol: "icmp", destinationAddresses: EVERYWHERE },
];

/**
 * Creates the cluster's firewall.
 * @param name - the firewall's resource and DigitalOcean name
 * @param spec - the cluster
 * @param vpcCidr - the VPC range
 * @param loadBalancerIds - the API load balancers' ids
 * @param opts - parent and provider
 */
export function createFirewall(
    name: string,
    spec: ClusterSpec,
    vpcCidr: string,
    loadBalancerIds: pulumi.Input<string>[],
    opts: pulumi.CustomResourceOptions,
): Firewall {
    const tags = clusterTags(spec.name);
    const inboundRules = firewallRules(spec, vpcCidr).map((r) => ({
        protocol: r.protocol,
        portRange: r.protocol === "icmp" ? undefined : r.ports,
        sourceAddresses: "cidrs" in r.source ? r.source.cidrs : undefined,
        sourceTags: "tag" in r.source ? [tags[r.source.tag]] : undefined,
        sourceLoadBalancerUids: "apiLoadBalancers" in r.source ? loadBalancerIds : undefined,
    }));
    return new Firewall(name, { name, tags: [tags.nodes], inboundRules, outboundRules: OUTBOUND_ALL }, opts);
}
