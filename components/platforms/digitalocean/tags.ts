/**
 * DigitalOcean tags: flat names (letters, digits, `:`, `-`, `_`, at most 255 characters), not key/value
 * pairs. They do two jobs here:
 * - selectors, scoped to the cluster, that the firewall and the API load balancers target
 *   (`kubeforge-<cluster>`, `kubeforge-<cluster>-control-plane`): a droplet is in the cluster's
 *   firewall and behind its load balancers because of its tags, so adding a node changes no other
 *   resource;
 * - identity the policy pack reads (`kubeforge-role:worker`, `kubeforge-node:<node>`, ...).
 * User tags (`kubeforge:tags`) become `key:value`. Pure.
 */
import type { ClusterSpec, NodePlan } from "../../core/types";

/** What a DigitalOcean tag name may hold (API `tags` reference). */
export const TAG_NAME_RE = /^[A-Za-z0-9:_-]{1,255}$/;

/** Prefixes of the identity tags, read back by the policy adapter. */
export const IDENTITY_TAG = {
    cluster: "kubeforge-cluster:",
    role: "kubeforge-role:",
    pool: "kubeforge-pool:",
    node: "kubeforge-node:",
    failureDomain: "kubeforge-failure-domain:",
} as const;

/** The cluster's selector tags. */
export interface ClusterTags {
    /** Every droplet of the cluster: the firewall's target and the source of cluster-internal traffic. */
    nodes: string;
    /** The masters: the API load balancers' backends, etcd peers. */
    controlPlane: string;
}

/**
 * The cluster's selector tags.
 * @param clusterName - the cluster name
 */
export function clusterTags(clusterName: string): ClusterTags {
    return { nodes: `kubeforge-${clusterName}`, controlPlane: `kubeforge-${clusterName}-control-plane` };
}

/**
 * The user's `kubeforge:tags` as DigitalOcean tag names (`key:value`, or `key` for an empty value).
 * @param tags - the cluster's tags
 */
export function userTags(tags: Record<string, string>): string[] {
    return Object.entries(tags).map(([k, v]) => (v === "" ? k : `${k}:${v}`));
}

/**
 * Tags of a cluster-owned resource that is not a droplet (VPC, firewall, load balancer).
 * @param spec - the cluster
 */
export function resourceTags(spec: ClusterSpec): string[] {
    return [...userTags(spec.tags), `${IDENTITY_TAG.cluster}${spec.name}`];
}

/**
 * Tags of one droplet: the selectors it is in, then its identity.
 * @param spec - the cluster
 * @param node - the node the droplet realises
 */
export function dropletTags(spec: ClusterSpec, node: NodePlan): string[] {
    const selectors = clusterTags(spec.name);
    return [
        ...resourceTags(spec),
        selectors.nodes,
        ...(node.role === "control-plane" ? [selectors.controlPlane] : []),
        `${IDENTITY_TAG.role}${node.role}`,
        `${IDENTITY_TAG.pool}${node.pool}`,
        `${IDENTITY_TAG.node}${node.name}`,
        `${IDENTITY_TAG.failureDomain}${node.failureDomain}`,
    ];
}
