/**
 * One cluster spec shared by several stacks: `kubeforge:spec: <file>` in a stack config names a YAML
 * file of `kubeforge` keys (without the namespace) that the stack's own keys are laid over, with JSON
 * merge patch semantics (RFC 7386: maps merge key by key, lists and scalars replace, `null` removes).
 * That is how the Pulumi CLI itself layers an imported environment under a stack's config, so it
 * reads the way Pulumi users expect, and it needs nothing but a file in the repository: it works with
 * every backend (`pulumi login --local`, S3, ...), no Pulumi Cloud or ESC feature.
 *
 * The path is relative to the project root (where Pulumi.yaml is), as Pulumi's own `main` and
 * `stackConfigDir` are. Pure apart from reading that one file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { ConfigIssue } from "../../components/core/types";

/** The config key (below `kubeforge:`) that names the shared spec file. */
export const SPEC_KEY = "spec";

/** The project root, where Pulumi.yaml lives: spec paths are relative to it. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** Keys a spec file may not hold: they say which platform a stack is, or would point at another spec. */
const STACK_ONLY_KEYS = ["platform", SPEC_KEY];

function isMap(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * JSON merge patch (RFC 7386): `patch` over `target`.
 *
 * @param target - the base document
 * @param patch - what to lay over it; maps merge, anything else replaces, `null` removes the key
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
    if (!isMap(patch)) return patch;
    const out: Record<string, unknown> = isMap(target) ? { ...target } : {};
    for (const [key, value] of Object.entries(patch)) {
        if (value === null) delete out[key];
        else out[key] = mergePatch(out[key], value);
    }
    return out;
}

function hasSecure(value: unknown): boolean {
    if (Array.isArray(value)) return value.some(hasSecure);
    if (!isMap(value)) return false;
    if (typeof value.secure === "string") return true;
    return Object.values(value).some(hasSecure);
}

/** A spec file, read and checked. */
export interface SharedSpec {
    /** The file, as written in the stack (relative to the project root). */
    file: string;
    /** Its keys, below the namespace. */
    values: Record<string, unknown>;
}

/**
 * Reads a spec file. Problems are returned against `kubeforge:spec` (or the key in the file), each
 * with its fix; nothing throws.
 *
 * @param file - the path written in `kubeforge:spec`
 * @param root - what a relative path is relative to (the project root)
 */
export function readSharedSpec(file: string, root: string = PROJECT_ROOT): { spec?: SharedSpec; issues: ConfigIssue[] } {
    const field = `kubeforge:${SPEC_KEY}`;
    const full = path.resolve(root, file);
    let text: string;
    try {
        text = fs.readFileSync(full, "utf8");
    } catch {
        return {
            issues: [
                {
                    field,
                    message: `names ${file}, which does not exist under ${root}; give a path relative to the project root (where Pulumi.yaml is), e.g. stacks/compare/spec.yaml`,
                },
            ],
        };
    }
    let doc: unknown;
    try {
        doc = parse(text);
    } catch (err) {
        const where = /at line (\d+)/.exec(String(err))?.[0];
        return { issues: [{ field, message: `${file} is not valid YAML${where ? ` (${where})` : ""}; fix the file` }] };
    }
    if (!isMap(doc))
        return { issues: [{ field, message: `${file} must be a YAML map of kubeforge keys (name, controlPlane, workerPools, ...)` }] };
    const issues: ConfigIssue[] = [];
    const values: Record<string, unknown> = {};
    for (const [rawKey, value] of Object.entries(doc)) {
        const key = rawKey.startsWith("kubeforge:") ? rawKey.slice("kubeforge:".length) : rawKey;
        if (rawKey.includes(":") && !rawKey.startsWith("kubeforge:")) {
            issues.push({ field, message: `${file} sets ${rawKey}: a spec holds only kubeforge keys; put provider settings in the stack` });
        } else if (STACK_ONLY_KEYS.includes(key)) {
            issues.push({
                field: `kubeforge:${key}`,
                message: `is set in the shared spec ${file}; it belongs in each stack (a spec is what stacks share)`,
            });
        } else if (hasSecure(value)) {
            issues.push({
                field: `kubeforge:${key}`,
                message: `holds an encrypted value in ${file}, which only the stack's own config can decrypt; set it in the stack with pulumi config set --secret`,
            });
        } else {
            values[key] = value;
        }
    }
    return issues.length > 0 ? { issues } : { spec: { file, values }, issues };
}

/**
 * A stack's `kubeforge` keys with its shared spec laid under them: what the program validates. The
 * keys arrive as Pulumi passes them (strings; objects and arrays as JSON text) and leave the same way,
 * without `spec`. A stack without `kubeforge:spec` comes back unchanged.
 *
 * @param own - the stack's `kubeforge` keys, namespace stripped, values as Pulumi passes them
 * @param root - the project root
 */
export function applySharedSpec(
    own: Record<string, string>,
    root: string = PROJECT_ROOT,
): { values: Record<string, string>; issues: ConfigIssue[] } {
    const file = own[SPEC_KEY];
    if (file === undefined) return { values: own, issues: [] };
    const { spec, issues } = readSharedSpec(file, root);
    const rest = Object.fromEntries(Object.entries(own).filter(([k]) => k !== SPEC_KEY));
    if (!spec) return { values: rest, issues };
    const values: Record<string, string> = {};
    for (const [key, base] of Object.entries(spec.values)) {
        const mine = rest[key];
        let merged: unknown = base;
        if (mine !== undefined) {
            let parsed: unknown = mine;
            if (isMap(base)) {
                try {
                    parsed = JSON.parse(mine) as unknown;
                } catch {
                    parsed = mine; // not a map: replaces the spec's value; the validator names it
                }
            }
            merged = mergePatch(base, parsed);
        }
        values[key] = typeof merged === "string" ? merged : JSON.stringify(merged);
    }
    for (const [key, mine] of Object.entries(rest)) if (!(key in spec.values)) values[key] = mine;
    return { values, issues: [] };
}
