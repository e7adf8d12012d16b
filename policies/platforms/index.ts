/**
 * Every platform adapter the pack knows. Adding a platform = writing `policies/platforms/<name>.ts` and
 * listing it here; no rule changes.
 */
import type { PlatformAdapter, ResourceFacts, ResourceView } from "../facts";
import { awsAdapter } from "./aws";
import { baremetalAdapter } from "./baremetal";

/** The registered adapters, first match wins. */
export const ADAPTERS: readonly PlatformAdapter[] = [awsAdapter, baremetalAdapter];

/**
 * Neutral facts about `resource` from the first adapter that claims its type; undefined when none does.
 *
 * @param resource - the resource to describe
 * @param adapters - adapters to ask (the registered ones by default; tests pass their own)
 */
export function factsOf(resource: ResourceView, adapters: readonly PlatformAdapter[] = ADAPTERS): ResourceFacts | undefined {
    const adapter = adapters.find((a) => a.claims(resource.type));
    return adapter?.describe(resource);
}
