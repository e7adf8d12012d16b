/**
 * The neutral facts every rule reads. A platform adapter (`components/platforms/<name>/policy.ts`) turns one of
 * its resources into {@link ResourceFacts}; rules never look at a provider's own property names, so a
 * new platform is one adapter file and no rule changes.
 *
 * Nothing here imports `@pulumi/*`: the facts are plain data, testable without an engine.
 */
import type { NodeRole } from "../components/core/types";

/** A resource as every adapter sees it: the engine's inputs (or outputs, for stack policies). */
export interface ResourceView {
    /** Type token, e.g. `aws:ec2/instance:Instance`. */
    type: string;
    /** Logical name. */
    name: string;
    /** URN, used to point a violation at the resource. */
    urn: string;
    /** Properties (inputs for resource policies, outputs for stack policies). */
    props: Record<string, unknown>;
}

/** One disk a resource creates or describes. */
export interface DiskFact {
    /** What the disk is, for the message (`root disk`, `EBS volume /dev/sdf`). */
    label: string;
    /** True only when encryption at rest is explicitly requested. */
    encrypted: boolean;
    /**
     * How to ask for encryption on this resource, for the message; `set encrypted: true` when absent. Provider
     * wording on purpose: kubeforge encrypts every disk it makes and no config key turns that off, so an
     * unencrypted disk was added outside the stack config and is fixed where it was added.
     */
    fix?: string;
}

/** Instance-metadata service settings of a machine or machine template. */
export interface MetadataFact {
    /** The metadata endpoint is switched off entirely (then nothing else matters). */
    endpointDisabled: boolean;
    /** Session tokens (IMDSv2 or the cloud's equivalent) are required for every request. */
    tokensRequired: boolean;
    /** Largest number of network hops a metadata response may travel; undefined when the cloud default applies. */
    hopLimit?: number;
    /** Role of the machines this applies to, when the resource says so. */
    role?: NodeRole;
    /**
     * The stack-config key that sets this machine's hop limit, as the user writes it
     * (`kubeforge:aws.workerMetadataHopLimit`); undefined when kubeforge fixes the value itself.
     */
    hopLimitKey?: string;
    /**
     * How to fix a machine added outside the stack config, in the platform's words (kubeforge's own
     * machines always require tokens, so no config key does it).
     */
    fix?: { tokens: string; hopLimit: string };
}

/** Where allowed traffic may come from. */
export type TrafficSource =
    | { kind: "cidr"; cidr: string }
    | { kind: "group"; group: string }
    | { kind: "self" }
    | { kind: "prefix-list"; id: string }
    /** Not known until the update (an address or group id still being created). */
    | { kind: "unknown" };

/** One inbound allow rule of a firewall. */
export interface IngressFact {
    /** `tcp`, `udp`, `all`, or another protocol name or number as the platform spells it. */
    protocol: string;
    /** First port allowed (inclusive). */
    fromPort: number;
    /** Last port allowed (inclusive). */
    toPort: number;
    /** Sources the rule admits. */
    sources: TrafficSource[];
    /** Id of the firewall group the rule belongs to, when known (resolves `self`). */
    group?: string;
}

/** A firewall group (security group, network security group, firewall tag). */
export interface GroupFact {
    /** The group's id as other resources refer to it; undefined while it is not known. */
    id?: string;
    /** Role the group is declared for (e.g. a `kubeforge.io/role` tag), when it says so. */
    role?: NodeRole;
}

/** A machine (or a template of machines) that becomes a Kubernetes node. */
export interface MachineFact {
    /** Role, when the resource says so. */
    role?: NodeRole;
    /** Cluster name, when the resource says so. */
    cluster?: string;
    /** Ids of the firewall groups the machine is a member of. */
    groups: string[];
    /** The NodePlan name this machine realises, when the resource says so. */
    node?: string;
    /** Where the machine really is (zone, region, rack), spelled as NodePlan.failureDomain. */
    failureDomain?: string;
    /** The machine's bootstrap, decoded, when the plan shows it. */
    bootstrap?: BootstrapFact;
}

/** What a machine receives at boot, decoded from the form the platform sends it in. */
export interface BootstrapFact {
    /** What the machine receives. */
    format: "cloud-config" | "powershell" | "ssh";
    /** Decoded text (cloud-config YAML, PowerShell, the SSH script). */
    text: string;
    /** For formats other than cloud-config: the files it writes. */
    files?: { path: string; content: string }[];
    /** Size as sent to the provider (after gzip/base64 as delivered). */
    sentBytes: number;
    /** The platform's limit for that form. */
    limitBytes?: number;
}

/** Tags (or labels) a resource carries and the ones its platform requires. */
export interface TaggingFact {
    /** What is tagged, for the message (`instance`, `subnet`). */
    subject: string;
    /** Cluster the resource belongs to, when any tag says so. */
    cluster?: string;
    /** Tag keys present. */
    present: string[];
    /** Tag keys the platform's cloud controller (or kubeforge itself) needs on this resource. */
    required: string[];
}

/** Everything an adapter can say about one resource. Absent parts mean "not this kind of thing". */
export interface ResourceFacts {
    /** Platform of the adapter that described the resource. */
    platform: string;
    /** Set when the resource is a node's machine (or a template of them). */
    machine?: MachineFact;
    /** Disks the resource creates or describes. */
    disks: DiskFact[];
    /** Instance-metadata settings, where the platform has such a service. */
    metadata?: MetadataFact;
    /** Inbound allow rules the resource defines. */
    ingress: IngressFact[];
    /** Set when the resource is a firewall group others refer to. */
    firewallGroup?: GroupFact;
    /** Tags the resource carries and needs. */
    tagging?: TaggingFact;
    /** Set when the resource serves the Kubernetes API (a load balancer rule, a listener, a VIP). */
    apiListener?: { port: number };
}

/**
 * Maps one platform's resources to neutral facts. A platform's folder default-exports its adapter from `policy.ts`;
 * `policies/adapters.ts` finds it by the folder's name (no list to edit).
 * Several adapters may claim one type (a Kubernetes StorageClass belongs to whichever cloud its
 * provisioner names): each describes what it recognises and returns empty facts otherwise.
 */
export interface PlatformAdapter {
    /** Platform name, as in `kubeforge:platform`. */
    readonly platform: string;
    /**
     * True when this adapter understands resources of `type`.
     *
     * @param type - the resource's type token
     */
    claims(type: string): boolean;
    /**
     * Neutral facts about one resource this adapter claims.
     *
     * @param resource - the resource to describe
     */
    describe(resource: ResourceView): ResourceFacts;
}

/**
 * Facts with nothing in them, for adapters to fill in.
 *
 * @param platform - the adapter's platform name
 */
export function emptyFacts(platform: string): ResourceFacts {
    return { platform, disks: [], ingress: [] };
}
