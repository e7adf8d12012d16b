/**
 * The GCP platform: a custom-mode VPC with Cloud NAT, firewall rules by network tag from the kit's
 * matrix, a global external TCP proxy on 6443 (Cloud Armor for who may connect) in front of per-zone
 * instance groups of masters, one Compute Engine instance per node, service accounts with custom roles
 * for the cloud controller and the PD CSI driver, and their manifests. Wiring only; one file per concern.
 */
import type { Platform } from "../../platform";
import { type GcpConfig, parseGcpConfig } from "./config";
import { GCP_DELIVERY, METADATA_VALUE_LIMIT, gcpBootstrapFacts } from "./bootstrap";
import { type GcpInfrastructure, createGcpInfrastructure } from "./infrastructure";
import { createGcpMachine } from "./machines";
import { MAX_INSTANCE_NAME, checkGcpNodes } from "./checks";
import { GCP_LABEL_LIMITS, createdNetworkNames, networkTags } from "./names";

/** The validated `kubeforge:gcp` block. */
export type { GcpConfig } from "./config";

const gcp: Platform<GcpConfig, GcpInfrastructure> = {
    name: "gcp",
    description:
        "Google Cloud: custom VPC + Cloud NAT, global TCP proxy API endpoint, one Compute Engine instance per node, cloud-provider-gcp and PD CSI",
    delivery: GCP_DELIVERY,
    limits: {
        // Instance names are RFC 1035 labels; Windows computer names are cut by Google, the node keeps the full name.
        machineNameMax: MAX_INSTANCE_NAME,
        windowsNameMax: 15,
        shortensWindowsNames: true,
        tags: GCP_LABEL_LIMITS,
    },
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
    checkNodes: (config, spec, nodes) => checkGcpNodes(config, spec, [...nodes]),
    createInfrastructure: (name, ctx) => createGcpInfrastructure(name, ctx),
    createMachine: (name, node, bootstrap, ctx) => createGcpMachine(name, node, bootstrap, ctx),
};

/** The largest metadata value, re-exported for the policy adapter's limit. */
export { METADATA_VALUE_LIMIT };

/** The GCP platform, found by the core under `components/platforms/gcp`. */
export default gcp;
