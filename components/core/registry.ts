/**
 * Finds platforms by name: `components/platforms/<name>/index` default-exports a {@link Platform}.
 * Adding a platform is adding a folder; no core file changes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Platform } from "../platform";
import { fieldName } from "./fields";
import { resolveCluster, type ResolvedCluster } from "./resolve";
import { ConfigError, type ConfigIssue } from "./types";
import { draftClusterSpec, type RawConfig } from "./config";

/** Where the platform folders live. */
export const PLATFORMS_DIR = path.resolve(__dirname, "..", "platforms");

/** Platform folder names are DNS labels, which also keeps a config value from walking out of the folder. */
const PLATFORM_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Names of the platforms available: folders holding an `index.ts` or `index.js`, sorted.
 *
 * @param platformsDir - where to look; `components/platforms` by default
 */
export function listPlatforms(platformsDir: string = PLATFORMS_DIR): string[] {
    if (!fs.existsSync(platformsDir)) return [];
    return fs
        .readdirSync(platformsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && PLATFORM_NAME.test(entry.name))
        .filter((entry) => ["index.ts", "index.js"].some((file) => fs.existsSync(path.join(platformsDir, entry.name, file))))
        .map((entry) => entry.name)
        .sort();
}

function platformIssue(name: unknown, available: string[]): ConfigIssue {
    const list = available.length > 0 ? available.join(", ") : "none found under components/platforms";
    const message =
        name === undefined || name === null
            ? `is required; name the platform to build on, one of: ${list}`
            : `${JSON.stringify(name)} is not a platform kubeforge has; use one of: ${list}`;
    return { field: fieldName("platform"), message };
}

/**
 * Loads the platform a stack names.
 *
 * @param name - the `kubeforge:platform` value (checked: a string naming an existing folder)
 * @param platformsDir - where the platform folders are; `components/platforms` by default
 * @throws ConfigError when no such platform exists (the message lists those that do)
 * @throws Error when the folder does not default-export a Platform of that name (a bug in the platform)
 */
export function loadPlatform(name: unknown, platformsDir: string = PLATFORMS_DIR): Platform<unknown> {
    const available = listPlatforms(platformsDir);
    if (typeof name !== "string" || !available.includes(name)) throw new ConfigError([platformIssue(name, available)]);
    const file = path.join(platformsDir, name, "index");
    // Loaded by name at run time on purpose: the core must not import any platform statically.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(file) as { default?: unknown };
    const platform = loaded.default as Partial<Platform<unknown>> | undefined;
    const required = ["parseConfig", "failureDomains", "bootstrapFacts", "createInfrastructure", "createMachine"] as const;
    const missing = platform === undefined ? ["a default export"] : required.filter((f) => typeof platform[f] !== "function");
    if (platform === undefined || missing.length > 0) {
        throw new Error(`${file} does not default-export a Platform (missing ${missing.join(", ")})`);
    }
    if (platform.name !== name) {
        throw new Error(
            `${file} default-exports a platform named "${String(platform.name)}"; it must be named after its folder, "${name}"`,
        );
    }
    return platform as Platform<unknown>;
}

/**
 * Loads the platform `raw.platform` names and resolves the cluster on it. Unlike calling
 * {@link loadPlatform} then `resolveCluster`, an unknown platform is reported together with every
 * other config problem, and other platforms' blocks are not mistaken for typos.
 *
 * @param raw - the `kubeforge` config namespace, parsed (see `readRawConfig`)
 * @param platformsDir - where the platform folders are; `components/platforms` by default
 * @throws ConfigError with every problem found
 */
export function resolveFromConfig(raw: RawConfig, platformsDir: string = PLATFORMS_DIR): ResolvedCluster & { platform: Platform<unknown> } {
    const platformNames = listPlatforms(platformsDir);
    if (typeof raw.platform !== "string" || !platformNames.includes(raw.platform)) {
        const { issues } = draftClusterSpec(raw, { platformNames });
        const own = issues.some((i) => i.field === fieldName("platform")) ? [] : [platformIssue(raw.platform, platformNames)];
        throw new ConfigError([...issues, ...own]);
    }
    const platform = loadPlatform(raw.platform, platformsDir);
    return { ...resolveCluster(raw, platform, { platformNames }), platform };
}
