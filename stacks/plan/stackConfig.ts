/**
 * Reads a Pulumi stack config file (`stacks/Pulumi.<stack>.yaml`) the way the Pulumi CLI hands it to a
 * program: every key namespaced (`kubeforge:name`), scalars as strings, objects and arrays as JSON.
 * Encrypted values (`secure: v1:...`) cannot be decrypted offline: they become a placeholder and
 * their keys are reported as secret, so the plan still shows where they flow, masked.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** Placeholder for an encrypted config value in an offline plan. */
export const SECURE_PLACEHOLDER = "[secure value: decrypted by the Pulumi CLI at deploy time]";

/** A stack's config, as the program receives it. */
export interface StackConfig {
    /** Stack name (from the file name, or given). */
    stack: string;
    /** Pulumi project name (from Pulumi.yaml next to the stacks folder). */
    project: string;
    /** Every key, namespaced, with string values. */
    values: Record<string, string>;
    /** Keys whose value is (or contains) a secret. */
    secretKeys: string[];
}

/** Directory of the repository (where Pulumi.yaml lives). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The path of a named stack's config file. */
export function stackConfigPath(stack: string): string {
    return path.join(REPO_ROOT, "stacks", `Pulumi.${stack}.yaml`);
}

/** Names of the stacks shipped under `stacks/`. */
export function shippedStacks(): string[] {
    return fs
        .readdirSync(path.join(REPO_ROOT, "stacks"))
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => Boolean(s))
        .sort();
}

function isSecure(value: unknown): value is { secure: string } {
    return (
        typeof value === "object" &&
        value !== null &&
        !Array.isArray(value) &&
        typeof (value as { secure?: unknown }).secure === "string" &&
        Object.keys(value).length === 1
    );
}

/** Replaces nested `{secure: ...}` values with the placeholder; reports whether any was found. */
function unsecure(value: unknown): { value: unknown; secret: boolean } {
    if (isSecure(value)) return { value: SECURE_PLACEHOLDER, secret: true };
    if (Array.isArray(value)) {
        let secret = false;
        const out = value.map((v) => {
            const r = unsecure(v);
            secret ||= r.secret;
            return r.value;
        });
        return { value: out, secret };
    }
    if (typeof value === "object" && value !== null) {
        let secret = false;
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            const r = unsecure(v);
            secret ||= r.secret;
            out[k] = r.value;
        }
        return { value: out, secret };
    }
    return { value, secret: false };
}

/**
 * Reads a stack config file. Throws an Error naming the file when it is not a Pulumi stack config.
 *
 * @param file - path to a `Pulumi.<stack>.yaml`
 * @param stack - stack name; derived from the file name when absent
 */
export function readStackConfig(file: string, stack?: string): StackConfig {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new Error(`cannot read stack config ${file}: ${(err as Error).message}`, { cause: err });
    }
    const doc = (parse(text) ?? {}) as { config?: Record<string, unknown> };
    if (
        typeof doc !== "object" ||
        doc === null ||
        (doc.config !== undefined && (typeof doc.config !== "object" || Array.isArray(doc.config)))
    ) {
        throw new Error(`${file} is not a Pulumi stack config: expected a top-level "config:" map`);
    }
    const projectFile = path.join(REPO_ROOT, "Pulumi.yaml");
    const project = String((parse(fs.readFileSync(projectFile, "utf8")) as { name?: string }).name ?? "kubeforge");
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [rawKey, rawValue] of Object.entries(doc.config ?? {})) {
        // Pulumi allows a key without namespace to mean the project's namespace.
        const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
        const { value, secret } = unsecure(rawValue);
        if (secret) secretKeys.push(key);
        values[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    const derived = /Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1];
    return { stack: stack ?? derived ?? "dev", project, values, secretKeys };
}
