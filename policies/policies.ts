/**
 * Every policy of the kubeforge pack, without the pack itself: importing this module starts no server,
 * so tests and `npm run plan` can run the policies in-process. Only `index.ts` constructs the pack.
 */
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { controlPlanePolicies } from "./rules/control-plane";
import { dataPolicies } from "./rules/data";
import { exposurePolicies } from "./rules/exposure";
import { metadataPolicies } from "./rules/metadata";
import { tagPolicies } from "./rules/tags";
import { versionPolicies } from "./rules/versions";

/** Name of the pack, as `pulumi preview --policy-pack` reports it. */
export const PACK_NAME = "kubeforge";

/** Level of a policy that does not set its own (every kubeforge policy does). */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

/** The policies, by family, in report order. */
export const policies: Policies = [
    ...controlPlanePolicies,
    ...exposurePolicies,
    ...dataPolicies,
    ...metadataPolicies,
    ...versionPolicies,
    ...tagPolicies,
];
