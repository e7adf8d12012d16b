/**
 * TRANSITIONAL: the previous platform contract, kept only while aws and baremetal move to the new
 * one in platform.ts. Nothing new may use it; it is deleted when they have moved.
 *
 * The contract between the provider-neutral core and a platform (AWS, bare metal, ...).
 *
 * A platform lives in one folder, `components/platforms/<name>/`, whose `index.ts` default-exports a
 * {@link Platform}. The core finds it by the stack's `kubeforge:platform` value, so adding a platform
 * touches no core file. Like Cluster API's split, a platform only provides infrastructure: machines, a
 * network, an API endpoint and the identity its cloud controller needs. The bootstrap (what runs on a
 * machine) and the control plane (kubeadm) are the core's; the platform states, as data, what the
 * bootstrap must know about it ({@link PlatformBootstrapFacts}) and asks the core to render each
 * node's bootstrap ({@link PlatformContext.renderBootstrap}).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterSpec, ConfigIssue, NodePlan } from "./core/types";
import type { ClusterPkiOutputs } from "./pki";
import type { NodeBootstrap, PlatformBootstrapFacts } from "../bootstrap/types";

import type { AddonSpec } from "./platform";

export type { PlatformBootstrapFacts, WindowsBootstrapFacts } from "../bootstrap/types";

/** Result of checking a platform's own config block. */
export interface PlatformConfigResult<C> {
    /** The parsed config with defaults filled in; undefined when there were issues. */
    config?: C;
    /** Problems, with `field` paths under `kubeforge:<platform>` (e.g. `kubeforge:aws.region`). */
    issues: ConfigIssue[];
}

/** Facts a platform publishes about one machine it made. */
export interface MachineFacts {
    /** The NodePlan this machine realises. */
    node: NodePlan;
    /** The cloud's own id for the machine (instance id, droplet id, host address on metal). */
    machineId: pulumi.Output<string>;
    /** Private address the cluster uses to reach the node. */
    privateIp: pulumi.Output<string>;
    /** Public address, when the machine has one. */
    publicIp?: pulumi.Output<string | undefined>;
    /**
     * Resources the node's readiness depends on (the machine, its bootstrap step). The per-node
     * lifecycle resource (drain before delete) depends on these, so it is deleted before them.
     */
    dependsOn: pulumi.Resource[];
    /**
     * True when the platform already drains and resets the node on delete itself (bare metal does
     * it over SSH); the core then does not add its own API-side drain.
     */
    handlesRemoval?: boolean;
}

/** What a platform gives back to the core after creating its resources. */
export interface PlatformOutputs {
    /** The API endpoint host (DNS name or IP) that kubeconfig and every join use. */
    endpointHost: pulumi.Output<string>;
    /** The API endpoint port (6443 on every platform today). */
    endpointPort: number;
    /** One entry per NodePlan, in the same order. */
    machines: MachineFacts[];
    /** Addons to install once the API answers (CCM, CSI and default StorageClass, or metal stand-ins). */
    addons: AddonSpec[];
    /** Platform outputs worth showing on the stack (VPC id, LB name, ...). No secrets. */
    extraOutputs?: Record<string, pulumi.Output<unknown>>;
}

/** Everything a platform needs to build its part of a cluster. */
export interface PlatformContext<C> {
    /** The validated cluster. */
    spec: ClusterSpec;
    /** The platform's validated config. */
    config: C;
    /** Every node, placed. */
    nodes: NodePlan[];
    /** The cluster PKI (secrets stay Outputs marked secret). */
    pki: ClusterPkiOutputs;
    /** Parent for every resource the platform registers (the Cluster component). */
    parent: pulumi.Resource;
    /**
     * Renders one node's bootstrap, given the endpoint host (an Output on clouds, where the load
     * balancer's DNS name is known only after it exists) and SANs for the API server certificate.
     * The result is secret on masters (it carries CA keys).
     */
    renderBootstrap(node: NodePlan, endpoint: BootstrapEndpoint): pulumi.Output<NodeBootstrap>;
    /**
     * Renders many nodes' user data at once: what {@link renderBootstrap} renders, turned into the
     * delivered text by `delivery.format` and into the final per-node value by `delivery.encode`.
     * Nodes that differ only by name are formatted once and the name filled in (checked, see
     * bootstrap/template.ts), so large pools cost one rendering, not one per node. Returns one
     * secret Output per node, in the order of `nodes`.
     */
    renderUserData(nodes: NodePlan[], endpoint: BootstrapEndpoint, delivery: UserDataDelivery): pulumi.Output<string>[];
}

/** How a platform delivers a node's bootstrap as user data (see {@link PlatformContext.renderUserData}). */
export interface UserDataDelivery {
    /**
     * The text the machine receives, before any encoding: cloud-init YAML, a PowerShell script. Must
     * be a pure function of its arguments (it runs once for a whole group of nodes).
     */
    format(bootstrap: NodeBootstrap, node: NodePlan): string;
    /** The value the machine resource takes (e.g. gzip + base64, with the platform's size check). */
    encode(text: string, node: NodePlan): string;
}

/** Where the API answers, as the bootstrap needs it. */
export interface BootstrapEndpoint {
    /** Host name or IP of the API endpoint. */
    host: pulumi.Input<string>;
    /** Port, 6443 unless the platform says otherwise. */
    port: number;
    /** Extra SANs for the API server certificate (public DNS names, VIPs). */
    extraSans?: pulumi.Input<string>[];
}

/** A platform: one folder, one default export of this shape. */
export interface Platform<C = unknown> {
    /** The platform's name, as written in `kubeforge:platform`. */
    readonly name: string;
    /** Short description for `plan` output and the README. */
    readonly description: string;
    /**
     * Validates and defaults the platform's config block (`kubeforge:<name>` in the stack config).
     * Pure: no resources, no network. Every problem is returned at once.
     */
    parseConfig(raw: unknown, spec: ClusterSpec): PlatformConfigResult<C>;
    /**
     * Failure domains the platform offers for this config, in a stable order (zones listed in the
     * config, racks of the inventory, ...). The core checks the spec's `failureDomains` against it.
     */
    failureDomains(config: C, spec: ClusterSpec): string[];
    /** What the bootstrap must know about this platform. */
    bootstrapFacts(config: C, spec: ClusterSpec): PlatformBootstrapFacts;
    /**
     * Optional: validates the placed nodes against the platform (e.g. an inventory host per node).
     * Pure; runs before any resource is registered.
     */
    checkNodes?(config: C, spec: ClusterSpec, nodes: NodePlan[]): ConfigIssue[];
    /**
     * Optional: assigns nodes to failure domains itself (bare metal: each host has its own). When
     * absent, the core's even spread is used.
     */
    placeNodes?(config: C, spec: ClusterSpec): NodePlan[];
    /** Creates the platform's resources under `ctx.parent`. */
    create(name: string, ctx: PlatformContext<C>): PlatformOutputs;
}
