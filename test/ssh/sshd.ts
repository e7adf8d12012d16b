/**
 * Test helper: real OpenSSH servers on loopback addresses, each with its own host key, authorized key and
 * config in a temp dir, run with `-D -e` so they die with the test. No mock SSH anywhere.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/** A key pair generated with ssh-keygen. */
export interface KeyPair {
    /** OpenSSH private key text. */
    privateKey: string;
    /** Public key line (`ssh-ed25519 AAAA... comment`). */
    publicKey: string;
}

/** Generates a key pair (ed25519 by default) in `dir` under `name`. */
export function keygen(dir: string, name: string, type: "ed25519" | "ecdsa" = "ed25519"): KeyPair {
    const file = path.join(dir, name);
    execFileSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", name, "-f", file]);
    return { privateKey: fs.readFileSync(file, "utf8"), publicKey: fs.readFileSync(`${file}.pub`, "utf8").trim() };
}

/** Finds a free TCP port on `host`. */
export function freePort(host = "127.0.0.1"): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, host, () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
    });
}

/** One running sshd. */
export interface SshdHost {
    /** Loopback address it listens on. */
    host: string;
    /** Port. */
    port: number;
    /** Login user (the current user). */
    user: string;
    /** The server's host key pair (ed25519 unless asked otherwise). */
    hostKey: KeyPair;
    /** The client key the server accepts. */
    clientKey: KeyPair;
    /** The sshd process. */
    process: ChildProcess;
    /** Everything sshd logged (`-e`). */
    log(): string;
    /** Stops the server. */
    stop(): Promise<void>;
}

/** Options for {@link startSshd}. */
export interface SshdOptions {
    /** Listen address (127.x.y.z); 127.0.0.1 by default. */
    host?: string;
    /** Client key to authorize; a fresh one when absent. */
    clientKey?: KeyPair;
    /** Extra environment lines for the login shell (`SetEnv`), e.g. a PATH with stubs. */
    setEnv?: Record<string, string>;
    /** Temp dir to use (a fresh one when absent). */
    dir?: string;
    /** Type of the server's host key (ed25519 by default). */
    hostKeyType?: "ed25519" | "ecdsa";
}

let privsepChecked = false;

/** Starts one sshd and waits until it accepts connections. */
export async function startSshd(options: SshdOptions = {}): Promise<SshdHost> {
    if (!privsepChecked && process.getuid?.() === 0) {
        // sshd refuses to start as root without its privilege-separation directory, which the
        // Debian service creates at boot; a container never booted it.
        fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
        privsepChecked = true;
    }
    // A dir this helper made is removed on stop; one the caller gave stays the caller's.
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "kf-sshd-"));
    const host = options.host ?? "127.0.0.1";
    const port = await freePort(host);
    const hostKey = keygen(dir, "host_key", options.hostKeyType ?? "ed25519");
    const clientKey = options.clientKey ?? keygen(dir, "client");
    fs.writeFileSync(path.join(dir, "authorized_keys"), clientKey.publicKey + "\n", { mode: 0o600 });
    const user = os.userInfo().username;
    const lines = [
        `ListenAddress ${host}:${port}`,
        `HostKey ${path.join(dir, "host_key")}`,
        `AuthorizedKeysFile ${path.join(dir, "authorized_keys")}`,
        `PidFile ${path.join(dir, "sshd.pid")}`,
        "UsePAM no",
        "StrictModes no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        "PermitRootLogin prohibit-password",
        "MaxStartups 100:30:200",
        "LogLevel ERROR",
    ];
    const env = options.setEnv ?? {};
    if (Object.keys(env).length > 0) {
        lines.push(
            `SetEnv ${Object.entries(env)
                .map(([k, v]) => `${k}=${v}`)
                .join(" ")}`,
        );
    }
    const config = path.join(dir, "sshd_config");
    fs.writeFileSync(config, lines.join("\n") + "\n");
    const child = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
    await waitForPort(host, port, child, () => log);
    return {
        host,
        port,
        user,
        hostKey,
        clientKey,
        process: child,
        log: () => log,
        stop: () =>
            new Promise<void>((resolve) => {
                const done = () => {
                    if (ownsDir) fs.rmSync(dir, { recursive: true, force: true });
                    resolve();
                };
                if (child.exitCode !== null || child.signalCode !== null) return done();
                child.once("exit", done);
                child.kill("SIGTERM");
            }),
    };
}

async function waitForPort(host: string, port: number, child: ChildProcess, log: () => string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${log()}`);
        const ok = await new Promise<boolean>((resolve) => {
            const socket = net.connect({ host, port }, () => {
                socket.destroy();
                resolve(true);
            });
            socket.once("error", () => resolve(false));
        });
        if (ok) return;
        await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`sshd on ${host}:${port} did not start: ${log()}`);
}

/** PIDs of the per-connection sshd children of `parent` (the session processes). */
export function sshdChildren(parent: number): number[] {
    const out: number[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            if (ppid === parent) out.push(Number(entry));
        } catch {
            // The process ended while we looked.
        }
    }
    return out;
}
