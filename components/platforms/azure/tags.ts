/**
 * Azure tags kubeforge writes. Azure tag names may not contain `<>%&\?/`, so the `kubeforge.io/role`
 * style keys of AWS become `kubeforge-role` here; Kubernetes labels keep their own keys. Pure.
 */
import type { ClusterSpec, ConfigIssue, NodePlan } from "../../core/types";
import { nodeTags, ownershipTags, tagLimitIssues } from "../../kit/tags";
import type { TagLimits } from "../../platform";

/** Tag keys kubeforge sets on Azure resources. */
export const AZURE_TAGS = {
    cluster: "kubeforge-cluster",
    role: "kubeforge-role",
    pool: "kubeforge-pool",
    node: "kubeforge-node",
    failureDomain: "kubeforge-failure-domain",
} as const;

/** Azure's limits: 50 tags a resource, names up to 512 characters, values up to 256. */
export const AZURE_TAG_LIMITS: TagLimits = { maxCount: 50, keyMax: 512, valueMax: 256, shape: "map" };
const FORBIDDEN = /[<>%&\\?/]/;

/**
 * Tags of a cluster resource: the user's, then kubeforge's (the kit's ownership tags under Azure's keys).
 * @param spec - the cluster
 * @param extra - more tags for this resource
 */
export function resourceTags(spec: ClusterSpec, extra: Record<string, string> = {}): Record<string, string> {
    return ownershipTags(spec, extra, { keys: AZURE_TAGS });
}

/**
 * Tags of a node's VM: the kit's node identity under Azure's keys (a plain map: no `formatTags` step).
 * @param spec - the cluster
 * @param node - the node
 */
export function machineTags(spec: ClusterSpec, node: NodePlan): Record<string, string> {
    return nodeTags(spec, node, { keys: AZURE_TAGS });
}

/**
 * User tags Azure would refuse, or that kubeforge overwrites.
 * @param spec - the cluster
 */
export function checkAzureTags(spec: ClusterSpec): ConfigIssue[] {
    return tagLimitIssues(spec.tags, AZURE_TAG_LIMITS, {
        provider: "Azure",
        noun: "tag",
        reserved: Object.keys(AZURE_TAGS).length,
        refuseKey: (key) => {
            if (FORBIDDEN.test(key)) return "contains one of < > % & \\ ? /, which Azure tag names may not; rename the tag";
            if (/^(microsoft|azure|windows)/i.test(key))
                return "starts with a prefix Azure reserves (microsoft, azure, windows); rename the tag";
            if ((Object.values(AZURE_TAGS) as string[]).includes(key)) return "is a tag kubeforge sets itself on azure; rename the tag";
            return undefined;
        },
    });
}
