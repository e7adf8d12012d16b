/**
 * Finds the platform policy adapters by platform name, the way `components/core/registry.ts` finds
 * platforms: `components/platforms/<name>/policy.ts` default-exports a {@link PlatformAdapter} whose
 * `platform` is `<name>`. Adding a platform is adding a folder; no list here to edit.
 *
 * The adapters are loaded by name at run time, never imported statically: the platform folders import
 * the neutral facts (`./facts`), so a static import back from here would make the two import each other.
 * The path is found from this file, which works both in-process (tsx, `npm run plan`) and in the pack's
 * own process (the Pulumi CLI's ts-node, or `tsc -p policies` output, whose `bin/` mirrors the repository).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PlatformAdapter, ResourceFacts, ResourceView } from "./facts";

/** Where the platform folders live, seen from `policies/` (or from `policies/bin/policies/` once compiled). */
export const PLATFORMS_DIR = path.resolve(__dirname, "..", "components", "platforms");

/** Platform folder names are DNS labels (as in the platform registry). */
const PLATFORM_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Files a folder may hold its adapter in (source, or compiled). */
const ADAPTER_FILES = ["policy.ts", "policy.js"];

/**
 * Names of the platform folders under `platformsDir` that hold a policy adapter, sorted.
 *
 * @param platformsDir - where to look; `components/platforms` by default
 */
export function listAdapterPlatforms(platformsDir: string = PLATFORMS_DIR): string[] {
    if (!fs.existsSync(platformsDir)) return [];
    return fs
        .readdirSync(platformsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && PLATFORM_NAME.test(entry.name))
        .filter((entry) => ADAPTER_FILES.some((file) => fs.existsSync(path.join(platformsDir, entry.name, file))))
        .map((entry) => entry.name)
        .sort();
}

/**
 * Loads the adapter of one platform folder.
 *
 * @param name - the platform's folder name
 * @param platformsDir - where the platform folders are
 * @throws Error when `policy` does not default-export an adapter named after its folder (a bug in the platform)
 */
export function loadAdapter(name: string, platformsDir: string = PLATFORMS_DIR): PlatformAdapter {
    const file = path.join(platformsDir, name, "policy");
    // Loaded by name at run time on purpose: the pack must not import any platform statically.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(file) as { default?: Partial<PlatformAdapter> };
    const adapter = loaded.default;
    const missing =
        adapter === undefined ? ["a default export"] : (["claims", "describe"] as const).filter((f) => typeof adapter[f] !== "function");
    if (adapter === undefined || missing.length > 0) {
        throw new Error(`${file} does not default-export a policy adapter (missing ${missing.join(", ")})`);
    }
    if (adapter.platform !== name) {
        throw new Error(
            `${file} default-exports an adapter for "${String(adapter.platform)}"; it must be named after its folder, "${name}"`,
        );
    }
    return adapter as PlatformAdapter;
}

/**
 * Every adapter found under `platformsDir`, in platform-name order.
 *
 * @param platformsDir - where the platform folders are; `components/platforms` by default
 */
export function loadAdapters(platformsDir: string = PLATFORMS_DIR): PlatformAdapter[] {
    return listAdapterPlatforms(platformsDir).map((name) => loadAdapter(name, platformsDir));
}

let registered: readonly PlatformAdapter[] | undefined;

/** The adapters of `components/platforms`, loaded once on first use. */
export function registeredAdapters(): readonly PlatformAdapter[] {
    registered ??= loadAdapters();
    return registered;
}

/**
 * Neutral facts about `resource` from every adapter that claims its type, merged (lists concatenated,
 * the first adapter's single facts kept); undefined when none claims it.
 *
 * @param resource - the resource to describe
 * @param adapters - adapters to ask (the registered ones by default; tests pass their own)
 */
export function factsOf(resource: ResourceView, adapters: readonly PlatformAdapter[] = registeredAdapters()): ResourceFacts | undefined {
    const all = adapters.filter((a) => a.claims(resource.type)).map((a) => a.describe(resource));
    if (all.length === 0) return undefined;
    return all.slice(1).reduce<ResourceFacts>(
        (merged, f) => ({
            platform: merged.platform,
            machine: merged.machine ?? f.machine,
            disks: [...merged.disks, ...f.disks],
            metadata: merged.metadata ?? f.metadata,
            ingress: [...merged.ingress, ...f.ingress],
            firewallGroup: merged.firewallGroup ?? f.firewallGroup,
            tagging: merged.tagging ?? f.tagging,
            apiListener: merged.apiListener ?? f.apiListener,
        }),
        all[0],
    );
}
