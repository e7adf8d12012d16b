/**
 * Stack outputs the AWS platform adds: ids and names people look up in the console. No secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AwsEndpoint } from "./endpoint";
import type { AwsPrivateApiName } from "./dns";
import type { AwsNetwork } from "./network";
import type { AwsSecurityGroups } from "./firewall";

/**
 * The platform's extra outputs.
 * @param network - the network
 * @param endpoint - the API endpoint
 * @param apiName - the API's private name
 * @param groups - the security groups
 */
export function awsOutputs(
    network: AwsNetwork,
    endpoint: AwsEndpoint,
    apiName: AwsPrivateApiName,
    groups: AwsSecurityGroups,
): Record<string, pulumi.Output<unknown>> {
    return {
        vpcId: network.vpcId,
        apiLoadBalancerDnsName: endpoint.dnsName,
        apiLoadBalancerArn: endpoint.loadBalancer.arn,
        apiPrivateDnsName: pulumi.output(apiName.host),
        apiPrivateZoneId: apiName.zone.zoneId,
        publicSubnetIds: pulumi.output(Object.fromEntries(network.zones.map((z) => [z.zone, z.publicSubnetId]))),
        privateSubnetIds: pulumi.output(Object.fromEntries(network.zones.map((z) => [z.zone, z.privateSubnetId]))),
        nodeSecurityGroupId: groups.nodes.id,
    };
}
