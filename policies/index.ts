/**
 * Entry point of the kubeforge policy pack: `pulumi preview --policy-pack policies`. Constructing the
 * pack starts its gRPC server, so nothing may import this file; import `./policies` instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, {
    policies,
    enforcementLevel: PACK_ENFORCEMENT_LEVEL,
    description: "Stops fragile or unsafe kubeforge clusters before they are built.",
});
