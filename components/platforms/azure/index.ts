/**
 * The Azure platform: a resource group, a VNet with a control-plane and a node subnet behind a NAT
 * gateway, NSGs and application security groups from the cluster's firewall rules, a Standard load
 * balancer with a static public IP and DNS name in front of the masters, one VM per node spread over
 * zones 1/2/3 (or an availability set), a user-assigned identity for cloud-provider-azure and the
 * azuredisk CSI driver, and the metadata guard. Split by concern, one file each.
 */
import * as pulumi from "@pulumi/pulumi";
import { getClientConfigOutput } from "@pulumi/azure-native/authorization";
import type { Platform, PlatformContext, PlatformOutputs } from "../../platform-legacy";
import { type AzureConfig, azureFailureDomains, parseAzureConfig } from "./config";
import { azureBootstrapFacts } from "./bootstrap";
import { checkAzureNodes } from "./checks";
import { createNetwork } from "./network";
import { API_PORT, createFirewall } from "./firewall";
import { createEndpoint } from "./endpoint";
import { createIdentity } from "./identity";
import { createMachines } from "./machines";
import { azureAddons } from "./addons";
import { azureOutputs } from "./outputs";

/** The validated `kubeforge:azure` block. */
export type { AzureConfig } from "./config";

const azure: Platform<AzureConfig> = {
    name: "azure",
    description:
        "Azure: VNet with NAT egress, Standard LB API endpoint, one VM per node over zones 1/2/3, cloud-provider-azure and azuredisk CSI",
    parseConfig: (raw, spec) => parseAzureConfig(raw, spec),
    failureDomains: (config) => azureFailureDomains(config),
    bootstrapFacts: () => azureBootstrapFacts(),
    checkNodes: (config, spec, nodes) => checkAzureNodes(config, spec, nodes),
    create(name: string, ctx: PlatformContext<AzureConfig>): PlatformOutputs {
        const { spec, config, parent } = ctx;
        const client = getClientConfigOutput({ parent });
        const account = { subscriptionId: client.subscriptionId, tenantId: client.tenantId };
        const network = createNetwork(name, spec, config, account, parent);
        const firewall = createFirewall(name, spec, config, network, parent);
        const endpoint = createEndpoint(name, spec, config, account, network, parent);
        const identity = createIdentity(name, spec, config, account, network, parent);
        const machines = createMachines(name, ctx, { network, firewall, endpoint, identity });
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
            endpointHost: endpoint.host,
            endpointPort: API_PORT,
            machines,
            addons: azureAddons(spec, config, cloudFacts),
            extraOutputs: azureOutputs(network, firewall, endpoint, identity),
        };
    },
};

/** The Azure platform, found by the core under `components/platforms/azure`. */
export default azure;
