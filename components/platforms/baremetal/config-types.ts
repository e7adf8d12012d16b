/**
 * Shapes and defaults of the `kubeforge:baremetal` block (the parsers are in config.ts and config-hosts.ts).
 */
import type { NodeRole } from "../../core/types";

/** One machine of the inventory. */
export interface BaremetalHost {
    /** The user's name for the host (messages and plan); its address when absent. */
    name: string;
    /** IPv4 address (or DNS name) kubeforge connects to, and the node's address. */
    address: string;
    /** SSH port. */
    port: number;
    /** Login user; commands run through `sudo -n` unless it is root. */
    user: string;
    /** SSH private key text: a Pulumi secret (host's own, or the block's `privateKey`). */
    privateKey: string;
    /** The host's public key line (`/etc/ssh/ssh_host_ed25519_key.pub`); absent only with trust-on-first-use. */
    hostKey?: string;
    /** Accept and record the key the host presents on first contact. */
    trustOnFirstUse: boolean;
    /** Failure domain in the user's words (rack, room, power feed). */
    failureDomain: string;
    /** What the host becomes. */
    role: NodeRole;
    /** Worker pool (`control-plane` for masters). */
    pool: string;
    /** Extra node labels for this host. */
    labels: Record<string, string>;
    /**
     * The node's ordinal in its pool (its name is `<cluster>-<pool>-<ordinal>`, `<cluster>-cp-<ordinal>`
     * for masters). Absent: the host's position among its pool's hosts. Write it down before removing a
     * host from the middle of a pool, so the hosts after it keep their names and are not rebuilt.
     */
    ordinal?: number;
}

/** Where the API answers. */
export type BaremetalEndpoint =
    | {
          /** A virtual IP held by kube-vip on the masters (ARP, leader election). */
          kind: "vip";
          /** The VIP (IPv4), on the masters' L2 network, unused by anything else. */
          address: string;
          /** Interface kube-vip binds the VIP to; kube-vip's own default-route choice when absent. */
          interface?: string;
      }
    | {
          /** A load balancer the user runs (HAProxy, F5...) forwarding TCP 6443 to every master. */
          kind: "loadBalancer";
          /** Its address or DNS name. */
          address: string;
      };

/** How LoadBalancer Services get addresses. */
export type ServiceLoadBalancer = "metallb" | "none";

/** The validated `kubeforge:baremetal` block. */
export interface BaremetalConfig {
    /** The inventory, in the order written (the order fixes node ordinals; append new hosts). */
    hosts: BaremetalHost[];
    /** API endpoint. */
    endpoint: BaremetalEndpoint;
    /** Addresses for LoadBalancer Services: CIDRs or `first-last` ranges. Empty: no Service LB. */
    serviceAddressPool: string[];
    /** The Service load balancer implementation (MetalLB in L2 mode by default). */
    serviceLoadBalancer: ServiceLoadBalancer;
    /** Default StorageClass provider. */
    storage: "local-path" | "none";
    /** Hosts bootstrapped at once. */
    concurrency: number;
    /** On removal, remove an unreachable host's Node and etcd member anyway (the host is not reset). */
    forceRemoveUnreachable: boolean;
}

/** Defaults. */
export const BAREMETAL_DEFAULTS = {
    port: 22,
    user: "root",
    concurrency: 10,
    storage: "local-path",
    serviceLoadBalancer: "metallb",
} as const;

export const BLOCK = "baremetal";
export const BLOCK_KEYS = [
    "hosts",
    "privateKey",
    "user",
    "endpoint",
    "serviceAddressPool",
    "serviceLoadBalancer",
    "storage",
    "concurrency",
    "forceRemoveUnreachable",
];
export const HOST_KEYS = [
    "name",
    "address",
    "port",
    "user",
    "privateKey",
    "hostKey",
    "trustOnFirstUse",
    "failureDomain",
    "role",
    "pool",
    "labels",
    "ordinal",
];
