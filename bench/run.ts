/**
 * `npm run bench`: how fast a cluster comes up, and what the toolkit costs on top of Pulumi. Every
 * measurement runs in its own child process; this parent prints ratios against baselines measured in
 * the same run and writes `bench/results.json`. Benchmarks never fail: the exit code is 0 unless the
 * harness itself breaks. The sections are in bench/sections/.
 *
 *   npm run bench                 full run (a few minutes on 2 cores)
 *   npm run bench -- --quick      small sizes only (about a minute)
 *   npm run bench -- --only eval  one section: deploy, eval or ssh (comma-separated)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BENCH_DIR, round } from "./lib/child";
import { LATENCY_TABLE } from "../stacks/compare/latency-table";
import { errors, goals, log, type Settings } from "./lib/report";
import { deploySection } from "./sections/deploy";
import { evalSection } from "./sections/eval";
import { sshSection } from "./sections/ssh";

const QUICK: Settings = {
    deploySizes: [3, 30],
    msPerSecond: 2,
    evalSizes: [10, 100],
    evalRepeats: () => 1,
    sshSizes: [1, 10],
    sshUnlimited: false,
};
const FULL: Settings = {
    deploySizes: [3, 30, 300],
    msPerSecond: 5,
    evalSizes: [10, 100, 1000],
    // Small sizes take a second or two and are the noisiest relative to their length (single 10-worker
    // runs here ranged over +-15%): the least of five there, of two at 100.
    evalRepeats: (w) => (w <= 10 ? 5 : w <= 100 ? 2 : 1),
    sshSizes: [1, 10, 50],
    sshUnlimited: false,
};

async function main(): Promise<void> {
    const quick = process.argv.includes("--quick");
    const onlyIndex = process.argv.indexOf("--only");
    const only = onlyIndex >= 0 ? (process.argv[onlyIndex + 1] ?? "").split(",") : ["deploy", "eval", "ssh"];
    const settings = quick ? QUICK : FULL;
    const started = performance.now();
    const load0 = os.loadavg()[0];
    log(`kubeforge benchmarks (${quick ? "quick" : "full"}): node ${process.version}, ${os.cpus().length} cores, load ${load0.toFixed(1)}`);
    log();
    const deploy = only.includes("deploy") ? await deploySection(settings) : undefined;
    if (deploy) log();
    const evaluation = only.includes("eval") ? await evalSection(settings) : undefined;
    if (evaluation) log();
    const ssh = only.includes("ssh") ? await sshSection(settings) : undefined;
    if (ssh) log();

    log("Goals:");
    for (const g of goals) log(`  [${g.met === null ? "n/a" : g.met ? "met" : "NOT met"}] ${g.name}: ${g.value} (goal ${g.target})`);
    if (errors.length > 0) log(`${errors.length} measurement(s) failed; see "errors" in bench/results.json`);
    const seconds = round((performance.now() - started) / 1000, 1);
    log(`done in ${seconds} s`);

    const results = {
        timestamp: new Date().toISOString(),
        mode: quick ? "quick" : "full",
        node: process.version,
        platform: `${os.platform()} ${os.arch()}`,
        cores: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGb: round(os.totalmem() / 2 ** 30, 1),
        loadAverage: { start: round(load0, 2), end: round(os.loadavg()[0], 2) },
        durationSeconds: seconds,
        settings: { ...settings, evalRepeats: settings.evalSizes.map(settings.evalRepeats) },
        latencyTable: LATENCY_TABLE.map((r) => ({
            type: String(r.type),
            name: r.name ? String(r.name) : undefined,
            seconds: r.seconds,
            phase: r.phase,
            source: r.source,
        })),
        deploy,
        evaluation,
        ssh,
        goals,
        errors,
    };
    const file = path.join(BENCH_DIR, "results.json");
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2) + "\n");
    fs.renameSync(`${file}.tmp`, file);
    log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().then(
    () => process.exit(0),
    (err: unknown) => {
        process.stderr.write(`bench harness failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exit(1);
    },
);
