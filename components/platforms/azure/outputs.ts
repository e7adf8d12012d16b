/**
 * Stack outputs the Azure platform adds: names and ids people look up in the portal. No secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AzureEndpoint } from "./endpoint";
import type { AzureFirewall } from "./firewall";
import type { AzureIdentity } from "./identity";
import type { AzureNetwork } from "./network";

/**
 * The platform's extra outputs.
 * @param network - the network
 * @param firewall - the NSGs
 * @param endpoint - the API endpoint
 * @param identity - the cloud controller's identity
 */
export function azureOutputs(
    network: AzureNetwork,
    firewall: AzureFirewall,
    endpoint: AzureEndpoint,
    identity: AzureIdentity,
): Record<string, pulumi.Output<unknown>> {
    return {
        resourceGroup: network.resourceGroupName,
        vnetName: network.vnetName,
        controlPlaneSubnetId: network.controlPlaneSubnetId,
        nodeSubnetId: network.nodeSubnetId,
        egressAddresses: pulumi.all(network.egressCidrs),
        apiLoadBalancerName: endpoint.loadBalancer.name,
        apiPublicIp: endpoint.publicIp.ipAddress,
        apiDnsName: endpoint.host,
        workersNetworkSecurityGroup: firewall.workersNsgName,
        cloudControllerIdentityClientId: identity.clientId,
    };
}
