/**
 * The cluster-wide part of the GCP platform, made once: network, firewall, identity, the API endpoint
 * (its instance groups wait for members, which each master's machine adds), addons and outputs.
 */
import type { InfrastructureContext, PlatformInfrastructure } from "../../platform";
import type { GcpConfig } from "./config";
import { type GcpNetwork, createNetwork } from "./network";
import { createFirewall, gcpFirewallPlan } from "./firewall";
import { API_PORT, type GcpEndpoint, createEndpoint, createEndpointAddress } from "./endpoint";
import { type GcpIdentity, createIdentity } from "./identity";
import { gcpAddons } from "./addons";
import { gcpOutputs } from "./outputs";

/** What the machines need besides the contract's fields. */
export interface GcpInfrastructure extends PlatformInfrastructure {
    /** The network. */
    network: GcpNetwork;
    /** Service accounts by role. */
    identity: GcpIdentity;
    /** The load balancer (masters join its zone groups). */
    api: GcpEndpoint;
}

/**
 * Creates the cluster-wide resources.
 * @param name - prefix of every resource name
 * @param ctx - the cluster, config, placed nodes and parent
 */
export function createGcpInfrastructure(name: string, ctx: InfrastructureContext<GcpConfig>): GcpInfrastructure {
    const { spec, config, parent } = ctx;
    const network = createNetwork(name, spec, config, parent);
    const firewall = gcpFirewallPlan(spec, network.nodeCidr, network.egressCidrs);
    createFirewall(name, spec, config, network, firewall.rules, parent);
    const identity = createIdentity(name, spec, config, parent);
    const address = createEndpointAddress(name, spec, config, parent);
    const masterZones = ctx.nodes.filter((n) => n.role === "control-plane").map((n) => n.failureDomain);
    const api = createEndpoint(name, spec, config, network, address, firewall.apiClients, masterZones, parent);
    return {
        endpoint: { host: api.ip, port: API_PORT },
        addons: gcpAddons(spec, config),
        outputs: gcpOutputs(network, api, identity),
        network,
        identity,
        api,
    };
}
