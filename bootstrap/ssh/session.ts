/**
 * One SSH connection to one host, over `ssh2`: host-key verification, commands with exit code and a
 * bounded, redacted output tail, sudo for non-root users, atomic uploads.
 *
 * This code runs inside the bare-metal dynamic provider, bundled into its text by esbuild
 * (components/dynamic.ts) with `ssh2` left external: its optional native parts must come from the
 * project's `node_modules`. `ssh2` is required inside {@link SshSession.connect}, not at the top, so
 * loading the provider text does not load it; the first connection does.
 */
import type { Client, ClientChannel, ConnectConfig } from "ssh2";
import { SshError } from "./errors";
import { fingerprint, keyLine, parseHostKey } from "./hostkey";
import { makeRedactor, type Redactor } from "./redact";
import { DEFAULT_RETRY, isTransientConnectionError, withRetry, type RetryPolicy } from "./retry";

/** Where and as whom to connect. */
export interface SshTarget {
    /** Address (IP or DNS name). */
    host: string;
    /** Port; 22 when absent. */
    port?: number;
    /** Login user; commands run through `sudo -n` unless it is `root`. */
    user: string;
    /** OpenSSH or PEM private key text. */
    privateKey: string;
    /** The host's public key line; the connection is refused when the host presents another key. */
    hostKey?: string;
    /** Accept whatever key the host presents when {@link hostKey} is absent (it is then recorded). */
    trustOnFirstUse?: boolean;
    /** A name for messages (the node name); `host:port` is always shown too. */
    label?: string;
    /** Run commands through `sudo -n`; by default when {@link user} is not root. */
    sudo?: boolean;
}

/** Connection behaviour. */
export interface SshOptions {
    /** Handshake time limit per attempt, in milliseconds (15 s by default). */
    connectTimeoutMs?: number;
    /** Retries of connection-level failures. */
    retry?: RetryPolicy;
    /** Removes secrets from outputs and messages; one is built from the private key when absent. */
    redactor?: Redactor;
    /** Progress messages (never contain secrets). */
    log?: (message: string) => void;
    /** Bytes of output kept for messages (4096 by default). */
    outputTailBytes?: number;
    /** Seconds between keepalives; a host that stops answering is detected after three misses. */
    keepaliveSeconds?: number;
}

/** Options of one command. */
export interface RunOptions {
    /** Data written to the command's stdin (then closed). */
    stdin?: string | Buffer;
    /** Time limit in milliseconds; none when absent. */
    timeoutMs?: number;
    /** Run as root through `sudo -n` when the login user is not root (default true). */
    sudo?: boolean;
}

/** Result of a command that ran to completion. */
export interface CommandResult {
    /** Exit code; null when a signal ended it. */
    code: number | null;
    /** Signal name when one ended it. */
    signal?: string;
    /** Redacted tail of stdout and stderr interleaved. */
    output: string;
    /** Redacted full stdout (small outputs only: capped at 1 MiB). */
    stdout: string;
}

/** Quotes a string for a POSIX shell. */
export function shellQuote(text: string): string {
    return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Keeps the last `limit` bytes of a stream. */
class Tail {
    private chunks: Buffer[];
    private size: number;
    private readonly limit: number;
    constructor(limit: number) {
        this.limit = limit;
        this.chunks = [];
        this.size = 0;
    }
    push(chunk: Buffer): void {
        this.chunks.push(chunk);
        this.size += chunk.length;
        while (this.size - this.chunks[0].length >= this.limit) this.size -= this.chunks.shift()!.length;
    }
    text(): string {
        const all = Buffer.concat(this.chunks);
        return all.subarray(Math.max(0, all.length - this.limit)).toString("utf8");
    }
}

const STDOUT_CAP = 1 << 20;

/** An open SSH connection. Close it with {@link SshSession.close}. */
export class SshSession {
    /** `host:port` or `label (host:port)`, as shown in messages. */
    readonly where: string;
    /** The host key line the server presented (what trust-on-first-use records). */
    readonly seenHostKey: string;
    private readonly redactor: Redactor;
    private readonly tailBytes: number;
    private readonly client: Client;
    private readonly target: SshTarget;
    private closed: boolean;
    private lostReason: string | undefined;

    private constructor(client: Client, target: SshTarget, where: string, seenHostKey: string, redactor: Redactor, tailBytes: number) {
        this.client = client;
        this.target = target;
        this.closed = false;
        this.lostReason = undefined;
        this.where = where;
        this.seenHostKey = seenHostKey;
        this.redactor = redactor;
        this.tailBytes = tailBytes;
        client.on("close", () => {
            this.closed = true;
        });
        client.on("error", (err: Error) => {
            this.lostReason = redactor.redact(err.message);
        });
    }

    /**
     * Connects, retrying connection-level failures with exponential backoff. A refused host key or
     * authentication is never retried.
     *
     * @param target - host, user, key and host key.
     * @param options - timeouts, retries, redaction, logging.
     */
    static async connect(target: SshTarget, options: SshOptions = {}): Promise<SshSession> {
        const port = target.port ?? 22;
        const where = target.label ? `${target.label} (${target.host}:${port})` : `${target.host}:${port}`;
        const redactor = options.redactor ?? makeRedactor([target.privateKey]);
        const policy = options.retry ?? DEFAULT_RETRY;
        return withRetry(
            (attempt) => SshSession.connectOnce(target, options, where, redactor, attempt, policy.attempts),
            policy,
            isTransientConnectionError,
            (err, attempt, delay) =>
                options.log?.(
                    `${where}: connect attempt ${attempt} failed (${redactor.redact(errorText(err))}); retrying in ${Math.round(delay / 100) / 10}s`,
                ),
        ).catch((err: unknown) => {
            if (err instanceof SshError) throw err;
            throw new SshError({
                kind: "connect",
                host: where,
                step: "connect",
                reason: `${redactor.redact(errorText(err))} (after ${policy.attempts} attempt${policy.attempts === 1 ? "" : "s"})`,
            });
        });
    }

    private static connectOnce(
        target: SshTarget,
        options: SshOptions,
        where: string,
        redactor: Redactor,
        attempt: number,
        attempts: number,
    ): Promise<SshSession> {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const ssh2 = require("ssh2") as typeof import("ssh2");
        const expected = target.hostKey ? parseHostKey(target.hostKey) : undefined;
        if (target.hostKey && !expected) {
            return Promise.reject(
                new SshError({
                    kind: "host-key",
                    host: where,
                    step: "connect",
                    reason: "the configured host key is not a valid public key line",
                }),
            );
        }
        if (!expected && !target.trustOnFirstUse) {
            return Promise.reject(
                new SshError({
                    kind: "host-key",
                    host: where,
                    step: "connect",
                    reason: "no host key configured for this host; set its hostKey (the line in /etc/ssh/ssh_host_ed25519_key.pub) or trustOnFirstUse: true",
                }),
            );
        }
        return new Promise<SshSession>((resolve, reject) => {
            const client = new ssh2.Client();
            let seen: Buffer | undefined;
            let settled = false;
            const fail = (err: unknown) => {
                if (settled) return;
                settled = true;
                client.end();
                reject(err);
            };
            const config: ConnectConfig = {
                host: target.host,
                port: target.port ?? 22,
                username: target.user,
                privateKey: target.privateKey,
                readyTimeout: options.connectTimeoutMs ?? 15_000,
                keepaliveInterval: (options.keepaliveSeconds ?? 5) * 1000,
                keepaliveCountMax: 3,
                hostVerifier: (key: Buffer) => {
                    seen = Buffer.from(key);
                    return expected ? expected.blob.equals(seen) : true;
                },
            };
            if (expected) {
                // Ask for the configured key's type, so a host with several keys shows the one we know.
                const algorithms = expected.type === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [expected.type];
                config.algorithms = { serverHostKey: algorithms as NonNullable<ConnectConfig["algorithms"]>["serverHostKey"] };
            }
            client.once("ready", () => {
                if (settled) return;
                settled = true;
                resolve(new SshSession(client, target, where, seen ? keyLine(seen) : "", redactor, options.outputTailBytes ?? 4096));
            });
            // `on`, not `once`: ssh2 may emit a second error after the first (a timed-out handshake is
            // followed by "connection lost"), and an error event without a listener crashes the process.
            client.on("error", (err: Error & { level?: string }) => {
                if (settled) return;
                if (expected && seen && !expected.blob.equals(seen)) {
                    return fail(
                        new SshError({
                            kind: "host-key",
                            host: where,
                            step: "connect",
                            reason:
                                `the host presented ${fingerprint(seen)} but the configured key is ${fingerprint(expected.blob)}; ` +
                                "if the host was reinstalled, put its new key (ssh-keyscan, or /etc/ssh/ssh_host_*_key.pub) in the inventory",
                        }),
                    );
                }
                if (err.level === "client-authentication") {
                    return fail(
                        new SshError({
                            kind: "auth",
                            host: where,
                            step: "connect",
                            reason: `user ${target.user}: ${redactor.redact(err.message)}`,
                        }),
                    );
                }
                const transient = isTransientConnectionError(err);
                // Leave transient errors unwrapped-but-classified so withRetry retries them.
                const wrapped = new SshError({
                    kind: "connect",
                    host: where,
                    step: "connect",
                    reason: `${redactor.redact(errorText(err))} (attempt ${attempt} of ${attempts})`,
                    transient,
                });
                fail(wrapped);
            });
            client.once("close", () =>
                fail(
                    new SshError({
                        kind: "connect",
                        host: where,
                        step: "connect",
                        reason: "connection closed during the handshake",
                        transient: true,
                    }),
                ),
            );
            try {
                client.connect(config);
            } catch (err) {
                fail(new SshError({ kind: "connect", host: where, step: "connect", reason: redactor.redact(errorText(err)) }));
            }
        });
    }

    /** True when the login user needs sudo to act as root. */
    get needsSudo(): boolean {
        return this.target.sudo ?? this.target.user !== "root";
    }

    /**
     * Runs a bash script; resolves with the exit code whatever it is (see {@link check} to fail on
     * non-zero). Rejects only when the connection is lost or the time limit passes.
     *
     * @param step - the step name, for messages.
     * @param script - bash source.
     * @param options - stdin, time limit, sudo.
     */
    run(step: string, script: string, options: RunOptions = {}): Promise<CommandResult> {
        const sudo = options.sudo !== false && this.needsSudo ? "sudo -n " : "";
        // Without stdin data the script itself goes over stdin (`bash -s`): no argument-length limit,
        // and file contents never show in the host's process table.
        const command = options.stdin !== undefined ? `${sudo}bash -c ${shellQuote(script)}` : `${sudo}bash -s`;
        const stdin = options.stdin !== undefined ? options.stdin : script;
        return new Promise<CommandResult>((resolve, reject) => {
            if (this.closed) {
                return reject(
                    new SshError({
                        kind: "disconnected",
                        host: this.where,
                        step,
                        reason: this.lostReason ?? "the connection is closed",
                        transient: true,
                    }),
                );
            }
            const tail = new Tail(this.tailBytes);
            const stdout: Buffer[] = [];
            let stdoutSize = 0;
            let exit: { code: number | null; signal?: string } | undefined;
            let timer: NodeJS.Timeout | undefined;
            let done = false;
            let onClientClose: () => void = () => undefined;
            const finish = (fn: () => void) => {
                if (done) return;
                done = true;
                if (timer) clearTimeout(timer);
                this.client.removeListener("close", onClientClose);
                fn();
            };
            const lost = () =>
                new SshError({
                    kind: "disconnected",
                    host: this.where,
                    step,
                    reason: this.lostReason ?? "the server closed the connection",
                    outputTail: this.redactor.redact(tail.text()),
                    transient: true,
                });
            onClientClose = () => finish(() => reject(lost()));
            this.client.on("close", onClientClose);
            this.client.exec(command, (err: Error | undefined, channel: ClientChannel) => {
                if (err)
                    return finish(() =>
                        reject(
                            new SshError({
                                kind: "disconnected",
                                host: this.where,
                                step,
                                reason: this.redactor.redact(err.message),
                                transient: true,
                            }),
                        ),
                    );
                if (options.timeoutMs) {
                    timer = setTimeout(() => {
                        finish(() =>
                            reject(
                                new SshError({
                                    kind: "timeout",
                                    host: this.where,
                                    step,
                                    reason: `no result after ${Math.round(options.timeoutMs! / 1000)}s`,
                                    outputTail: this.redactor.redact(tail.text()),
                                }),
                            ),
                        );
                        channel.close();
                    }, options.timeoutMs);
                }
                channel.on("data", (chunk: Buffer) => {
                    tail.push(chunk);
                    if (stdoutSize < STDOUT_CAP) {
                        stdout.push(chunk);
                        stdoutSize += chunk.length;
                    }
                });
                channel.stderr.on("data", (chunk: Buffer) => tail.push(chunk));
                channel.on("error", (e: Error) =>
                    finish(() =>
                        reject(
                            new SshError({
                                kind: "disconnected",
                                host: this.where,
                                step,
                                reason: this.redactor.redact(e.message),
                                outputTail: this.redactor.redact(tail.text()),
                                transient: true,
                            }),
                        ),
                    ),
                );
                channel.on("exit", (code: number | null, signal?: string) => {
                    exit = { code: typeof code === "number" ? code : null, signal: signal ?? undefined };
                });
                channel.on("close", () => {
                    if (!exit) return finish(() => reject(lost()));
                    const result: CommandResult = {
                        code: exit.code,
                        signal: exit.signal,
                        output: this.redactor.redact(tail.text()),
                        stdout: this.redactor.redact(Buffer.concat(stdout).toString("utf8")),
                    };
                    finish(() => resolve(result));
                });
                channel.end(stdin);
            });
        });
    }

    /**
     * Runs a bash script and fails with an {@link SshError} naming host, step, exit code and output
     * tail when it exits non-zero.
     */
    async check(step: string, script: string, options: RunOptions = {}): Promise<CommandResult> {
        const result = await this.run(step, script, options);
        if (result.code !== 0) {
            throw new SshError({
                kind: "command",
                host: this.where,
                step,
                exitCode: result.code ?? undefined,
                signal: result.signal,
                outputTail: result.output,
            });
        }
        return result;
    }

    /**
     * Writes a file atomically: the content goes to a temp file in the same directory (created 0600 by
     * mktemp, so a secret is never readable by others), gets its mode, and is renamed over the target.
     *
     * @param path - absolute path on the host.
     * @param content - file content.
     * @param mode - octal mode, e.g. `0600`.
     */
    async upload(path: string, content: string | Buffer, mode: string): Promise<void> {
        await this.uploadMany([{ path, content, mode }], `upload ${path}`);
    }

    /**
     * Writes several files atomically (each as {@link upload} does) in one round trip.
     *
     * @param files - path, content and octal mode of each file.
     * @param step - step name for messages.
     */
    async uploadMany(files: { path: string; content: string | Buffer; mode: string }[], step = "upload files"): Promise<void> {
        if (files.length === 0) return;
        await this.check(step, uploadScript(files));
    }

    /**
     * SHA-256 of the given files on the host; a missing file is absent from the result.
     *
     * @param paths - absolute paths.
     */
    async sha256(paths: string[]): Promise<Map<string, string>> {
        const out = new Map<string, string>();
        if (paths.length === 0) return out;
        const script = `for f in ${paths.map(shellQuote).join(" ")}; do [ -f "$f" ] && sha256sum -- "$f"; done; true`;
        const result = await this.check("read file hashes", script);
        for (const line of result.stdout.split("\n")) {
            const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
            if (m) out.set(m[2], m[1]);
        }
        return out;
    }

    /** Closes the connection. */
    close(): void {
        if (!this.closed) this.client.end();
        this.closed = true;
    }
}

/**
 * A bash script that writes each file atomically: base64 content in a quoted here-document (the
 * delimiter cannot occur in base64), decoded into a mktemp file beside the target, chmod, rename.
 *
 * @param files - path, content and octal mode of each file.
 */
export function uploadScript(files: { path: string; content: string | Buffer; mode: string }[]): string {
    const lines = ["set -eu", "tmp=", 'trap \'if [ -n "$tmp" ]; then rm -f -- "$tmp"; fi\' EXIT'];
    for (const file of files) {
        if (!/^\/[^\0\n]*$/.test(file.path) || file.path.endsWith("/"))
            throw new Error(`upload: ${file.path} is not an absolute file path`);
        if (!/^0?[0-7]{3,4}$/.test(file.mode)) throw new Error(`upload ${file.path}: ${file.mode} is not an octal mode`);
        const q = shellQuote(file.path);
        const b64 = Buffer.from(file.content)
            .toString("base64")
            .replace(/(.{76})/g, "$1\n");
        lines.push(
            `dir=$(dirname -- ${q})`,
            'mkdir -p -- "$dir"',
            'tmp=$(mktemp -- "$dir/.kubeforge-upload.XXXXXX")',
            `base64 -d > "$tmp" <<'KUBEFORGE_EOF'`,
            ...(b64 ? b64.split("\n") : []),
            "KUBEFORGE_EOF",
            `chmod ${file.mode} -- "$tmp"`,
            `mv -f -- "$tmp" ${q}`,
            "tmp=",
        );
    }
    return lines.join("\n") + "\n";
}

function errorText(err: unknown): string {
    if (err instanceof Error) {
        const code = (err as { code?: unknown }).code;
        return typeof code === "string" && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
    }
    return String(err);
}

/**
 * Connects, runs `fn` with the session, and always closes it.
 *
 * @param target - where to connect.
 * @param options - connection behaviour.
 * @param fn - the work.
 */
export async function withSession<T>(target: SshTarget, options: SshOptions, fn: (session: SshSession) => Promise<T>): Promise<T> {
    const session = await SshSession.connect(target, options);
    try {
        return await fn(session);
    } finally {
        session.close();
    }
}
