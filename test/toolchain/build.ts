/**
 * `npm run toolchain`: builds kubeadm, kube-apiserver, kube-controller-manager, kubectl, etcd, etcdctl
 * (and our kubelet/kube-proxy config checker) from their Go modules at the pinned versions, with
 * upstream's build flags and version stamps, into the machine-wide cache keyed by those pins, and links
 * them into `.toolchain/bin`. A second run with nothing changed only checks the links.
 *
 * Options: `--check` exits 1 (building nothing) when something would be built; `--quiet` prints only
 * what it builds. Environment: `KUBEFORGE_TOOLCHAIN_CACHE` moves the cache; Go's own settings
 * (GOCACHE, GOMODCACHE, GOPROXY, GOMAXPROCS) are honoured.
 */
import { spawn, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
    BIN_DIR,
    MODULES,
    buildFlags,
    cacheDir,
    cacheKey,
    goVersion,
    moduleDir,
    moduleReady,
    pinProblems,
    pinnedVersion,
    type ModuleSpec,
} from "./toolchain";

/** When the upstream release was tagged (module proxy `Time`): the build date the binaries report. */
function releaseTime(mod: ModuleSpec, version: string): string {
    const out = execFileSync("go", ["list", "-m", "-json", `${mod.upstream}@${version}`], { cwd: moduleDir(mod), encoding: "utf8" });
    const time = (JSON.parse(out) as { Time?: string }).Time;
    if (!time) throw new Error(`the module proxy gave no release time for ${mod.upstream}@${version}`);
    return new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "inherit", "inherit"] });
        child.on("error", reject);
        child.on("exit", (code, signal) =>
            code === 0 ? resolve() : reject(new Error(`${cmd} ${args.slice(0, 2).join(" ")} … failed (${signal ?? `exit ${code}`})`)),
        );
    });
}

/** Builds one module into a fresh folder, then moves it into place (a crash leaves no half cache). */
async function build(mod: ModuleSpec): Promise<number> {
    const version = pinnedVersion(mod);
    const target = cacheDir(mod);
    const staging = `${target}.partial-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    const started = Date.now();
    const flags = buildFlags(mod, version, releaseTime(mod, version));
    console.log(`building ${mod.tools.map((t) => t.name).join(", ")} (${mod.upstream} ${version}) …`);
    // Upstream builds these statically (hack/lib/golang.sh KUBE_STATIC_BINARIES; etcd's build_lib.sh).
    const env = { ...process.env, CGO_ENABLED: "0", GOFLAGS: `${process.env.GOFLAGS ?? ""} -buildvcs=false`.trim() };
    try {
        // One `go build` per tool keeps each tool's name (etcd's main package is the module root) while
        // the shared packages compile once, through Go's build cache.
        for (const tool of mod.tools) {
            await run("go", ["build", ...flags, "-o", path.join(staging, tool.name), tool.pkg], moduleDir(mod), env);
        }
        fs.rmSync(target, { recursive: true, force: true });
        fs.renameSync(staging, target);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
    return (Date.now() - started) / 1000;
}

function link(mod: ModuleSpec): void {
    fs.mkdirSync(BIN_DIR, { recursive: true });
    for (const tool of mod.tools) {
        const at = path.join(BIN_DIR, tool.name);
        fs.rmSync(at, { force: true });
        fs.symlinkSync(path.join(cacheDir(mod), tool.name), at);
    }
}

function duSize(dir: string): string {
    let bytes = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isFile()) bytes += fs.statSync(path.join(dir, e.name)).size;
    return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

async function main(): Promise<void> {
    const check = process.argv.includes("--check");
    const quiet = process.argv.includes("--quiet");
    const problems = pinProblems();
    if (problems.length > 0) {
        for (const p of problems) console.error(p);
        process.exit(1);
    }
    goVersion();
    const stale = MODULES.filter((m) => !moduleReady(m));
    if (check) {
        for (const m of stale) console.error(`${m.tools.map((t) => t.name).join(", ")}: not built for ${cacheKey(m)}`);
        process.exit(stale.length > 0 ? 1 : 0);
    }
    for (const mod of MODULES) {
        if (!stale.includes(mod)) continue;
        const complete = mod.tools.every((t) => fs.existsSync(path.join(cacheDir(mod), t.name)));
        if (!complete) {
            const seconds = await build(mod);
            console.log(`built ${cacheKey(mod)} in ${Math.round(seconds)} s (${duSize(cacheDir(mod))})`);
        }
        link(mod);
    }
    if (quiet && stale.length === 0) return;
    for (const mod of MODULES) {
        for (const tool of mod.tools) console.log(`${path.join(BIN_DIR, tool.name)} -> ${path.join(cacheDir(mod), tool.name)}`);
    }
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
});
