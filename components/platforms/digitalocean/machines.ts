/**
 * One droplet per NodePlan, named after it (the droplet name is the host name and the Kubernetes node
 * name; NodePlan names are unique, so droplet names are, which the cloud controller needs when it has
 * to find a droplet by name). Not a droplet autoscaler pool: every node keeps a stable identity and
 * the core drains it before Pulumi deletes it.
 *
 * - Image: Ubuntu 24.04 (`ubuntu-24-04-x64`) unless `image` says otherwise.
 * - Network: in the cluster's VPC; the public address stays (egress, since DigitalOcean's VPC NAT
 *   gateway is still a preview), but the firewall admits from outside only SSH from
 *   `access.sshAllowedCidrs`, and kubelets, etcd and the CNI use the VPC address.
 * - Tags: the cluster's selectors (firewall, load balancers) and the node's identity (`tags.ts`).
 * - `monitoring: true`: DigitalOcean's metrics agent (CPU, memory, disk graphs and alerts).
 * - SSH keys: those already in the account (`sshKeys`) and `access.sshPublicKeys`, added by kubeforge.
 * - User data is a secret, read once at first boot; it and the image are ignored after creation
 *   except on nodes listed in `replaceNodes` (`dropletChangePolicy`), because a changed `userData`
 *   replaces a droplet and a new rendering must not rebuild every node at once.
 * - Each droplet waits for the firewall, so none is ever reachable without it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { Droplet } from "@pulumi/digitalocean/droplet";
import type { ClusterSpec, NodePlan } from "../../core/types";
import type { DeliveredBootstrap, MachineContext, MachineFacts } from "../../platform";
import { type DigitalOceanConfig, dropletChangePolicy, sizeFor } from "./config";
import type { DoInfrastructure, DropletDeps } from "./infrastructure";
import { dropletTags } from "./tags";

/**
 * Creates the droplet of one node.
 * @param spec - the cluster
 * @param config - the digitalocean config
 * @param node - the node
 * @param userData - its user data (secret, plain text)
 * @param deps - VPC, keys, what to wait for, parent and provider
 */
export function createDroplet(
    spec: ClusterSpec,
    config: DigitalOceanConfig,
    node: NodePlan,
    userData: pulumi.Input<string>,
    deps: DropletDeps,
): Droplet {
    return new Droplet(
        node.name,
        {
            name: node.name,
            region: config.region,
            size: sizeFor(config, node.role, node.machineType),
            image: config.image,
            vpcUuid: deps.vpcId,
            ipv6: false,
            monitoring: true,
            backups: false,
            sshKeys: deps.sshKeys,
            tags: dropletTags(spec, node),
            userData,
        },
        { ...deps.opts, dependsOn: deps.ready, ...dropletChangePolicy(config, node.name) },
    );
}

/**
 * The contract's machine: one droplet for `node`, from the user data the core delivered.
 * @param node - the node
 * @param bootstrap - its delivered bootstrap (plain-text cloud-config, secret; see `DO_DELIVERY`)
 * @param ctx - the cluster, config and infrastructure
 * @throws Error when handed an SSH bootstrap (a bug: DigitalOcean declares user data)
 */
export function createDoMachine(
    node: NodePlan,
    bootstrap: DeliveredBootstrap,
    ctx: Pick<MachineContext<DigitalOceanConfig, DoInfrastructure>, "spec" | "config" | "infrastructure">,
): MachineFacts {
    if (bootstrap.kind !== "user-data") throw new Error(`node ${node.name}: digitalocean delivers bootstraps as user data, not over SSH`);
    const droplet = createDroplet(ctx.spec, ctx.config, node, bootstrap.value, ctx.infrastructure.droplets);
    return { machineId: droplet.id, privateIp: droplet.ipv4AddressPrivate, dependsOn: [droplet] };
}
