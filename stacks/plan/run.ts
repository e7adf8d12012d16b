/**
 * Runs the real program offline: validates the stack config, installs the mock engine, registers the
 * cluster, waits for every registration, resolves the stack outputs and applies the policy pack.
 * The SDK keeps global state, so one plan per process (the CLI and the benchmarks spawn one each).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterSpec, NodePlan } from "../../components/core/types";
import { PlanEngine, isWrappedSecret, type PlanEngineOptions, type PlanResource, type PlatformMocks } from "./mocks";
import { readStackConfig, type StackConfig } from "./stackConfig";
import { resolveStack, type ResolvedStack } from "../program";
import { runPolicies, type Violation } from "../../policies/evaluate";

/** Shown in place of a secret unless `--show-secrets`. */
export const SECRET_MASK = "[secret]";

/** A resource as the plan prints it. */
export interface PlanResourceView {
    type: string;
    name: string;
    urn: string;
    /** Physical id; absent on components. */
    id?: string;
    /** URN of the parent. */
    parent?: string;
    custom: boolean;
    /** Inputs as the provider receives them; secrets masked unless shown. */
    inputs: Record<string, unknown>;
}

/** Everything a plan found. */
export interface PlanResult {
    stack: string;
    project: string;
    spec: ClusterSpec;
    /** The platform's validated block (`kubeforge:<platform>`, defaults filled in). */
    platformConfig: unknown;
    nodes: NodePlan[];
    resources: PlanResourceView[];
    outputs: Record<string, unknown>;
    violations: Violation[];
}

/** Options of {@link runPlan}. */
export interface PlanOptions {
    /** A Pulumi stack config file. */
    configFile: string;
    /**
     * The file's contents, already read with {@link readStackConfig}: the CLI reads the stack's config
     * before the program runs and hands it over, so the benchmarks read it outside their clock too.
     */
    config?: StackConfig;
    /** Stack name; from the file name when absent. */
    stack?: string;
    /** Show secret values instead of masking them. */
    showSecrets?: boolean;
    /** Stack tags the policies see (`pulumi stack tag set` on a real stack), e.g. `environment=production`. */
    stackTags?: Record<string, string>;
    /** Skip the policy pack (benchmarks). */
    skipPolicies?: boolean;
    /** Engine options (simulated latency for benchmarks). */
    engine?: Omit<PlanEngineOptions, "platform">;
    /** Called with the engine once the program has settled (benchmarks read timings from it). */
    onSettled?: (engine: PlanEngine) => void;
}

/** Replaces wrapped secrets with their value or the mask, recursively. */
export function revealOrMask(value: unknown, showSecrets: boolean): unknown {
    if (isWrappedSecret(value)) return showSecrets ? revealOrMask(value.value, true) : SECRET_MASK;
    if (Array.isArray(value)) return value.map((v) => revealOrMask(v, showSecrets));
    if (typeof value === "object" && value !== null) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = revealOrMask(v, showSecrets);
        return out;
    }
    return value;
}

/** Loads `components/platforms/<name>/mocks` when the platform ships one. */
export function platformMocks(name: string): PlatformMocks | undefined {
    const file = path.join(__dirname, "..", "..", "components", "platforms", name, "mocks.ts");
    if (!fs.existsSync(file)) return undefined;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as { default?: PlatformMocks };
    return mod.default;
}

async function resolveOutputs(outputs: Record<string, unknown>, showSecrets: boolean): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(outputs)) {
        if (pulumi.Output.isInstance(value)) {
            const secret = await pulumi.isSecret(value);
            const resolved = await new Promise<unknown>((resolve) => value.apply((v) => resolve(v)));
            out[key] = secret && !showSecrets ? SECRET_MASK : resolved;
        } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            out[key] = await resolveOutputs(value as Record<string, unknown>, showSecrets);
        } else {
            out[key] = value;
        }
    }
    return out;
}

/**
 * Validates a stack (throws ConfigError before anything is registered), then plans it.
 */
export async function runPlan(options: PlanOptions): Promise<PlanResult> {
    const config: StackConfig = options.config ?? readStackConfig(options.configFile, options.stack);
    const resolved: ResolvedStack = resolveStack(config.values);
    const showSecrets = options.showSecrets === true;

    const engine = new PlanEngine({ ...options.engine, platform: platformMocks(resolved.platform.name) });
    await engine.install(config.project, config.stack);
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);

    // Imported only now: modules that register resources must load after the mocks.
    const program = await import("../program.js");
    const outputs = program.buildCluster(resolved);
    const resolvedOutputs = await resolveOutputs({ ...outputs }, showSecrets);
    await engine.settle();
    options.onSettled?.(engine);

    const violations = options.skipPolicies
        ? []
        : await runPolicies(
              engine.resources.map((r: PlanResource) => ({
                  type: r.type,
                  name: r.name,
                  urn: r.urn,
                  id: r.id,
                  parent: r.parent,
                  dependencies: r.dependencies,
                  propertyDependencies: r.propertyDependencies,
                  inputs: revealOrMask(r.inputs, true) as Record<string, unknown>,
                  outputs: revealOrMask(r.outputs, true) as Record<string, unknown>,
              })),
              { stackTags: { ...options.stackTags, "pulumi:project": config.project, "pulumi:stack": config.stack } },
          );

    return {
        stack: config.stack,
        project: config.project,
        spec: resolved.spec,
        platformConfig: resolved.platformConfig,
        nodes: resolved.nodes,
        resources: engine.resources.map((r) => ({
            type: r.type,
            name: r.name,
            urn: r.urn,
            id: r.id,
            parent: r.parent,
            custom: r.custom,
            inputs: revealOrMask(stripInternal(r.inputs), showSecrets) as Record<string, unknown>,
        })),
        outputs: resolvedOutputs,
        violations,
    };
}

/** Drops the serialized dynamic-provider closure: code, not an input a reader wants to see. */
function stripInternal(inputs: Record<string, unknown>): Record<string, unknown> {
    if (!("__provider" in inputs)) return inputs;
    const { __provider: _provider, ...rest } = inputs;
    void _provider;
    return rest;
}
