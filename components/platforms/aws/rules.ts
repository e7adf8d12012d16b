/**
 * The cluster's security rules as data: which group, direction, protocol, ports and peer. Pure (the
 * only Pulumi import is a type: a peer CIDR may be an Output, e.g. a NAT address). `security.ts`
 * turns each into one rule resource.
 */
import type { Input } from "@pulumi/pulumi";
import type { ClusterSpec } from "../../core/types";

/** Which group a rule belongs to or refers to: `nodes` (every machine), `controlPlane`, `apiLb`. */
export type GroupRole = "nodes" | "controlPlane" | "apiLb";

/** One rule, as data. */
export interface RuleSpec {
    /** Unique suffix of the rule's resource name. */
    id: string;
    /** The group the rule is on. */
    group: GroupRole;
    /** Inbound to the group, or outbound from it. */
    direction: "ingress" | "egress";
    /** `tcp`, `udp`, `icmp`, an IP protocol number, or `-1` (all). */
    protocol: string;
    /** First port (ICMP: type); absent with protocol `-1` or a bare protocol number. */
    fromPort?: number;
    /** Last port (ICMP: code). */
    toPort?: number;
    /** The peer: an address range or another of the groups. */
    peer: { cidr: Input<string> } | { group: GroupRole };
    /** Why the rule exists (shown in the AWS console). */
    description: string;
}

/** NodePort range of kube-proxy / Cilium's default `--service-node-port-range`. */
export const NODE_PORT_RANGE = { from: 30000, to: 32767 } as const;

function unique(values: string[]): string[] {
    return [...new Set(values)];
}

function cidrId(cidr: string): string {
    return cidr.replace(/[./:]/g, "-");
}

/**
 * Node-to-node rules the CNI needs (VXLAN overlay, health checks), by CNI.
 * @param cni - the cluster's CNI
 */
export function cniRules(cni: ClusterSpec["cni"]): RuleSpec[] {
    const fromNodes = (
        id: string,
        protocol: string,
        fromPort: number | undefined,
        toPort: number | undefined,
        description: string,
    ): RuleSpec => ({
        id,
        group: "nodes",
        direction: "ingress",
        protocol,
        fromPort,
        toPort,
        peer: { group: "nodes" },
        description,
    });
    switch (cni) {
        case "cilium":
            return [
                fromNodes("cilium-vxlan", "udp", 8472, 8472, "Cilium VXLAN overlay"),
                fromNodes("cilium-health", "tcp", 4240, 4240, "Cilium health checks"),
                fromNodes("cilium-health-icmp", "icmp", 8, 0, "Cilium health ICMP echo"),
                fromNodes("hubble", "tcp", 4244, 4244, "Hubble server (relay reads it)"),
            ];
        case "calico":
            return [
                fromNodes("calico-bgp", "tcp", 179, 179, "Calico BGP"),
                fromNodes("calico-vxlan", "udp", 4789, 4789, "Calico VXLAN overlay"),
                fromNodes("calico-ipip", "4", undefined, undefined, "Calico IP-in-IP"),
                fromNodes("calico-typha", "tcp", 5473, 5473, "Calico Typha"),
            ];
        case "none":
            return [];
    }
}

/**
 * Every rule of the cluster, as data.
 * @param spec - the cluster (CNI, access lists)
 * @param vpcCidr - the VPC range (NodePorts)
 * @param egressCidrs - the VPC's NAT addresses as /32s (nodes reach the public API endpoint from them)
 */
export function securityRules(spec: ClusterSpec, vpcCidr: string, egressCidrs: Input<string>[]): RuleSpec[] {
    const rules: RuleSpec[] = [
        ...cniRules(spec.cni),
        {
            id: "kubelet",
            group: "nodes",
            direction: "ingress",
            protocol: "tcp",
            fromPort: 10250,
            toPort: 10250,
            // From every node, not only the API servers: metrics-server and Prometheus run on workers and
            // scrape each kubelet's /metrics/resource; the kubelet still authenticates and authorises
            // every request (webhook authz), so reaching the port grants nothing by itself.
            peer: { group: "nodes" },
            description: "kubelet API from the API servers (logs, exec) and from in-cluster metrics scrapers",
        },
        ...(["tcp", "udp"] as const).map((protocol): RuleSpec => ({
            id: `nodeports-${protocol}`,
            group: "nodes",
            direction: "ingress",
            protocol,
            fromPort: NODE_PORT_RANGE.from,
            toPort: NODE_PORT_RANGE.to,
            peer: { cidr: vpcCidr },
            description: "NodePort Services from inside the VPC (load balancers)",
        })),
        ...unique(spec.access.sshAllowedCidrs).map((cidr): RuleSpec => ({
            id: `ssh-${cidrId(cidr)}`,
            group: "nodes",
            direction: "ingress",
            protocol: "tcp",
            fromPort: 22,
            toPort: 22,
            peer: { cidr },
            description: "SSH from access.sshAllowedCidrs",
        })),
        {
            id: "all",
            group: "nodes",
            direction: "egress",
            protocol: "-1",
            peer: { cidr: "0.0.0.0/0" },
            description: "Packages, images and AWS APIs",
        },
        {
            id: "api-from-lb",
            group: "controlPlane",
            direction: "ingress",
            protocol: "tcp",
            fromPort: 6443,
            toPort: 6443,
            peer: { group: "apiLb" },
            description: "Kubernetes API through the load balancer",
        },
        {
            id: "api-from-nodes",
            group: "controlPlane",
            direction: "ingress",
            protocol: "tcp",
            fromPort: 6443,
            toPort: 6443,
            peer: { group: "nodes" },
            description: "Kubernetes API from nodes and pods (the kubernetes Service endpoints)",
        },
        {
            id: "etcd",
            group: "controlPlane",
            direction: "ingress",
            protocol: "tcp",
            fromPort: 2379,
            toPort: 2380,
            peer: { group: "controlPlane" },
            description: "etcd client and peer traffic between masters",
        },
        ...unique(spec.access.apiAllowedCidrs).map((cidr): RuleSpec => ({
            id: `api-${cidrId(cidr)}`,
            group: "apiLb",
            direction: "ingress",
            protocol: "tcp",
            fromPort: 6443,
            toPort: 6443,
            peer: { cidr },
            description: "Kubernetes API from access.apiAllowedCidrs",
        })),
        ...egressCidrs.map((cidr, i): RuleSpec => ({
            id: `api-nat-${i}`,
            group: "apiLb",
            direction: "ingress",
            protocol: "tcp",
            fromPort: 6443,
            toPort: 6443,
            peer: { cidr },
            description: "Kubernetes API from the cluster's own NAT addresses (joins, kubelets)",
        })),
        {
            id: "to-masters",
            group: "apiLb",
            direction: "egress",
            protocol: "tcp",
            fromPort: 6443,
            toPort: 6443,
            peer: { group: "controlPlane" },
            description: "Forwarding and /readyz health checks to the masters",
        },
    ];
    return rules;
}
