/**
 * Reads a V8 `.cpuprofile` (`node --cpu-prof`) and says where the time went: self time by function,
 * and, for the toolkit's own files, inclusive time attributed to the innermost toolkit frame (the line
 * of our code that asked for the work, SDK calls included).
 */
import * as fs from "node:fs";
import { Session } from "node:inspector";
import { findSourceMap } from "node:module";
import * as path from "node:path";
import { REPO_ROOT } from "./child";

interface CallFrame {
    functionName: string;
    url: string;
    lineNumber: number;
    columnNumber: number;
}

interface ProfileNode {
    id: number;
    callFrame: CallFrame;
    children?: number[];
}

/** A V8 CPU profile, as `--cpu-prof` writes it and the inspector's `Profiler.stop` returns it. */
export interface CpuProfile {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
    startTime: number;
    endTime: number;
}

/** One line of a hot-spot list. */
export interface HotSpot {
    /** `file:line function` (file relative to the repository, or the package path in node_modules). */
    where: string;
    /** Milliseconds. */
    ms: number;
    /** Share of the profiled time, percent. */
    percent: number;
}

/** Hot spots of one profile. */
export interface ProfileSummary {
    totalMs: number;
    /** Self time by function, across everything. */
    self: HotSpot[];
    /** Inclusive time by the innermost frame in the toolkit's own code (not node_modules, not bench/). */
    toolkit: HotSpot[];
    /** Share of samples with any toolkit frame on the stack (the rest: module loading, SDK internals driven by promises). */
    toolkitPercent: number;
}

function location(frame: CallFrame): string {
    let file = frame.url.replace(/^file:\/\//, "");
    if (file.startsWith(REPO_ROOT)) file = path.relative(REPO_ROOT, file);
    const nm = file.lastIndexOf("node_modules/");
    if (nm >= 0) file = file.slice(nm + "node_modules/".length);
    return `${file || "(native)"}:${frame.lineNumber + 1} ${frame.functionName || "(anonymous)"}`;
}

function isToolkit(frame: CallFrame): boolean {
    const file = frame.url.replace(/^file:\/\//, "");
    return file.startsWith(REPO_ROOT) && !file.includes("/node_modules/") && !file.startsWith(path.join(REPO_ROOT, "bench"));
}

/**
 * Summarises the largest profile in `dir` (the main thread's).
 *
 * @param dir - where `--cpu-prof-dir` wrote
 * @param top - how many lines per list
 */
export function summarizeProfileDir(dir: string, top = 8): ProfileSummary | undefined {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")) : [];
    if (files.length === 0) return undefined;
    const biggest = files.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
    return summarizeProfile(JSON.parse(fs.readFileSync(biggest, "utf8")) as CpuProfile, top);
}

/** Summarises one profile. */
export function summarizeProfile(profile: CpuProfile, top = 8): ProfileSummary {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const selfMs = new Map<string, number>();
    const toolkitMs = new Map<string, number>();
    const innermostToolkit = new Map<number, string | null>();
    const findToolkit = (id: number): string | null => {
        const cached = innermostToolkit.get(id);
        if (cached !== undefined) return cached;
        const node = byId.get(id)!;
        const up = parent.get(id);
        const found = isToolkit(node.callFrame) ? location(node.callFrame) : up !== undefined ? findToolkit(up) : null;
        innermostToolkit.set(id, found);
        return found;
    };
    let total = 0;
    let withToolkit = 0;
    profile.samples.forEach((id, i) => {
        const ms = (profile.timeDeltas[i] ?? 0) / 1000;
        const node = byId.get(id);
        if (!node || node.callFrame.functionName === "(idle)" || node.callFrame.functionName === "(program)") return;
        total += ms;
        const self = location(node.callFrame);
        selfMs.set(self, (selfMs.get(self) ?? 0) + ms);
        const ours = findToolkit(id);
        if (ours) {
            withToolkit += ms;
            toolkitMs.set(ours, (toolkitMs.get(ours) ?? 0) + ms);
        }
    });
    const list = (m: Map<string, number>): HotSpot[] =>
        [...m.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, top)
            .map(([where, ms]) => ({ where, ms: Math.round(ms), percent: Math.round((1000 * ms) / Math.max(total, 1)) / 10 }));
    return {
        totalMs: Math.round(total),
        self: list(selfMs),
        toolkit: list(toolkitMs),
        toolkitPercent: Math.round((1000 * withToolkit) / Math.max(total, 1)) / 10,
    };
}

function post<T>(session: Session, method: string, params?: Record<string, unknown>): Promise<T> {
    return new Promise((resolve, reject) =>
        session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))),
    );
}

/**
 * Profiles `fn` in this process (the inspector's sampling profiler, as `node --cpu-prof` uses) and
 * maps the toolkit's frames back to their TypeScript lines through the source maps tsx registered,
 * so hot spots read `components/...ts:LINE`.
 */
export async function profileCall<T>(fn: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
    const session = new Session();
    session.connect();
    await post(session, "Profiler.enable");
    await post(session, "Profiler.setSamplingInterval", { interval: 500 });
    await post(session, "Profiler.start");
    const result = await fn();
    const { profile } = await post<{ profile: CpuProfile }>(session, "Profiler.stop");
    session.disconnect();
    for (const node of profile.nodes) {
        const frame = node.callFrame;
        if (!frame.url.includes(REPO_ROOT) || frame.url.includes("/node_modules/")) continue;
        const map = findSourceMap(frame.url.replace(/^file:\/\//, "")) ?? findSourceMap(frame.url);
        const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as
            { originalSource?: string; originalLine?: number } | undefined;
        if (entry?.originalSource !== undefined && entry.originalLine !== undefined) {
            frame.url = entry.originalSource;
            frame.lineNumber = entry.originalLine;
        }
    }
    return { result, profile };
}
