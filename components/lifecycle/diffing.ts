/**
 * Helpers the lifecycle providers share, bundled into their text by esbuild (components/dynamic.ts);
 * the resource classes read {@link LIFECYCLE_PROVIDER_VERSION} from here too.
 */

/**
 * Version of the lifecycle providers' behaviour, stored as the `providerVersion` input. Deletes run
 * the provider code saved in state, so a change of behaviour must bump this (the diff then reports an
 * update, which stores the new code) and must stay able to delete state written by older versions.
 */
export const LIFECYCLE_PROVIDER_VERSION = "1";

/** Keys whose values differ between the stored state and the new inputs (deep, by JSON). */
export function changedKeys(olds: Record<string, unknown>, news: Record<string, unknown>, keys?: string[]): string[] {
    const all = keys ?? [...new Set([...Object.keys(olds), ...Object.keys(news)])];
    return all.filter((k) => k !== "__provider" && JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
}

/** Copies inputs into outputs without the provider text (the engine adds it back). */
export function withoutProvider<T extends Record<string, unknown>>(inputs: T): T {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(inputs)) if (k !== "__provider") copy[k] = v;
    return copy as T;
}
