/**
 * The cluster's firewall matrix as provider-neutral data: which traffic each group of machines must
 * admit, from whom. Every platform maps these rules onto its own resources (AWS security group rules,
 * Azure NSG rules, GCP firewall rules, DigitalOcean firewall rules, nothing on bare metal) and keeps
 * each rule's `id` in the resource name, so rules change one at a time and stay stable across
 * releases. Pure.
 */
import type { ClusterSpec } from "../core/types";

/**
 * The groups rules apply to:
 * - `nodes`: every machine of the cluster;
 * - `controlPlane`: the masters;
 * - `apiEndpoint`: the API load balancer, where the platform has one that filters traffic (AWS NLB
 *   security group); platforms whose balancer does not filter apply these rules to `controlPlane`.
 */
export type FirewallGroup = "nodes" | "controlPlane" | "apiEndpoint";

/**
 * Who a rule admits (ingress) or reaches (egress):
 * - `{ group }`: members of another (or the same) group;
 * - `{ cidr }`: a literal range from the stack config (`access.apiAllowedCidrs`, `access.sshAllowedCidrs`);
 * - `{ range: "nodeNetwork" }`: the platform's node network (VPC/VNet/subnet range);
 * - `{ range: "clusterEgress" }`: the cluster's own public egress addresses (NAT gateways), when nodes
 *   reach the public API endpoint through them; a platform without such addresses maps it to nothing;
 * - `{ range: "anywhere" }`: any address (egress to packages, images, cloud APIs).
 */
export type FirewallPeer = { group: FirewallGroup } | { cidr: string } | { range: "nodeNetwork" | "clusterEgress" | "anywhere" };

/** IP protocols the matrix uses. `ipip` is IP protocol 4 (Calico IP-in-IP); `all` is any protocol. */
export type FirewallProtocol = "tcp" | "udp" | "icmp" | "ipip" | "all";

/** One rule of the matrix. */
export interface FirewallRule {
    /** Stable, unique id: part of the rule resource's name on every platform. */
    id: string;
    /** The group the rule is on. */
    group: FirewallGroup;
    /** Inbound to the group, or outbound from it. */
    direction: "ingress" | "egress";
    /** The protocol. */
    protocol: FirewallProtocol;
    /** Port range (tcp/udp), inclusive. */
    ports?: { from: number; to: number };
    /** ICMP type and code (icmp). */
    icmp?: { type: number; code: number };
    /** The peer. */
    peer: FirewallPeer;
    /** Why the rule exists (shown in consoles; names the config key that adds it, where one does). */
    description: string;
}

/** The Kubernetes API port on every platform. */
export const API_PORT = 6443;
/** etcd client and peer ports. */
export const ETCD_PORTS = { from: 2379, to: 2380 } as const;
/** kubelet API port. */
export const KUBELET_PORT = 10250;
/** SSH. */
export const SSH_PORT = 22;
/** NodePort range of kube-proxy / Cilium's default `--service-node-port-range`. */
export const NODE_PORT_RANGE = { from: 30000, to: 32767 } as const;

function unique(values: readonly string[]): string[] {
    return [...new Set(values)];
}

/**
 * A CIDR as a resource-name-safe id fragment (`203.0.113.7/32` becomes `203-0-113-7-32`).
 *
 * @param cidr - an IPv4 or IPv6 range
 */
export function cidrId(cidr: string): string {
    return cidr.replace(/[./:]/g, "-");
}

/**
 * Node-to-node rules the CNI needs (overlay, health checks), by CNI.
 *
 * @param cni - the cluster's CNI
 */
export function cniRules(cni: ClusterSpec["cni"]): FirewallRule[] {
    const fromNodes = (id: string, protocol: FirewallProtocol, extra: Partial<FirewallRule>, description: string): FirewallRule => ({
        id,
        group: "nodes",
        direction: "ingress",
        protocol,
        ...extra,
        peer: { group: "nodes" },
        description,
    });
    switch (cni) {
        case "cilium":
            return [
                fromNodes("cilium-vxlan", "udp", { ports: { from: 8472, to: 8472 } }, "Cilium VXLAN overlay"),
                fromNodes("cilium-health", "tcp", { ports: { from: 4240, to: 4240 } }, "Cilium health checks"),
                fromNodes("cilium-health-icmp", "icmp", { icmp: { type: 8, code: 0 } }, "Cilium health ICMP echo"),
                fromNodes("hubble", "tcp", { ports: { from: 4244, to: 4244 } }, "Hubble server (relay reads it)"),
            ];
        case "calico":
            return [
                fromNodes("calico-bgp", "tcp", { ports: { from: 179, to: 179 } }, "Calico BGP"),
                fromNodes("calico-vxlan", "udp", { ports: { from: 4789, to: 4789 } }, "Calico VXLAN overlay"),
                fromNodes("calico-ipip", "ipip", {}, "Calico IP-in-IP"),
                fromNodes("calico-typha", "tcp", { ports: { from: 5473, to: 5473 } }, "Calico Typha"),
            ];
        case "none":
            return [];
    }
}

/** Options of {@link firewallMatrix}. */
export interface FirewallOptions {
    /**
     * True when the platform's API load balancer filters traffic itself (has its own group): the API
     * rules from `access.apiAllowedCidrs` and `clusterEgress` go on `apiEndpoint`, and the masters
     * admit the API from it. False (default): they go on `controlPlane` directly.
     */
    endpointHasOwnGroup?: boolean;
}

/**
 * Every rule of the cluster, as data.
 *
 * @param spec - the cluster (CNI, access lists)
 * @param options - how the platform's API endpoint filters
 */
export function firewallMatrix(spec: ClusterSpec, options: FirewallOptions = {}): FirewallRule[] {
    const api = { from: API_PORT, to: API_PORT };
    const apiGroup: FirewallGroup = options.endpointHasOwnGroup ? "apiEndpoint" : "controlPlane";
    const rules: FirewallRule[] = [
        ...cniRules(spec.cni),
        {
            id: "kubelet",
            group: "nodes",
            direction: "ingress",
            protocol: "tcp",
            ports: { from: KUBELET_PORT, to: KUBELET_PORT },
            // From every node, not only the API servers: metrics-server and Prometheus run on workers and
            // scrape each kubelet; the kubelet still authenticates and authorises every request.
            peer: { group: "nodes" },
            description: "kubelet API from the API servers (logs, exec) and from in-cluster metrics scrapers",
        },
        ...(["tcp", "udp"] as const).map((protocol): FirewallRule => ({
            id: `nodeports-${protocol}`,
            group: "nodes",
            direction: "ingress",
            protocol,
            ports: { ...NODE_PORT_RANGE },
            peer: { range: "nodeNetwork" },
            description: "NodePort Services from inside the node network (load balancers)",
        })),
        ...unique(spec.access.sshAllowedCidrs).map((cidr): FirewallRule => ({
            id: `ssh-${cidrId(cidr)}`,
            group: "nodes",
            direction: "ingress",
            protocol: "tcp",
            ports: { from: SSH_PORT, to: SSH_PORT },
            peer: { cidr },
            description: "SSH from access.sshAllowedCidrs",
        })),
        {
            id: "all",
            group: "nodes",
            direction: "egress",
            protocol: "all",
            peer: { range: "anywhere" },
            description: "Packages, images and cloud APIs",
        },
        ...(options.endpointHasOwnGroup
            ? [
                  {
                      id: "api-from-lb",
                      group: "controlPlane",
                      direction: "ingress",
                      protocol: "tcp",
                      ports: api,
                      peer: { group: "apiEndpoint" },
                      description: "Kubernetes API through the load balancer",
                  } satisfies FirewallRule,
              ]
            : []),
        {
            id: "api-from-nodes",
            group: "controlPlane",
            direction: "ingress",
            protocol: "tcp",
            ports: api,
            peer: { group: "nodes" },
            description: "Kubernetes API from nodes and pods (the kubernetes Service endpoints)",
        },
        {
            id: "etcd",
            group: "controlPlane",
            direction: "ingress",
            protocol: "tcp",
            ports: { ...ETCD_PORTS },
            peer: { group: "controlPlane" },
            description: "etcd client and peer traffic between masters",
        },
        ...unique(spec.access.apiAllowedCidrs).map((cidr): FirewallRule => ({
            id: `api-${cidrId(cidr)}`,
            group: apiGroup,
            direction: "ingress",
            protocol: "tcp",
            ports: api,
            peer: { cidr },
            description: "Kubernetes API from access.apiAllowedCidrs",
        })),
        {
            id: "api-nat",
            group: apiGroup,
            direction: "ingress",
            protocol: "tcp",
            ports: api,
            peer: { range: "clusterEgress" },
            description: "Kubernetes API from the cluster's own NAT addresses (joins, kubelets)",
        },
        ...(options.endpointHasOwnGroup
            ? [
                  {
                      id: "to-masters",
                      group: "apiEndpoint",
                      direction: "egress",
                      protocol: "tcp",
                      ports: api,
                      peer: { group: "controlPlane" },
                      description: "Forwarding and /readyz health checks to the masters",
                  } satisfies FirewallRule,
              ]
            : []),
    ];
    return rules;
}
