/**
 * Small readers for untyped resource properties. Policies see whatever a program registered (or a
 * plan recorded), so every field is read defensively instead of trusting a provider's typings.
 */

/** A plain object, or undefined when `value` is anything else. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
}

/** An array (possibly empty); anything else reads as empty. */
export function asArray(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

/** A string, or undefined. */
export function asString(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** The strings of an array, skipping anything else. */
export function asStrings(value: unknown): string[] {
    return asArray(value).filter((v): v is string => typeof v === "string");
}

/** A finite number (numeric strings included, as some providers type ports and limits as strings). */
export function asNumber(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
    return undefined;
}

/** True for `true` and `"true"` (launch templates type booleans as strings), false otherwise. */
export function isTrue(value: unknown): boolean {
    return value === true || (typeof value === "string" && value.toLowerCase() === "true");
}

/** A string-to-string map (tags, labels); non-string values are dropped. */
export function asStringMap(value: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(asRecord(value) ?? {})) {
        if (typeof v === "string") out[k] = v;
    }
    return out;
}
