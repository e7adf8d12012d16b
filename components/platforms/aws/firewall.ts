/**
 * The kit's firewall matrix (components/kit/firewall.ts) mapped onto AWS security groups. Groups have
 * no inline rules: every rule is its own `aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule`
 * or `...EgressRule`, named after the matrix rule's id, so a policy pack can read each one and rules
 * change one at a time.
 *
 * Three groups:
 * - `nodes`, on every machine. It is the only group tagged `kubernetes.io/cluster/<name>`:
 *   cloud-provider-aws opens Service load balancer traffic on the one cluster-tagged group of an
 *   instance and fails when it finds several.
 * - `control-plane`, on masters.
 * - `api-lb`, on the network load balancer (the matrix's `apiEndpoint`: the NLB filters itself).
 */
import type * as pulumi from "@pulumi/pulumi";
import { SecurityGroup } from "@pulumi/aws/ec2";
import { SecurityGroupEgressRule, SecurityGroupIngressRule } from "@pulumi/aws/vpc";
import { LABELS, type ClusterSpec } from "../../core/types";
import { firewallMatrix, type FirewallGroup, type FirewallProtocol, type FirewallRule } from "../../kit/firewall";
import type { AwsConfig } from "./config";
import type { AwsNetwork } from "./network";
import { clusterTagKey, resourceTags } from "./tags";

/** The cluster's security groups (keys are the matrix's groups). */
export interface AwsSecurityGroups extends Record<FirewallGroup, SecurityGroup> {
    /** On every machine. */
    nodes: SecurityGroup;
    /** On masters only. */
    controlPlane: SecurityGroup;
    /** On the API load balancer. */
    apiEndpoint: SecurityGroup;
}

/** A matrix rule in EC2's terms: one per resource. */
export interface AwsRule {
    /** Resource name suffix (the matrix id; `-<i>` per address of an expanded range). */
    id: string;
    /** The group the rule is on. */
    group: FirewallGroup;
    /** Inbound or outbound. */
    direction: "ingress" | "egress";
    /** `tcp`, `udp`, `icmp`, an IP protocol number, or `-1` (all). */
    protocol: string;
    /** First port (ICMP: type). */
    fromPort?: number;
    /** Last port (ICMP: code). */
    toPort?: number;
    /** An address range or another group. */
    peer: { cidr: pulumi.Input<string> } | { group: FirewallGroup };
    /** Why (shown in the console). */
    description: string;
}

/** Resource name suffix of each group (kept from before the matrix moved to the kit). */
export const GROUP_SUFFIX: Record<FirewallGroup, string> = { nodes: "nodes", controlPlane: "control-plane", apiEndpoint: "api-lb" };

const PROTOCOL: Record<FirewallProtocol, string> = { tcp: "tcp", udp: "udp", icmp: "icmp", ipip: "4", all: "-1" };

/**
 * The matrix in EC2's terms: protocols as EC2 writes them, ranges expanded (`nodeNetwork` to the VPC
 * range, `clusterEgress` to one rule per NAT address, `anywhere` to 0.0.0.0/0). Pure.
 *
 * @param rules - the matrix
 * @param vpcCidr - the VPC range
 * @param egressCidrs - the VPC's NAT addresses as /32s
 */
export function awsRules(rules: readonly FirewallRule[], vpcCidr: string, egressCidrs: readonly pulumi.Input<string>[]): AwsRule[] {
    return rules.flatMap((rule): AwsRule[] => {
        const base = {
            id: rule.id,
            group: rule.group,
            direction: rule.direction,
            protocol: PROTOCOL[rule.protocol],
            fromPort: rule.ports?.from ?? rule.icmp?.type,
            toPort: rule.ports?.to ?? rule.icmp?.code,
            description: rule.description,
        };
        const peer = rule.peer;
        if ("group" in peer) return [{ ...base, peer: { group: peer.group } }];
        if ("cidr" in peer) return [{ ...base, peer: { cidr: peer.cidr } }];
        if (peer.range === "nodeNetwork")
            return [{ ...base, peer: { cidr: vpcCidr }, description: base.description.replace("node network", "VPC") }];
        if (peer.range === "anywhere") return [{ ...base, peer: { cidr: "0.0.0.0/0" }, description: "Packages, images and AWS APIs" }];
        return egressCidrs.map((cidr, i) => ({ ...base, id: `${rule.id}-${i}`, peer: { cidr } }));
    });
}

/**
 * Creates the three groups and one resource per rule.
 *
 * @param name - prefix of every resource name
 * @param spec - the cluster
 * @param config - the aws config
 * @param network - the network (VPC id and range, NAT addresses)
 * @param parent - parent of every resource
 */
export function createSecurityGroups(
    name: string,
    spec: ClusterSpec,
    config: AwsConfig,
    network: AwsNetwork,
    parent: pulumi.Resource,
): AwsSecurityGroups {
    const opts: pulumi.CustomResourceOptions = { parent };
    const region = config.region;
    const group = (role: FirewallGroup, description: string, clusterTag: boolean) => {
        const suffix = GROUP_SUFFIX[role];
        const groupName = `${name}-${suffix}`;
        const tags = resourceTags(spec, groupName, { "kubeforge.io/security-group": suffix });
        // Declares the members' role for policies that judge a group before any machine names it.
        if (role === "controlPlane") tags[LABELS.role] = "control-plane";
        if (!clusterTag) delete tags[clusterTagKey(spec.name)];
        return new SecurityGroup(groupName, { region, vpcId: network.vpcId, description, tags, revokeRulesOnDelete: true }, opts);
    };
    const groups: AwsSecurityGroups = {
        nodes: group("nodes", "kubeforge: every node of the cluster", true),
        controlPlane: group("controlPlane", "kubeforge: masters (API server, etcd)", false),
        apiEndpoint: group("apiEndpoint", "kubeforge: Kubernetes API load balancer", false),
    };
    const matrix = firewallMatrix(spec, { endpointHasOwnGroup: true });
    for (const rule of awsRules(matrix, network.vpcCidr, network.egressCidrs)) {
        const ruleName = `${name}-${GROUP_SUFFIX[rule.group]}-${rule.direction === "ingress" ? "in" : "out"}-${rule.id}`;
        const args = {
            region,
            securityGroupId: groups[rule.group].id,
            ipProtocol: rule.protocol,
            fromPort: rule.fromPort,
            toPort: rule.toPort,
            description: rule.description,
            ...("cidr" in rule.peer ? { cidrIpv4: rule.peer.cidr } : { referencedSecurityGroupId: groups[rule.peer.group].id }),
            tags: resourceTags(spec, ruleName),
        };
        if (rule.direction === "ingress") new SecurityGroupIngressRule(ruleName, args, opts);
        else new SecurityGroupEgressRule(ruleName, args, opts);
    }
    return groups;
}
