/**
 * The cluster-wide part of the Azure platform, made once: network, firewall, API endpoint, the cloud
 * controller's identity, and what the VMs share (the admin SSH key or Windows password, availability
 * sets), plus the addons and outputs. Resource names are those of the old single `create()`: existing
 * stacks see no rename.
 */
import * as pulumi from "@pulumi/pulumi";
import { PrivateKey } from "@pulumi/tls";
import { RandomPassword } from "@pulumi/random";
import { getClientConfigOutput } from "@pulumi/azure-native/authorization";
import { AvailabilitySet } from "@pulumi/azure-native/compute";
import type { ClusterSpec, NodePlan } from "../../core/types";
import type { InfrastructureContext, PlatformInfrastructure } from "../../platform";
import type { AzureConfig } from "./config";
import { type AzureNetwork, createNetwork } from "./network";
import { API_PORT, type AzureFirewall, createFirewall } from "./firewall";
import { type AzureEndpoint, createEndpoint } from "./endpoint";
import { type AzureIdentity, createIdentity } from "./identity";
import { azureAddons } from "./addons";
import { azureOutputs } from "./outputs";
import { resourceTags } from "./tags";

/** What the machines need besides the contract's fields. */
export interface AzureInfrastructure extends PlatformInfrastructure {
    /** Subnets and the resources a node needs before boot. */
    network: AzureNetwork;
    /** NSGs and ASGs. */
    firewall: AzureFirewall;
    /** The load balancer (masters' NICs join its backend pool). */
    api: AzureEndpoint;
    /** The masters' identity. */
    identity: AzureIdentity;
    /** SSH public keys for Linux VMs (the user's, or one generated: Azure refuses a Linux VM without one). */
    sshPublicKeys: pulumi.Input<string>[];
    /** The Windows admin password (secret); undefined when no node runs Windows. */
    windowsPassword?: pulumi.Output<string>;
    /** Availability set ids by key ({@link availabilitySetKey}); empty on zoned clusters. */
    availabilitySets: ReadonlyMap<string, pulumi.Output<string>>;
}

/**
 * The availability set a node goes in, by key, or none: only unzoned clusters use them, and never for spot
 * (`AzureSpotVMNotSupportedInAvailabilitySet`).
 * @param config - the azure config
 * @param node - the node
 */
export function availabilitySetKey(config: AzureConfig, node: NodePlan): string | undefined {
    if (config.zones.length > 0 || node.spot) return undefined;
    return node.role === "control-plane" ? "control-plane" : node.pool;
}

function createAvailabilitySets(
    name: string,
    spec: ClusterSpec,
    config: AzureConfig,
    nodes: readonly NodePlan[],
    resourceGroupName: pulumi.Output<string>,
    opts: pulumi.CustomResourceOptions,
): Map<string, pulumi.Output<string>> {
    const sets = new Map<string, pulumi.Output<string>>();
    for (const node of nodes) {
        const key = availabilitySetKey(config, node);
        if (key === undefined || sets.has(key)) continue;
        const set = new AvailabilitySet(
            `${name}-${key}-as`,
            {
                resourceGroupName,
                location: config.location,
                availabilitySetName: `${spec.name}-${key}`,
                platformFaultDomainCount: 2,
                platformUpdateDomainCount: 5,
                sku: { name: "Aligned" },
                tags: resourceTags(spec),
            },
            opts,
        );
        sets.set(key, set.id);
    }
    return sets;
}

/**
 * Creates the cluster-wide resources.
 * @param name - prefix of every Pulumi resource name
 * @param ctx - the cluster, config, placed nodes and parent
 */
export function createAzureInfrastructure(name: string, ctx: InfrastructureContext<AzureConfig>): AzureInfrastructure {
    const { spec, config, nodes, parent } = ctx;
    const opts: pulumi.CustomResourceOptions = { parent };
    const client = getClientConfigOutput({ parent });
    const account = { subscriptionId: client.subscriptionId, tenantId: client.tenantId };
    const network = createNetwork(name, spec, config, account, parent);
    const firewall = createFirewall(name, spec, config, network, parent);
    const api = createEndpoint(name, spec, config, account, network, parent);
    const identity = createIdentity(name, spec, config, account, network, parent);

    const sshPublicKeys: pulumi.Input<string>[] = [...spec.access.sshPublicKeys];
    if (sshPublicKeys.length === 0 && nodes.some((n) => n.os === "linux")) {
        // Azure refuses a Linux VM without a key or password. This key's private half stays in the state only.
        sshPublicKeys.push(new PrivateKey(`${name}-ssh`, { algorithm: "RSA", rsaBits: 4096 }, opts).publicKeyOpenssh);
    }
    const windowsPassword = nodes.some((n) => n.os === "windows")
        ? new RandomPassword(
              `${name}-windows-admin`,
              { length: 32, special: true, minUpper: 2, minLower: 2, minNumeric: 2, minSpecial: 2 },
              opts,
          ).result
        : undefined;
    const availabilitySets = createAvailabilitySets(name, spec, config, nodes, network.resourceGroupName, opts);

    const facts = pulumi
        .all([account.tenantId, account.subscriptionId, network.resourceGroupName, network.vnetName, network.vnetResourceGroup])
        .apply(([tenantId, subscriptionId, resourceGroup, vnetName, vnetResourceGroup]) => ({
            tenantId,
            subscriptionId,
            resourceGroup,
            vnetName,
            vnetResourceGroup,
        }));
    const cloudFacts = pulumi
        .all([facts, network.nodeSubnetName, firewall.workersNsgName, identity.clientId])
        .apply(([f, subnetName, securityGroupName, identityClientId]) => ({ ...f, subnetName, securityGroupName, identityClientId }));
    return {
        // Nodes join through the same public DNS name (the LB has no private frontend); it is also a SAN.
        endpoint: { host: api.host, port: API_PORT, extraSans: [api.host] },
        addons: azureAddons(spec, config, cloudFacts),
        outputs: azureOutputs(network, firewall, api, identity),
        network,
        firewall,
        api,
        identity,
        sshPublicKeys,
        windowsPassword,
        availabilitySets,
    };
}
