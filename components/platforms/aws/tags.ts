/**
 * Tags on every AWS resource kubeforge creates. The cloud controller finds the cluster's subnets,
 * security groups, route tables and instances by `kubernetes.io/cluster/<name>`; the policy pack and
 * people find them by the `kubeforge.io/*` keys. Pure.
 */
import { LABELS, type ClusterSpec, type NodePlan } from "../../core/types";
import type { TagLimits } from "../../platform";

/** EC2's tag limits: 50 tags a resource, keys up to 128 characters, values up to 256. */
export const AWS_TAG_LIMITS: TagLimits = { maxCount: 50, keyMax: 128, valueMax: 256, shape: "map" };

/**
 * The cloud-provider-aws ownership tag key of a cluster.
 * @param clusterName - the cluster name
 */
export function clusterTagKey(clusterName: string): string {
    return `kubernetes.io/cluster/${clusterName}`;
}

/**
 * Tags for a cluster-owned resource: the user's `tags`, then kubeforge's own (which win).
 * @param spec - the cluster
 * @param name - the resource's `Name` tag
 * @param extra - resource-specific tags (subnet roles, node identity)
 */
export function resourceTags(spec: ClusterSpec, name: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
        ...spec.tags,
        Name: name,
        [clusterTagKey(spec.name)]: "owned",
        [LABELS.cluster]: spec.name,
        ...extra,
    };
}

/**
 * Tags of one machine: identity of the node (role, pool, NodePlan name, zone) on top of the cluster tags.
 * @param spec - the cluster
 * @param node - the node the machine realises
 */
export function machineTags(spec: ClusterSpec, node: NodePlan): Record<string, string> {
    return resourceTags(spec, node.name, {
        [LABELS.role]: node.role,
        [LABELS.pool]: node.pool,
        [LABELS.node]: node.name,
        [LABELS.kubeforgeFailureDomain]: node.failureDomain,
    });
}
