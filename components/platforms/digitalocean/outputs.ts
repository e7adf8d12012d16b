/**
 * Stack outputs the DigitalOcean platform adds: what people look up in the control panel. No secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Firewall } from "@pulumi/digitalocean/firewall";
import type { DoEndpoint } from "./endpoint";
import type { DoNetwork } from "./network";

/**
 * The platform's extra outputs.
 * @param region - the region (the one failure domain)
 * @param network - the VPC
 * @param endpoint - the API load balancers
 * @param firewalls - the cluster's firewalls (every droplet, the masters)
 */
export function digitalOceanOutputs(
    region: string,
    network: DoNetwork,
    endpoint: DoEndpoint,
    firewalls: Firewall[],
): Record<string, pulumi.Output<unknown>> {
    return {
        region: pulumi.output(region),
        failureDomains: pulumi.output({
            offered: [region],
            note: "DigitalOcean has no zones inside a region: masters on separate droplets survive a droplet or hypervisor failure, not a datacenter outage",
        }),
        vpcId: network.vpcId,
        apiLoadBalancerId: endpoint.external.id,
        apiLoadBalancerIp: endpoint.external.ip,
        apiInternalLoadBalancerId: endpoint.internal.id,
        apiInternalLoadBalancerIp: endpoint.internal.ip,
        firewallIds: pulumi.all(firewalls.map((f) => f.id)),
    };
}
