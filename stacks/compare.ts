/**
 * `npm run compare`: one cluster spec on every platform, side by side, offline (no Pulumi CLI, no
 * cloud account): placement, machines, estimated monthly cost, modelled time to ready, what each
 * platform gives or refuses, and the policy pack's verdict.
 *
 *   npm run compare                               every comparison stack (stacks/Pulumi.compare-*.yaml)
 *   npm run compare -- --stacks compare-aws,aws   named stacks under stacks/
 *   npm run compare -- --json | --markdown        machine-readable / Markdown instead of text
 *   npm run compare -- --out DIR                  also write DIR/comparison.md, .json and .svg
 *   npm run compare -- --allow-different-specs    compare stacks whose neutral keys differ (listed)
 *
 * Exit codes: 0 compared; 1 bad usage, a stack refused by its platform, or stacks with different
 * specs (each differing key named); 2 compared, but a mandatory policy failed on some platform.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { comparisonStacks, resolveStackNames } from "./compare/stacks";
import { renderReport } from "./compare/report";
import { renderSvg } from "./compare/svg";
import { runComparison, SpecMismatchError } from "./compare/run";

const USAGE = "usage: npm run compare -- [--stacks a,b,...] [--json | --markdown] [--out DIR] [--allow-different-specs]";

class UsageError extends Error {}

interface Options {
    stacks?: string[];
    format: "text" | "json" | "markdown";
    out?: string;
    allowDifferentSpecs: boolean;
}

function parseArgs(argv: string[]): Options {
    const o: Options = { format: "text", allowDifferentSpecs: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new UsageError(`${arg} needs a value`);
            return v;
        };
        if (arg === "--stacks")
            o.stacks = value()
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean);
        else if (arg.startsWith("--stacks="))
            o.stacks = arg
                .slice(9)
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean);
        else if (arg === "--json") o.format = "json";
        else if (arg === "--markdown") o.format = "markdown";
        else if (arg === "--out") o.out = value();
        else if (arg.startsWith("--out=")) o.out = arg.slice(6);
        else if (arg === "--allow-different-specs") o.allowDifferentSpecs = true;
        else if (arg === "--help" || arg === "-h") throw new UsageError("");
        else throw new UsageError(`unknown argument ${arg}`);
    }
    return o;
}

async function main(): Promise<number> {
    let options: Options;
    try {
        options = parseArgs(process.argv.slice(2));
    } catch (err) {
        const message = (err as Error).message;
        process.stderr.write((message ? message + "\n" : "") + USAGE + "\n");
        return message ? 1 : 0;
    }
    const chosen = options.stacks ? resolveStackNames(options.stacks) : comparisonStacks();
    if (chosen.problems.length > 0) {
        process.stderr.write(chosen.problems.join("\n") + "\n");
        return 1;
    }
    for (const note of chosen.notes) process.stderr.write(`note: ${note}\n`);
    if (chosen.stacks.length === 0) {
        process.stderr.write("nothing to compare: no comparison stack's platform exists here\n");
        return 1;
    }
    let comparison;
    try {
        comparison = await runComparison(chosen.stacks, options.allowDifferentSpecs);
    } catch (err) {
        if (err instanceof SpecMismatchError) {
            process.stderr.write(`kubeforge compare: ${err.message}\n`);
            return 1;
        }
        throw err;
    }
    const json = JSON.stringify(comparison, null, 2) + "\n";
    if (options.out) {
        fs.mkdirSync(options.out, { recursive: true });
        fs.writeFileSync(path.join(options.out, "comparison.md"), renderReport(comparison, "markdown", "comparison.svg"));
        fs.writeFileSync(path.join(options.out, "comparison.svg"), renderSvg(comparison.platforms));
        fs.writeFileSync(path.join(options.out, "comparison.json"), json);
    }
    process.stdout.write(options.format === "json" ? json : renderReport(comparison, options.format));
    if (comparison.leftOut.length > 0) return 1;
    return comparison.platforms.some((p) => p.policy.verdict === "fail") ? 2 : 0;
}

main().then(
    (code) => process.stdout.write("", () => process.stderr.write("", () => process.exit(code))),
    (err: unknown) => {
        process.stderr.write(`kubeforge compare failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.stdout.write("", () => process.exit(3));
    },
);
