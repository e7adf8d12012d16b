/**
 * Small readers for untyped config values that record a {@link ConfigIssue} instead of throwing, so
 * one pass over the config finds every problem.
 */
import type { ConfigIssue } from "./types";
import { unknownKeyHint } from "./suggest";

/** The config namespace every field path lives in. */
export const NAMESPACE = "kubeforge";

/** Collects issues against config paths such as `workerPools[1].name`. */
export class IssueList {
    /** Everything found so far, in the order found. */
    readonly items: ConfigIssue[] = [];

    /**
     * Records one problem.
     * @param path - path below the namespace, e.g. `controlPlane.count`
     * @param message - what is wrong; how to fix it
     */
    add(path: string, message: string): void {
        this.items.push({ field: fieldName(path), message });
    }
}

/** `kubeforge:<path>`. */
export function fieldName(path: string): string {
    return `${NAMESPACE}:${path}`;
}

/**
 * The path of `key` under `path` (`""` for the top level): `path.key`, or `path["key"]` when the key
 * is not a plain identifier (label keys such as `example.com/gpu`), the form `pulumi config set --path` takes.
 */
export function childPath(path: string, key: string): string {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
    return path === "" ? key : `${path}.${key}`;
}

/** True for a plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Absent means undefined or null (YAML `key:` with nothing after it). */
function absent(value: unknown): value is undefined | null {
    return value === undefined || value === null;
}

/** Describes a value's JSON type for messages. */
function typeName(value: unknown): string {
    if (Array.isArray(value)) return "a list";
    if (value === null) return "null";
    if (typeof value === "object") return "a map";
    return `a ${typeof value} (${JSON.stringify(value)})`;
}

/** Reads an optional map; undefined when absent or not a map (recorded). */
export function readObject(value: unknown, path: string, issues: IssueList): Record<string, unknown> | undefined {
    if (absent(value)) return undefined;
    if (!isRecord(value)) {
        issues.add(path, `must be a map of keys to values, not ${typeName(value)}; write it as a YAML map`);
        return undefined;
    }
    return value;
}

/** Reads an optional list; undefined when absent or not a list (recorded). */
export function readArray(value: unknown, path: string, issues: IssueList): unknown[] | undefined {
    if (absent(value)) return undefined;
    if (!Array.isArray(value)) {
        issues.add(path, `must be a list, not ${typeName(value)}; write it as a YAML list`);
        return undefined;
    }
    return value;
}

/** Reads an optional string; undefined when absent or not a string (recorded). */
export function readString(value: unknown, path: string, issues: IssueList): string | undefined {
    if (absent(value)) return undefined;
    if (typeof value !== "string") {
        issues.add(path, `must be a string, not ${typeName(value)}; quote the value`);
        return undefined;
    }
    return value;
}

/** Reads an optional boolean; undefined when absent or not a boolean (recorded). */
export function readBoolean(value: unknown, path: string, issues: IssueList): boolean | undefined {
    if (absent(value)) return undefined;
    if (typeof value !== "boolean") {
        issues.add(path, `must be true or false, not ${typeName(value)}; write true or false without quotes`);
        return undefined;
    }
    return value;
}

/** Reads an optional whole number with a lower bound; undefined when absent or invalid (recorded). */
export function readInteger(value: unknown, path: string, issues: IssueList, min: number): number | undefined {
    if (absent(value)) return undefined;
    if (typeof value !== "number" || !Number.isSafeInteger(value)) {
        issues.add(path, `must be a whole number, not ${typeName(value)}; write digits only, without quotes`);
        return undefined;
    }
    if (value < min) {
        issues.add(path, `is ${value}; it must be at least ${min}`);
        return undefined;
    }
    return value;
}

/** Reads a string that must be one of `choices`; undefined when absent or invalid (recorded). */
export function readChoice<T extends string>(value: unknown, path: string, issues: IssueList, choices: readonly T[]): T | undefined {
    const text = readString(value, path, issues);
    if (text === undefined) return undefined;
    if (!choices.includes(text as T)) {
        issues.add(path, `is "${text}"; use one of ${choices.map((c) => `"${c}"`).join(", ")}`);
        return undefined;
    }
    return text as T;
}

/** Reads a list of strings; undefined when absent, invalid entries recorded and dropped. */
export function readStringArray(value: unknown, path: string, issues: IssueList): string[] | undefined {
    const list = readArray(value, path, issues);
    if (list === undefined) return undefined;
    const out: string[] = [];
    list.forEach((item, i) => {
        const text = readString(item, `${path}[${i}]`, issues);
        if (text !== undefined) out.push(text);
    });
    return out;
}

/** Records every key of `object` not in `known`, with a did-you-mean hint. */
export function checkKnownKeys(object: Record<string, unknown>, known: readonly string[], path: string, issues: IssueList): void {
    for (const key of Object.keys(object)) {
        if (!known.includes(key)) {
            issues.add(childPath(path, key), `is not a known setting; ${unknownKeyHint(key, known)}`);
        }
    }
}
