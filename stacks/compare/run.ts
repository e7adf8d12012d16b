/**
 * Runs a comparison: records each stack's plan in its own process (stacks/compare/record.ts), two at a
 * time, turns each into a row with its platform's data, and checks that the stacks share one spec.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ConfigIssue } from "../../components/core/types";
import { loadPlatformData } from "./data";
import { specDifferences, type SpecDifference } from "./neutral";
import type { RecordOutcome, RecordedPlan } from "./record";
import { comparisonRow, type ComparisonRow } from "./row";

/** A stack that could not be compared, and why. */
export interface LeftOut {
    stack: string;
    /** The config problems (a platform refusing part of the spec shows here), or the failure. */
    issues?: ConfigIssue[];
    error?: string;
}

/** The whole comparison. */
export interface Comparison {
    /** The shared neutral spec (of the first stack; identical in all unless differences are allowed). */
    spec: Record<string, unknown> | null;
    platforms: ComparisonRow[];
    /** Neutral keys that differ between the stacks (empty unless comparing different specs on purpose). */
    differences: SpecDifference[];
    /** Stacks whose config was refused or whose plan failed. */
    leftOut: LeftOut[];
}

/** Raised when the stacks' neutral specs differ and the caller did not allow it. */
export class SpecMismatchError extends Error {
    constructor(readonly differences: SpecDifference[]) {
        super(
            `the stacks do not share one spec: ${differences.length} neutral key${differences.length === 1 ? "" : "s"} differ:\n` +
                differences
                    .map(
                        (d) =>
                            `  - ${d.key}: ${Object.entries(d.values)
                                .map(([s, v]) => `${s} ${v ?? "(absent)"}`)
                                .join(", ")}`,
                    )
                    .join("\n") +
                "\nlay every stack over one spec file (kubeforge:spec), or pass --allow-different-specs to compare them anyway",
        );
        this.name = "SpecMismatchError";
    }
}

const RECORDER = path.join(__dirname, "record.ts");

/** Records one stack's plan in a child process. */
export function recordInChild(configFile: string): Promise<RecordOutcome> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-compare-"));
    const out = path.join(dir, "plan.json");
    return new Promise((resolve) => {
        let stderr = "";
        const child = spawn(process.execPath, ["--import", "tsx", RECORDER, "--config", configFile, "--out", out], {
            stdio: ["ignore", "ignore", "pipe"],
        });
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("close", (code) => {
            let outcome: RecordOutcome;
            try {
                outcome = JSON.parse(fs.readFileSync(out, "utf8")) as RecordOutcome;
            } catch {
                outcome = {
                    ok: false,
                    error: `the plan exited ${code} without a result: ${stderr.trim().split("\n").slice(-5).join(" ")}`,
                };
            }
            fs.rmSync(dir, { recursive: true, force: true });
            resolve(outcome);
        });
    });
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
    const out: R[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return out;
}

/**
 * Builds the comparison from recorded plans (pure; the CLI and the tests share it).
 *
 * @param plans - each stack's recorded plan, in the order to show
 * @param leftOut - stacks that could not be planned
 * @param allowDifferentSpecs - compare stacks whose neutral specs differ (listing the differences)
 * @throws SpecMismatchError when the specs differ and that was not allowed
 */
export function buildComparison(plans: RecordedPlan[], leftOut: LeftOut[], allowDifferentSpecs = false): Comparison {
    const differences = specDifferences(Object.fromEntries(plans.map((p) => [p.stack, p.neutral])));
    if (differences.length > 0 && !allowDifferentSpecs) throw new SpecMismatchError(differences);
    return {
        spec: plans[0]?.neutral ?? null,
        platforms: plans.map((p) => comparisonRow(p, loadPlatformData(p.platform))),
        differences,
        leftOut,
    };
}

/**
 * Plans every stack (two processes at a time) and compares them.
 *
 * @param stacks - each stack's name and config file, in the order to show
 * @param allowDifferentSpecs - see {@link buildComparison}
 */
export async function runComparison(stacks: { stack: string; file: string }[], allowDifferentSpecs = false): Promise<Comparison> {
    const outcomes = await mapLimit(stacks, 2, (s) => recordInChild(s.file));
    const plans: RecordedPlan[] = [];
    const leftOut: LeftOut[] = [];
    outcomes.forEach((o, i) => {
        if (o.ok) plans.push(o.plan);
        else leftOut.push({ stack: stacks[i].stack, issues: o.issues, error: o.error });
    });
    return buildComparison(plans, leftOut, allowDifferentSpecs);
}
