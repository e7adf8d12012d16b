/**
 * Latency rows from the platforms' comparison data (`latency:` in `components/platforms/<name>/compare.yaml`),
 * in the form the shared model uses (latency-table.ts): the benchmark and the comparison
 * model `pulumi up` from the same rows.
 */
import { loadPlatformData, platformsWithData, type Phase, type PlatformData } from "./data";

/** A latency row, ready to match: the type is a token or a regular expression. */
export interface MatchableLatencyRow {
    type: string | RegExp;
    name?: RegExp;
    seconds: number;
    phase: Phase;
    source: string;
}

/**
 * The latency rows of one platform, or of every platform that has data (first match wins, and type
 * tokens carry their provider, so rows of different platforms never match the same resource).
 *
 * @param platform - a platform name; all platforms when absent
 */
export function platformLatencyRows(platform?: string): MatchableLatencyRow[] {
    const names = platform === undefined ? platformsWithData() : [platform];
    return names.flatMap((name) => {
        const data = loadPlatformData(name);
        return data ? platformLatencyRowsFrom(data) : [];
    });
}

/**
 * The latency rows of one platform's data, ready to match.
 *
 * @param data - the platform's comparison data
 */
export function platformLatencyRowsFrom(data: PlatformData): MatchableLatencyRow[] {
    return data.latency.map((row) => ({
        type: row.type ?? new RegExp(row.typePattern as string),
        name: row.name === undefined ? undefined : new RegExp(row.name),
        seconds: row.seconds,
        phase: row.phase,
        source: row.source,
    }));
}
