/**
 * Names of the cluster's GCP resources that other resources or the CCM refer to, known before any
 * resource exists. Pure. Every one starts with the cluster name (checked to start with a letter).
 */
import { LABELS, type ClusterSpec, type NodePlan } from "../../core/types";

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

/** Label key/values must be lower case: a GCP label cannot hold `kubeforge.io/role`. */
function labelKey(key: string): string {
    return key.replace(/\./g, "_").replace(/\//g, "-");
}

/**
 * Labels for a cluster-owned resource: the user's `tags`, then kubeforge's own (which win), in the
 * characters Compute Engine labels allow (`kubeforge_io-cluster`).
 * @param spec - the cluster
 * @param extra - resource-specific labels (role, pool, node)
 */
export function resourceLabels(spec: ClusterSpec, extra: Record<string, string> = {}): Record<string, string> {
    const own: Record<string, string> = { [LABELS.cluster]: spec.name, ...extra };
    return { ...spec.tags, ...Object.fromEntries(Object.entries(own).map(([k, v]) => [labelKey(k), v.toLowerCase()])) };
}

/**
 * Labels of one machine: the node's identity on top of the cluster labels.
 * @param spec - the cluster
 * @param node - the node the machine realises
 */
export function machineLabels(spec: ClusterSpec, node: NodePlan): Record<string, string> {
    return resourceLabels(spec, {
        [LABELS.role]: node.role,
        [LABELS.pool]: node.pool,
        [LABELS.node]: node.name,
        [LABELS.kubeforgeFailureDomain]: node.failureDomain,
    });
}

/** The label keys {@link machineLabels} writes, as the policy adapter reads them back. */
export const LABEL_KEYS = {
    cluster: labelKey(LABELS.cluster),
    role: labelKey(LABELS.role),
    pool: labelKey(LABELS.pool),
    node: labelKey(LABELS.node),
    failureDomain: labelKey(LABELS.kubeforgeFailureDomain),
} as const;
