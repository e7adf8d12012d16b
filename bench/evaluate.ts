/**
 * Child: evaluates the program under the mock engine with no latency (time and peak memory), and
 * writes every custom resource it registered (type, name, inputs) for the floor to replay.
 *
 *   node --import tsx bench/evaluate.ts --workers 100 --dump resources.json --out result.json
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { arg, CpuClock, quiesce, MemorySampler, REPO_ROOT, round, runChild, type Measurement } from "./lib/child";
import { profileCall, summarizeProfile, type ProfileSummary } from "./lib/profile";
import { sizedStack } from "./lib/stackConfig";
import { runPlan } from "../stacks/plan/run";
import { readStackConfig } from "../stacks/plan/stackConfig";
import { recordResources, type RecordedPlan } from "./lib/recorded";
import type { PlanResource } from "../stacks/plan/mocks";

/** Strings at least this long are shared through {@link RecordedPlan.strings} when repeated. */
const SHARED_STRING_MIN = 256;

/** Writes the plan with repeated long strings once, so the floor reads no more than the program held. */
function writeRecorded(file: string, plan: Omit<RecordedPlan, "strings">): void {
    const seen = new Map<string, number>();
    JSON.stringify(plan.resources, (_k, v: unknown) => {
        if (typeof v === "string" && v.length >= SHARED_STRING_MIN) seen.set(v, (seen.get(v) ?? 0) + 1);
        return v;
    });
    const strings = [...seen].filter(([, n]) => n > 1).map(([text]) => text);
    const index = new Map(strings.map((text, i) => [text, i]));
    const resources = JSON.stringify(plan.resources, (_k, v: unknown) =>
        typeof v === "string" && index.has(v) ? { $str: index.get(v) } : v,
    );
    const head = JSON.stringify({ project: plan.project, stack: plan.stack, platform: plan.platform, strings });
    fs.writeFileSync(file, `${head.slice(0, -1)},"resources":${resources}}`);
}

/** What one evaluation reports. */
export interface EvaluateResult extends Measurement {
    stack: string;
    stackNote?: string;
    masters: number;
    workers: number;
    /** Custom resources registered. */
    customResources: number;
    /** Components registered. */
    components: number;
    /** With `--profile`: where the time went (the run is slower, its timings are not comparable). */
    profile?: ProfileSummary;
}

async function main(): Promise<EvaluateResult> {
    const workers = Number(arg("workers"));
    const dump = arg("dump");
    const stack = await sizedStack(workers);
    const config = readStackConfig(stack.file);
    // The platform's modules (and its mocks) load before the clock, as the floor loads them before
    // its own: both measure evaluation, not loading the program's code. The registry loads a platform
    // by name on first use, so without this the program alone would pay for compiling it.
    const platformDir = path.join(REPO_ROOT, "components", "platforms", String(config.values["kubeforge:platform"]));
    // A path known only at run time, loaded the way the registry loads it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(platformDir, "index.ts"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (fs.existsSync(path.join(platformDir, "mocks.ts"))) require(path.join(platformDir, "mocks.ts"));

    // The evaluation ends when every registration has settled: time, CPU and memory are read there,
    // before runPlan builds its result and before the bench records what the floor replays.
    let settled: { ms: number; cpuMs: number; mem: ReturnType<MemorySampler["stop"]>; resources: PlanResource[] } | undefined;
    const memory = new MemorySampler();
    await quiesce();
    const cpu0 = new CpuClock();
    const t0 = performance.now();
    const run = () =>
        runPlan({
            configFile: stack.file,
            config,
            skipPolicies: true,
            onSettled: (engine) => {
                settled = { ms: performance.now() - t0, cpuMs: cpu0.elapsedMs(), mem: memory.stop(), resources: engine.resources };
            },
        });
    let profile: ProfileSummary | undefined;
    let plan: Awaited<ReturnType<typeof run>>;
    if (process.argv.includes("--profile")) {
        const profiled = await profileCall(run);
        plan = profiled.result;
        if (process.argv.includes("--profile-raw")) fs.writeFileSync(arg("profile-raw"), JSON.stringify(profiled.profile));
        profile = summarizeProfile(profiled.profile, Number(arg("profile-top", "12")));
    } else {
        plan = await run();
    }
    if (!settled) throw new Error("runPlan never settled");
    const { ms, cpuMs, mem } = settled;
    const recorded: Omit<RecordedPlan, "strings"> = {
        project: config.project,
        stack: config.stack,
        platform: plan.spec.platform,
        resources: recordResources(settled.resources),
    };
    writeRecorded(dump, recorded);
    return {
        stack: stack.base,
        stackNote: stack.note,
        masters: 3,
        workers,
        customResources: recorded.resources.length,
        components: plan.resources.length - recorded.resources.length,
        ms: round(ms, 1),
        cpuMs: round(cpuMs, 0),
        ...mem,
        profile,
    };
}

runChild(main);
