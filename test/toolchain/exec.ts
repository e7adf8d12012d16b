/**
 * Running the real tools from tests: one-shot commands with their output kept for the failure
 * message, kubeadm inside a network namespace of its own, and long-running servers that are always
 * stopped (see {@link ProcessGroup}).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

/** What a command did. */
export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Options of {@link run}. */
export interface RunOptions {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** Failure guard only (never a measurement): the command is killed after this long. Default 5 minutes. */
    timeoutMs?: number;
    input?: string;
}

/** Runs a command to completion. Never throws for a non-zero exit: callers assert on the result. */
export function run(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = execFile(
            cmd,
            args,
            {
                cwd: options.cwd,
                env: options.env ?? process.env,
                timeout: options.timeoutMs ?? 5 * 60_000,
                maxBuffer: 64 * 1024 * 1024,
                killSignal: "SIGKILL",
            },
            (err, stdout, stderr) => {
                if (err && typeof err.code !== "number" && !err.killed) {
                    reject(new Error(`${cmd}: ${err.message}`));
                    return;
                }
                const code = err ? (typeof err.code === "number" ? err.code : 137) : 0;
                resolve({ code, stdout: String(stdout), stderr: String(stderr) });
            },
        );
        if (options.input !== undefined) child.stdin?.end(options.input);
    });
}

/** A node's address inside the private network namespace kubeadm runs in (never routed anywhere). */
export const ISOLATED_NODE_IP = "10.255.0.10";

const NETNS_SETUP = [
    "set -e",
    "ip link set lo up",
    // A NIC with a default route, as every real node has: kubeadm picks the node's address from it
    // when a config names none. The namespace is the command's own and vanishes with it.
    // A veth pair with both ends inside the namespace: a link that is up, going nowhere (the dummy
    // driver is not in every kernel).
    "ip link add kf0 type veth peer name kf1",
    `ip addr add ${ISOLATED_NODE_IP}/24 dev kf0`,
    "ip link set kf1 up",
    "ip link set kf0 up",
    "ip route add default via 10.255.0.1 dev kf0",
    'exec "$@"',
].join("\n");

/**
 * Runs a command in a network namespace of its own (`unshare --net`, mapping the user to root in a
 * user namespace when not root), holding only loopback and an unrouted veth NIC: whatever kubeadm
 * tries to reach, nothing leaves the machine.
 */
export function runIsolated(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
    const unshare = process.getuid?.() === 0 ? ["--net"] : ["--net", "--map-root-user"];
    return run("unshare", [...unshare, "sh", "-c", NETNS_SETUP, "kubeforge-netns", cmd, ...args], options);
}

/** Forwards TCP on 127.0.0.1:<port> inside the namespace to a unix socket (file systems cross namespaces). */
const FORWARD_IN_NAMESPACE = `
const net = require("node:net"), fs = require("node:fs");
const [port, socket, ready] = process.argv.slice(1);
net.createServer((c) => { const u = net.connect(socket); c.pipe(u).pipe(c); c.on("error", () => u.destroy()); u.on("error", () => c.destroy()); })
  .listen(Number(port), "127.0.0.1", () => fs.writeFileSync(ready, ""));
`;

/**
 * {@link runIsolated}, with one door: 127.0.0.1:`apiPort` inside the namespace leads to 127.0.0.1:`apiPort`
 * outside (through a unix socket in `dir`), so kubeadm reaches the test's API server and nothing else.
 */
export async function runIsolatedWithApi(
    cmd: string,
    args: string[],
    apiPort: number,
    dir: string,
    options: RunOptions = {},
): Promise<RunResult> {
    const socket = path.join(dir, `api-${apiPort}-${process.pid}.sock`);
    const ready = `${socket}.ready`;
    fs.rmSync(socket, { force: true });
    fs.rmSync(ready, { force: true });
    const outside = net.createServer((c) => {
        const api = net.connect(apiPort, "127.0.0.1");
        c.pipe(api).pipe(c);
        c.on("error", () => api.destroy());
        api.on("error", () => c.destroy());
    });
    await new Promise<void>((resolve) => outside.listen(socket, resolve));
    const script = [
        '"$KF_NODE" -e "$KF_FORWARD" "$KF_PORT" "$KF_SOCKET" "$KF_READY" & fwd=$!',
        'i=0; while [ ! -e "$KF_READY" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done',
        'rc=0; "$@" || rc=$?',
        'kill "$fwd" 2>/dev/null; wait "$fwd" 2>/dev/null',
        'exit "$rc"',
    ].join("\n");
    try {
        return await runIsolated("sh", ["-c", script, "kubeforge-forward", cmd, ...args], {
            ...options,
            env: {
                ...(options.env ?? process.env),
                KF_NODE: process.execPath,
                KF_FORWARD: FORWARD_IN_NAMESPACE,
                KF_PORT: String(apiPort),
                KF_SOCKET: socket,
                KF_READY: ready,
            },
        });
    } finally {
        await new Promise<void>((resolve) => outside.close(() => resolve()));
        fs.rmSync(socket, { force: true });
        fs.rmSync(ready, { force: true });
    }
}

/** Output of a result for a failure message. */
export function describe(r: RunResult): string {
    return `exit ${r.code}\n${r.stdout.trim()}\n${r.stderr.trim()}`.trim();
}

const LIVE_GROUPS = new Set<ProcessGroup>();
// When the test process ends without its `after` hooks (killed by the runner, Ctrl-C), the servers go too.
process.once("exit", () => LIVE_GROUPS.forEach((g) => g.killNow()));
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
        LIVE_GROUPS.forEach((g) => g.killNow());
        process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
    });
}

/**
 * Long-running processes of one test. Every process started here is killed by {@link stopAll}
 * (call it from `after`/`finally`), its whole process group, so nothing outlives a failing test.
 */
export class ProcessGroup {
    private readonly children: { name: string; child: ChildProcess; log: string }[] = [];

    constructor(private readonly logDir: string) {
        LIVE_GROUPS.add(this);
    }

    /** Kills every process at once (SIGKILL): the last resort when the test process itself is ending. */
    killNow(): void {
        for (const { child } of this.children) {
            if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
                try {
                    process.kill(-child.pid, "SIGKILL");
                } catch {
                    /* already gone */
                }
            }
        }
    }

    /** Starts a server; its output goes to `<logDir>/<name>.log`. */
    start(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
        const log = path.join(this.logDir, `${name}.log`);
        const fd = fs.openSync(log, "a");
        const child = spawn(cmd, args, { env, stdio: ["ignore", fd, fd], detached: true });
        fs.closeSync(fd);
        this.children.push({ name, child, log });
        return child;
    }

    /** The last lines a server logged (for failure messages). */
    tail(name: string, lines = 30): string {
        const entry = this.children.find((c) => c.name === name);
        if (!entry || !fs.existsSync(entry.log)) return "";
        return fs.readFileSync(entry.log, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    }

    /** Fails with the server's log when it has exited. */
    assertRunning(name: string): void {
        const entry = this.children.find((c) => c.name === name);
        if (!entry) throw new Error(`${name} was never started`);
        if (entry.child.exitCode !== null || entry.child.signalCode !== null) {
            throw new Error(`${name} exited (${entry.child.exitCode ?? entry.child.signalCode}):\n${this.tail(name)}`);
        }
    }

    /** Stops every process (SIGTERM, then SIGKILL after a grace period), newest first. */
    async stopAll(): Promise<void> {
        for (const { child } of this.children.reverse()) {
            if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
            const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
            try {
                process.kill(-child.pid, "SIGTERM");
            } catch {
                continue;
            }
            const timer = setTimeout(() => {
                try {
                    process.kill(-child.pid!, "SIGKILL");
                } catch {
                    /* already gone */
                }
            }, 10_000);
            await exited;
            clearTimeout(timer);
        }
        this.children.length = 0;
        LIVE_GROUPS.delete(this);
    }
}

/** Polls `probe` until it returns a value; fails with `what` and the last error after `timeoutMs` (a guard, not a measure). */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 180_000, intervalMs = 500): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
        try {
            const v = await probe();
            if (v !== undefined) return v;
        } catch (err) {
            last = err;
        }
        await new Promise((r) => setTimeout(r, intervalMs));
    }
    throw new Error(`gave up waiting for ${what}${last ? `: ${last instanceof Error ? last.message : String(last)}` : ""}`);
}
