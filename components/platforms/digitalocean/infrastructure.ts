/**
 * The cluster-wide part of the DigitalOcean platform, made once: the provider holding the token, the
 * VPC, the API load balancers, the firewalls, the SSH keys, the addons and the outputs. Resource names
 * are those the platform had before the contract split (`<name>-provider`, `<name>-vpc`, ...), so
 * existing stacks see no change.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { InfrastructureContext, PlatformInfrastructure } from "../../platform";
import type { DigitalOceanConfig } from "./config";
import { createIdentity, createSshKeys } from "./identity";
import { createNetwork } from "./network";
import { API_PORT, createEndpoint } from "./endpoint";
import { createFirewalls } from "./firewall";
import { digitalOceanAddons } from "./addons";
import { digitalOceanOutputs } from "./outputs";

/** What every droplet hangs off. */
export interface DropletDeps {
    /** The VPC id. */
    vpcId: pulumi.Input<string>;
    /** SSH key ids or fingerprints for the root account. */
    sshKeys: pulumi.Input<string>[];
    /** Resources that must exist before any droplet (the firewall, the SSH keys). */
    ready: pulumi.Resource[];
    /** Parent and provider. */
    opts: pulumi.CustomResourceOptions;
}

/** What the droplets need besides the contract's fields. */
export interface DoInfrastructure extends PlatformInfrastructure {
    /** VPC, SSH keys, what every droplet waits for, and the parent + token-holding provider. */
    droplets: DropletDeps;
}

/**
 * Creates the cluster-wide resources.
 * @param name - prefix of every resource name
 * @param ctx - the cluster, config and parent
 */
export function createDoInfrastructure(name: string, ctx: InfrastructureContext<DigitalOceanConfig>): DoInfrastructure {
    const { spec, config, parent } = ctx;
    const identity = createIdentity(`${name}-provider`, config.token, parent);
    const opts: pulumi.CustomResourceOptions = { parent, provider: identity.provider };
    const network = createNetwork(`${name}-vpc`, spec, config, opts);
    const endpoint = createEndpoint(name, spec, config, network, opts);
    const firewalls = createFirewalls(name, spec, network.cidr, [endpoint.external.id, endpoint.internal.id], opts);
    const ssh = createSshKeys(name, config.sshKeys, spec.access.sshPublicKeys, opts);
    return {
        endpoint: { host: endpoint.host, port: API_PORT, nodeHost: endpoint.nodeHost, extraSans: endpoint.extraSans },
        addons: digitalOceanAddons(spec, config.region, network.vpcId, identity.token),
        outputs: digitalOceanOutputs(config.region, network, endpoint, firewalls),
        droplets: { vpcId: network.vpcId, sshKeys: ssh.refs, ready: [...firewalls, ...ssh.keys], opts },
    };
}
