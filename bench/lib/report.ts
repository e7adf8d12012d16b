/**
 * What the benchmark sections share: the settings of a run, the output (a log line, a table), the goals
 * met or not, and the failed measurements, which the parent writes to `bench/results.json`.
 */
import type { ChildOutcome } from "./child";

/** Sizes and scales of one run (quick or full). */
export interface Settings {
    deploySizes: number[];
    msPerSecond: number;
    evalSizes: number[];
    /** Measurements per eval size (the least CPU counts: noise only ever adds). */
    evalRepeats: (workers: number) => number;
    sshSizes: number[];
    /** Also run the largest host count with no limit (what this machine allows). */
    sshUnlimited: boolean;
}

/** One goal and whether this run met it. */
export interface Goal {
    name: string;
    target: string;
    value: string;
    met: boolean | null;
}

/** How long one child may take before it counts as failed. */
export const CHILD_TIMEOUT_MS = 240_000;
/** The goals, in the order the sections report them. */
export const goals: Goal[] = [];
/** Measurements that failed (the run goes on; they are listed in the results). */
export const errors: string[] = [];

/** Writes one line to stdout. */
export function log(line = ""): void {
    process.stdout.write(line + "\n");
}

/** Writes a table with right-aligned numbers. */
export function table(headers: string[], rows: (string | number)[][]): void {
    const cells = [headers, ...rows.map((r) => r.map(String))];
    const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
    const line = (r: string[]) => "  " + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
    log(line(headers));
    log("  " + widths.map((w) => "-".repeat(w)).join("  "));
    for (const r of cells.slice(1)) log(line(r));
}

/** A child's value, or undefined with the failure recorded and logged. */
export function unwrap<T>(label: string, outcome: ChildOutcome<T>): T | undefined {
    if (outcome.ok) return outcome.value;
    errors.push(`${label}: ${outcome.error}`);
    log(`  ${label}: FAILED: ${outcome.error}`);
    return undefined;
}

/** A ratio as `1.23x`. */
export function x(v: number): string {
    return `${v.toFixed(2)}x`;
}
