/**
 * The network: the resource group, a VNet with a control-plane subnet and a node subnet (declared as
 * `Subnet` resources only, never inline on the VNet: both at once make the two fight, see
 * pulumi-azure-native#611), and a NAT gateway as the subnets' explicit egress. `defaultOutboundAccess`
 * is false on both subnets: Azure's implicit outbound address is retiring, and NAT is the one way out.
 * With an existing VNet, its subnets are only referenced (ids built from names), never modified; its
 * own egress (given as `egressCidrs`) is used.
 *
 * The NAT gateway has no zone (Azure places it): a zonal outage of its host zone cuts egress (and the
 * nodes' path to the public API endpoint) until Azure recovers it. A NAT gateway per zone would need a
 * subnet per zone; not done here.
 */
import * as pulumi from "@pulumi/pulumi";
import { ResourceGroup } from "@pulumi/azure-native/resources";
import { NatGateway, PublicIPAddress, Subnet, VirtualNetwork } from "@pulumi/azure-native/network";
import type { ClusterSpec } from "../../core/types";
import type { AzureConfig } from "./config";
import { resourceTags } from "./tags";

/** The subscription and tenant the provider runs in (`authorization.getClientConfig`). */
export interface AzureAccount {
    /** Subscription id. */
    subscriptionId: pulumi.Output<string>;
    /** Tenant id. */
    tenantId: pulumi.Output<string>;
}

/** What the rest of the platform needs from the network. */
export interface AzureNetwork {
    /** The cluster's resource group name (created or existing). */
    resourceGroupName: pulumi.Output<string>;
    /** Its ARM id (role assignments are scoped to it). */
    resourceGroupId: pulumi.Output<string>;
    /** VNet name. */
    vnetName: pulumi.Output<string>;
    /** The VNet's resource group. */
    vnetResourceGroup: pulumi.Output<string>;
    /** Id of the masters' subnet. */
    controlPlaneSubnetId: pulumi.Output<string>;
    /** Id of the workers' subnet. */
    nodeSubnetId: pulumi.Output<string>;
    /** Name of the workers' subnet (the cloud config's `subnetName`). */
    nodeSubnetName: pulumi.Output<string>;
    /** Public addresses the nodes' traffic leaves from, as CIDRs (the API admits them: hairpin). */
    egressCidrs: pulumi.Output<string>[];
    /** Resources a node needs before it boots (subnets with their NAT gateway). */
    ready: pulumi.Resource[];
}

/**
 * An ARM resource id.
 * @param subscriptionId - subscription
 * @param resourceGroup - resource group
 * @param path - the provider path after `providers/`, e.g. `Microsoft.Network/virtualNetworks/v`
 */
export function armId(subscriptionId: string, resourceGroup: string, path: string): string {
    return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${path}`;
}

/**
 * Creates (or references) the resource group and network.
 * @param name - prefix of every Pulumi resource name
 * @param spec - the cluster
 * @param config - the azure config
 * @param account - subscription and tenant
 * @param parent - parent of every resource
 */
export function createNetwork(
    name: string,
    spec: ClusterSpec,
    config: AzureConfig,
    account: AzureAccount,
    parent: pulumi.Resource,
): AzureNetwork {
    const opts: pulumi.CustomResourceOptions = { parent };
    const location = config.location;
    const cluster = spec.name;
    const rg =
        config.resourceGroup.kind === "new"
            ? new ResourceGroup(`${name}-rg`, { resourceGroupName: config.resourceGroup.name, location, tags: resourceTags(spec) }, opts)
                  .name
            : pulumi.output(config.resourceGroup.name);
    const resourceGroupId = pulumi.interpolate`/subscriptions/${account.subscriptionId}/resourceGroups/${rg}`;

    const net = config.network;
    if (net.kind === "existing") {
        const subnetId = (subnet: string) =>
            account.subscriptionId.apply((sub) =>
                armId(sub, net.resourceGroup, `Microsoft.Network/virtualNetworks/${net.name}/subnets/${subnet}`),
            );
        return {
            resourceGroupName: rg,
            resourceGroupId,
            vnetName: pulumi.output(net.name),
            vnetResourceGroup: pulumi.output(net.resourceGroup),
            controlPlaneSubnetId: subnetId(net.controlPlaneSubnet),
            nodeSubnetId: subnetId(net.nodeSubnet),
            nodeSubnetName: pulumi.output(net.nodeSubnet),
            egressCidrs: net.egressCidrs.map((c) => pulumi.output(c)),
            ready: [],
        };
    }

    const natIp = new PublicIPAddress(
        `${name}-nat`,
        {
            resourceGroupName: rg,
            location,
            publicIpAddressName: `${cluster}-nat`,
            sku: { name: "Standard", tier: "Regional" },
            publicIPAllocationMethod: "Static",
            publicIPAddressVersion: "IPv4",
            tags: resourceTags(spec),
        },
        opts,
    );
    const nat = new NatGateway(
        `${name}-nat`,
        {
            resourceGroupName: rg,
            location,
            natGatewayName: `${cluster}-nat`,
            sku: { name: "Standard" },
            publicIpAddresses: [{ id: natIp.id }],
            idleTimeoutInMinutes: 4,
            tags: resourceTags(spec),
        },
        opts,
    );
    const vnet = new VirtualNetwork(
        `${name}-vnet`,
        {
            resourceGroupName: rg,
            location,
            virtualNetworkName: `${cluster}-vnet`,
            addressSpace: { addressPrefixes: [net.cidr] },
            tags: resourceTags(spec),
        },
        // Subnets are separate resources; the VNet must not try to own them.
        { ...opts, ignoreChanges: ["subnets"] },
    );
    const subnet = (role: "control-plane" | "nodes", prefix: string) =>
        new Subnet(
            `${name}-${role}`,
            {
                resourceGroupName: rg,
                virtualNetworkName: vnet.name,
                subnetName: `${cluster}-${role}`,
                addressPrefix: prefix,
                defaultOutboundAccess: false,
                natGateway: { id: nat.id },
            },
            opts,
        );
    const controlPlane = subnet("control-plane", net.controlPlaneSubnet);
    const nodes = subnet("nodes", net.nodeSubnet);
    return {
        resourceGroupName: rg,
        resourceGroupId,
        vnetName: vnet.name,
        vnetResourceGroup: rg,
        controlPlaneSubnetId: controlPlane.id,
        nodeSubnetId: nodes.id,
        nodeSubnetName: nodes.name.apply((n) => n ?? `${cluster}-nodes`),
        egressCidrs: [pulumi.interpolate`${natIp.ipAddress}/32`],
        ready: [controlPlane, nodes],
    };
}
