/**
 * The API endpoint: a Standard public load balancer named `<cluster>-api` (never `kubernetes` nor
 * `<cluster>`, the names cloud-provider-azure gives Service load balancers), on a static Standard
 * public IP with a DNS label, one TCP 6443 rule to the masters, an HTTPS `/readyz` probe (15 s, as
 * CAPZ; `/readyz` is open to anonymous clients under kubeadm's RBAC).
 *
 * The DNS name (`<cluster>-<random>.<location>.cloudapp.azure.com`) is known from the random label
 * alone, so machines render their bootstrap without waiting for the load balancer, and the API server
 * certificate names it.
 *
 * Hairpin: a master (or a joining node) that dials the endpoint leaves through the NAT gateway and
 * comes back to the public frontend with the NAT address as its source, which the masters' NSG admits
 * (firewall.ts, rule `api`). That is the "public load balancer with egress" case of the anchors (CAPZ's
 * default public flavour); with kubeadm 1.35+ the masters' own kubelets, controller manager and
 * scheduler talk to their local API server anyway. The rule disables outbound SNAT: egress is the
 * NAT gateway's alone.
 */
import * as pulumi from "@pulumi/pulumi";
import { RandomString } from "@pulumi/random";
import { LoadBalancer, PublicIPAddress } from "@pulumi/azure-native/network";
import type { ClusterSpec } from "../../core/types";
import type { AzureConfig } from "./config";
import { API_PORT } from "./firewall";
import { type AzureAccount, type AzureNetwork, armId } from "./network";
import { resourceTags } from "./tags";

/** The load balancer's name: never a name the CCM uses for Service load balancers. */
export function apiLoadBalancerName(cluster: string): string {
    return `${cluster}-api`;
}

/** The API endpoint. */
export interface AzureEndpoint {
    /** The load balancer. */
    loadBalancer: LoadBalancer;
    /** The static public IP. */
    publicIp: PublicIPAddress;
    /** The endpoint host: the public IP's DNS name. */
    host: pulumi.Output<string>;
    /** ARM id of the masters' backend pool (their NICs join it). */
    backendPoolId: pulumi.Output<string>;
}

/**
 * Creates the DNS label, public IP and load balancer.
 * @param name - prefix of every Pulumi resource name
 * @param spec - the cluster
 * @param config - the azure config
 * @param account - subscription (the rule's sub-resource ids are built from it)
 * @param network - the resource group
 * @param parent - parent of every resource
 */
export function createEndpoint(
    name: string,
    spec: ClusterSpec,
    config: AzureConfig,
    account: AzureAccount,
    network: AzureNetwork,
    parent: pulumi.Resource,
): AzureEndpoint {
    const opts: pulumi.CustomResourceOptions = { parent };
    const lbName = apiLoadBalancerName(spec.name);
    // DNS labels are unique per region across all of Azure: a random suffix, kept in the state.
    const suffix = new RandomString(`${name}-api-dns`, { length: 8, upper: false, special: false, numeric: true }, opts);
    const label = pulumi.interpolate`${spec.name}-${suffix.result}`;
    const host = pulumi.interpolate`${label}.${config.location}.cloudapp.azure.com`;
    const publicIp = new PublicIPAddress(
        `${name}-api`,
        {
            resourceGroupName: network.resourceGroupName,
            location: config.location,
            publicIpAddressName: lbName,
            sku: { name: "Standard", tier: "Regional" },
            publicIPAllocationMethod: "Static",
            publicIPAddressVersion: "IPv4",
            // Zone-redundant where the cluster uses all three zones.
            zones: config.zones.length === 3 ? [...config.zones] : undefined,
            dnsSettings: { domainNameLabel: label },
            tags: resourceTags(spec, { "kubeforge-endpoint": "api" }),
        },
        opts,
    );
    const id = (kind: string, child: string) =>
        pulumi
            .all([account.subscriptionId, network.resourceGroupName])
            .apply(([sub, rg]) => armId(sub, rg, `Microsoft.Network/loadBalancers/${lbName}/${kind}/${child}`));
    const frontendId = id("frontendIPConfigurations", "api");
    const backendPoolId = id("backendAddressPools", "control-plane");
    const probeId = id("probes", "readyz");
    const loadBalancer = new LoadBalancer(
        `${name}-api`,
        {
            resourceGroupName: network.resourceGroupName,
            location: config.location,
            loadBalancerName: lbName,
            sku: { name: "Standard", tier: "Regional" },
            frontendIPConfigurations: [{ name: "api", publicIPAddress: { id: publicIp.id } }],
            backendAddressPools: [{ name: "control-plane" }],
            probes: [
                {
                    name: "readyz",
                    protocol: "Https",
                    port: API_PORT,
                    requestPath: "/readyz",
                    intervalInSeconds: 15,
                    probeThreshold: 1,
                    numberOfProbes: 1,
                },
            ],
            loadBalancingRules: [
                {
                    name: "api",
                    protocol: "Tcp",
                    frontendPort: API_PORT,
                    backendPort: API_PORT,
                    frontendIPConfiguration: { id: frontendId },
                    backendAddressPool: { id: backendPoolId },
                    probe: { id: probeId },
                    disableOutboundSnat: true,
                    enableTcpReset: true,
                    idleTimeoutInMinutes: 30,
                    loadDistribution: "Default",
                },
            ],
            tags: resourceTags(spec, { "kubeforge-endpoint": "api" }),
        },
        opts,
    );
    return { loadBalancer, publicIp, host, backendPoolId };
}
