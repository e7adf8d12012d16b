/**
 * The API endpoint: two regional DigitalOcean load balancers in front of the masters, both TCP
 * 6443 to 6443 with a TCP health check on 6443, both selecting the masters by their droplet tag (so a
 * master joins them by existing, and adding a worker changes neither).
 *
 * - `<name>-api`, EXTERNAL: for people (kubeconfig). Its own firewall admits only
 *   `access.apiAllowedCidrs`: the droplets' firewall cannot filter clients, because a REGIONAL load
 *   balancer proxies connections and droplets see its address, not the client's.
 * - `<name>-api-internal`, INTERNAL (VPC only, openapi `load_balancers` `network: INTERNAL`): for nodes
 *   (`kubeadm join`, kubelets, kube-proxy). Nodes cannot use the external one: their public addresses
 *   are only known once they exist, so listing them in its firewall would make every added node change
 *   the load balancer, and without them it would have to be open to the world.
 *
 * The API name: with `apiDomain`, `api.<cluster>.<apiDomain>` (an A record in that DigitalOcean DNS
 * domain) is what kubeconfig uses; without it, the external load balancer's IP. Nodes always join
 * through the internal load balancer's VPC address, which needs no DNS at boot. The certificate carries
 * both addresses and the name. A REGIONAL load balancer is a proxy, so a master reaching the endpoint
 * and being sent to itself works (no hairpin problem; KubeOne and CAPDO join masters the same way).
 */
import type * as pulumi from "@pulumi/pulumi";
import { DnsRecord } from "@pulumi/digitalocean/dnsRecord";
import { LoadBalancer } from "@pulumi/digitalocean/loadBalancer";
import type { ClusterSpec } from "../../core/types";
import type { DigitalOceanConfig } from "./config";
import type { DoNetwork } from "./network";
import { doFirewallRules } from "./firewall";
import { clusterTags } from "./tags";

/** The API port on the load balancers and on the masters. */
export const API_PORT = 6443;

/** The API endpoint. */
export interface DoEndpoint {
    /** The external load balancer (kubeconfig). */
    external: LoadBalancer;
    /** The internal load balancer (nodes). */
    internal: LoadBalancer;
    /** The host kubeconfig and the readiness gate use: the API name, else the external IP. */
    host: pulumi.Output<string>;
    /** The host nodes join through: the internal load balancer's VPC address. */
    nodeHost: pulumi.Output<string>;
    /** SANs for the API server certificate: both addresses, and the name when there is one. */
    extraSans: pulumi.Input<string>[];
    /** The API's A record, with `apiDomain`. */
    record?: DnsRecord;
}

/**
 * The public API name with `apiDomain`, else undefined.
 * @param spec - the cluster
 * @param config - the digitalocean config
 */
export function apiName(spec: ClusterSpec, config: Pick<DigitalOceanConfig, "apiDomain">): string | undefined {
    return config.apiDomain ? `api.${spec.name}.${config.apiDomain}` : undefined;
}

/**
 * The external load balancer's firewall: `access.apiAllowedCidrs` in DigitalOcean's `cidr:` form.
 * @param spec - the cluster
 */
export function apiAllowRules(spec: ClusterSpec): string[] {
    // The kit matrix's `apiEndpoint` ingress rules (one per access.apiAllowedCidrs range).
    return doFirewallRules(spec, spec.network.nodeCidr).apiAllows;
}

/**
 * Creates the two load balancers and, with `apiDomain`, the A record.
 * @param name - prefix of the resource names
 * @param spec - the cluster
 * @param config - the digitalocean config
 * @param network - the VPC
 * @param opts - parent and provider
 */
export function createEndpoint(
    name: string,
    spec: ClusterSpec,
    config: DigitalOceanConfig,
    network: DoNetwork,
    opts: pulumi.CustomResourceOptions,
): DoEndpoint {
    const common = {
        region: config.region,
        type: "REGIONAL",
        vpcUuid: network.vpcId,
        dropletTag: clusterTags(spec.name).controlPlane,
        forwardingRules: [{ entryProtocol: "tcp", entryPort: API_PORT, targetProtocol: "tcp", targetPort: API_PORT }],
        healthcheck: {
            protocol: "tcp",
            port: API_PORT,
            checkIntervalSeconds: 10,
            responseTimeoutSeconds: 5,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
        },
    };
    const external = new LoadBalancer(
        `${name}-api`,
        { ...common, name: `${name}-api`, network: "EXTERNAL", firewall: { allows: apiAllowRules(spec) } },
        opts,
    );
    const internal = new LoadBalancer(`${name}-api-internal`, { ...common, name: `${name}-api-internal`, network: "INTERNAL" }, opts);
    const host = apiName(spec, config);
    const record =
        host && config.apiDomain
            ? new DnsRecord(
                  `${name}-api`,
                  {
                      domain: config.apiDomain,
                      type: "A",
                      name: host.slice(0, -(config.apiDomain.length + 1)),
                      value: external.ip,
                      ttl: 300,
                  },
                  opts,
              )
            : undefined;
    return {
        external,
        internal,
        // The record's own output, so whatever waits for the API also waits for its name.
        host: record ? record.fqdn : external.ip,
        nodeHost: internal.ip,
        extraSans: [external.ip, internal.ip, ...(host ? [host] : [])],
        record,
    };
}
