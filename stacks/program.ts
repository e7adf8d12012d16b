/**
 * The program, as functions: `resolveStack` turns a stack's config into a validated, placed cluster
 * (pure, throws a ConfigError listing every problem), `buildCluster` registers it. `stacks/index.ts`
 * (what `pulumi up` runs) and `npm run plan` both go through here, so the plan is the real program.
 */
import type * as pulumi from "@pulumi/pulumi";
import { readRawConfig } from "../components/core/config";
import { resolveFromConfig } from "../components/core/registry";
import type { ResolvedCluster } from "../components/core/resolve";
import { ConfigError } from "../components/core/types";
import type { Platform } from "../components/platform";
import { Cluster } from "../components/cluster";
import { applySharedSpec } from "./compare/spec";

/** The config namespace of every kubeforge key. */
export const CONFIG_NAMESPACE = "kubeforge";

/** A stack resolved and validated, before any resource exists: the cluster and the platform it names. */
export interface ResolvedStack extends ResolvedCluster {
    /** The platform named by `kubeforge:platform`. */
    platform: Platform<unknown>;
}

/**
 * Validates a stack's config (keys as Pulumi passes them: `kubeforge:name` → string, objects as
 * JSON) and places its nodes. Throws {@link ConfigError} with every problem found.
 */
export function resolveStack(allConfig: Record<string, string>): ResolvedStack {
    const prefix = `${CONFIG_NAMESPACE}:`;
    const own: Record<string, string> = {};
    for (const [key, value] of Object.entries(allConfig)) {
        if (key.startsWith(prefix)) own[key.slice(prefix.length)] = value;
    }
    // `kubeforge:spec` lays the stack over a shared spec file (stacks/compare/spec.ts).
    const shared = applySharedSpec(own);
    if (shared.issues.length > 0) throw new ConfigError(shared.issues);
    const { raw, issues } = readRawConfig(shared.values);
    if (issues.length > 0) throw new ConfigError(issues);
    // Loads the platform named by `kubeforge:platform` and validates the core keys and its block
    // together, so an unknown platform is reported alongside every other problem.
    return resolveFromConfig(raw);
}

/** What the stack exports. */
export interface StackOutputs {
    kubeconfig: pulumi.Output<string>;
    endpoint: pulumi.Output<string>;
    nodes: pulumi.Output<unknown>;
    apiServerVersion: pulumi.Output<string>;
    platform: Record<string, pulumi.Output<unknown>>;
}

/** Registers the cluster and returns the stack outputs. */
export function buildCluster(resolved: ResolvedStack): StackOutputs {
    const cluster = new Cluster(resolved.spec.name, {
        spec: resolved.spec,
        nodes: resolved.nodes,
        platform: resolved.platform,
        config: resolved.platformConfig,
    });
    return {
        kubeconfig: cluster.kubeconfig,
        endpoint: cluster.endpoint,
        nodes: cluster.nodes,
        apiServerVersion: cluster.apiServerVersion,
        platform: cluster.platformOutputs,
    };
}
