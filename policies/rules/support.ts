/**
 * What every rule family shares: reading a policy's config with its schema defaults, viewing a
 * resource through the adapters, and reading the neutral NodeLifecycle / ApiReadiness records.
 */
import type { PolicyConfigSchema, PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import type { NodeRole, OsFamily, Taint } from "../../components/core/types";
import { API_READINESS_TYPE, NODE_LIFECYCLE_TYPE } from "../../components/lifecycle/types";
import type { ClusterRecord, NodeRecord } from "../../components/lifecycle/types";
import type { ResourceFacts, ResourceView } from "../facts";
import { factsOf } from "../adapters";
import { asArray, asNumber, asRecord, asString, asStringMap, asStrings, field } from "../props";

/**
 * The policy's config with every schema default filled in. The Pulumi CLI applies schema defaults
 * before it calls the pack, but reading them here too keeps a rule correct under any caller.
 *
 * @param schema - the policy's config schema
 * @param args - the validation args (resource or stack)
 */
export function settings<T extends object>(schema: PolicyConfigSchema, args: { getConfig<U extends object>(): U }): T {
    const defaults: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema.properties)) {
        if (typeof property === "object" && property.default !== undefined) defaults[key] = property.default;
    }
    return { ...defaults, ...args.getConfig<Record<string, unknown>>() } as T;
}

/**
 * The resource behind resource-validation args, as adapters see it.
 *
 * @param args - the engine's args
 */
export function viewOf(args: ResourceValidationArgs | PolicyResource): ResourceView {
    return { type: args.type, name: args.name, urn: args.urn, props: args.props };
}

/**
 * Neutral facts for a resource, or undefined when no adapter claims it.
 *
 * @param args - the engine's args or a stack resource
 */
export function facts(args: ResourceValidationArgs | PolicyResource): ResourceFacts | undefined {
    return factsOf(viewOf(args));
}

function roleOf(value: unknown): NodeRole | undefined {
    return value === "control-plane" || value === "worker" ? value : undefined;
}

function taintsOf(value: unknown): Taint[] {
    return asArray(value).flatMap((raw) => {
        const t = asRecord(raw);
        const key = asString(field(t, "key"));
        const effect = asString(field(t, "effect"));
        if (!key || (effect !== "NoSchedule" && effect !== "PreferNoSchedule" && effect !== "NoExecute")) return [];
        const value = asString(field(t, "value"));
        return [value === undefined ? { key, effect } : { key, value, effect }];
    });
}

/**
 * Reads a NodeLifecycle's inputs as a {@link NodeRecord}; undefined for any other resource.
 *
 * @param type - resource type token
 * @param props - resource properties
 */
export function nodeRecordOf(type: string, props: Record<string, unknown>): NodeRecord | undefined {
    if (type !== NODE_LIFECYCLE_TYPE) return undefined;
    const role = roleOf(field(props, "role"));
    if (!role) return undefined;
    return {
        cluster: asString(field(props, "cluster")) ?? "",
        platform: asString(field(props, "platform")) ?? "",
        node: asString(field(props, "node")) ?? "",
        role,
        pool: asString(field(props, "pool")) ?? "",
        failureDomain: asString(field(props, "failureDomain")) ?? "",
        os: (asString(field(props, "os")) ?? "linux") as OsFamily,
        kubernetesVersion: asString(field(props, "kubernetesVersion")) ?? "",
        taints: taintsOf(field(props, "taints")),
        labels: asStringMap(field(props, "labels")),
        spot: field(props, "spot") === true,
    };
}

/**
 * Reads an ApiReadiness's inputs as a {@link ClusterRecord}; undefined for any other resource.
 *
 * @param type - resource type token
 * @param props - resource properties
 */
export function clusterRecordOf(type: string, props: Record<string, unknown>): ClusterRecord | undefined {
    if (type !== API_READINESS_TYPE) return undefined;
    const cni = asString(field(props, "cni"));
    return {
        cluster: asString(field(props, "cluster")) ?? "",
        platform: asString(field(props, "platform")) ?? "",
        kubernetesVersion: asString(field(props, "kubernetesVersion")) ?? "",
        controlPlaneCount: asNumber(field(props, "controlPlaneCount")) ?? 0,
        failureDomains: asStrings(field(props, "failureDomains")),
        secretsEncryption: field(props, "secretsEncryption") === true,
        apiAllowedCidrs: asStrings(field(props, "apiAllowedCidrs")),
        sshAllowedCidrs: asStrings(field(props, "sshAllowedCidrs")),
        cni: cni === "cilium" || cni === "calico" ? cni : "none",
    };
}

/** A record with the URN of the resource that carries it. */
export interface Located<T> {
    /** URN of the resource that carries the record. */
    urn: string;
    /** The record. */
    value: T;
}

/** One cluster's records in a stack. */
export interface ClusterView {
    /** Cluster name. */
    name: string;
    /** Its ApiReadiness record, when registered. */
    record?: Located<ClusterRecord>;
    /** Its NodeLifecycle records. */
    nodes: Located<NodeRecord>[];
}

/**
 * Groups a stack's neutral records by cluster name.
 *
 * @param args - stack-validation args
 */
export function clustersOf(args: StackValidationArgs): ClusterView[] {
    const byName = new Map<string, ClusterView>();
    const get = (name: string): ClusterView => {
        let view = byName.get(name);
        if (!view) byName.set(name, (view = { name, nodes: [] }));
        return view;
    };
    for (const r of args.resources) {
        const cluster = clusterRecordOf(r.type, r.props);
        if (cluster) get(cluster.cluster).record = { urn: r.urn, value: cluster };
        const node = nodeRecordOf(r.type, r.props);
        if (node) get(node.cluster).nodes.push({ urn: r.urn, value: node });
    }
    return [...byName.values()];
}

/**
 * The stack tag `environment` (or another) says this is production.
 *
 * @param stackTags - the stack's tags
 * @param tag - tag key to read
 * @param productionValues - values that mean production (compared case-insensitively)
 */
export function isProduction(stackTags: ReadonlyMap<string, string>, tag: string, productionValues: string[]): boolean {
    const value = stackTags.get(tag);
    return value !== undefined && productionValues.some((p) => p.toLowerCase() === value.toLowerCase());
}

/**
 * The end of a message about a setting kubeforge always makes safe and no `kubeforge:*` key changes: the
 * resource was added or changed outside the stack config, so the fix is made where that happened.
 *
 * @param what - what kubeforge does on everything it makes (`encrypts every disk`)
 * @param fix - what to change on the resource
 */
export function outsideConfig(what: string, fix: string): string {
    return `kubeforge ${what} and no kubeforge:* key changes that, so this comes from outside the stack config: ${fix}`;
}
