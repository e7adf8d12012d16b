/**
 * JSON with object keys sorted at every level, so equal values give equal text whatever order their
 * keys were built or read back in. Free of imports: the bare-metal provider bundles it.
 *
 * @param value - any JSON-serializable value
 */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(value, (_key, v: unknown) =>
        v !== null && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
            : v,
    );
}
