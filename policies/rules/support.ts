/**
 * What every rule family shares: reading a policy's config with its schema defaults, viewing a
 * resource through the adapters, and reading the neutral NodeLifecycle / ApiReadiness records.
 */
import type { PolicyConfigSchema, PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import type { NodeRole, OsFamily, Taint } from "../../components/core/types";
import { API_READINESS_TYPE, NODE_LIFECYCLE_TYPE } from "../../components/lifecycle/types";
import type { ClusterRecord, NodeRecord } from "../../components/lifecycle/types";
import type { ResourceFacts, ResourceView } from "../facts";
import { factsOf } from "../platforms";
import { asArray, asNumber, asRecord, asString, asStringMap, asStrings } from "../props";

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
        const key = asString(t?.key);
        const effect = asString(t?.effect);
        if (!key || (effect !== "NoSchedule" && effect !== "PreferNoSchedule" && effect !== "NoExecute")) return [];
        const value = asString(t?.value);
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
    const role = roleOf(props.role);
    if (!role) return undefined;
    return {
        cluster: asString(props.cluster) ?? "",
        platform: asString(props.platform) ?? "",
        node: asString(props.node) ?? "",
        role,
        pool: asString(props.pool) ?? "",
        failureDomain: asString(props.failureDomain) ?? "",
        os: (asString(props.os) ?? "linux") as OsFamily,
        kubernetesVersion: asString(props.kubernetesVersion) ?? "",
        taints: taintsOf(props.taints),
        labels: asStringMap(props.labels),
        spot: props.spot === true,
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
    const cni = asString(props.cni);
    return {
        cluster: asString(props.cluster) ?? "",
        platform: asString(props.platform) ?? "",
        kubernetesVersion: asString(props.kubernetesVersion) ?? "",
        controlPlaneCount: asNumber(props.controlPlaneCount) ?? 0,
        failureDomains: asStrings(props.failureDomains),
        secretsEncryption: props.secretsEncryption === true,
        apiAllowedCidrs: asStrings(props.apiAllowedCidrs),
        sshAllowedCidrs: asStrings(props.sshAllowedCidrs),
        cni: cni === "cilium" || cni === "calico" ? cni : "none",
    };
}

/** A record with the URN of the resource that carries it. */
export interface Located<T> {
    urn: string;
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
