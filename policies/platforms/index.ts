/**
 * Every platform adapter the pack knows. Adding a platform = writing `policies/platforms/<name>.ts` and
 * listing it here; no rule changes.
 */
import type { PlatformAdapter, ResourceFacts, ResourceView } from "../facts";
import { awsAdapter } from "./aws";
import { baremetalAdapter } from "./baremetal";
import { azureAdapter } from "../../components/platforms/azure/policy";
import gcpAdapter from "../../components/platforms/gcp/policy";
import { digitalOceanAdapter } from "../../components/platforms/digitalocean/policy";

/** The registered adapters. */
export const ADAPTERS: readonly PlatformAdapter[] = [awsAdapter, baremetalAdapter, azureAdapter, gcpAdapter, digitalOceanAdapter];

/**
 * Neutral facts about `resource` from every adapter that claims its type, merged (lists concatenated,
 * the first adapter's single facts kept); undefined when none claims it.
 *
 * @param resource - the resource to describe
 * @param adapters - adapters to ask (the registered ones by default; tests pass their own)
 */
export function factsOf(resource: ResourceView, adapters: readonly PlatformAdapter[] = ADAPTERS): ResourceFacts | undefined {
    const all = adapters.filter((a) => a.claims(resource.type)).map((a) => a.describe(resource));
    if (all.length === 0) return undefined;
    return all.slice(1).reduce<ResourceFacts>(
        (merged, f) => ({
            platform: merged.platform,
            machine: merged.machine ?? f.machine,
            disks: [...merged.disks, ...f.disks],
            metadata: merged.metadata ?? f.metadata,
            ingress: [...merged.ingress, ...f.ingress],
            firewallGroup: merged.firewallGroup ?? f.firewallGroup,
            tagging: merged.tagging ?? f.tagging,
            apiListener: merged.apiListener ?? f.apiListener,
        }),
        all[0],
    );
}
