/**
 * Runs `npm run plan` (stacks/plan.ts) in a child process, as a user would: the SDK's mocks are
 * process-global, so every plan needs a process of its own. Shared by the suites that judge whole plans
 * (conformance, policy overlays).
 */
import { execFile } from "node:child_process";
import * as path from "node:path";

/** Repository root. */
export const ROOT = path.resolve(__dirname, "..", "..");

/** A policy violation as `plan --json` prints it. */
export interface PlanViolation {
    policy: string;
    level: string;
    resource?: string;
    message: string;
}

/** A node as `plan --json` prints it. */
export interface PlanNode {
    name: string;
    role: string;
    pool: string;
    failureDomain: string;
    os: string;
    machineType: string | null;
    initNode: boolean;
}

/** A resource as `plan --json` prints it. */
export interface PlanJsonResource {
    type: string;
    name: string;
    id: string | null;
    urn: string;
    parent: string | null;
    inputs: Record<string, unknown>;
}

/** The `--json` document. */
export interface PlanJson {
    stack: string;
    platform: string;
    nodes: PlanNode[];
    resources: PlanJsonResource[];
    outputs: Record<string, unknown>;
    violations: PlanViolation[];
}

/** One finished plan. */
export interface PlanRun {
    /** Exit code (0 clean, 1 bad config, 2 mandatory violation, 3 crash). */
    code: number;
    /** The parsed JSON when the plan printed one (exit 0 or 2). */
    json?: PlanJson;
    /** The raw standard output. */
    stdout: string;
    stderr: string;
}

/**
 * Plans a stack config file.
 *
 * @param configFile - a `Pulumi.<stack>.yaml`
 * @param options - show secrets, and stack tags the policies see
 */
export function planFile(
    configFile: string,
    options: { showSecrets?: boolean; stackTags?: Record<string, string> } = {},
): Promise<PlanRun> {
    const args = [path.join(ROOT, "stacks", "plan.ts"), "--config", configFile, "--json"];
    if (options.showSecrets) args.push("--show-secrets");
    for (const [k, v] of Object.entries(options.stackTags ?? {})) args.push("--stack-tag", `${k}=${v}`);
    return new Promise((resolve, reject) => {
        execFile(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
            const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
            if (code !== 0 && code !== 2) return resolve({ code, stdout, stderr });
            try {
                resolve({ code, json: JSON.parse(stdout) as PlanJson, stdout, stderr });
            } catch (e) {
                reject(new Error(`plan of ${configFile} printed no JSON: ${(e as Error).message}\n${stderr}`));
            }
        });
    });
}
