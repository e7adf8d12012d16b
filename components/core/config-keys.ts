/**
 * The `kubeforge:*` keys the core reads, their defaults and limits: data shared by the config parsers.
 */
import { DEFAULT_KUBERNETES_VERSION } from "./versions";
import type { CniName, OsFamily, SpreadPolicy } from "./types";

/** The raw config: keys of the `kubeforge` namespace, objects and arrays already JSON-parsed. */
export type RawConfig = Record<string, unknown>;

/** JSON type of each top-level key, as `Pulumi.yaml` declares it. */
export const CONFIG_KEY_TYPES = {
    name: "string",
    platform: "string",
    kubernetesVersion: "string",
    controlPlane: "object",
    workerPools: "array",
    failureDomains: "array",
    network: "object",
    cni: "string",
    access: "object",
    secretsEncryption: "boolean",
    tags: "object",
    lifecycle: "object",
} as const satisfies Record<string, "string" | "boolean" | "object" | "array">;

/** Every top-level key the core reads (platform blocks, `kubeforge:<platform>`, come on top). */
export const CONFIG_KEYS = Object.keys(CONFIG_KEY_TYPES) as (keyof typeof CONFIG_KEY_TYPES)[];

/** Defaults applied when a key is absent. */
export const DEFAULTS = {
    kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
    controlPlane: { count: 3, diskSizeGb: 50, spread: "required" as SpreadPolicy },
    worker: { os: "linux" as OsFamily, spot: false, diskSizeGb: 50 },
    network: { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", nodeCidr: "10.0.0.0/16" },
    cni: "cilium" as CniName,
    secretsEncryption: true,
    lifecycle: { drainOnDelete: true, drainTimeoutSeconds: 600 },
} as const;

/** Smallest root disk, GiB (kubelet image GC starts fighting below this with a few images). */
export const MIN_DISK_GB = 20;
/** Smallest Windows root disk, GiB (Windows Server's own minimum is 32). */
export const MIN_WINDOWS_DISK_GB = 32;
/** Longest cluster name: it prefixes every resource and node name. */
export const MAX_CLUSTER_NAME = 32;
/** Master counts etcd keeps quorum with (and more than 7 only slows writes). */
export const CONTROL_PLANE_COUNTS: readonly number[] = [1, 3, 5, 7];
/** Pool names that would collide with the masters' names or pool. */
export const RESERVED_POOL_NAMES: readonly string[] = ["control-plane", "cp"];
/** Node names are host names: one DNS label. */
export const MAX_NODE_NAME = 63;
/** Per-node pod range the controller manager carves out (kubeadm defaults: /24 IPv4, /64 IPv6). */
export const NODE_POD_MASK: Record<4 | 6, number> = { 4: 24, 6: 64 };
/** Largest service range the API server allocates from: 20 host bits (a /12 in IPv4, a /108 in IPv6). */
export const MAX_SERVICE_HOST_BITS = 20;

export const CONTROL_PLANE_KEYS = ["count", "machineType", "diskSizeGb", "spread", "os"];
export const POOL_KEYS = [
    "name",
    "count",
    "machineType",
    "labels",
    "taints",
    "os",
    "spot",
    "diskSizeGb",
    "failureDomains",
    "kubernetesVersion",
];
export const NETWORK_KEYS = ["podCidr", "serviceCidr", "nodeCidr"];
export const ACCESS_KEYS = ["apiAllowedCidrs", "sshAllowedCidrs", "sshPublicKeys"];
export const TAINT_KEYS = ["key", "value", "effect"];
export const LIFECYCLE_KEYS = ["drainOnDelete", "drainTimeoutSeconds"];
/** Shortest drain timeout: evictions with a pod's default 30 s grace period need at least this. */
export const MIN_DRAIN_TIMEOUT_SECONDS = 60;
export const SSH_KEY =
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,2}( .*)?$/;
