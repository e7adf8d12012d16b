/**
 * Firewall rules by network tag: data first (`firewallRules`, pure), then one `compute.Firewall` per
 * rule, so a policy pack reads each one and rules change one at a time. Compute Engine denies all
 * ingress that no rule allows and allows all egress; rules here only open what Kubernetes needs.
 *
 * The API's port on the masters is open to Google's front ends and health checkers only
 * (35.191.0.0/16 and 130.211.0.0/22, the ranges of the global external proxy Network Load Balancer),
 * and to the nodes; who may use the endpoint from outside is decided by its Cloud Armor policy
 * (`endpoint.ts`), since every connection through the proxy arrives from a front end's address.
 */
import type * as pulumi from "@pulumi/pulumi";
import { Firewall } from "@pulumi/gcp/compute";
import type { ClusterSpec } from "../../core/types";
import type { GcpConfig } from "./config";
import type { GcpNetwork } from "./network";
import { type NetworkTags, networkTags } from "./names";

/** Source ranges of Google's front ends (proxy traffic) and health checks for proxy load balancers. */
export const GOOGLE_FRONT_END_RANGES = ["35.191.0.0/16", "130.211.0.0/22"] as const;

/** NodePort range of kube-proxy / Cilium's default `--service-node-port-range`. */
export const NODE_PORT_RANGE = "30000-32767";

/** Which tag a rule targets or admits. */
export type TagRole = keyof NetworkTags;

/** One ingress rule, as data. */
export interface FirewallRuleSpec {
    /** Unique suffix of the rule's name. */
    id: string;
    /** The machines it opens. */
    target: TagRole;
    /** `tcp`, `udp`, `icmp`, `ipip` (Compute Engine's names). */
    protocol: string;
    /** Ports or ranges (`6443`, `30000-32767`); all of the protocol's when absent. */
    ports?: string[];
    /** Who may connect: machines with a tag, or address ranges. */
    source: { tag: TagRole } | { ranges: string[] };
    /** Why the rule exists (shown in the console). */
    description: string;
}

function cniRules(cni: ClusterSpec["cni"]): FirewallRuleSpec[] {
    const fromNodes = (id: string, protocol: string, ports: string[] | undefined, description: string): FirewallRuleSpec => ({
        id,
        target: "node",
        protocol,
        ports,
        source: { tag: "node" },
        description,
    });
    switch (cni) {
        case "cilium":
            return [
                fromNodes("cilium-vxlan", "udp", ["8472"], "Cilium VXLAN overlay"),
                fromNodes("cilium-health", "tcp", ["4240"], "Cilium health checks"),
                fromNodes("cilium-icmp", "icmp", undefined, "Cilium health ICMP echo"),
                fromNodes("hubble", "tcp", ["4244"], "Hubble server (relay reads it)"),
            ];
        case "calico":
            return [
                fromNodes("calico-bgp", "tcp", ["179"], "Calico BGP"),
                fromNodes("calico-vxlan", "udp", ["4789"], "Calico VXLAN overlay"),
                fromNodes("calico-ipip", "ipip", undefined, "Calico IP-in-IP"),
                fromNodes("calico-typha", "tcp", ["5473"], "Calico Typha"),
            ];
        case "none":
            return [];
    }
}

/**
 * Every ingress rule of the cluster, as data.
 * @param spec - the cluster (CNI, SSH access)
 * @param nodeCidr - the subnetwork's range (NodePorts)
 */
export function firewallRules(spec: ClusterSpec, nodeCidr: string): FirewallRuleSpec[] {
    const ssh = [...new Set(spec.access.sshAllowedCidrs)];
    return [
        ...cniRules(spec.cni),
        {
            id: "kubelet",
            target: "node",
            protocol: "tcp",
            ports: ["10250"],
            source: { tag: "node" },
            description: "kubelet API from the API servers (logs, exec) and in-cluster metrics scrapers",
        },
        {
            id: "nodeports",
            target: "node",
            protocol: "tcp",
            ports: [NODE_PORT_RANGE],
            source: { ranges: [nodeCidr] },
            description: "NodePort Services from inside the subnetwork",
        },
        {
            id: "nodeports-udp",
            target: "node",
            protocol: "udp",
            ports: [NODE_PORT_RANGE],
            source: { ranges: [nodeCidr] },
            description: "NodePort Services (UDP) from inside the subnetwork",
        },
        ...(ssh.length > 0
            ? [
                  {
                      id: "ssh",
                      target: "node" as const,
                      protocol: "tcp",
                      ports: ["22"],
                      source: { ranges: ssh },
                      description: "SSH from access.sshAllowedCidrs",
                  },
              ]
            : []),
        {
            id: "api-lb",
            target: "controlPlane",
            protocol: "tcp",
            ports: ["6443"],
            source: { ranges: [...GOOGLE_FRONT_END_RANGES] },
            description: "Kubernetes API through the proxy load balancer, and its /readyz health checks",
        },
        {
            id: "api-nodes",
            target: "controlPlane",
            protocol: "tcp",
            ports: ["6443"],
            source: { tag: "node" },
            description: "Kubernetes API from nodes and pods (the kubernetes Service endpoints)",
        },
        {
            id: "etcd",
            target: "controlPlane",
            protocol: "tcp",
            ports: ["2379-2380"],
            source: { tag: "controlPlane" },
            description: "etcd client and peer traffic between masters",
        },
    ];
}

/**
 * Creates one firewall rule per {@link FirewallRuleSpec}.
 * @param name - prefix of every resource name
 * @param spec - the cluster
 * @param config - the gcp config
 * @param network - the network
 * @param parent - parent of every resource
 */
export function createFirewall(
    name: string,
    spec: ClusterSpec,
    config: GcpConfig,
    network: GcpNetwork,
    parent: pulumi.Resource,
): Firewall[] {
    const tags = networkTags(spec.name);
    return firewallRules(spec, network.nodeCidr).map(
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
