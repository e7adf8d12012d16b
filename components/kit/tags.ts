/**
 * Ownership tags/labels in a provider-neutral form: which keys and values mark a resource as the
 * cluster's, and a node's identity (role, pool, NodePlan name, failure domain). Each platform turns the
 * result into its own shape with {@link formatTags} under its declared {@link TagLimits}: a key/value
 * map (AWS, Azure), a lowercase label map (GCP: `/` and `.` are not allowed in keys), or a list of
 * strings (DigitalOcean). Pure.
 */
import { childPath, fieldName } from "../core/fields";
import { LABELS, type ClusterSpec, type ConfigIssue, type NodePlan } from "../core/types";
import type { TagLimits } from "../platform";

/** kubeforge's own tag keys, by what they say (see {@link LABELS}). */
export type OwnTagKey = "cluster" | "role" | "pool" | "node" | "failureDomain";

/** The neutral key of each of kubeforge's own tags (`kubeforge.io/cluster`, ...). */
export const NEUTRAL_TAG_KEYS: Readonly<Record<OwnTagKey, string>> = {
    cluster: LABELS.cluster,
    role: LABELS.role,
    pool: LABELS.pool,
    node: LABELS.node,
    failureDomain: LABELS.kubeforgeFailureDomain,
};

/**
 * How a platform writes kubeforge's own tags where the neutral form does not fit it. Platforms that
 * shipped before the kit keep their keys through these options: a changed tag key or order would
 * update every resource of every running stack.
 */
export interface TagOptions {
    /**
     * The provider's key for each of kubeforge's own tags, where it differs from the neutral one (Azure
     * tag names cannot hold `/`: `kubeforge-cluster`; GCP labels: `kubeforge_io-cluster`).
     */
    keys?: Partial<Record<OwnTagKey, string>>;
    /**
     * kubeforge's tags written before the ownership tag (AWS: `Name` and the cloud provider's
     * `kubernetes.io/cluster/<name>`); like every kubeforge tag they win over the user's.
     */
    leading?: Record<string, string>;
}

/**
 * The key a platform writes for one of kubeforge's own tags.
 *
 * @param key - which tag
 * @param options - the platform's key mapping
 */
export function ownTagKey(key: OwnTagKey, options: TagOptions = {}): string {
    return options.keys?.[key] ?? NEUTRAL_TAG_KEYS[key];
}

/**
 * The neutral tags of a cluster-owned resource: the user's `kubeforge:tags`, then kubeforge's own (which win).
 *
 * @param spec - the cluster
 * @param extra - resource-specific tags, written last
 * @param options - the platform's own keys and leading tags
 */
export function ownershipTags(
    spec: Pick<ClusterSpec, "name" | "tags">,
    extra: Record<string, string> = {},
    options: TagOptions = {},
): Record<string, string> {
    return { ...spec.tags, ...options.leading, [ownTagKey("cluster", options)]: spec.name, ...extra };
}

/**
 * The neutral tags of a machine: the ownership tags plus the node's identity.
 *
 * @param spec - the cluster
 * @param node - the node the machine realises
 * @param options - the platform's own keys and leading tags, and `extra` tags written between the
 *   ownership tag and the node's identity (DigitalOcean's selector tags)
 */
export function nodeTags(
    spec: Pick<ClusterSpec, "name" | "tags">,
    node: Pick<NodePlan, "name" | "role" | "pool" | "failureDomain">,
    options: TagOptions & { extra?: Record<string, string> } = {},
): Record<string, string> {
    return ownershipTags(
        spec,
        {
            ...options.extra,
            [ownTagKey("role", options)]: node.role,
            [ownTagKey("pool", options)]: node.pool,
            [ownTagKey("node", options)]: node.name,
            [ownTagKey("failureDomain", options)]: node.failureDomain,
        },
        options,
    );
}

/**
 * A key or value made to fit label rules that allow only `[a-z0-9_-]` (GCP labels): lowercased,
 * every other character becomes `_`, cut to `max`. `kubeforge.io/role` becomes `kubeforge_io_role`.
 *
 * @param text - the key or value
 * @param max - the longest allowed
 */
export function labelSafe(text: string, max: number): string {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9_-]/g, "_")
        .slice(0, max);
}

/**
 * Tags shaped for a provider. `map` platforms whose `keyPattern` forbids `/` or `.` get {@link labelSafe}
 * keys and values; `list` platforms get `key:value` strings (DigitalOcean tags), both made label-safe.
 * Throws when the result breaks the limits (a bug or a `kubeforge:tags` the parser should have
 * rejected: see {@link tagLimitIssues}).
 *
 * @param tags - neutral tags ({@link ownershipTags}, {@link nodeTags})
 * @param limits - the platform's declared limits
 */
export function formatTags(tags: Record<string, string>, limits: TagLimits): Record<string, string> | string[] {
    const keyRe = limits.keyPattern ? new RegExp(limits.keyPattern) : undefined;
    const valueRe = limits.valuePattern ? new RegExp(limits.valuePattern) : undefined;
    const fitKey = (k: string) => (keyRe && !keyRe.test(k) ? labelSafe(k, limits.keyMax) : k);
    const fitValue = (v: string) => (valueRe && !valueRe.test(v) ? labelSafe(v, limits.valueMax) : v);
    const entries = Object.entries(tags).map(([k, v]) => [fitKey(k), fitValue(v)] as const);
    if (limits.maxCount !== undefined && entries.length > limits.maxCount)
        throw new Error(`${entries.length} tags, over the provider's limit of ${limits.maxCount}`);
    if (limits.shape === "list") return entries.map(([k, v]) => (v === "" ? k : `${k}:${v}`));
    return Object.fromEntries(entries);
}

/** A platform's own rules on `kubeforge:tags`, on top of the counts and lengths it declares ({@link TagLimits}). */
export interface TagRules {
    /** Who sets the limits, for messages: `AWS`, `Azure`, `Compute Engine`. */
    provider: string;
    /** What the provider calls a tag, for messages: `tag`, `label`. */
    noun: string;
    /** Tags kubeforge keeps for its own on the busiest resource (a machine), so the user's may number `maxCount - reserved`. */
    reserved: number;
    /**
     * The platform's refusal of a key (a prefix the provider reserves, a key kubeforge sets itself, a
     * character the provider forbids), as `<what is wrong>; <the fix>`; undefined when the key is fine.
     * Checked before the key's length, which is then not reported as well.
     */
    refuseKey?: (key: string) => string | undefined;
    /** The platform's refusal of a value (characters it forbids), checked before the value's length. */
    refuseValue?: (value: string) => string | undefined;
}

/**
 * Problems of the user's `kubeforge:tags` under a platform's declared limits and its own rules: too many
 * tags (at `kubeforge:tags`), then per key (at `kubeforge:tags.<key>` or `kubeforge:tags["<key>"]`) the
 * platform's refusal of the key or else its length, and the platform's refusal of the value or else its
 * length. Every message names the limit and the fix. Platforms whose tags are one string (DigitalOcean's
 * `key:value`) check that string themselves.
 *
 * @param tags - the user's tags
 * @param limits - the platform's declared limits
 * @param rules - the provider's name, kubeforge's share of the count, the platform's own key and value rules
 */
export function tagLimitIssues(tags: Record<string, string>, limits: TagLimits, rules: TagRules): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const { provider, noun, reserved } = rules;
    const keys = Object.keys(tags);
    const room = limits.maxCount === undefined ? Infinity : limits.maxCount - reserved;
    if (keys.length > room) {
        issues.push({
            field: fieldName("tags"),
            message: `has ${keys.length} tags; ${provider} allows ${limits.maxCount} ${noun}s per resource and kubeforge keeps ${reserved} for its own, so keep at most ${room}`,
        });
    }
    for (const key of keys) {
        // `kubeforge:tags.team`, or `kubeforge:tags["kubeforge.io/x"]` for a key that is not a plain name, as the core writes it.
        const field = fieldName(childPath("tags", key));
        const value = String(tags[key]);
        const keyRefused = rules.refuseKey?.(key);
        if (keyRefused !== undefined) issues.push({ field, message: keyRefused });
        else if (key.length > limits.keyMax)
            issues.push({
                field,
                message: `is ${key.length} characters long; ${provider} ${noun} keys hold at most ${limits.keyMax}, shorten it`,
            });
        const valueRefused = rules.refuseValue?.(value);
        if (valueRefused !== undefined) issues.push({ field, message: valueRefused });
        else if (value.length > limits.valueMax)
            issues.push({
                field,
                message: `has a value of ${value.length} characters; ${provider} ${noun} values hold at most ${limits.valueMax}, shorten it`,
            });
    }
    return issues;
}
