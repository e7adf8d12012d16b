/**
 * The bare-metal platform: machines the user already has (servers in racks, VMs, boxes at home), listed
 * in `kubeforge:baremetal.hosts`, bootstrapped over SSH with the same rendered bootstrap as the clouds.
 * The API endpoint is a kube-vip VIP or the user's load balancer; MetalLB and local-path-provisioner
 * stand in for the cloud controller and CSI. Removing a host drains, resets and removes it over SSH.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Platform, PlatformBootstrapFacts, PlatformContext, PlatformOutputs } from "../../platform-legacy";
import type { ClusterSpec } from "../../core/types";
import { parseBaremetalConfig, type BaremetalConfig } from "./config";
import { baremetalFailureDomains, checkBaremetalNodes, hostFor, placeBaremetalNodes } from "./placement";
import { API_PORT, createHosts, hostsHaveIps, NODE_IP_FILE } from "./machines";
import { baremetalAddons } from "./addons";

export type { BaremetalConfig, BaremetalHost, BaremetalEndpoint } from "./config";

/**
 * What the bootstrap must know: no cloud provider; the node IP pinned to the inventory address when
 * every host is given by IP (a VIP on a master must never become its node IP).
 *
 * @param config - the validated block.
 */
export function baremetalBootstrapFacts(config: BaremetalConfig): PlatformBootstrapFacts {
    return {
        cloudProvider: "none",
        ...(hostsHaveIps(config) ? { nodeIpCommand: `cat ${NODE_IP_FILE}` } : {}),
    };
}

const baremetal: Platform<BaremetalConfig> = {
    name: "baremetal",
    description: "Bare metal / any VM over SSH: inventory hosts, kube-vip API VIP (or your load balancer), MetalLB, local-path storage",
    parseConfig: (raw, spec: ClusterSpec) => parseBaremetalConfig(raw, spec),
    failureDomains: (config) => baremetalFailureDomains(config),
    bootstrapFacts: (config) => baremetalBootstrapFacts(config),
    placeNodes: (config, spec) => placeBaremetalNodes(config, spec),
    checkNodes: (config, _spec, nodes) => checkBaremetalNodes(config, nodes),
    create(name: string, ctx: PlatformContext<BaremetalConfig>): PlatformOutputs {
        const { config, nodes } = ctx;
        const { machines, hostKeys } = createHosts(name, ctx);
        const init = nodes.find((n) => n.initNode);
        const initHost = init ? hostFor(config, init) : undefined;
        return {
            endpointHost: pulumi.output(config.endpoint.address),
            endpointPort: API_PORT,
            machines,
            addons: baremetalAddons(config),
            extraOutputs: {
                endpointKind: pulumi.output(config.endpoint.kind),
                initNode: pulumi.output(init && initHost ? `${init.name} on ${initHost.name} (${initHost.address})` : ""),
                hosts: pulumi.output(
                    Object.fromEntries(
                        nodes.map((n) => {
                            const h = hostFor(config, n)!;
                            return [n.name, { host: h.name, address: h.address, failureDomain: h.failureDomain, role: n.role }];
                        }),
                    ),
                ),
                // What each host showed (public keys): with trust-on-first-use, copy these into the inventory.
                hostKeys,
            },
        };
    },
};

export default baremetal;
