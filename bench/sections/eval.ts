/**
 * Section 2 of `npm run bench`: what evaluating the program costs over the provider resources it
 * registers (see bench/README.md, "2. Evaluation overhead").
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { round, spawnChild } from "../lib/child";
import type { HotSpot, ProfileSummary } from "../lib/profile";
import { CHILD_TIMEOUT_MS, goals, log, table, unwrap, x, type Settings } from "../lib/report";
import type { EvaluateResult } from "../evaluate";
import type { FloorResult } from "../floor";

/** One size of the evaluation section. */
export interface EvalRow {
    workers: number;
    resources: number;
    toolkit: EvaluateResult;
    floor: FloorResult;
    /** The same resources through `pulumi.CustomResource` with only the recorded keys (`floor.ts --raw`). */
    rawFloor?: FloorResult;
    timeRatio: number;
    cpuRatio: number;
    memoryRatio: number;
    /** CPU against the raw floor: information, not the goal (see bench/README.md). */
    rawCpuRatio?: number;
}

/**
 * 2. Evaluation overhead: the program under mocks against the same provider resources registered
 * directly (the floor), CPU and memory, with profiles when over the goal.
 * @param s - the run's settings
 */
export async function evalSection(s: Settings): Promise<{
    rows: EvalRow[];
    perNode?: Record<string, number>;
    profile?: { workers: number; toolkit: ProfileSummary; floor?: ProfileSummary; excess: HotSpot[] };
}> {
    log(
        "2. Evaluation overhead: the program under mocks vs the same provider resources registered directly (the floor: their SDK classes, wired as the program wired them, no components)",
    );
    const rows: EvalRow[] = [];
    const dumpDir = fs.mkdtempSync(path.join(os.tmpdir(), "kf-bench-eval-"));
    try {
        for (const workers of s.evalSizes) {
            let best: { toolkit?: EvaluateResult; floor?: FloorResult; rawFloor?: FloorResult } = {};
            for (let rep = 0; rep < s.evalRepeats(workers); rep++) {
                const dump = path.join(dumpDir, `resources-${workers}.json`);
                const toolkit = unwrap(
                    `evaluate ${workers}w`,
                    await spawnChild<EvaluateResult>("evaluate.ts", ["--workers", String(workers), "--dump", dump], CHILD_TIMEOUT_MS),
                );
                if (!toolkit) break;
                const floor = unwrap(`floor ${workers}w`, await spawnChild<FloorResult>("floor.ts", ["--in", dump], CHILD_TIMEOUT_MS));
                if (!floor) break;
                if (!best.toolkit || toolkit.cpuMs < best.toolkit.cpuMs) best = { ...best, toolkit };
                if (!best.floor || floor.cpuMs < best.floor.cpuMs) best = { ...best, floor };
                const rawFloor = unwrap(
                    `raw floor ${workers}w`,
                    await spawnChild<FloorResult>("floor.ts", ["--in", dump, "--raw"], CHILD_TIMEOUT_MS),
                );
                if (rawFloor && (!best.rawFloor || rawFloor.cpuMs < best.rawFloor.cpuMs)) best = { ...best, rawFloor };
            }
            if (!best.toolkit || !best.floor) continue;
            rows.push({
                workers,
                resources: best.toolkit.customResources,
                toolkit: best.toolkit,
                floor: best.floor,
                timeRatio: round(best.toolkit.ms / best.floor.ms, 2),
                cpuRatio: round(best.toolkit.cpuMs / best.floor.cpuMs, 2),
                memoryRatio: round(best.toolkit.deltaMb / Math.max(best.floor.deltaMb, 1), 2),
                rawFloor: best.rawFloor,
                rawCpuRatio: best.rawFloor ? round(best.toolkit.cpuMs / best.rawFloor.cpuMs, 2) : undefined,
            });
        }
    } finally {
        fs.rmSync(dumpDir, { recursive: true, force: true });
    }
    if (rows.length === 0) return { rows };
    table(
        [
            "workers",
            "resources",
            "toolkit s",
            "floor s",
            "time",
            "toolkit CPU s",
            "floor CPU s",
            "CPU",
            "toolkit +MB",
            "floor +MB",
            "memory",
            "peak MB",
            "raw floor CPU s",
            "CPU vs raw",
        ],
        rows.map((r) => [
            r.workers,
            r.resources,
            round(r.toolkit.ms / 1000, 2),
            round(r.floor.ms / 1000, 2),
            x(r.timeRatio),
            round(r.toolkit.cpuMs / 1000, 2),
            round(r.floor.cpuMs / 1000, 2),
            x(r.cpuRatio),
            r.toolkit.deltaMb,
            r.floor.deltaMb,
            x(r.memoryRatio),
            r.toolkit.peakMb,
            r.rawFloor ? round(r.rawFloor.cpuMs / 1000, 2) : "-",
            r.rawCpuRatio !== undefined ? x(r.rawCpuRatio) : "-",
        ]),
    );
    let perNode: Record<string, number> | undefined;
    if (rows.length >= 2) {
        const a = rows[rows.length - 2];
        const b = rows[rows.length - 1];
        const n = b.workers - a.workers;
        perNode = {
            toolkitMs: round((b.toolkit.ms - a.toolkit.ms) / n, 1),
            floorMs: round((b.floor.ms - a.floor.ms) / n, 1),
            toolkitCpuMs: round((b.toolkit.cpuMs - a.toolkit.cpuMs) / n, 1),
            floorCpuMs: round((b.floor.cpuMs - a.floor.cpuMs) / n, 1),
            toolkitMb: round((b.toolkit.deltaMb - a.toolkit.deltaMb) / n, 3),
            floorMb: round((b.floor.deltaMb - a.floor.deltaMb) / n, 3),
        };
        log(
            `  per added worker (${a.workers} -> ${b.workers}): toolkit ${perNode.toolkitCpuMs} ms CPU (${perNode.toolkitMs} ms wall, ${round(perNode.toolkitMb * 1024, 0)} KB), ` +
                `floor ${perNode.floorCpuMs} ms CPU (${perNode.floorMs} ms wall, ${round(perNode.floorMb * 1024, 0)} KB): ${x(perNode.toolkitCpuMs / perNode.floorCpuMs)} CPU, ${x(perNode.toolkitMb / perNode.floorMb)} memory`,
        );
    }
    // CPU time decides: on a shared machine wall time mostly measures the neighbours (both are kept).
    const worst = Math.max(...rows.map((r) => r.cpuRatio));
    goals.push({
        name: "eval: time under 1.3x the floor",
        target: "< 1.30x at every size (CPU time; wall in the table)",
        value: rows.map((r) => `${r.workers}w ${x(r.cpuRatio)} (wall ${x(r.timeRatio)})`).join(", "),
        met: worst < 1.3,
    });
    goals.push({
        name: "eval: memory under 1.3x the floor",
        target: "< 1.30x at every size (memory added by evaluation)",
        value: rows.map((r) => `${r.workers}w ${x(r.memoryRatio)}`).join(", "),
        met: Math.max(...rows.map((r) => r.memoryRatio)) < 1.3,
    });
    if (rows.length >= 3) {
        const [a, b, c] = rows.slice(-3);
        const early = (b.toolkit.cpuMs - a.toolkit.cpuMs) / (b.workers - a.workers);
        const late = (c.toolkit.cpuMs - b.toolkit.cpuMs) / (c.workers - b.workers);
        goals.push({
            name: "eval: linear in nodes",
            target: "CPU per added worker at the top <= 1.3x that lower down",
            value: `${round(early, 1)} ms -> ${round(late, 1)} ms (${x(late / early)})`,
            met: late / early <= 1.3,
        });
    }
    let profile: { workers: number; toolkit: ProfileSummary; floor?: ProfileSummary; excess: HotSpot[] } | undefined;
    if (worst >= 1.3) {
        const workers = rows.length >= 2 ? rows[rows.length - 2].workers : rows[0].workers;
        const dump = path.join(os.tmpdir(), `kf-bench-profile-${process.pid}.json`);
        const profiled = unwrap(
            `profile ${workers}w`,
            await spawnChild<EvaluateResult>(
                "evaluate.ts",
                ["--workers", String(workers), "--dump", dump, "--profile", "--profile-top", "60"],
                CHILD_TIMEOUT_MS,
            ),
        );
        const floorProfiled = profiled
            ? unwrap(`profile floor ${workers}w`, await spawnChild<FloorResult>("floor.ts", ["--in", dump, "--profile"], CHILD_TIMEOUT_MS))
            : undefined;
        fs.rmSync(dump, { force: true });
        if (profiled?.profile) {
            const toolkit = profiled.profile;
            const floor = floorProfiled?.profile;
            const floorSelf = new Map((floor?.self ?? []).map((h) => [h.where, h.ms]));
            const excess = toolkit.self
                .map((h) => ({ where: h.where, ms: h.ms - (floorSelf.get(h.where) ?? 0), percent: 0 }))
                .filter((h) => h.ms > 0)
                .sort((a, b) => b.ms - a.ms)
                .slice(0, 10);
            const extra = toolkit.totalMs - (floor?.totalMs ?? 0);
            for (const h of excess) h.percent = round((100 * h.ms) / Math.max(extra, 1), 1);
            profile = { workers, toolkit, floor, excess };
            log(
                `  over the goal: CPU profiles at ${workers} workers, toolkit ${toolkit.totalMs} ms sampled vs floor ${floor?.totalMs ?? "?"} ms.`,
            );
            log("  toolkit functions, inclusive (innermost toolkit frame; includes the SDK work they start):");
            for (const h of toolkit.toolkit.slice(0, 8)) log(`    ${String(h.percent).padStart(5)}%  ${h.where}`);
            log(`  where the ${extra} ms extra go (self time, toolkit minus floor):`);
            for (const h of excess.slice(0, 8)) log(`    ${String(h.ms).padStart(6)} ms  ${h.where}`);
        }
    }
    return { rows, perNode, profile };
}
