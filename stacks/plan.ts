/**
 * `npm run plan`: what a stack would build, offline (no Pulumi CLI, no cloud account).
 *
 *   npm run plan                          the default stack (aws)
 *   npm run plan -- --stack baremetal     a stack under stacks/
 *   npm run plan -- --config FILE         any Pulumi stack config file
 *   npm run plan -- --json                machine-readable plan
 *   npm run plan -- --show-secrets        reveal secret values (masked otherwise)
 *   npm run plan -- --stack-tag K=V       a stack tag the policies see (e.g. environment=production)
 *
 * Exit codes: 0 planned with no mandatory policy violation; 1 invalid config or usage (every problem
 * listed); 2 planned, but a mandatory policy failed (as `pulumi preview --policy-pack` would).
 */
import * as fs from "node:fs";
import { ConfigError } from "../components/core/types";
import { issuesText, planJson, planText } from "./plan/render";
import { runPlan } from "./plan/run";
import { shippedStacks, stackConfigPath } from "./plan/stackConfig";

/** The stack `npm run plan` shows when none is named. */
export const DEFAULT_STACK = "aws";

interface CliOptions {
    stack?: string;
    configFile?: string;
    json: boolean;
    showSecrets: boolean;
    stackTags: Record<string, string>;
}

const USAGE = "usage: npm run plan -- [--stack NAME | --config FILE] [--json] [--show-secrets] [--stack-tag KEY=VALUE ...]";

function parseArgs(argv: string[]): CliOptions {
    const options: CliOptions = { json: false, showSecrets: false, stackTags: {} };
    const addTag = (pair: string) => {
        const at = pair.indexOf("=");
        if (at <= 0) throw new UsageError(`--stack-tag takes KEY=VALUE, not "${pair}"`);
        options.stackTags[pair.slice(0, at)] = pair.slice(at + 1);
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new UsageError(`${arg} needs a value`);
            return v;
        };
        if (arg === "--stack" || arg === "-s") options.stack = value();
        else if (arg.startsWith("--stack=")) options.stack = arg.slice(8);
        else if (arg === "--config") options.configFile = value();
        else if (arg.startsWith("--config=")) options.configFile = arg.slice(9);
        else if (arg === "--stack-tag") addTag(value());
        else if (arg.startsWith("--stack-tag=")) addTag(arg.slice(12));
        else if (arg === "--json") options.json = true;
        else if (arg === "--show-secrets") options.showSecrets = true;
        else if (arg === "--help" || arg === "-h") throw new UsageError("");
        else throw new UsageError(`unknown argument ${arg}`);
    }
    if (options.stack && options.configFile) throw new UsageError("give --stack or --config, not both");
    return options;
}

class UsageError extends Error {}

async function main(): Promise<number> {
    let options: CliOptions;
    try {
        options = parseArgs(process.argv.slice(2));
    } catch (err) {
        const message = (err as Error).message;
        process.stderr.write((message ? message + "\n" : "") + USAGE + "\n");
        return message ? 1 : 0;
    }
    const stack = options.stack ?? (options.configFile ? undefined : DEFAULT_STACK);
    const configFile = options.configFile ?? stackConfigPath(stack as string);
    if (!fs.existsSync(configFile)) {
        process.stderr.write(
            options.configFile
                ? `no such config file: ${configFile}\n`
                : `no stack "${stack}" under stacks/ (have: ${shippedStacks().join(", ")})\n`,
        );
        return 1;
    }
    try {
        const plan = await runPlan({ configFile, stack, showSecrets: options.showSecrets, stackTags: options.stackTags });
        process.stdout.write(options.json ? JSON.stringify(planJson(plan), null, 2) + "\n" : planText(plan));
        return plan.violations.some((v) => v.level === "mandatory") ? 2 : 0;
    } catch (err) {
        if (err instanceof ConfigError) {
            process.stderr.write(issuesText(err.issues));
            return 1;
        }
        throw err;
    }
}

/**
 * The SDK keeps handles open, so the process must exit by itself; but `process.exit` does not wait for
 * a piped stdout to drain (a large `--json` plan would be cut off), so exit once both streams flushed.
 */
function exitAfterFlush(code: number): void {
    process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

main().then(
    (code) => exitAfterFlush(code),
    (err: unknown) => {
        process.stderr.write(`kubeforge plan failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        exitAfterFlush(3);
    },
);
