/**
 * The network: a VPC with one public and one private subnet per zone (or an existing VPC's subnets).
 * With `topology: private` (the default) nodes live in the private subnets and reach the internet
 * through NAT; the API load balancer and the NAT gateways live in the public ones. With
 * `topology: public` the nodes live in the public subnets too, with public IPv4, and there is no NAT gateway
 * (the private subnets stay, without a default route, for internal Service load balancers). Subnets carry the role tags the cloud controller uses to place
 * Service load balancers (`kubernetes.io/role/elb` public, `kubernetes.io/role/internal-elb` private).
 */
import * as pulumi from "@pulumi/pulumi";
import { Eip, InternetGateway, NatGateway, Route, RouteTable, RouteTableAssociation, Subnet, Tag, Vpc } from "@pulumi/aws/ec2";
import type { ClusterSpec } from "../../core/types";
import type { AwsConfig } from "./config";
import { layoutSubnets } from "../../core/cidr";
import { clusterTagKey, resourceTags } from "./tags";

/** The subnets of one zone. */
export interface ZoneNetwork {
    /** Zone name. */
    zone: string;
    /** Subnet for the load balancer and NAT. */
    publicSubnetId: pulumi.Output<string>;
    /** The private subnet (the nodes' with `topology: private`; internal load balancers'). */
    privateSubnetId: pulumi.Output<string>;
    /** Subnet for the nodes: the private one, or the public one with `topology: public`. */
    nodeSubnetId: pulumi.Output<string>;
    /** Whether nodes get a public IPv4 address (`topology: public`: their egress is the internet gateway). */
    nodePublicIp: boolean;
}

/** What the rest of the platform needs from the network. */
export interface AwsNetwork {
    /** VPC id. */
    vpcId: pulumi.Output<string>;
    /** VPC IPv4 range (NodePorts are open to it). */
    vpcCidr: string;
    /** Subnets per zone, in `availabilityZones` order. */
    zones: ZoneNetwork[];
    /**
     * Public addresses the nodes' traffic to the internet leaves from, as /32 CIDRs: the NAT addresses.
     * Empty with `topology: public`, where every node leaves from its own public address.
     */
    egressCidrs: pulumi.Output<string>[];
    /**
     * Resources that must exist before a node can boot: the subnets' route tables and the public
     * default route. Not the default routes through NAT: a NAT gateway takes about 100 s, a machine
     * about 30 s, so machines boot meanwhile and their bootstrap waits for egress itself (bounded,
     * bootstrap/scripts/common.sh `wait_for_egress`) before it downloads anything.
     */
    ready: pulumi.Resource[];
    /**
     * The default routes through NAT: the nodes' egress to the internet. Nothing waits for them in the
     * program (see `ready`); they are the point from which a node's packages can download.
     */
    egress: pulumi.Resource[];
}

/**
 * Creates (or adopts) the network.
 * @param name - prefix of every resource name
 * @param spec - the cluster
 * @param config - the aws config
 * @param parent - parent of every resource
 */
export function createNetwork(name: string, spec: ClusterSpec, config: AwsConfig, parent: pulumi.Resource): AwsNetwork {
    const opts: pulumi.CustomResourceOptions = { parent };
    const region = config.region;
    const vpcConfig = config.vpc;

    if (vpcConfig.kind === "existing") {
        // Subnets we do not own are marked `shared` so the cloud controller may use them; nothing
        // else about them changes, and destroying the stack only removes the tags.
        const zones = config.availabilityZones.map((zone) => {
            const ids = vpcConfig.subnetIds[zone];
            for (const [kind, id] of [
                ["public", ids.public],
                ["private", ids.private],
            ] as const) {
                new Tag(
                    `${name}-${kind}-${zone}-cluster-tag`,
                    { region, resourceId: id, key: clusterTagKey(spec.name), value: "shared" },
                    opts,
                );
            }
            const privateSubnetId = pulumi.output(ids.private);
            return { zone, publicSubnetId: pulumi.output(ids.public), privateSubnetId, nodeSubnetId: privateSubnetId, nodePublicIp: false };
        });
        return {
            vpcId: pulumi.output(vpcConfig.vpcId),
            vpcCidr: spec.network.nodeCidr,
            zones,
            egressCidrs: vpcConfig.egressCidrs.map((c) => pulumi.output(c)),
            ready: [],
            egress: [],
        };
    }

    const vpc = new Vpc(
        `${name}-vpc`,
        {
            region,
            cidrBlock: vpcConfig.cidr,
            // Both are needed for EC2 private DNS names, which are the Kubernetes node names.
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags: resourceTags(spec, `${name}-vpc`),
        },
        opts,
    );
    const igw = new InternetGateway(`${name}-igw`, { region, vpcId: vpc.id, tags: resourceTags(spec, `${name}-igw`) }, opts);

    const publicRoutes = new RouteTable(`${name}-public`, { region, vpcId: vpc.id, tags: resourceTags(spec, `${name}-public`) }, opts);
    const internetRoute = new Route(
        `${name}-public-default`,
        { region, routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
        opts,
    );

    const layout = layoutSubnets(vpcConfig.cidr, config.availabilityZones);
    const publicSubnets = layout.map((z) => {
        const subnetName = `${name}-public-${z.zone}`;
        const subnet = new Subnet(
            subnetName,
            {
                region,
                vpcId: vpc.id,
                availabilityZone: z.zone,
                cidrBlock: z.publicCidr,
                mapPublicIpOnLaunch: false,
                tags: resourceTags(spec, subnetName, { "kubernetes.io/role/elb": "1", "kubeforge.io/subnet": "public" }),
            },
            opts,
        );
        const association = new RouteTableAssociation(subnetName, { region, subnetId: subnet.id, routeTableId: publicRoutes.id }, opts);
        return { subnet, association };
    });

    // One NAT per zone keeps a zone's nodes online when another zone fails; `single` saves the cost.
    // None when the nodes are public: they leave through the internet gateway from their own address.
    const publicNodes = config.topology === "public";
    const natZones = publicNodes ? [] : vpcConfig.natGateways === "perZone" ? layout.map((z) => z.zone) : [layout[0].zone];
    const nats = new Map<string, NatGateway>();
    const egressCidrs: pulumi.Output<string>[] = [];
    for (const zone of natZones) {
        const index = layout.findIndex((z) => z.zone === zone);
        const natName = `${name}-nat-${zone}`;
        const eip = new Eip(natName, { region, domain: "vpc", tags: resourceTags(spec, natName) }, { ...opts, dependsOn: [igw] });
        const nat = new NatGateway(
            natName,
            { region, allocationId: eip.allocationId, subnetId: publicSubnets[index].subnet.id, tags: resourceTags(spec, natName) },
            { ...opts, dependsOn: [internetRoute] },
        );
        nats.set(zone, nat);
        egressCidrs.push(pulumi.interpolate`${eip.publicIp}/32`);
    }

    // Public nodes reach the internet gateway through their subnet's association with the public table.
    const ready: pulumi.Resource[] = [internetRoute, ...(publicNodes ? publicSubnets.map((p) => p.association) : [])];
    const egress: pulumi.Resource[] = [];
    const zones: ZoneNetwork[] = layout.map((z, i) => {
        const subnetName = `${name}-private-${z.zone}`;
        const subnet = new Subnet(
            subnetName,
            {
                region,
                vpcId: vpc.id,
                availabilityZone: z.zone,
                cidrBlock: z.privateCidr,
                mapPublicIpOnLaunch: false,
                // The OS host name becomes `ip-a-b-c-d.<region>.compute.internal`, the node name the
                // cloud controller expects with IP-based naming.
                privateDnsHostnameTypeOnLaunch: "ip-name",
                tags: resourceTags(spec, subnetName, { "kubernetes.io/role/internal-elb": "1", "kubeforge.io/subnet": "private" }),
            },
            opts,
        );
        const table = new RouteTable(subnetName, { region, vpcId: vpc.id, tags: resourceTags(spec, subnetName) }, opts);
        const nat = nats.get(z.zone) ?? nats.get(natZones[0]);
        if (nat) {
            const route = new Route(
                `${subnetName}-default`,
                { region, routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
                opts,
            );
            egress.push(route);
        }
        const association = new RouteTableAssociation(subnetName, { region, subnetId: subnet.id, routeTableId: table.id }, opts);
        ready.push(association);
        return {
            zone: z.zone,
            publicSubnetId: publicSubnets[i].subnet.id,
            privateSubnetId: subnet.id,
            nodeSubnetId: publicNodes ? publicSubnets[i].subnet.id : subnet.id,
            nodePublicIp: publicNodes,
        };
    });

    return { vpcId: vpc.id, vpcCidr: vpcConfig.cidr, zones, egressCidrs, ready, egress };
}
