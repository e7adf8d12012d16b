/**
 * The DigitalOcean platform: a VPC in one region, a Cloud Firewall keyed by droplet tags, two regional
 * load balancers on 6443 in front of the masters (external for people, internal for nodes), one
 * droplet per node, the DigitalOcean cloud controller and block storage CSI driver with one API
 * token. One failure domain: the region (DigitalOcean has no zones). Wiring only; one file per concern.
 */
import type { Platform } from "../../platform";
import { type DigitalOceanConfig, parseDigitalOceanConfig } from "./config";
import { DO_DELIVERY, digitalOceanBootstrapFacts } from "./bootstrap";
import { type DoInfrastructure, createDoInfrastructure } from "./infrastructure";
import { createDoMachine } from "./machines";
import { DO_TAG_LIMITS } from "./tags";
import { checkDoNodes } from "./checks";

/** The validated `kubeforge:digitalocean` block. */
export type { DigitalOceanConfig } from "./config";

const digitalocean: Platform<DigitalOceanConfig, DoInfrastructure> = {
    name: "digitalocean",
    description:
        "DigitalOcean: VPC and tag-keyed firewall in one region, regional load balancers on 6443, one droplet per node, DO CCM and CSI",
    delivery: DO_DELIVERY,
    limits: {
        // The droplet name is the host name (one DNS label) and the Kubernetes node name.
        machineNameMax: 63,
        // Tags are flat names: `kubeforge:tags` become `key:value` (checks.ts checks the joined tag).
        tags: DO_TAG_LIMITS,
    },
    parseConfig: (raw, spec) => parseDigitalOceanConfig(raw, spec),
    // One failure domain, the region: DigitalOcean has no zones inside a region and no placement API.
    failureDomains: (config) => [config.region],
    bootstrapFacts: () => digitalOceanBootstrapFacts(),
    checkNodes: (config, _spec, nodes) => checkDoNodes(config, nodes),
    // Droplets keep the names they had (the node name, no cluster prefix): renaming would replace them.
    createInfrastructure: (name, ctx) => createDoInfrastructure(name, ctx),
    createMachine: (_name, node, bootstrap, ctx) => createDoMachine(node, bootstrap, ctx),
};

/** The DigitalOcean platform, found by the core under `components/platforms/digitalocean`. */
export default digitalocean;
