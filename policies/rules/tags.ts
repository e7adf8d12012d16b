/**
 * Cloud tags: the cloud controller finds a cluster's machines and subnets by tag, and kubeforge's own
 * tools find roles by tag. Which keys a platform needs comes from its adapter.
 */
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { facts, settings } from "./support";

const tagSchema: PolicyConfigSchema = {
    properties: {
        extraTagKeys: {
            type: "array",
            items: { type: "string" },
            default: [],
            description:
                "More tag keys every node resource must carry (`{cluster}` is replaced by the cluster name), e.g. owner or cost-center.",
        },
    },
};

/** Node machines (and cluster subnets) carry the tags the cloud controller and kubeforge need. */
export const nodeTags: ResourceValidationPolicy = {
    name: "node-tags",
    description:
        "Node resources carry the cluster and role tags the cloud controller needs (AWS: kubernetes.io/cluster/<name>, kubeforge.io/role).",
    enforcementLevel: "mandatory",
    severity: "medium",
    configSchema: tagSchema,
    validateResource: (args, reportViolation) => {
        const { extraTagKeys } = settings<{ extraTagKeys: string[] }>(tagSchema, args);
        const tagging = facts(args)?.tagging;
        if (!tagging) return args.notApplicable("not a tagged node resource");
        const extra =
            tagging.subject === "subnet" ? [] : extraTagKeys.map((k) => k.replaceAll("{cluster}", tagging.cluster ?? "<cluster>"));
        const missing = [...tagging.required, ...extra].filter((k) => !tagging.present.includes(k));
        if (missing.length > 0) {
            reportViolation(
                `${tagging.subject} ${args.name} lacks tag(s) ${missing.join(", ")}; the cloud controller and kubeforge find nodes by them`,
            );
        }
    },
};

/** The tag family, in report order. */
export const tagPolicies = [nodeTags];
