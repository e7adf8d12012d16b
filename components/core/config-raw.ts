/**
 * Turns Pulumi's string config values into the raw config the parsers read.
 */
import { IssueList } from "./fields";
import type { ConfigIssue } from "./types";
import { CONFIG_KEY_TYPES, CONFIG_KEYS, type RawConfig } from "./config-keys";

/** Where {@link readRawConfig} reads values: a getter, or every key and value at once. */
export type RawConfigSource = ((key: string) => string | undefined) | Readonly<Record<string, string>>;

/**
 * Turns Pulumi config values (always strings) into a {@link RawConfig}: object and array keys are
 * JSON-parsed, booleans read as booleans; malformed JSON becomes an issue. The chosen platform's
 * block (`kubeforge:<platform>`) is read too.
 *
 * @param source - a getter such as `(k) => config.get(k)` for `new pulumi.Config("kubeforge")`, or a
 *   record of every key (namespace stripped) and its value
 * @param keys - keys to read; defaults to the record's keys, or {@link CONFIG_KEYS} for a getter. Pass
 *   every key of the namespace so unknown keys can be reported.
 */
export function readRawConfig(source: RawConfigSource, keys?: readonly string[]): { raw: RawConfig; issues: ConfigIssue[] } {
    const get = typeof source === "function" ? source : (key: string) => source[key];
    const wanted = [...(keys ?? (typeof source === "function" ? CONFIG_KEYS : Object.keys(source)))];
    const issues = new IssueList();
    const raw: RawConfig = {};
    const read = (key: string): void => {
        const text = get(key);
        if (text === undefined) return;
        raw[key] = decodeValue(key, text, issues);
    };
    wanted.forEach(read);
    const platform = raw.platform;
    if (typeof platform === "string" && !(platform in raw)) read(platform);
    return { raw, issues: issues.items };
}

function decodeValue(key: string, text: string, issues: IssueList): unknown {
    const declared: string | undefined = (CONFIG_KEY_TYPES as Record<string, string>)[key];
    if (declared === "boolean") {
        if (text === "true") return true;
        if (text === "false") return false;
        return text;
    }
    const trimmed = text.trim();
    const looksStructured = trimmed.startsWith("{") || trimmed.startsWith("[");
    if (declared === "object" || declared === "array" || (declared === undefined && looksStructured)) {
        try {
            return JSON.parse(text) as unknown;
        } catch (error) {
            // The parser's message can quote the value, which may hold a secret: keep only the position.
            const position = /position (\d+)/.exec(String(error))?.[1];
            issues.add(
                key,
                `is not valid JSON${position ? ` (at character ${position})` : ""}; write it as a YAML ${declared === "array" ? "list" : "map"} in Pulumi.<stack>.yaml, or set it with \`pulumi config set --path\``,
            );
            return undefined;
        }
    }
    return text;
}
