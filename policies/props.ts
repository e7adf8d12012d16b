/**
 * Small readers for untyped resource properties. Policies see whatever a program registered (or a
 * plan recorded), so every field is read defensively instead of trusting a provider's typings.
 *
 * During `pulumi preview` the engine hands policies a proxy that throws `UnknownValueError` when a
 * value is not known yet (an id, an address). Reading through {@link field} turns that into
 * {@link UNKNOWN}, so a rule can skip what it cannot judge yet (resource policies run again, with known
 * inputs, just before each resource is created) instead of failing on a field it does not need.
 */
import { UnknownValueError } from "./sdk";

/** A value the engine will only know during the update. */
export const UNKNOWN: unique symbol = Symbol("unknown until the update");

/**
 * `obj[key]`, {@link UNKNOWN} when the engine does not know it yet, undefined when `obj` is not an object.
 *
 * @param obj - a properties object or array (possibly the engine's unknown-checking proxy)
 * @param key - property name or index
 */
export function field(obj: unknown, key: string | number): unknown {
    if (typeof obj !== "object" || obj === null) return undefined;
    try {
        return (obj as Record<string | number, unknown>)[key];
    } catch (e) {
        if (e instanceof UnknownValueError) return UNKNOWN;
        throw e;
    }
}

/**
 * True when `value` is not known yet.
 *
 * @param value - a value read with {@link field}
 */
export function isUnknown(value: unknown): value is typeof UNKNOWN {
    return value === UNKNOWN;
}

/** A plain object, or undefined when `value` is anything else. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The elements of an array (unknown ones as {@link UNKNOWN}); anything else reads as empty. */
export function asArray(value: unknown): unknown[] {
    if (!Array.isArray(value)) return [];
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(field(value, i));
    return out;
}

/** A string, or undefined. */
export function asString(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** The strings of an array, skipping anything else (unknown elements included). */
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

/** Keys of a map (tags, labels), whether or not their values are known yet. */
export function keysOf(value: unknown): string[] {
    const record = asRecord(value);
    return record ? Object.keys(record) : [];
}

/** A string-to-string map (tags, labels); non-string and unknown values are dropped. */
export function asStringMap(value: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of keysOf(value)) {
        const v = field(value, key);
        if (typeof v === "string") out[key] = v;
    }
    return out;
}
