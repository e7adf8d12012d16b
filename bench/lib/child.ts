/**
 * Both sides of the parent/child protocol. Each measurement runs in its own `node --import tsx`
 * process (the Pulumi SDK keeps global state, and a fresh heap makes memory figures comparable); the
 * child writes one JSON object to the file named by `--out`, and the parent reads it.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Directory of the benchmarks. */
export const BENCH_DIR = path.resolve(__dirname, "..");
/** Repository root. */
export const REPO_ROOT = path.resolve(BENCH_DIR, "..");

/** The value of `--name value` on the command line, or `fallback`. */
export function arg(name: string, fallback?: string): string {
    const i = process.argv.indexOf(`--${name}`);
    const value = i >= 0 ? process.argv[i + 1] : undefined;
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    throw new Error(`missing --${name}`);
}

/** Writes the child's result where the parent expects it. */
export function writeResult(result: unknown): void {
    fs.writeFileSync(arg("out"), JSON.stringify(result));
}

/** Runs a child's `main`, writes its result, and exits (the SDK keeps handles open). */
export function runChild(main: () => Promise<unknown>): void {
    main().then(
        (result) => {
            writeResult(result);
            process.exit(0);
        },
        (err: unknown) => {
            process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
            process.exit(1);
        },
    );
}

/** Samples resident memory: the OS's peak (getrusage) plus a periodic sample, in MB. */
export class MemorySampler {
    private peakSampled = 0;
    private timer?: NodeJS.Timeout;
    /** RSS when sampling started, MB. */
    readonly baselineMb: number;

    constructor(intervalMs = 5) {
        this.baselineMb = process.memoryUsage().rss / 1048576;
        this.timer = setInterval(() => {
            this.peakSampled = Math.max(this.peakSampled, process.memoryUsage().rss / 1048576);
        }, intervalMs);
        this.timer.unref();
    }

    /** Stops and returns the peak (MB): the larger of the OS's high-water mark and the samples. */
    stop(): { peakMb: number; baselineMb: number; deltaMb: number } {
        if (this.timer) clearInterval(this.timer);
        const osPeak = process.resourceUsage().maxRSS / 1024;
        const peakMb = Math.max(osPeak, this.peakSampled, process.memoryUsage().rss / 1048576);
        return { peakMb: round(peakMb, 1), baselineMb: round(this.baselineMb, 1), deltaMb: round(peakMb - this.baselineMb, 1) };
    }
}

/**
 * CPU time used by children this process has waited for (esbuild bundling the dynamic providers,
 * openssl), in ms: `cutime + cstime` of /proc/self/stat. `process.cpuUsage()` counts only this
 * process, so without this a program could look cheaper by doing its work in a child. 0 off Linux.
 */
export function childrenCpuMs(): number {
    try {
        const stat = fs.readFileSync("/proc/self/stat", "utf8");
        // Fields after the command name (which may hold spaces, so split after its closing paren);
        // cutime and cstime are fields 16 and 17 of the whole line, in clock ticks (USER_HZ: 100).
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
    } catch {
        return 0;
    }
}

/** CPU time of this process and of its waited-for children since `start`, ms. */
export class CpuClock {
    private readonly self0 = process.cpuUsage();
    private readonly children0 = childrenCpuMs();

    /** CPU ms since construction: this process plus the children it waited for. */
    elapsedMs(): number {
        const self = process.cpuUsage(this.self0);
        return (self.user + self.system) / 1000 + (childrenCpuMs() - this.children0);
    }
}

/** What an evaluation child (the program or the floor) measured. */
export interface Measurement {
    /** From the start of evaluation to every registration settled, ms. */
    ms: number;
    /** CPU used meanwhile (this process and the children it waited for), ms. */
    cpuMs: number;
    /** Resident memory: peak, before evaluation, and the difference, MB. */
    peakMb: number;
    baselineMb: number;
    deltaMb: number;
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits = 2): number {
    const f = 10 ** digits;
    return Math.round(value * f) / f;
}

/** Outcome of one child process. */
export type ChildOutcome<T> = { ok: true; value: T; wallMs: number } | { ok: false; error: string; wallMs: number };

/**
 * Runs `bench/<script>` in a fresh node process with tsx and returns what it wrote.
 *
 * @param script - file under bench/
 * @param args - extra `--name value` arguments
 * @param timeoutMs - kill the child after this long
 * @param nodeArgs - extra node flags (e.g. `--cpu-prof`)
 */
export function spawnChild<T>(script: string, args: string[], timeoutMs: number, nodeArgs: string[] = []): Promise<ChildOutcome<T>> {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kf-bench-")), "result.json");
    const started = performance.now();
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", path.join(BENCH_DIR, script), ...args, "--out", out], {
            cwd: REPO_ROOT,
            stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr?.on("data", (chunk: Buffer) => {
            stderr += chunk.toString();
            if (stderr.length > 65536) stderr = stderr.slice(-32768);
        });
        const timer = setTimeout(() => {
            stderr += `\n(killed after ${Math.round(timeoutMs / 1000)} s)`;
            child.kill("SIGKILL");
        }, timeoutMs);
        child.on("close", (code) => {
            clearTimeout(timer);
            const wallMs = performance.now() - started;
            let outcome: ChildOutcome<T> | undefined;
            if (code === 0 && fs.existsSync(out)) {
                try {
                    outcome = { ok: true, value: JSON.parse(fs.readFileSync(out, "utf8")) as T, wallMs };
                } catch (err) {
                    stderr += `\nunreadable result: ${(err as Error).message}`;
                }
            }
            fs.rmSync(path.dirname(out), { recursive: true, force: true });
            resolve(outcome ?? { ok: false, error: firstLines(stderr.trim() || `exit code ${code}`), wallMs });
        });
    });
}

function firstLines(text: string): string {
    return text.split("\n").slice(0, 6).join(" | ").slice(0, 600);
}

/**
 * Waits until this process's background threads are idle: V8 finishes compiling, off the main thread,
 * functions the setup made hot (the bench's own YAML parsing and stack sizing), and without this that
 * CPU lands inside the clock of whichever side did more setup. Returns once a 20 ms pause used under
 * 1 ms of CPU, or after `maxMs`.
 */
export async function quiesce(maxMs = 2000): Promise<void> {
    const deadline = performance.now() + maxMs;
    while (performance.now() < deadline) {
        const before = process.cpuUsage();
        await new Promise((resolve) => setTimeout(resolve, 20));
        const used = process.cpuUsage(before);
        if (used.user + used.system < 1000) return;
    }
}
