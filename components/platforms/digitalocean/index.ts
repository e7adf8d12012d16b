/**
 * The DigitalOcean platform: a VPC in one region, a Cloud Firewall keyed by droplet tags, two regional
 * load balancers on 6443 in front of the masters (external for people, internal for nodes), one
 * droplet per node, the DigitalOcean cloud controller and block storage CSI driver with one API
 * token. One failure domain: the region (DigitalOcean has no zones). Split by concern, one file each.
 */
import type { Platform, PlatformContext, PlatformOutputs } from "../../platform-legacy";
import { type DigitalOceanConfig, parseDigitalOceanConfig } from "./config";
import { digitalOceanBootstrapFacts, digitalOceanUserData } from "./bootstrap";
import { createIdentity, createSshKeys } from "./identity";
import { createNetwork } from "./network";
import { API_PORT, createEndpoint } from "./endpoint";
import { createFirewalls } from "./firewall";
import { createDroplet } from "./machines";
import { digitalOceanAddons } from "./addons";
import { digitalOceanOutputs } from "./outputs";

/** The validated `kubeforge:digitalocean` block. */
export type { DigitalOceanConfig } from "./config";

const digitalocean: Platform<DigitalOceanConfig> = {
    name: "digitalocean",
    description:
        "DigitalOcean: VPC and tag-keyed firewall in one region, regional load balancers on 6443, one droplet per node, DO CCM and CSI",
    parseConfig: (raw, spec) => parseDigitalOceanConfig(raw, spec),
    // One failure domain, the region: DigitalOcean has no zones inside a region and no placement API.
    failureDomains: (config) => [config.region],
    bootstrapFacts: () => digitalOceanBootstrapFacts(),
    create(name: string, ctx: PlatformContext<DigitalOceanConfig>): PlatformOutputs {
        const { spec, config, parent } = ctx;
        const identity = createIdentity(`${name}-provider`, config.token, parent);
        const opts = { parent, provider: identity.provider };
        const network = createNetwork(`${name}-vpc`, spec, config, opts);
        const endpoint = createEndpoint(name, spec, config, network, opts);
        const firewalls = createFirewalls(name, spec, network.cidr, [endpoint.external.id, endpoint.internal.id], opts);
        const ssh = createSshKeys(name, config.sshKeys, spec.access.sshPublicKeys, opts);
        const userData = ctx.renderUserData(
            ctx.nodes,
            { host: endpoint.nodeHost, port: API_PORT, extraSans: endpoint.extraSans },
            digitalOceanUserData,
        );
        const deps = { vpcId: network.vpcId, sshKeys: ssh.refs, ready: [...firewalls, ...ssh.keys], opts };
        const machines = ctx.nodes.map((node, i) => {
            const droplet = createDroplet(spec, config, node, userData[i], deps);
            return {
                node,
                machineId: droplet.id,
                privateIp: droplet.ipv4AddressPrivate,
                publicIp: droplet.ipv4Address,
                dependsOn: [droplet],
            };
        });
        return {
            endpointHost: endpoint.host,
            endpointPort: API_PORT,
            machines,
            addons: digitalOceanAddons(spec, config.region, network.vpcId, identity.token),
            extraOutputs: digitalOceanOutputs(config.region, network, endpoint, firewalls),
        };
    },
};

/** The DigitalOcean platform, found by the core under `components/platforms/digitalocean`. */
export default digitalocean;
