/**
 * Names of the cluster's GCP resources that other resources or the CCM refer to, known before any
 * resource exists. Pure. Every one starts with the cluster name (checked to start with a letter).
 */
import type { ClusterSpec, NodePlan } from "../../core/types";
import type { TagLimits } from "../../platform";
import { NEUTRAL_TAG_KEYS, type OwnTagKey, formatTags, nodeTags, ownershipTags } from "../../kit/tags";

/** Network tags: the targets and sources of firewall rules. */
export interface NetworkTags {
    /** On every node (the CCM's `node-tags`: Service load balancer rules target it). */
    node: string;
    /** On masters only. */
    controlPlane: string;
}

/**
 * The cluster's network tags.
 * @param clusterName - the cluster name
 */
export function networkTags(clusterName: string): NetworkTags {
    return { node: `${clusterName}-node`, controlPlane: `${clusterName}-control-plane` };
}

/**
 * Name of a created network and its subnetwork.
 * @param clusterName - the cluster name
 */
export function createdNetworkNames(clusterName: string): { network: string; subnetwork: string } {
    return { network: clusterName, subnetwork: `${clusterName}-nodes` };
}

/** What a Compute Engine label key may be: lower case, a letter first, at most 63 characters. */
export const LABEL_KEY_RE = /^[a-z][a-z0-9_-]{0,62}$/;
/** What a Compute Engine label value may be: lower case, at most 63 characters. */
export const LABEL_VALUE_RE = /^[a-z0-9_-]{0,63}$/;
/** Compute Engine's label rules: 64 labels a resource, lower-case keys starting with a letter, keys and values up to 63 characters. */
export const GCP_LABEL_LIMITS: TagLimits = {
    maxCount: 64,
    keyMax: 63,
    valueMax: 63,
    keyPattern: LABEL_KEY_RE.source,
    valuePattern: LABEL_VALUE_RE.source,
    shape: "map",
};

/**
 * A GCP label cannot hold `kubeforge.io/role`: kubeforge's keys become `kubeforge_io-role` (`.` to `_`,
 * `/` to `-`). Kept as running stacks have them (the kit's generic label-safe form would write
 * `kubeforge_io_role` and relabel every resource).
 */
function labelKey(key: string): string {
    return key.replace(/\./g, "_").replace(/\//g, "-");
}

/** The label keys kubeforge writes on GCP, as the policy adapter reads them back. */
export const LABEL_KEYS: Readonly<Record<OwnTagKey, string>> = {
    cluster: labelKey(NEUTRAL_TAG_KEYS.cluster),
    role: labelKey(NEUTRAL_TAG_KEYS.role),
    pool: labelKey(NEUTRAL_TAG_KEYS.pool),
    node: labelKey(NEUTRAL_TAG_KEYS.node),
    failureDomain: labelKey(NEUTRAL_TAG_KEYS.failureDomain),
};

function labels(tags: Record<string, string>): Record<string, string> {
    return formatTags(tags, GCP_LABEL_LIMITS) as Record<string, string>;
}

/**
 * Labels for a cluster-owned resource: the user's `tags`, then kubeforge's own (which win): the kit's
 * ownership tags under {@link LABEL_KEYS}, lower-cased into the characters Compute Engine labels allow.
 * @param spec - the cluster
 */
export function resourceLabels(spec: ClusterSpec): Record<string, string> {
    return labels(ownershipTags(spec, {}, { keys: LABEL_KEYS }));
}

/**
 * Labels of one machine: the kit's node identity on top of the cluster labels.
 * @param spec - the cluster
 * @param node - the node the machine realises
 */
export function machineLabels(spec: ClusterSpec, node: NodePlan): Record<string, string> {
    return labels(nodeTags(spec, node, { keys: LABEL_KEYS }));
}
