/**
 * The API endpoint: a global external proxy Network Load Balancer (`EXTERNAL_MANAGED` TCP proxy), as
 * Typhoon and Cluster API's GCP provider build it. Global address → forwarding rule on 6443 → target
 * TCP proxy → backend service over one unmanaged instance group of masters per zone (named port
 * `apiserver`), with an HTTPS `/readyz` health check on 6443 (anonymous `/readyz` is allowed by
 * kubeadm's default RBAC) and a Cloud Armor policy admitting `access.apiAllowedCidrs` and the nodes'
 * own NAT addresses only.
 *
 * Why a proxy and not a passthrough load balancer: a passthrough one (internal or external) delivers
 * with direct server return, and Google's guest agent routes the forwarding rule's address locally on
 * every backend, so a master dialing the endpoint always reaches itself, healthy or not. A joining
 * master (its API server not up yet) would then fail `kubeadm join`. Through the proxy a master is an
 * ordinary client and reaches a healthy master.
 *
 * The price: clients' addresses reach the masters as the front ends' (the firewall admits those
 * ranges), so who may connect is enforced by Cloud Armor at the edge instead of by firewall rules;
 * and the backend timeout ends idle connections after {@link BACKEND_TIMEOUT_SECONDS} (watches
 * reconnect; a `kubectl logs -f` or `exec` idle that long is cut).
 */
import type * as pulumi from "@pulumi/pulumi";
import {
    BackendService,
    GlobalAddress,
    GlobalForwardingRule,
    HealthCheck,
    type Instance,
    InstanceGroup,
    InstanceGroupMembership,
    SecurityPolicy,
    TargetTCPProxy,
} from "@pulumi/gcp/compute";
import type { ClusterSpec, NodePlan } from "../../core/types";
import type { GcpConfig } from "./config";
import type { GcpNetwork } from "./network";
import { resourceLabels } from "./names";

/** The API port on the load balancer and on the masters. */
export const API_PORT = 6443;
/** Idle timeout of connections through the proxy (Cluster API's GCP provider uses 10 minutes). */
export const BACKEND_TIMEOUT_SECONDS = 600;
/** Cloud Armor allows at most 10 ranges in one basic rule. */
export const MAX_RANGES_PER_RULE = 10;
/** Priority of Cloud Armor's mandatory default rule (the lowest). */
export const DEFAULT_RULE_PRIORITY = 2147483647;

/** The endpoint's address, known before any machine exists (the bootstrap needs it). */
export interface GcpEndpointAddress {
    /** The global address resource. */
    address: GlobalAddress;
    /** Its IPv4 address: the endpoint host of kubeconfig and every join. */
    ip: pulumi.Output<string>;
}

/** The rest of the endpoint, built once the masters exist. */
export interface GcpEndpoint extends GcpEndpointAddress {
    /** One unmanaged instance group of masters per zone, by zone. */
    groups: Map<string, InstanceGroup>;
    /** The backend service. */
    backendService: BackendService;
    /** The Cloud Armor policy on it. */
    securityPolicy: SecurityPolicy;
    /** The forwarding rule on 6443. */
    forwardingRule: GlobalForwardingRule;
}

/**
 * Reserves the endpoint's global address.
 * @param name - prefix of every resource name
 * @param spec - the cluster
 * @param config - the gcp config
 * @param parent - parent of the address
 */
export function createEndpointAddress(name: string, spec: ClusterSpec, config: GcpConfig, parent: pulumi.Resource): GcpEndpointAddress {
    const address = new GlobalAddress(
        `${name}-api`,
        {
            project: config.project,
            name: `${spec.name}-api`,
            addressType: "EXTERNAL",
            ipVersion: "IPV4",
            description: `kubeforge ${spec.name}: Kubernetes API`,
        },
        { parent },
    );
    return { address, ip: address.address };
}

/**
 * The Cloud Armor rules: allow the given ranges (10 per rule), deny everything else.
 * @param allowed - address ranges that may reach the API
 */
export function armorRules(allowed: pulumi.Input<string>[]): {
    action: string;
    priority: number;
    description: string;
    match: { versionedExpr: string; config: { srcIpRanges: pulumi.Input<string>[] } };
}[] {
    const rules = [];
    for (let i = 0; i < allowed.length; i += MAX_RANGES_PER_RULE) {
        rules.push({
            action: "allow",
            priority: 1000 + i / MAX_RANGES_PER_RULE,
            description: "Kubernetes API clients: access.apiAllowedCidrs and the cluster's NAT addresses",
            match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: allowed.slice(i, i + MAX_RANGES_PER_RULE) } },
        });
    }
    rules.push({
        action: "deny(403)",
        priority: DEFAULT_RULE_PRIORITY,
        description: "everyone else",
        match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
    });
    return rules;
}

/**
 * Builds the load balancer over the masters.
 * @param name - prefix of every resource name
 * @param spec - the cluster
 * @param config - the gcp config
 * @param network - the network
 * @param address - the reserved address
 * @param apiClients - who may reach the API (the firewall matrix's endpoint rules)
 * @param masterZones - the zones that hold masters (one instance group each)
 * @param parent - parent of every resource
 */
export function createEndpoint(
    name: string,
    spec: ClusterSpec,
    config: GcpConfig,
    network: GcpNetwork,
    address: GcpEndpointAddress,
    apiClients: pulumi.Input<string>[],
    masterZones: string[],
    parent: pulumi.Resource,
): GcpEndpoint {
    const opts: pulumi.CustomResourceOptions = { parent };
    const project = config.project;
    const zones = [...new Set(masterZones)];
    // Members join one by one (InstanceGroupMembership, made with each master), so adding or removing
    // a master touches no other resource.
    const groups = zones.map(
        (zone) =>
            new InstanceGroup(
                `${name}-api-${zone}`,
                {
                    project,
                    zone,
                    name: `${spec.name}-api-${zone}`,
                    description: `kubeforge ${spec.name}: masters in ${zone}`,
                    network: network.network,
                    namedPorts: [{ name: "apiserver", port: API_PORT }],
                },
                opts,
            ),
    );
    const healthCheck = new HealthCheck(
        `${name}-api`,
        {
            project,
            name: `${spec.name}-api`,
            description: `kubeforge ${spec.name}: API server /readyz`,
            httpsHealthCheck: { port: API_PORT, requestPath: "/readyz" },
            checkIntervalSec: 5,
            timeoutSec: 5,
            healthyThreshold: 1,
            unhealthyThreshold: 3,
        },
        opts,
    );
    const securityPolicy = new SecurityPolicy(
        `${name}-api`,
        {
            project,
            name: `${spec.name}-api`,
            description: `kubeforge ${spec.name}: who may reach the Kubernetes API`,
            type: "CLOUD_ARMOR",
            // Read by the policy pack's GCP adapter: the port these rules guard.
            labels: { ...resourceLabels(spec), "kubeforge_io-port": String(API_PORT) },
            rules: armorRules(apiClients),
        },
        opts,
    );
    const backendService = new BackendService(
        `${name}-api`,
        {
            project,
            name: `${spec.name}-api`,
            description: `kubeforge ${spec.name}: Kubernetes API servers`,
            loadBalancingScheme: "EXTERNAL_MANAGED",
            protocol: "TCP",
            portName: "apiserver",
            timeoutSec: BACKEND_TIMEOUT_SECONDS,
            connectionDrainingTimeoutSec: 30,
            healthChecks: healthCheck.id,
            securityPolicy: securityPolicy.selfLink,
            backends: groups.map((g) => ({ group: g.selfLink, balancingMode: "UTILIZATION", maxUtilization: 0.8, capacityScaler: 1 })),
        },
        opts,
    );
    const proxy = new TargetTCPProxy(
        `${name}-api`,
        { project, name: `${spec.name}-api`, backendService: backendService.id, proxyHeader: "NONE" },
        opts,
    );
    const forwardingRule = new GlobalForwardingRule(
        `${name}-api`,
        {
            project,
            name: `${spec.name}-api`,
            target: proxy.id,
            ipAddress: address.address.address,
            ipProtocol: "TCP",
            portRange: String(API_PORT),
            loadBalancingScheme: "EXTERNAL_MANAGED",
            labels: resourceLabels(spec),
        },
        opts,
    );
    return { ...address, groups: new Map(zones.map((z, i) => [z, groups[i]])), backendService, securityPolicy, forwardingRule };
}

/**
 * Puts one master into its zone's instance group (named after the node).
 * @param name - prefix of every resource name
 * @param config - the gcp config
 * @param endpoint - the endpoint (its groups)
 * @param node - the master
 * @param instance - its instance
 * @param parent - parent of the membership
 */
export function joinApiGroup(
    name: string,
    config: GcpConfig,
    endpoint: GcpEndpoint,
    node: NodePlan,
    instance: Instance,
    parent: pulumi.Resource,
): InstanceGroupMembership {
    const group = endpoint.groups.get(node.failureDomain);
    if (!group) throw new Error(`master ${node.name} is in ${node.failureDomain}, which has no API instance group`);
    return new InstanceGroupMembership(
        `${name}-api-${node.name}`,
        { project: config.project, zone: node.failureDomain, instanceGroup: group.name, instance: instance.selfLink },
        { parent },
    );
}
