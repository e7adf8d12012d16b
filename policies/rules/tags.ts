/**
 * Cloud tags: the cloud controller finds a cluster's machines and subnets by tag, and kubeforge's own
 * tools find roles by tag. Which keys a platform needs comes from its adapter.
 */
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { facts, outsideConfig, settings } from "./support";

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
        const lacking = (keys: string[]): string[] => keys.filter((k) => !tagging.present.includes(k));
        const own = lacking(tagging.required);
        const more = lacking(extra);
        if (own.length > 0) {
            reportViolation(
                `${tagging.subject} ${args.name} lacks tag(s) ${own.join(", ")}, by which the cloud controller and kubeforge find nodes; ` +
                    outsideConfig("puts them on every node resource it makes", "add them to it"),
            );
        }
        if (more.length > 0) {
            reportViolation(
                `${tagging.subject} ${args.name} lacks tag(s) ${more.join(", ")} this pack requires; set them in kubeforge:tags`,
            );
        }
    },
};

/** The tag family, in report order. */
export const tagPolicies = [nodeTags];
