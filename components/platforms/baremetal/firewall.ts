/**
 * Bare metal creates no firewall: the hosts' own firewall (and the network's) is the user's. What the
 * cluster needs open is the kit's firewall matrix, published as the `firewall` stack output in words
 * so it can be applied with whatever the site uses (nftables, a switch ACL). Pure.
 */
import type { ClusterSpec } from "../../core/types";
import { firewallMatrix, type FirewallRule } from "../../kit/firewall";

function describePeer(rule: FirewallRule): string {
    const peer = rule.peer;
    if ("group" in peer) return { nodes: "every node", controlPlane: "the masters", apiEndpoint: "the API endpoint" }[peer.group];
    if ("cidr" in peer) return peer.cidr;
    return { nodeNetwork: "the hosts' network", clusterEgress: "the hosts' network", anywhere: "anywhere" }[peer.range];
}

function describePorts(rule: FirewallRule): string {
    if (rule.protocol === "all") return "all traffic";
    if (rule.protocol === "ipip") return "IP-in-IP (protocol 4)";
    if (rule.protocol === "icmp") return `ICMP type ${rule.icmp?.type ?? "any"}`;
    const ports = rule.ports;
    if (!ports) return rule.protocol;
    return `${rule.protocol} ${ports.from === ports.to ? ports.from : `${ports.from}-${ports.to}`}`;
}

/**
 * What each group of hosts must admit, in words, keyed by the matrix rule id. Bare metal has no load
 * balancer that filters, so API rules are on the masters.
 *
 * @param spec - the cluster (CNI, access lists)
 */
export function requiredOpenings(spec: ClusterSpec): Record<string, string> {
    const onto = { nodes: "every node admits", controlPlane: "the masters admit", apiEndpoint: "the masters admit" } as const;
    return Object.fromEntries(
        firewallMatrix(spec)
            .filter((rule) => rule.direction === "ingress")
            .map((rule) => [rule.id, `${onto[rule.group]} ${describePorts(rule)} from ${describePeer(rule)}: ${rule.description}`]),
    );
}
