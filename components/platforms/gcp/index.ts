/**
 * The GCP platform: a custom-mode VPC with Cloud NAT, firewall rules by network tag, a global
 * external TCP proxy on 6443 (Cloud Armor for who may connect) in front of per-zone instance groups
 * of masters, one Compute Engine instance per node, service accounts with custom roles for the
 * cloud controller and the PD CSI driver, and their manifests. Split by concern, one file each.
 */
import type { Platform, PlatformContext, PlatformOutputs } from "../../platform";
import { type GcpConfig, parseGcpConfig } from "./config";
import { gcpBootstrapFacts } from "./bootstrap";
import { createNetwork } from "./network";
import { createFirewall } from "./firewall";
import { API_PORT, createEndpoint, createEndpointAddress } from "./endpoint";
import { createIdentity } from "./identity";
import { createMachines, machineFacts } from "./machines";
import { gcpAddons } from "./addons";
import { gcpOutputs } from "./outputs";
import { checkGcpNodes } from "./checks";
import { createdNetworkNames, networkTags } from "./names";

/** The validated `kubeforge:gcp` block. */
export type { GcpConfig } from "./config";

const gcp: Platform<GcpConfig> = {
    name: "gcp",
    description:
        "Google Cloud: custom VPC + Cloud NAT, global TCP proxy API endpoint, one Compute Engine instance per node, cloud-provider-gcp and PD CSI",
    parseConfig: (raw, spec) => parseGcpConfig(raw, spec),
    failureDomains: (config) => [...config.zones],
    bootstrapFacts: (config, spec) => {
        const created = createdNetworkNames(spec.name);
        const existing = config.network.kind === "existing" ? config.network : undefined;
        return gcpBootstrapFacts({
            projectId: config.project,
            networkProjectId: existing?.networkProject,
            networkName: existing?.network ?? created.network,
            subnetworkName: existing?.subnetwork ?? created.subnetwork,
            nodeTag: networkTags(spec.name).node,
            nodeInstancePrefix: spec.name,
            multizone: config.zones.length > 1,
        });
    },
    checkNodes: (config, spec, nodes) => checkGcpNodes(config, spec, nodes),
    create(name: string, ctx: PlatformContext<GcpConfig>): PlatformOutputs {
        const { spec, config, parent } = ctx;
        const network = createNetwork(name, spec, config, parent);
        createFirewall(name, spec, config, network, parent);
        const identity = createIdentity(name, spec, config, parent);
        const address = createEndpointAddress(name, spec, config, parent);
        const machines = createMachines(name, ctx, { network, endpoint: address, identity });
        const masters = machines
            .filter((m) => m.node.role === "control-plane")
            .map((m) => ({ zone: m.node.failureDomain, instance: m.instance }));
        const endpoint = createEndpoint(name, spec, config, network, address, masters, parent);
        return {
            endpointHost: endpoint.ip,
            endpointPort: API_PORT,
            machines: machineFacts(machines),
            addons: gcpAddons(spec, config),
            extraOutputs: gcpOutputs(network, endpoint, identity),
        };
    },
};

/** The GCP platform, found by the core under `components/platforms/gcp`. */
export default gcp;
