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
import type { TagLimits } from "../../platform";
import { type OwnTagKey, formatTags, nodeTags } from "../../kit/tags";

/** What a DigitalOcean tag name may hold (API `tags` reference). */
export const TAG_NAME_RE = /^[A-Za-z0-9:_-]{1,255}$/;

/**
 * DigitalOcean's tag rules, declared in the platform's limits: a tag is one name of at most 255
 * characters from `[A-Za-z0-9:_-]`, so key and value each fit 255 and the joined `key:value` is
 * checked whole by checks.ts; DigitalOcean documents no per-droplet count, so none is declared.
 */
export const DO_TAG_LIMITS: TagLimits = {
    keyMax: 255,
    valueMax: 255,
    keyPattern: "^[A-Za-z0-9:_-]+$",
    valuePattern: "^[A-Za-z0-9:_-]*$",
    shape: "list",
};

/** The keys of kubeforge's identity tags on DigitalOcean (`kubeforge-role:worker`: the key, `:`, the value). */
const IDENTITY_KEYS: Readonly<Record<OwnTagKey, string>> = {
    cluster: "kubeforge-cluster",
    role: "kubeforge-role",
    pool: "kubeforge-pool",
    node: "kubeforge-node",
    failureDomain: "kubeforge-failure-domain",
};

/** Prefixes of the identity tags, read back by the policy adapter. */
export const IDENTITY_TAG = {
    cluster: `${IDENTITY_KEYS.cluster}:`,
    role: `${IDENTITY_KEYS.role}:`,
    pool: `${IDENTITY_KEYS.pool}:`,
    node: `${IDENTITY_KEYS.node}:`,
    failureDomain: `${IDENTITY_KEYS.failureDomain}:`,
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
 * The user's `kubeforge:tags` as DigitalOcean tag names (`key:value`, or `key` for an empty value), as
 * written, for checks.ts to test against {@link TAG_NAME_RE} (the kit's `formatTags` would make them fit).
 * @param tags - the cluster's tags
 */
export function userTags(tags: Record<string, string>): string[] {
    return Object.entries(tags).map(([k, v]) => (v === "" ? k : `${k}:${v}`));
}

function tagList(tags: Record<string, string>): string[] {
    return formatTags(tags, DO_TAG_LIMITS) as string[];
}

/**
 * Tags of one droplet: the user's tags, the ownership tag, the selectors it is in (valueless tags), then the kit's node identity.
 * @param spec - the cluster
 * @param node - the node the droplet realises
 */
export function dropletTags(spec: ClusterSpec, node: NodePlan): string[] {
    const selectors = clusterTags(spec.name);
    const extra: Record<string, string> = { [selectors.nodes]: "" };
    if (node.role === "control-plane") extra[selectors.controlPlane] = "";
    return tagList(nodeTags(spec, node, { keys: IDENTITY_KEYS, extra }));
}
