/**
 * The known-region reader: a platform declares, as data, the regions (and their zones) it knows; a
 * region or zone outside that list is an error naming the field, the nearest known names, and the
 * escape hatch `kubeforge:<platform>.allowUnlistedRegion: true` for regions newer than the list.
 * Pure.
 */
import { editDistance } from "../core/suggest";
import type { IssueList } from "../core/fields";

/** Regions a platform knows: region name to its zones (empty when the platform has no zones, e.g. DigitalOcean). */
export type KnownRegions = Readonly<Record<string, readonly string[]>>;

/** The key that lets a region or zone outside the known list through. */
export const ALLOW_UNLISTED_REGION_KEY = "allowUnlistedRegion";

/**
 * Up to `limit` candidates nearest to `word` (case-insensitive edit distance), nearest first, among
 * those within a plausible typo distance (a third of the word, at least 2 edits) or sharing its first
 * three characters.
 *
 * @param word - what the user wrote
 * @param candidates - the known names
 * @param limit - how many to return
 */
export function nearMatches(word: string, candidates: readonly string[], limit = 3): string[] {
    const lower = word.toLowerCase();
    const budget = Math.max(2, Math.floor(word.length / 3));
    return candidates
        .map((c) => ({ c, d: editDistance(lower, c.toLowerCase()) }))
        .filter(({ c, d }) => d <= budget || (lower.length >= 3 && c.toLowerCase().startsWith(lower.slice(0, 3))))
        .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
        .slice(0, limit)
        .map(({ c }) => c);
}

/** What {@link checkKnownRegion} and {@link checkKnownZone} need to know. */
export interface KnownRegionOptions {
    /** The platform name, e.g. `gcp` (the block `kubeforge:gcp`). */
    platform: string;
    /** The platform's known regions. */
    known: KnownRegions;
    /** The value of `kubeforge:<platform>.allowUnlistedRegion` (true lets unlisted names through). */
    allowUnlisted: boolean;
}

function suggestion(word: string, candidates: readonly string[]): string {
    const near = nearMatches(word, candidates);
    return near.length > 0 ? `did you mean ${near.map((n) => `\`${n}\``).join(" or ")}?` : "";
}

/**
 * Records an issue at `path` when `region` is not a known region of the platform (unless unlisted
 * regions are allowed). The message names the near matches and the escape hatch.
 *
 * @param region - the region as written
 * @param path - config path under the namespace, e.g. `gcp.region`
 * @param options - the platform's known regions and the escape hatch's value
 * @param issues - where to record
 * @returns true when the region is known or allowed
 */
export function checkKnownRegion(region: string, path: string, options: KnownRegionOptions, issues: IssueList): boolean {
    if (options.allowUnlisted || Object.hasOwn(options.known, region)) return true;
    const hint = suggestion(region, Object.keys(options.known));
    issues.add(
        path,
        `\`${region}\` is not a region kubeforge knows on ${options.platform}; ${hint ? hint + " " : ""}` +
            `If it is a new region, set \`kubeforge:${options.platform}.${ALLOW_UNLISTED_REGION_KEY}: true\` to use it anyway`,
    );
    return false;
}

/**
 * Records an issue at `path` when `zone` is not a known zone of `region` (unless unlisted regions are
 * allowed, or the region itself is unknown: then only the region is reported).
 *
 * @param zone - the zone as written
 * @param region - its region (already checked)
 * @param path - config path, e.g. `gcp.zones[1]`
 * @param options - the platform's known regions and the escape hatch's value
 * @param issues - where to record
 * @returns true when the zone is known or allowed
 */
export function checkKnownZone(zone: string, region: string, path: string, options: KnownRegionOptions, issues: IssueList): boolean {
    // Own keys only: `constructor` or `toString` is not a region.
    const zones = Object.hasOwn(options.known, region) ? options.known[region] : undefined;
    if (options.allowUnlisted || zones === undefined || zones.includes(zone)) return true;
    const hint = suggestion(zone, zones);
    issues.add(
        path,
        `\`${zone}\` is not a zone of \`${region}\` kubeforge knows (${zones.join(", ")}); ${hint ? hint + " " : ""}` +
            `If it is a new zone, set \`kubeforge:${options.platform}.${ALLOW_UNLISTED_REGION_KEY}: true\` to use it anyway`,
    );
    return false;
}
