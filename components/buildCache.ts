/**
 * A file cache for build outputs that are a pure function of some source files: the dynamic
 * providers' bundles. A record holds the output and the SHA-256 of every file the build read; it is
 * used only while each of those files still has that content and the key (tool version, options,
 * entry) is the same. A stale record can therefore only be served if a build's output changed
 * without any file it read changing, which for a bundler means its version or options changed, and
 * both are in the key.
 *
 * Failures to read or write the cache never fail the program: the build just runs.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** What a build returns: its output and the files it read, relative to the cache's root. */
export interface BuildOutput {
    text: string;
    inputs: string[];
}

/** Where records live and what the sources are relative to. */
export interface BuildCacheOptions {
    /** Directory of the source files named by {@link BuildOutput.inputs}. */
    root: string;
    /** Directory of the records; created on first write. */
    dir: string;
    /** Everything but the sources that shapes the output (tool version, options, entry). */
    key: string;
}

/** How a text was obtained: from a record or by building. */
export interface CachedText {
    text: string;
    fromCache: boolean;
}

interface CacheRecord {
    key: string;
    inputs: Record<string, string>;
    text: string;
}

function sha256(data: string | Buffer): string {
    return createHash("sha256").update(data).digest("hex");
}

function recordFile(options: BuildCacheOptions): string {
    return path.join(options.dir, `${sha256(options.key).slice(0, 32)}.json`);
}

/** The record's text when its key matches and every input still has the recorded content. */
function validText(options: BuildCacheOptions): string | undefined {
    let record: CacheRecord;
    try {
        record = JSON.parse(fs.readFileSync(recordFile(options), "utf8")) as CacheRecord;
    } catch {
        return undefined;
    }
    if (record.key !== options.key || typeof record.text !== "string" || typeof record.inputs !== "object" || record.inputs === null)
        return undefined;
    const inputs = Object.entries(record.inputs);
    if (inputs.length === 0) return undefined;
    for (const [file, digest] of inputs) {
        try {
            if (sha256(fs.readFileSync(path.join(options.root, file))) !== digest) return undefined;
        } catch {
            return undefined;
        }
    }
    return record.text;
}

/** Inputs modified this close to the build may have changed under it: such a build is not recorded. */
const SETTLE_MS = 2000;

function write(options: BuildCacheOptions, output: BuildOutput, startedAt: number): void {
    const inputs: Record<string, string> = {};
    for (const file of output.inputs) {
        const full = path.join(options.root, file);
        // The hash is taken after the build: a file saved meanwhile would pair new content with old
        // output. Skipping recent files closes that window (the next run records it).
        if (fs.statSync(full).mtimeMs >= startedAt - SETTLE_MS) return;
        inputs[file] = sha256(fs.readFileSync(full));
    }
    const record: CacheRecord = { key: options.key, inputs, text: output.text };
    const target = recordFile(options);
    fs.mkdirSync(options.dir, { recursive: true });
    // Written aside and renamed: two programs building at once never read a half-written record.
    const temp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(record));
    fs.renameSync(temp, target);
}

/**
 * The build's text, from the cache when valid, else built and recorded.
 *
 * @param options - the sources' root, the records' directory and the key
 * @param build - runs the build; called only on a miss
 */
export function cachedBuild(options: BuildCacheOptions, build: () => BuildOutput): CachedText {
    const cached = validText(options);
    if (cached !== undefined) return { text: cached, fromCache: true };
    const startedAt = Date.now();
    const output = build();
    try {
        write(options, output, startedAt);
    } catch {
        // A read-only checkout or a full disk: the next run builds again.
    }
    return { text: output.text, fromCache: false };
}
