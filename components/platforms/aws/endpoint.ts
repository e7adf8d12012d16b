/**
 * The API endpoint: an internet-facing network load balancer across the public subnets, one TCP 6443
 * listener, a target group of the masters with an HTTPS `/readyz` health check (anonymous access to
 * `/readyz` is allowed by kubeadm's default RBAC), cross-zone balancing on.
 *
 * Client IP preservation is off on the target group: with it on, a master that reaches the endpoint
 * (kubelet, a joining master) and is routed to itself drops the connection (NLB hairpinning). The
 * load balancer has a security group, which the masters' group references, so the API stays closed
 * to anything that does not come through the load balancer.
 */
import type * as pulumi from "@pulumi/pulumi";
import { Listener, LoadBalancer, TargetGroup, TargetGroupAttachment } from "@pulumi/aws/lb";
import type { Instance } from "@pulumi/aws/ec2";
import type { ClusterSpec, NodePlan } from "../../core/types";
import type { AwsConfig } from "./config";
import type { AwsNetwork } from "./network";
import type { AwsSecurityGroups } from "./firewall";
import { resourceTags } from "./tags";

/** The API port on the load balancer and on the masters. */
export const API_PORT = 6443;

/** The API endpoint. */
export interface AwsEndpoint {
    /** The load balancer. */
    loadBalancer: LoadBalancer;
    /** The masters' target group. */
    targetGroup: TargetGroup;
    /** The TCP 6443 listener. */
    listener: Listener;
    /**
     * Public DNS name of the load balancer: the endpoint host of kubeconfig and the readiness gate.
     * Nodes use the private alias instead (`dns.ts`), so their user data does not wait for it.
     */
    dnsName: pulumi.Output<string>;
}

/**
 * Creates the load balancer, its target group and listener.
 * @param name - prefix of every resource name
 * @param spec - the cluster
 * @param config - the aws config
 * @param network - the network (public subnets, VPC id)
 * @param groups - the security groups (the load balancer's own)
 * @param parent - parent of every resource
 */
export function createEndpoint(
    name: string,
    spec: ClusterSpec,
    config: AwsConfig,
    network: AwsNetwork,
    groups: AwsSecurityGroups,
    parent: pulumi.Resource,
): AwsEndpoint {
    const opts: pulumi.CustomResourceOptions = { parent };
    const region = config.region;
    const loadBalancer = new LoadBalancer(
        `${name}-api`,
        {
            region,
            loadBalancerType: "network",
            internal: false,
            ipAddressType: "ipv4",
            subnets: network.zones.map((z) => z.publicSubnetId),
            securityGroups: [groups.apiEndpoint.id],
            enableCrossZoneLoadBalancing: true,
            tags: resourceTags(spec, `${name}-api`, { "kubeforge.io/endpoint": "api" }),
        },
        opts,
    );
    const targetGroup = new TargetGroup(
        `${name}-api`,
        {
            region,
            vpcId: network.vpcId,
            targetType: "instance",
            protocol: "TCP",
            port: API_PORT,
            preserveClientIp: "false",
            // A drained master leaves the target group quickly; long-lived watches reconnect anyway.
            deregistrationDelay: 30,
            healthCheck: {
                enabled: true,
                protocol: "HTTPS",
                port: "traffic-port",
                path: "/readyz",
                matcher: "200",
                interval: 10,
                timeout: 5,
                healthyThreshold: 2,
                unhealthyThreshold: 2,
            },
            tags: resourceTags(spec, `${name}-api`, { "kubeforge.io/endpoint": "api" }),
        },
        opts,
    );
    const listener = new Listener(
        `${name}-api`,
        {
            region,
            loadBalancerArn: loadBalancer.arn,
            port: API_PORT,
            protocol: "TCP",
            defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
            tags: resourceTags(spec, `${name}-api`, { "kubeforge.io/endpoint": "api" }),
        },
        opts,
    );
    return { loadBalancer, targetGroup, listener, dnsName: loadBalancer.dnsName };
}

/**
 * Registers one master with the target group.
 * @param name - prefix of the former resource name (the attachment is now named after the node)
 * @param config - the aws config
 * @param endpoint - the endpoint
 * @param node - the master
 * @param instance - its instance
 * @param parent - parent of the attachment
 */
export function attachMaster(
    name: string,
    config: AwsConfig,
    endpoint: AwsEndpoint,
    node: NodePlan,
    instance: Instance,
    parent: pulumi.Resource,
): TargetGroupAttachment {
    return new TargetGroupAttachment(
        `${node.name}-api`,
        { region: config.region, targetGroupArn: endpoint.targetGroup.arn, targetId: instance.id, port: API_PORT },
        // The node name already carries the cluster's; the former name (`demo-api-demo-cp-0`) is an alias.
        { parent, aliases: [{ name: `${name}-api-${node.name}` }] },
    );
}
