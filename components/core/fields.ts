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

/**
 * Describes a value as the user wrote it in YAML, for messages: `3.5`, `true`, `the text "3"`, `a list`,
 * `a map`, `nothing`. Never "a number (3.5)": the message names the value itself.
 *
 * @param value - a decoded config value
 */
export function describeValue(value: unknown): string {
    if (Array.isArray(value)) return "a list";
    if (value === null || value === undefined) return "nothing";
    if (typeof value === "object") return "a map";
    if (typeof value === "string") return `the text ${JSON.stringify(value)}`;
    return String(value);
}

/**
 * `1 node`, `2 nodes`: a count with its noun, singular for one.
 *
 * @param count - how many
 * @param singular - the noun for one (`node`, `master`, `failure domain`)
 * @param plural - the noun for several, when not `singular` + `s`
 */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
    return `${count} ${count === 1 ? singular : plural}`;
}

/** Unquoted YAML 1.1 words that YAML reads as booleans (the "Norway problem"). */
const YAML_BOOLEAN_WORDS = "yes, no, on, off, true or false";

/**
 * Why YAML turned what the user meant as text into `value`, when it can tell: a version such as `1.30`
 * read as the number 1.3, a word such as `no` read as false. Empty when there is nothing to add.
 *
 * @param value - a decoded value that was expected to be a string
 */
export function yamlScalarHint(value: unknown): string {
    if (typeof value === "number") {
        const text = String(value);
        // YAML drops trailing zeros: 1.30 and 1.300 both become 1.3; say what the user probably wrote.
        const meant = /^\d+\.\d$/.test(text) ? `${text}0` : text;
        // YAML 1.1 reads digits with a leading 0 as octal: `0755` arrives as 493, and "quote 493" would be
        // wrong. Which one the file says cannot be told from the number: name both.
        const octal =
            Number.isSafeInteger(value) && value >= 8
                ? ` (if the file says 0${value.toString(8)}, YAML read it as octal: quote "0${value.toString(8)}")`
                : "";
        return meant === text
            ? `YAML reads an unquoted ${text} as a number; quote it: "${text}"${octal}`
            : `YAML reads an unquoted ${meant} as the number ${text}; quote it: "${meant}"`;
    }
    if (typeof value === "boolean") return `YAML reads an unquoted ${YAML_BOOLEAN_WORDS} as ${String(value)}; quote the text you meant`;
    return "";
}

/** Reads an optional map; undefined when absent or not a map (recorded). */
export function readObject(value: unknown, path: string, issues: IssueList): Record<string, unknown> | undefined {
    if (absent(value)) return undefined;
    if (!isRecord(value)) {
        issues.add(
            path,
            `must be a map of keys to values, not ${describeValue(value)}; write it as a YAML map (\`key: value\` lines indented under it)`,
        );
        return undefined;
    }
    return value;
}

/** Reads an optional list; undefined when absent or not a list (recorded). */
export function readArray(value: unknown, path: string, issues: IssueList): unknown[] | undefined {
    if (absent(value)) return undefined;
    if (!Array.isArray(value)) {
        issues.add(path, `must be a list, not ${describeValue(value)}; write it as a YAML list (\`[a, b]\`, or one \`- item\` a line)`);
        return undefined;
    }
    return value;
}

/** Reads an optional string; undefined when absent or not a string (recorded). */
export function readString(value: unknown, path: string, issues: IssueList): string | undefined {
    if (absent(value)) return undefined;
    if (typeof value !== "string") {
        const hint = Array.isArray(value)
            ? "write one value on the key's line, not a list"
            : isRecord(value)
              ? "write one value on the key's line, not `key: value` lines under it"
              : yamlScalarHint(value);
        issues.add(path, `must be a string, not ${describeValue(value)}; ${hint || "quote the value"}`);
        return undefined;
    }
    return value;
}

/** Reads an optional boolean; undefined when absent or not a boolean (recorded). */
export function readBoolean(value: unknown, path: string, issues: IssueList): boolean | undefined {
    if (absent(value)) return undefined;
    if (typeof value !== "boolean") {
        issues.add(path, `must be true or false, not ${describeValue(value)}; write true or false without quotes`);
        return undefined;
    }
    return value;
}

/** Reads an optional whole number with a lower bound; undefined when absent or invalid (recorded). */
export function readInteger(value: unknown, path: string, issues: IssueList, min: number): number | undefined {
    if (absent(value)) return undefined;
    if (typeof value !== "number" || !Number.isSafeInteger(value)) {
        const fix = typeof value === "number" ? "write it without a decimal point" : "write digits only, without quotes";
        issues.add(path, `must be a whole number, not ${describeValue(value)}; ${fix}`);
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

/**
 * The message for a key declared as a list or a map whose value is plain text: Pulumi hands the
 * program every value as text, a YAML list or map as JSON, so text that does not parse means the
 * stack file holds a string there. The answer is in YAML, which is what the user wrote. Only a short
 * one-line list item is echoed (a map may be a platform block holding secrets: never echoed).
 *
 * @param text - the value as Pulumi passed it
 * @param expected - what the key holds
 */
export function structuredTextMessage(text: string, expected: "list" | "map"): string {
    const trimmed = text.trim();
    if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
        return `must be a YAML ${expected}, but holds quoted text that is not one; remove the quotes around it and check its brackets and commas, or set it with \`pulumi config set --path\``;
    }
    if (expected === "list") {
        const item = /^[^\s"'#:[\]{},]{1,64}$/.test(trimmed) ? trimmed : "item";
        return `must be a list, not ${item === "item" ? "plain text" : `the text "${item}"`}; write it as a YAML list, [${item}] or one \`- ${item}\` a line`;
    }
    return "must be a map of keys to values, not plain text; write it as a YAML map (`key: value` lines indented under it), or set it with `pulumi config set --path`";
}
