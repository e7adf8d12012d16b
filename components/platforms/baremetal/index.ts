/**
 * The bare-metal platform: machines the user already has (servers in racks, VMs, boxes at home), listed
 * in `kubeforge:baremetal.hosts`, bootstrapped over SSH with the same rendered bootstrap as the clouds.
 * The API endpoint is a kube-vip VIP or the user's load balancer; MetalLB and local-path-provisioner
 * stand in for the cloud controller and CSI. Removing a host: the core drains the node and removes its
 * etcd member through the API (as on every platform), then the host is reset over SSH.
 */
import type { Platform } from "../../platform";
import { parseBaremetalConfig, type BaremetalConfig } from "./config";
import { baremetalFailureDomains, checkBaremetalNodes, placeBaremetalNodes } from "./placement";
import { type BaremetalInfrastructure, createMachine } from "./machines";
import { baremetalAddons } from "./addons";
import { baremetalEndpoint } from "./endpoint";
import { baremetalBootstrapFacts } from "./identity";
import { baremetalOutputs } from "./outputs";

export type { BaremetalConfig, BaremetalHost, BaremetalEndpoint } from "./config";
export { baremetalBootstrapFacts } from "./identity";

const baremetal: Platform<BaremetalConfig, BaremetalInfrastructure> = {
    name: "baremetal",
    description: "Bare metal / any VM over SSH: inventory hosts, kube-vip API VIP (or your load balancer), MetalLB, local-path storage",
    // The bootstrap runs over SSH; Linux only (no Windows delivery declared).
    delivery: { linux: { format: "ssh" } },
    // Node names are the hosts' Kubernetes names: one DNS label. No tags on bare metal.
    limits: { machineNameMax: 63 },
    parseConfig: (raw, spec) => parseBaremetalConfig(raw, spec),
    failureDomains: (config) => baremetalFailureDomains(config),
    bootstrapFacts: (config) => baremetalBootstrapFacts(config),
    placeNodes: (config, spec) => placeBaremetalNodes(config, spec),
    checkNodes: (config, _spec, nodes) => checkBaremetalNodes(config, nodes),
    createInfrastructure: (_name, { spec, config, nodes }): BaremetalInfrastructure => ({
        endpoint: baremetalEndpoint(config),
        addons: baremetalAddons(config),
        outputs: baremetalOutputs(spec, config, nodes),
    }),
    createMachine,
};

export default baremetal;
