/**
 * One stack's plan, recorded for the comparison: the real program under the mock engine (stacks/plan),
 * with every registration's dependencies and masked inputs, the nodes, the neutral spec and the policy
 * pack's verdict. The SDK's mocks are process-global, so each stack is recorded in its own process:
 *
 *   node --import tsx stacks/compare/record.ts --config stacks/Pulumi.compare-aws.yaml --out FILE
 *
 * Writes `{ ok: true, plan }` or `{ ok: false, issues | error }` to FILE.
 */
import * as fs from "node:fs";
import { ConfigError, type ConfigIssue, type NodePlan } from "../../components/core/types";
import { runPlan, revealOrMask } from "../plan/run";
import type { PlanEngine } from "../plan/mocks";
import type { Violation } from "../../policies/evaluate";
import { loadPlatformData, valueAt } from "./data";
import { neutralSpec } from "./neutral";
import type { GraphResource } from "./timing";
import { initWithoutEndpointOf } from "./model";
import { resolveStack } from "../program";
import { readStackConfig } from "../plan/stackConfig";

/** A recorded resource: the graph fields plus masked inputs. */
export interface RecordedResource extends GraphResource {
    inputs: Record<string, unknown>;
}

/** What the comparison needs from one stack's plan. */
export interface RecordedPlan {
    stack: string;
    platform: string;
    /** The platform's one-line description. */
    description: string;
    /** The stack's region, read where the platform's data says (`regionFrom`); absent without one. */
    region?: string;
    neutral: Record<string, unknown>;
    nodes: NodePlan[];
    resources: RecordedResource[];
    violations: Violation[];
    /** The platform lets the init master run `kubeadm init` without the endpoint (see model.ts); false when absent. */
    initWithoutEndpoint?: boolean;
}

/** The child's answer. */
export type RecordOutcome = { ok: true; plan: RecordedPlan } | { ok: false; issues?: ConfigIssue[]; error?: string };

/**
 * Plans a stack and records it. Call once per process.
 *
 * @param configFile - the stack's config file
 */
export async function recordPlan(configFile: string): Promise<RecordedPlan> {
    let engine: PlanEngine | undefined;
    const plan = await runPlan({ configFile, onSettled: (e) => (engine = e) });
    const platform = plan.spec.platform;
    const data = loadPlatformData(platform);
    const regionValue = data?.regionFrom ? valueAt(plan.platformConfig, data.regionFrom) : undefined;
    const { loadPlatform } = await import("../../components/core/registry.js");
    return {
        stack: plan.stack,
        platform,
        description: loadPlatform(platform).description,
        region: typeof regionValue === "string" ? regionValue : undefined,
        neutral: neutralSpec(plan.spec),
        nodes: plan.nodes,
        resources: (engine?.resources ?? []).map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            custom: r.custom,
            parent: r.parent,
            dependencies: r.dependencies,
            inputs: r.type.startsWith("pulumi-nodejs:dynamic/") ? {} : (revealOrMask(r.inputs, false) as Record<string, unknown>),
        })),
        violations: plan.violations,
        initWithoutEndpoint: initWithoutEndpointOf(resolveStack(readStackConfig(configFile).values)),
    };
}

function argValue(name: string): string {
    const i = process.argv.indexOf(`--${name}`);
    const v = i >= 0 ? process.argv[i + 1] : undefined;
    if (!v) throw new Error(`missing --${name}`);
    return v;
}

if (require.main === module) {
    const out = argValue("out");
    const write = (outcome: RecordOutcome, code: number) => {
        fs.writeFileSync(out, JSON.stringify(outcome));
        process.exit(code);
    };
    recordPlan(argValue("config")).then(
        (plan) => write({ ok: true, plan }, 0),
        (err: unknown) =>
            err instanceof ConfigError
                ? write({ ok: false, issues: err.issues }, 0)
                : write({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 0),
    );
}
