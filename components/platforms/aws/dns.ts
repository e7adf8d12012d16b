/**
 * The API's private name: a Route 53 private hosted zone `<cluster>.kubeforge.internal` associated
 * with the cluster's VPC (created or existing: Route 53 resolves private zones only in VPCs with DNS
 * support and DNS host names on, which this platform already requires), and `api.<zone>`, an alias A
 * record of the network load balancer.
 *
 * Why: the name is known before the NLB exists, so the instances' user data no longer waits for the
 * NLB (≈ 3 min) and the machines boot beside it. The alias resolves to the NLB's public addresses, so
 * nodes still reach it through their NAT gateways, which the load balancer's group already admits.
 *
 * The zone's SOA is overwritten with a 10 s negative-caching TTL: a booting node asks for the API name
 * before the alias exists (the NLB is still provisioning), and with Route 53's default SOA (TTL 900,
 * minimum 86400) the VPC resolver and systemd-resolved would keep answering NXDOMAIN for up to 15
 * minutes after the record appears (hashicorp/terraform-provider-aws#7846). The instances depend on
 * the zone and that SOA (≈ 1 min, well inside the NAT gateways' ≈ 2), not on the record.
 * On destroy, Route 53 refuses to delete a zone's SOA; the provider takes that refusal as done
 * (hashicorp/terraform-provider-aws#37806), so the zone is then deleted as usual.
 *
 * The alias does not evaluate target health: it is the name's only record, so there is nothing to fail
 * over to, and before `kubeadm init` no master is healthy yet; the init master must still resolve the
 * name then (the NLB itself fails open to every target).
 */
import * as pulumi from "@pulumi/pulumi";
import { Record as DnsRecord, Zone } from "@pulumi/aws/route53";
import type { ClusterSpec } from "../../core/types";
import type { AwsConfig } from "./config";
import type { AwsEndpoint } from "./endpoint";
import type { AwsNetwork } from "./network";
import { apiServerExtraSans, privateApiHost, privateZoneName } from "./names";
import { resourceTags } from "./tags";

/** Negative-caching TTL of the private zone (seconds): how long a node may keep an early NXDOMAIN. */
export const NEGATIVE_CACHE_SECONDS = 10;

/** The API's private name and what the machines need from it. */
export interface AwsPrivateApiName {
    /** The private hosted zone. */
    zone: Zone;
    /** The zone's SOA, overwritten with a short negative-caching TTL. */
    soa: DnsRecord;
    /** `api.<zone>`, an alias of the load balancer. */
    record: DnsRecord;
    /** `api.<cluster>.kubeforge.internal`: the bootstrap's endpoint host, a plain string. */
    host: string;
    /** API server certificate SANs beyond the host: the regional NLB wildcard and the private name. */
    extraSans: string[];
    /** What must exist before a node boots (the zone and its SOA; not the alias, which waits for the NLB). */
    ready: pulumi.Resource[];
}

/**
 * Creates the private zone, its SOA override and the API alias record.
 * @param name - prefix of every resource name
 * @param spec - the cluster
 * @param config - the aws config
 * @param network - the network (the VPC to associate)
 * @param endpoint - the load balancer the record aliases
 * @param parent - parent of every resource
 */
export function createPrivateApiName(
    name: string,
    spec: ClusterSpec,
    config: AwsConfig,
    network: AwsNetwork,
    endpoint: AwsEndpoint,
    parent: pulumi.Resource,
): AwsPrivateApiName {
    const opts: pulumi.CustomResourceOptions = { parent };
    const zoneName = privateZoneName(spec.name);
    const host = privateApiHost(spec.name);
    const zone = new Zone(
        `${name}-private-zone`,
        {
            name: zoneName,
            comment: `kubeforge: private names of cluster ${spec.name}`,
            vpcs: [{ vpcId: network.vpcId, vpcRegion: config.region }],
            tags: resourceTags(spec, zoneName),
        },
        opts,
    );
    const soa = new DnsRecord(
        `${name}-private-zone-soa`,
        {
            zoneId: zone.zoneId,
            name: zoneName,
            type: "SOA",
            ttl: 60,
            // Route 53's own values except the last (minimum = negative-caching TTL).
            records: [
                pulumi.interpolate`${zone.primaryNameServer} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 ${NEGATIVE_CACHE_SECONDS}`,
            ],
            // Route 53 creates the SOA with the zone; this resource takes it over.
            allowOverwrite: true,
        },
        opts,
    );
    const record = new DnsRecord(
        `${name}-api-private`,
        {
            zoneId: zone.zoneId,
            name: host,
            type: "A",
            aliases: [{ name: endpoint.loadBalancer.dnsName, zoneId: endpoint.loadBalancer.zoneId, evaluateTargetHealth: false }],
        },
        opts,
    );
    return { zone, soa, record, host, extraSans: apiServerExtraSans(spec.name, config.region), ready: [zone, soa] };
}
