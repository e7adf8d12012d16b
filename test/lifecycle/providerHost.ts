/**
 * Loading `__provider` text the way Pulumi's dynamic-provider host does: `require-from-string`, then
 * `handler()`. Without a file name, packages resolve from the working directory (the project), as in
 * the host; with one, from that file's directory, which lets a test load the text where no package
 * resolves at all.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";

/** A provider with every method present (the toolkit's providers implement all of them). */
export type LoadedProvider = Required<pulumi.dynamic.ResourceProvider>;

type RequireFromString = (code: string, filename?: string) => { handler: () => LoadedProvider };

/**
 * The provider object the host would get from `text`.
 *
 * @param text - the `__provider` text
 * @param filename - where the module claims to live (packages resolve from its directory); none: the host's way
 */
export function loadProvider(text: string, filename?: string): LoadedProvider {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const requireFromString = require("require-from-string") as RequireFromString;
    return requireFromString(text, filename).handler();
}

/**
 * A file name in a fresh temporary directory from which none of `packages` resolves (checked, so a
 * stray `node_modules` above the temp directory cannot make a test pass for the wrong reason).
 *
 * @param packages - packages that must not resolve from there
 * @returns the file name, and a function removing its directory
 */
export function isolatedFilename(packages: string[]): { filename: string; remove: () => void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kf-isolated-"));
    const filename = path.join(dir, "provider.js");
    for (const name of packages)
        assert.throws(() => createRequire(filename).resolve(name), { code: "MODULE_NOT_FOUND" }, `${name} resolves from ${dir}`);
    return { filename, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The packages a provider text requires, by name, deduplicated and sorted.
 *
 * @param text - the `__provider` text
 */
export function requiredPackages(text: string): string[] {
    return [...new Set([...text.matchAll(/require\((["'`])([^"'`]+)\1\)/g)].map((m) => m[2] ?? ""))].sort();
}
