/**
 * Azure tags kubeforge writes. Azure tag names may not contain `<>%&\?/`, so the `kubeforge.io/role`
 * style keys of AWS become `kubeforge-role` here; Kubernetes labels keep their own keys. Pure.
 */
import type { ClusterSpec, ConfigIssue, NodePlan } from "../../core/types";
import { nodeTags, ownershipTags } from "../../kit/tags";

/** Tag keys kubeforge sets on Azure resources. */
export const AZURE_TAGS = {
    cluster: "kubeforge-cluster",
    role: "kubeforge-role",
    pool: "kubeforge-pool",
    node: "kubeforge-node",
    failureDomain: "kubeforge-failure-domain",
} as const;

/** Azure's limits: 50 tags a resource, names up to 512 characters, values up to 256. */
export const AZURE_TAG_LIMITS = { maxTags: 50, maxKeyLength: 512, maxValueLength: 256 } as const;
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
    const issues: ConfigIssue[] = [];
    const keys = Object.keys(spec.tags);
    const own = Object.keys(AZURE_TAGS).length;
    if (keys.length > AZURE_TAG_LIMITS.maxTags - own) {
        issues.push({
            field: "kubeforge:tags",
            message: `has ${keys.length} tags; Azure allows ${AZURE_TAG_LIMITS.maxTags} per resource and kubeforge uses ${own}, so keep at most ${AZURE_TAG_LIMITS.maxTags - own}`,
        });
    }
    for (const key of keys) {
        const field = `kubeforge:tags.${key}`;
        if (FORBIDDEN.test(key))
            issues.push({ field, message: "contains one of < > % & \\ ? /, which Azure tag names may not; rename the tag" });
        else if (
            key.toLowerCase().startsWith("microsoft") ||
            key.toLowerCase().startsWith("azure") ||
            key.toLowerCase().startsWith("windows")
        )
            issues.push({ field, message: "starts with a prefix Azure reserves (microsoft, azure, windows); rename the tag" });
        else if ((Object.values(AZURE_TAGS) as string[]).includes(key))
            issues.push({ field, message: "is a tag kubeforge sets itself on azure; rename the tag" });
        else if (key.length > AZURE_TAG_LIMITS.maxKeyLength)
            issues.push({
                field,
                message: `is ${key.length} characters long; Azure tag names hold at most ${AZURE_TAG_LIMITS.maxKeyLength}, shorten it`,
            });
        if (String(spec.tags[key]).length > AZURE_TAG_LIMITS.maxValueLength)
            issues.push({ field, message: `has a value over ${AZURE_TAG_LIMITS.maxValueLength} characters, Azure's limit; shorten it` });
    }
    return issues;
}
