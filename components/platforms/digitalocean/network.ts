/**
 * The cluster's VPC: a new one over `network.nodeCidr` in the region, or an existing one by id.
 * Droplets get a public address too (egress: DigitalOcean's VPC NAT gateway is still a preview), but
 * every cluster-internal flow (kubelets, etcd, CNI, load balancer to node) uses the VPC address.
 */
import * as pulumi from "@pulumi/pulumi";
import { Vpc } from "@pulumi/digitalocean/vpc";
import type { ClusterSpec } from "../../core/types";
import type { DigitalOceanConfig } from "./config";

/** The network the droplets live in. */
export interface DoNetwork {
    /** The VPC's id (`vpcUuid` of droplets and load balancers, the CCM's `DO_CLUSTER_VPC_ID`). */
    vpcId: pulumi.Output<string>;
    /** Its range. */
    cidr: string;
    /** The VPC resource, when kubeforge made it. */
    vpc?: Vpc;
}

/**
 * Creates (or names) the VPC.
 * @param name - the VPC's resource and DigitalOcean name
 * @param spec - the cluster
 * @param config - the digitalocean config
 * @param opts - parent and provider
 */
export function createNetwork(name: string, spec: ClusterSpec, config: DigitalOceanConfig, opts: pulumi.CustomResourceOptions): DoNetwork {
    if (config.vpc.kind === "existing") return { vpcId: pulumi.output(config.vpc.id), cidr: config.vpc.cidr };
    const vpc = new Vpc(
        name,
        {
            name,
            region: config.region,
            ipRange: config.vpc.cidr,
            description: `kubeforge cluster ${spec.name}: every node and the API load balancers`,
        },
        opts,
    );
    return { vpcId: vpc.id, cidr: config.vpc.cidr, vpc };
}
