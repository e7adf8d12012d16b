/**
 * The provider-neutral cluster model. Everything here is plain data: the config loader produces a
 * {@link ClusterSpec}, placement turns it into {@link NodePlan}s, and every platform and the bootstrap
 * renderers consume those. No Pulumi types appear in this file on purpose, so the pure logic that
 * works on it can be tested without mocks.
 */

/** Operating system family of a node. Masters are always Linux. */
export type OsFamily = "linux" | "windows";

/** Role of a node in the cluster. */
export type NodeRole = "control-plane" | "worker";

/** Effect of a Kubernetes taint, as in `core/v1` `TaintEffect`. */
export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

/** A Kubernetes taint placed on every node of a pool at registration. */
export interface Taint {
    /** Taint key: a qualified name such as `dedicated` or `example.com/gpu`. */
    key: string;
    /** Optional value (a label value: up to 63 characters). */
    value?: string;
    /** What the taint does to pods that do not tolerate it. */
    effect: TaintEffect;
}

/** The CNI the cluster runs. `none` leaves networking to the user (nodes stay NotReady until one is installed). */
export type CniName = "cilium" | "calico" | "none";

/** The control plane: masters run the API server, scheduler, controller manager and stacked etcd. */
export interface ControlPlaneSpec {
    /** Number of masters: 1, 3, 5 or 7 (odd, so etcd keeps quorum). */
    count: number;
    /** Machine size in the platform's own words (e.g. `m7i.large` on AWS); platform default when absent. */
    machineType?: string;
    /** Root disk size in GiB. */
    diskSizeGb: number;
    /**
     * How strictly masters spread over failure domains; absent means `required`. Added after the
     * first contract as an optional field so existing literals stay valid.
     */
    spread?: SpreadPolicy;
}

/**
 * `required`: the cluster must offer at least min(masters, 3) failure domains and masters spread
 * evenly over them; `preferred`: spread as well as the domains allow, even all in one.
 */
export type SpreadPolicy = "required" | "preferred";

/** A named group of identical workers. */
export interface WorkerPoolSpec {
    /** Pool name: a DNS label (lower case, digits, `-`), unique in the cluster. Part of every node name. */
    name: string;
    /** Number of nodes. Changing it adds or removes exactly the difference, highest ordinals first. */
    count: number;
    /** Machine size in the platform's own words; platform default when absent. */
    machineType?: string;
    /** Labels put on each node at registration (`kubelet --node-labels`). */
    labels: Record<string, string>;
    /** Taints put on each node at registration. */
    taints: Taint[];
    /** Operating system of the pool's nodes. */
    os: OsFamily;
    /** Use spot / preemptible capacity where the platform offers it. */
    spot: boolean;
    /** Root disk size in GiB. */
    diskSizeGb: number;
    /**
     * Failure domains this pool may use, a subset of the cluster's; all of the cluster's when absent.
     */
    failureDomains?: string[];
    /**
     * Kubernetes version of this pool's kubelets when it lags the control plane during an upgrade
     * (at most the allowed skew behind); the cluster version when absent.
     */
    kubernetesVersion?: string;
}

/** Address ranges of the cluster. */
export interface NetworkSpec {
    /** Pod CIDR (`ClusterConfiguration.networking.podSubnet`). */
    podCidr: string;
    /** Service CIDR (`ClusterConfiguration.networking.serviceSubnet`). */
    serviceCidr: string;
    /** The machines' own network (the VPC on clouds, informational on bare metal). */
    nodeCidr: string;
}

/** Who may reach the cluster from outside. */
export interface AccessSpec {
    /** CIDRs allowed to reach the Kubernetes API endpoint (port 6443). */
    apiAllowedCidrs: string[];
    /** CIDRs allowed to reach SSH (port 22) on the machines; empty closes SSH entirely. */
    sshAllowedCidrs: string[];
    /** SSH public keys installed for the admin user on every machine (clouds). */
    sshPublicKeys: string[];
}

/** Scale-down behaviour. */
export interface LifecycleSpec {
    /**
     * Drain a node (cordon, evict respecting PodDisruptionBudgets) before its machine is deleted.
     * Set it to false, and `pulumi up`, before `pulumi destroy` of a whole cluster: with every node
     * leaving at once, evicted pods have nowhere to go and the drains could only time out.
     */
    drainOnDelete: boolean;
    /** How long one node's drain may take before the deletion fails, in seconds. */
    drainTimeoutSeconds: number;
    /**
     * Lifetime of the bootstrap token new machines join with, in hours (2 to 720). A `pulumi up` mints a
     * fresh one once half of it has passed (see components/core/token-window.ts).
     */
    bootstrapTokenHours: number;
}

/** The whole cluster, validated and with every default filled in. */
export interface ClusterSpec {
    /** Cluster name: a DNS label, at most 32 characters (it prefixes every resource name and tag). */
    name: string;
    /** Full Kubernetes version, e.g. `1.36.3`. */
    kubernetesVersion: string;
    /** Minor version, e.g. `1.36`: selects the pkgs.k8s.io repository. */
    kubernetesMinor: string;
    /** The control plane. */
    controlPlane: ControlPlaneSpec;
    /** Worker pools, in the order the user wrote them. */
    workerPools: WorkerPoolSpec[];
    /**
     * Failure domains (zones, racks, rooms) to spread over, in order. Placement is round-robin by
     * ordinal over this list, so any change to it can move nodes: removing or reordering a domain, and
     * also appending one (every node whose ordinal is at least the old domain count changes domain).
     */
    failureDomains: string[];
    /** Address ranges. */
    network: NetworkSpec;
    /** CNI plugin. */
    cni: CniName;
    /** Exposure. */
    access: AccessSpec;
    /** Encrypt Secrets at rest in etcd (aescbc key generated by the program). */
    secretsEncryption: boolean;
    /** Extra tags / labels put on every cloud resource that takes them. */
    tags: Record<string, string>;
    /** What happens to a node that leaves the cluster. */
    lifecycle: LifecycleSpec;
    /** Name of the platform (the folder under `components/platforms/`). */
    platform: string;
}

/** One machine the cluster wants: the unit every platform creates and every renderer configures. */
export interface NodePlan {
    /**
     * Stable name, the key of every per-node resource: `<cluster>-cp-<ordinal>` for masters,
     * `<cluster>-<pool>-<ordinal>` for workers. Never reused for another position.
     */
    name: string;
    /** Role. */
    role: NodeRole;
    /** Pool name; `control-plane` for masters. */
    pool: string;
    /** Ordinal within the pool, from 0. */
    ordinal: number;
    /** Failure domain the node is pinned to. */
    failureDomain: string;
    /** Operating system. */
    os: OsFamily;
    /** Machine size; undefined means the platform default. */
    machineType?: string;
    /** Root disk size in GiB. */
    diskSizeGb: number;
    /** Spot / preemptible capacity. */
    spot: boolean;
    /** Node labels (including kubeforge's own `kubeforge.io/*` labels). */
    labels: Record<string, string>;
    /** Node taints (masters carry the control-plane taint). */
    taints: Taint[];
    /** Kubelet version of this node. */
    kubernetesVersion: string;
    /** True for the one master that runs `kubeadm init`; every other node joins. */
    initNode: boolean;
}

/** One problem with the configuration, aimed at the person who wrote it. */
export interface ConfigIssue {
    /** Config path of the offending field, e.g. `kubeforge:workerPools[1].name`. */
    field: string;
    /** What is wrong and how to fix it. */
    message: string;
}

/** Thrown when the configuration is invalid; carries every problem found, not just the first. */
export class ConfigError extends Error {
    constructor(readonly issues: ConfigIssue[]) {
        super(
            `invalid kubeforge configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
                issues.map((i) => `  - ${i.field}: ${i.message}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** Labels and tag keys kubeforge itself sets. */
export const LABELS = {
    role: "kubeforge.io/role",
    pool: "kubeforge.io/pool",
    node: "kubeforge.io/node",
    cluster: "kubeforge.io/cluster",
    failureDomain: "topology.kubernetes.io/zone",
    /**
     * The failure domain as kubeforge placed the node. Kept apart from `topology.kubernetes.io/zone`
     * on purpose: on clouds the cloud-controller-manager owns the topology labels and overwrites them
     * with the cloud's own zone names (Azure writes `eastus-1` where the config says `1`), so a
     * kubelet-set zone label would either be clobbered or disagree with it. Kubelet may set any key
     * outside the kubernetes.io / k8s.io namespaces, so this one always reaches the Node.
     */
    kubeforgeFailureDomain: "kubeforge.io/failure-domain",
} as const;

/** The taint kubeadm puts on masters so they run only the control plane. */
export const CONTROL_PLANE_TAINT: Taint = { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" };
