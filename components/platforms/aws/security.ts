/**
 * Security groups and their rules. Groups have no inline rules: every rule is its own
 * `aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule` or `...EgressRule`, so a policy pack
 * can read each one (port range, protocol, source) and rules change one at a time.
 *
 * Three groups:
 * - `nodes`, on every machine: CNI traffic between nodes, kubelet from masters, NodePorts from the
 *   VPC, SSH from `access.sshAllowedCidrs`, all egress. It is the only group tagged
 *   `kubernetes.io/cluster/<name>`: cloud-provider-aws opens Service load balancer traffic on the one
 *   cluster-tagged group of an instance and fails when it finds several.
 * - `control-plane`, on masters: the API from the load balancer and from nodes, etcd between masters.
 * - `api-lb`, on the network load balancer: the API from `access.apiAllowedCidrs` and from the VPC's
 *   NAT addresses (nodes join through the public endpoint), forwarding to the masters.
 */
import type * as pulumi from "@pulumi/pulumi";
import { SecurityGroup } from "@pulumi/aws/ec2";
import { SecurityGroupEgressRule, SecurityGroupIngressRule } from "@pulumi/aws/vpc";
import { LABELS, type ClusterSpec } from "../../core/types";
import { type GroupRole, securityRules } from "./rules";
import type { AwsConfig } from "./config";
import type { AwsNetwork } from "./network";
import { clusterTagKey, resourceTags } from "./tags";

/** The cluster's security groups (keys are the {@link GroupRole}s). */
export interface AwsSecurityGroups extends Record<GroupRole, SecurityGroup> {
    /** On every machine. */
    nodes: SecurityGroup;
    /** On masters only. */
    controlPlane: SecurityGroup;
    /** On the API load balancer. */
    apiLb: SecurityGroup;
}

/**
 * Creates the three groups and one resource per rule.
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
    const suffixOf: Record<GroupRole, string> = { nodes: "nodes", controlPlane: "control-plane", apiLb: "api-lb" };
    const group = (role: GroupRole, description: string, clusterTag: boolean) => {
        const suffix = suffixOf[role];
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
        apiLb: group("apiLb", "kubeforge: Kubernetes API load balancer", false),
    };

    for (const rule of securityRules(spec, network.vpcCidr, network.egressCidrs)) {
        const ruleName = `${name}-${suffixOf[rule.group]}-${rule.direction === "ingress" ? "in" : "out"}-${rule.id}`;
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
