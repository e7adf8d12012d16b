/**
 * Tags on every AWS resource kubeforge creates. The cloud controller finds the cluster's subnets,
 * security groups, route tables and instances by `kubernetes.io/cluster/<name>`; the policy pack and
 * people find them by the `kubeforge.io/*` keys. Pure.
 */
import type { ClusterSpec, NodePlan } from "../../core/types";
import type { TagLimits } from "../../platform";
import { nodeTags, ownershipTags, type TagOptions } from "../../kit/tags";

/** EC2's tag limits: 50 tags a resource, keys up to 128 characters, values up to 256. */
export const AWS_TAG_LIMITS: TagLimits = { maxCount: 50, keyMax: 128, valueMax: 256, shape: "map" };

/**
 * The cloud-provider-aws ownership tag key of a cluster.
 * @param clusterName - the cluster name
 */
export function clusterTagKey(clusterName: string): string {
    return `kubernetes.io/cluster/${clusterName}`;
}

/** kubeforge's tags that AWS writes before the ownership tag: the `Name` the console shows, the cloud provider's ownership tag. */
function leading(spec: ClusterSpec, name: string): TagOptions {
    return { leading: { Name: name, [clusterTagKey(spec.name)]: "owned" } };
}

/**
 * Tags for a cluster-owned resource: the user's `tags`, then kubeforge's own (which win): the kit's
 * ownership tags with AWS's `Name` and `kubernetes.io/cluster/<name>`.
 * @param spec - the cluster
 * @param name - the resource's `Name` tag
 * @param extra - resource-specific tags (subnet roles, endpoint)
 */
export function resourceTags(spec: ClusterSpec, name: string, extra: Record<string, string> = {}): Record<string, string> {
    return ownershipTags(spec, extra, leading(spec, name));
}

/**
 * Tags of one machine: the kit's node identity (role, pool, NodePlan name, failure domain) on top of the cluster tags.
 * AWS takes the neutral `kubeforge.io/*` keys as they are, so no `formatTags` step is needed.
 * @param spec - the cluster
 * @param node - the node the machine realises
 */
export function machineTags(spec: ClusterSpec, node: NodePlan): Record<string, string> {
    return nodeTags(spec, node, leading(spec, node.name));
}
