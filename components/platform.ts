/**
 * The contract between the provider-neutral core and a platform (AWS, Azure, GCP, DigitalOcean, bare
 * metal). Read with docs/ARCHITECTURE.md and components/kit/ (the shared, provider-neutral pieces).
 *
 * A platform is one folder, `components/platforms/<name>/`, whose `index.ts` default-exports a
 * {@link Platform}; the core finds it by the stack's `kubeforge:platform` value, so adding a platform
 * touches no core file. As in Cluster API, the platform provides two kinds of things:
 *
 * - **infrastructure** ({@link Platform.createInfrastructure}): the network, the API endpoint, the
 *   identity its cloud controller uses, the addons it needs. Made once per cluster.
 * - **machines** ({@link Platform.createMachine}): one per NodePlan, each consuming the bootstrap the
 *   core hands it, already in the form the platform declared ({@link DeliveredBootstrap}).
 *
 * The core owns the per-node loop and the rendering + encoding of every node's bootstrap. A platform
 * never calls back into the core: it DECLARES, as data, how a bootstrap reaches its machines
 * ({@link Delivery}), what its limits are ({@link PlatformLimits}), what the bootstrap must know about it
 * ({@link PlatformBootstrapFacts}) and which failure domains it offers.
 *
 * Layering (one way): each layer imports only those listed before it: core/ (pure), bootstrap/,
 * platform.ts (this contract), kit/, platforms/*, cluster.ts, stacks/. This file imports types only.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterSpec, ConfigIssue, NodePlan } from "./core/types";
import type { ClusterPkiOutputs } from "./pki";
import type { NodeBootstrap, PlatformBootstrapFacts } from "../bootstrap/types";

export type { BootstrapFile, PlatformBootstrapFacts, WindowsBootstrapFacts } from "../bootstrap/types";

/** Result of checking a platform's own config block. */
export interface PlatformConfigResult<C> {
    /** The parsed config with defaults filled in; undefined when there were issues. */
    config?: C;
    /** Problems, with `field` paths under `kubeforge:<platform>` (e.g. `kubeforge:aws.region`). */
    issues: ConfigIssue[];
}

// ---------------------------------------------------------------------------------------------
// Declarations: delivery and limits
// ---------------------------------------------------------------------------------------------

/**
 * A size limit on what a machine receives, and WHERE the provider measures it. The core checks every
 * node's delivered bootstrap against it and fails with the node's name and the numbers.
 */
export interface SizeLimit {
    /** Largest accepted size, in bytes. */
    bytes: number;
    /**
     * What the limit counts:
     * - `text`: the document itself, before any compression or encoding (DigitalOcean's 64 KiB,
     *   EC2's Windows user data, GCP metadata values);
     * - `compressed`: the gzip bytes, before base64 (EC2's 16 KB cloud-init user data);
     * - `encoded`: the final value as sent, after gzip and/or base64 (Azure `customData`: 87,380
     *   base64 characters).
     */
    measured: "text" | "compressed" | "encoded";
}

/**
 * One way of getting a node's bootstrap onto a machine. The core renders the bootstrap, formats it,
 * encodes it and checks it against the limit; the machine receives the result.
 */
export type DeliveryForm =
    | {
          /** A `#cloud-config` document (Linux). */
          format: "cloud-config";
          /**
           * How the document is sent:
           * - `gzip+base64`: gzip of the whole document, base64 (EC2 `userDataBase64`; GCP `user-data`
           *   with the `user-data-encoding: base64` metadata key, which the platform sets itself;
           *   Azure `customData`);
           * - `base64`: base64 of the plain text, no gzip;
           * - `plain`: the text as it is (DigitalOcean `user_data`: cloud-init there does not unzip
           *   a gzipped whole document).
           */
          encoding: "gzip+base64" | "base64" | "plain";
          /**
           * How each file inside the document is written: `plain` (the default: smallest once the whole
           * document is gzipped) or `gz+b64`, each file gzipped inside a document sent as plain text
           * (DigitalOcean, whose user data cannot be gzipped as a whole).
           */
          fileEncoding?: "plain" | "gz+b64";
          /** Top-level cloud-config keys appended after the bootstrap's own (DigitalOcean: `ssh_pwauth: false`). */
          extraKeys?: Readonly<Record<string, string | number | boolean>>;
          /** The provider's limit, if it has one. */
          limit?: SizeLimit;
      }
    | {
          /** A PowerShell script (Windows workers). */
          format: "powershell";
          /**
           * `ec2-tags`: wrapped in `<powershell>...</powershell>` (EC2Launch); `none`: the bare
           * script (GCP `windows-startup-script-ps1` metadata; Azure CustomScriptExtension or
           * `customData` run by a first-logon command, which the platform wires).
           */
          wrapper: "ec2-tags" | "none";
          /** `base64` (EC2 `userDataBase64`, Azure `customData`) or `plain` (GCP metadata value). Never gzipped. */
          encoding: "base64" | "plain";
          /** The provider's limit, if it has one. */
          limit?: SizeLimit;
      }
    | {
          /** Over SSH (bare metal): the machine receives the {@link NodeBootstrap} itself. */
          format: "ssh";
      };

/** How a platform delivers bootstraps, per operating system. */
export interface Delivery {
    /** Linux nodes (masters and Linux workers). */
    linux: DeliveryForm;
    /** Windows workers; absent when the platform cannot run them (config is then rejected for Windows pools). */
    windows?: DeliveryForm;
}

/** Limits of the provider that the core checks before any resource registers. */
export interface PlatformLimits {
    /**
     * Longest resource/host name the provider accepts for a Linux machine. Node names longer than this
     * are rejected at config time (`kubeforge:workerPools[i].name` / `kubeforge:name`).
     */
    machineNameMax: number;
    /**
     * Longest computer name of a Windows machine (15: NetBIOS). Absent when the platform has no Windows.
     * The platform may derive a short computer name itself; this is the limit the core checks the
     * NodePlan name against when the platform does not ({@link shortensWindowsNames}).
     */
    windowsNameMax?: number;
    /** True when the platform derives short Windows computer names itself (then windowsNameMax is not checked). */
    shortensWindowsNames?: boolean;
    /** Limits of the provider's tags/labels, applied to `kubeforge:tags` and the ownership tags; absent when it has none (bare metal). */
    tags?: TagLimits;
}

/** A provider's tag (AWS, Azure) or label (GCP, DigitalOcean) rules. */
export interface TagLimits {
    /** Most tags on one resource, including kubeforge's own (AWS 50, Azure 50, GCP 64); absent when the provider documents no limit (DigitalOcean). */
    maxCount?: number;
    /** Longest key. */
    keyMax: number;
    /** Longest value. */
    valueMax: number;
    /**
     * Pattern every key must match, as a regular expression source (GCP labels:
     * `^[a-z][a-z0-9_-]{0,62}$`); any key when absent.
     */
    keyPattern?: string;
    /** Pattern every value must match; any value when absent. */
    valuePattern?: string;
    /**
     * `map`: key/value tags (AWS, Azure, GCP labels); `list`: plain strings (DigitalOcean tags,
     * `key:value` written as one string).
     */
    shape: "map" | "list";
}

// ---------------------------------------------------------------------------------------------
// Infrastructure
// ---------------------------------------------------------------------------------------------

/** An in-cluster addon the platform needs (cloud controller, CSI, VIP for Services, storage class...). */
export type AddonSpec =
    | {
          kind: "helm";
          /** Release name (also the Pulumi resource name suffix). */
          name: string;
          /** Chart name in the repository. */
          chart: string;
          /** Chart repository URL. */
          repository: string;
          /** Exact chart version: pinned so `pulumi up` is reproducible. */
          version: string;
          /** Namespace to install into. */
          namespace: string;
          /** Chart values (may hold Outputs, e.g. a load balancer's DNS name). Secrets go in {@link secretValues}. */
          values: pulumi.Input<Record<string, unknown>>;
          /** Values that carry secrets; merged into `values` and kept secret end to end. */
          secretValues?: pulumi.Input<Record<string, unknown>>;
          /** What must run before this addon can become ready (see {@link AddonNeeds}); nothing else is waited for. */
          needs?: AddonNeeds;
          /**
           * Server-side-apply patches of Deployments the chart renders, for settings the chart has no value
           * for (e.g. `hostNetwork`); applied once the release is installed, by a separate field manager.
           */
          deploymentPatches?: DeploymentPatchSpec[];
      }
    | {
          kind: "manifest";
          /** Name of the group (the Pulumi resource name suffix). */
          name: string;
          /** Kubernetes objects, applied in order. */
          objects: pulumi.Input<Record<string, unknown>>[];
          /** What must run before these objects can be applied or become ready (see {@link AddonNeeds}). */
          needs?: AddonNeeds;
      };

/**
 * What an addon must wait for besides the API (every addon waits for the API). Addons that need
 * nothing else install side by side; say why in the addon's comment.
 */
export interface AddonNeeds {
    /** True when its pods run on the pod network, or its objects are served by pods that do: it waits for the CNI. */
    cni?: boolean;
    /** Names of other addons of the same cluster it needs first (e.g. CRDs another chart installs). */
    addons?: string[];
}

/** A server-side-apply patch of one Deployment a chart renders. */
export interface DeploymentPatchSpec {
    /** The Deployment's name. */
    name: string;
    /** Its namespace. */
    namespace: string;
    /** The fields to set, as a partial Deployment `spec`. */
    spec: Record<string, unknown>;
}

/** Everything a platform needs to build its infrastructure. */
export interface InfrastructureContext<C> {
    /** The validated cluster. */
    spec: ClusterSpec;
    /** The platform's validated config. */
    config: C;
    /** Every node, placed (the infrastructure may size subnets, pools of addresses, ... from them). */
    nodes: readonly NodePlan[];
    /** Parent for every resource the platform registers (a `kubeforge:<platform>:Infrastructure`). */
    parent: pulumi.Resource;
}

/** Where the API answers. */
export interface ApiEndpoint {
    /** The host (DNS name or IP) kubeconfig and the readiness gate use. */
    host: pulumi.Output<string>;
    /** The port: 6443 on every platform today. */
    port: number;
    /**
     * The host NODES use to join, when it differs from {@link host} (AWS: a private DNS name inside
     * the VPC); {@link host} when absent.
     */
    nodeHost?: pulumi.Input<string>;
    /** Extra SANs for the API server certificate (public DNS names, VIPs). */
    extraSans?: pulumi.Input<string>[];
}

/**
 * What {@link Platform.createInfrastructure} gives back. The core reads exactly these fields; a
 * platform extends the type with what its machines need (subnets, security groups, an identity...),
 * which the core passes to {@link Platform.createMachine} untouched.
 */
export interface PlatformInfrastructure {
    /** The API endpoint. */
    endpoint: ApiEndpoint;
    /** Addons to install once the API answers (CCM, CSI and default StorageClass, or metal stand-ins). */
    addons: AddonSpec[];
    /** Platform outputs worth showing on the stack (VPC id, LB name, ...). No secrets. */
    outputs: Record<string, pulumi.Output<unknown>>;
}

// ---------------------------------------------------------------------------------------------
// Machines
// ---------------------------------------------------------------------------------------------

/**
 * A node's bootstrap as the platform declared it wants it ({@link Delivery}). Secret: it carries the
 * bootstrap token, and on masters the CA keys.
 */
export type DeliveredBootstrap =
    | {
          /** User data / metadata value, formatted and encoded per `form`, checked against its limit. */
          kind: "user-data";
          /** The form it was delivered in (which metadata key to use may depend on it). */
          form: Exclude<DeliveryForm, { format: "ssh" }>;
          /** The value to put on the machine resource (secret). */
          value: pulumi.Output<string>;
      }
    | {
          /** The bootstrap itself, for platforms that run it over SSH. */
          kind: "ssh";
          /** Files and command (secret). */
          bootstrap: pulumi.Output<NodeBootstrap>;
      };

/** What a platform needs to create one machine. */
export interface MachineContext<C, I extends PlatformInfrastructure> {
    /** The validated cluster. */
    spec: ClusterSpec;
    /** The platform's validated config. */
    config: C;
    /** What {@link Platform.createInfrastructure} returned. */
    infrastructure: I;
    /** The cluster PKI (rarely needed: the bootstrap already carries what a node needs). */
    pki: ClusterPkiOutputs;
    /** Parent for the machine's resources (the platform's Infrastructure component). */
    parent: pulumi.Resource;
}

/** Facts a platform publishes about one machine it made. */
export interface MachineFacts {
    /** The cloud's own id for the machine (instance id, droplet id, host address on metal). */
    machineId: pulumi.Output<string>;
    /** Private address the cluster uses to reach the node. */
    privateIp: pulumi.Output<string>;
    /**
     * Resources the node's readiness depends on (the machine, its bootstrap step). The node's
     * lifecycle record (drain + etcd member removal before delete) depends on these, so Pulumi deletes
     * it before them: every platform removes nodes the same way.
     */
    dependsOn: pulumi.Resource[];
    /**
     * Per-node values worth a stack output (no secrets), by output name: the core publishes each as
     * `{ <output>: { <node>: value } }` (bare metal: `hostKeys`, the host key each host showed).
     */
    outputs?: Record<string, pulumi.Output<string>>;
}

// ---------------------------------------------------------------------------------------------
// The platform
// ---------------------------------------------------------------------------------------------

/** A platform: one folder, one default export of this shape. */
export interface Platform<C = unknown, I extends PlatformInfrastructure = PlatformInfrastructure> {
    /** The platform's name, as written in `kubeforge:platform`; equal to its folder's name. */
    readonly name: string;
    /** Short description for `plan` output and the README. */
    readonly description: string;
    /** How bootstraps reach this platform's machines. */
    readonly delivery: Delivery;
    /** The provider's limits the core checks before any resource registers. */
    readonly limits: PlatformLimits;
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
    /** What the bootstrap must know about this platform. Pure data. */
    bootstrapFacts(config: C, spec: ClusterSpec): PlatformBootstrapFacts;
    /**
     * Optional: validates the placed nodes against the platform (e.g. an inventory host per node, an
     * instance type offered in a zone). Pure; runs before any resource is registered.
     */
    checkNodes?(config: C, spec: ClusterSpec, nodes: readonly NodePlan[]): ConfigIssue[];
    /**
     * Optional: assigns nodes to failure domains itself (bare metal: each host has its own). When
     * absent, the core's even spread is used.
     */
    placeNodes?(config: C, spec: ClusterSpec): NodePlan[];
    /** Creates the network, the API endpoint, the identity and whatever machines share, under `ctx.parent`. */
    createInfrastructure(name: string, ctx: InfrastructureContext<C>): I;
    /**
     * Creates ONE machine for `node`, consuming `bootstrap`. Called by the core once per NodePlan, in
     * plan order. Resource names derive from `name` and the node; they must be stable (renaming
     * replaces machines).
     */
    createMachine(name: string, node: NodePlan, bootstrap: DeliveredBootstrap, ctx: MachineContext<C, I>): MachineFacts;
}
