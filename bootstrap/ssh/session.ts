/**
 * One SSH connection to one host, over `ssh2`: commands with exit code and a bounded, redacted output
 * tail, sudo for non-root users, atomic uploads as a tar stream, and supervised commands that survive a
 * dropped connection (supervise.ts). The handshake and host-key checks are in connect.ts.
 *
 * This code runs inside the bare-metal dynamic provider, bundled into its text by esbuild
 * (components/dynamic.ts) with `ssh2` left external: its optional native parts must come from the
 * project's `node_modules`. `ssh2` is required inside the handshake, not at the top, so loading the
 * provider text does not load it; the first connection does.
 */
import type { Client, ClientChannel } from "ssh2";
import { connectClient, whereOf, type SshOptions, type SshTarget } from "./connect";
import { SshError } from "./errors";
import { Capture, OutputTail } from "./output";
import { uploadPlan, type UploadFile } from "./payload";
import { makeRedactor, type Redactor } from "./redact";
import { errorText, shellQuote } from "./shell";
import { parseVerdict, stopCommand, supervisedCommand, type SupervisedRun } from "./supervise";

export { shellQuote } from "./shell";
export { whereOf, type SshOptions, type SshTarget } from "./connect";

/** Options of one command. */
export interface RunOptions {
    /** Data written to the command's stdin (then closed). */
    stdin?: string | Buffer;
    /** Time limit in milliseconds; none when absent. */
    timeoutMs?: number;
    /** Run as root through `sudo -n` when the login user is not root (default true). */
    sudo?: boolean;
    /**
     * Keep stdout and stderr apart (for a command whose stdout is parsed). By default stderr is sent
     * into stdout on the host, so the output tail keeps the order the command wrote in; SSH carries
     * the two streams on separate paths and cannot keep their relative order.
     */
    separateStreams?: boolean;
}

/** Result of a command that ran to completion. */
export interface CommandResult {
    /** Exit code; null when a signal ended it. */
    code: number | null;
    /** Signal name when one ended it. */
    signal?: string;
    /** Redacted tail of the output (see {@link CommandResult.outputLabel}). */
    output: string;
    /** What {@link CommandResult.output} holds: "stdout and stderr as written", or both shown separately. */
    outputLabel: string;
    /** Redacted full stdout (small outputs only: capped at 1 MiB). */
    stdout: string;
}

const STDOUT_CAP = 1 << 20;

/** Which streams make the output tail: both as they arrive, each apart, or stdout alone. */
type Streams = "both" | "separate" | "stdout";

/** An open SSH connection. Close it with {@link SshSession.close}. */
export class SshSession {
    /** `host:port` or `label (host:port)`, as shown in messages. */
    readonly where: string;
    /** The host key line the server presented (what trust-on-first-use records). */
    readonly seenHostKey: string;
    private readonly redactor: Redactor;
    private readonly tailChars: number;
    private readonly client: Client;
    private readonly target: SshTarget;
    private closed = false;
    private lostReason: string | undefined;

    private constructor(client: Client, target: SshTarget, seenHostKey: string, redactor: Redactor, tailChars: number) {
        this.client = client;
        this.target = target;
        this.where = whereOf(target);
        this.seenHostKey = seenHostKey;
        this.redactor = redactor;
        this.tailChars = tailChars;
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
        const redactor = options.redactor ?? makeRedactor([target.privateKey]);
        const { client, seenHostKey } = await connectClient(target, options, redactor);
        return new SshSession(client, target, seenHostKey, redactor, options.outputTailBytes ?? 4096);
    }

    /** True when the login user needs sudo to act as root. */
    get needsSudo(): boolean {
        return this.target.sudo ?? this.target.user !== "root";
    }

    private lost(step: string, reason: string | undefined, outputTail?: string): SshError {
        return new SshError({
            kind: "disconnected",
            host: this.where,
            step,
            reason: reason ?? this.lostReason ?? "the server closed the connection",
            outputTail,
            transient: true,
        });
    }

    /**
     * Runs a remote command line and collects its output; resolves with the exit status whatever it
     * is. Rejects only when the connection is lost or the time limit passes.
     */
    private exec(
        step: string,
        command: string,
        stdin: string | Buffer | undefined,
        timeoutMs: number | undefined,
        streams: Streams,
        onStderr?: (chunk: Buffer) => void,
    ) {
        const separate = streams === "separate";
        return new Promise<CommandResult & { stderrText: string }>((resolve, reject) => {
            if (this.closed) return reject(this.lost(step, this.lostReason ?? "the connection is closed"));
            const tail = new OutputTail(this.tailChars, this.redactor);
            // "stdout": the command's output is all on stdout (merged on the host); stderr is the
            // supervisor's own channel, captured but not shown.
            const errTail = separate ? new OutputTail(this.tailChars, this.redactor) : streams === "both" ? tail : undefined;
            const stdout = new Capture(STDOUT_CAP);
            const stderr = new Capture(64 * 1024);
            const label = separate ? "stdout, then stderr: SSH does not keep their relative order" : "stdout and stderr as written";
            const shown = (endCut: boolean) => {
                if (!separate) return tail.text(endCut);
                const out = tail.text(endCut).trimEnd();
                const err = errTail?.text(endCut).trimEnd();
                return [out && `[stdout]\n${out}`, err && `[stderr]\n${err}`].filter(Boolean).join("\n");
            };
            let exit: { code: number | null; signal?: string } | undefined;
            let timer: NodeJS.Timeout | undefined;
            let done = false;
            const onClientClose = () => finish(() => reject(this.lost(step, undefined, shown(true))));
            const finish = (fn: () => void) => {
                if (done) return;
                done = true;
                if (timer) clearTimeout(timer);
                this.client.removeListener("close", onClientClose);
                fn();
            };
            this.client.on("close", onClientClose);
            this.client.exec(command, (err: Error | undefined, channel: ClientChannel) => {
                if (err) return finish(() => reject(this.lost(step, this.redactor.redact(err.message))));
                if (timeoutMs) {
                    timer = setTimeout(() => {
                        finish(() =>
                            reject(
                                new SshError({
                                    kind: "timeout",
                                    host: this.where,
                                    step,
                                    reason: `no result after ${Math.round(timeoutMs / 1000)}s`,
                                    outputTail: shown(true),
                                    outputLabel: label,
                                }),
                            ),
                        );
                        channel.close();
                    }, timeoutMs);
                }
                channel.on("data", (chunk: Buffer) => {
                    tail.push(chunk);
                    stdout.push(chunk);
                });
                channel.stderr.on("data", (chunk: Buffer) => {
                    errTail?.push(chunk);
                    stderr.push(chunk);
                    onStderr?.(chunk);
                });
                channel.on("error", (e: Error) => finish(() => reject(this.lost(step, this.redactor.redact(e.message), shown(true)))));
                channel.on("exit", (code: number | null, signal?: string) => {
                    // ssh2 names the signal as the protocol does ("TERM"), or with its prefix on some paths.
                    exit = { code: typeof code === "number" ? code : null, signal: signal ? signal.replace(/^SIG/, "") : undefined };
                });
                channel.on("close", () => {
                    if (!exit) return finish(() => reject(this.lost(step, undefined, shown(true))));
                    const result = {
                        code: exit.code,
                        signal: exit.signal,
                        output: shown(false),
                        outputLabel: label,
                        stdout: stdout.text(this.redactor),
                        stderrText: stderr.text(this.redactor),
                    };
                    finish(() => resolve(result));
                });
                channel.end(stdin);
            });
        });
    }

    private sudoPrefix(sudo: boolean | undefined): string {
        return sudo !== false && this.needsSudo ? "sudo -n " : "";
    }

    /**
     * Runs a bash script; resolves with the exit code whatever it is (see {@link SshSession.check} to
     * fail on non-zero). Rejects only when the connection is lost or the time limit passes.
     *
     * @param step - the step name, for messages.
     * @param script - bash source (no file contents: see {@link SshSession.uploadMany}).
     * @param options - stdin, time limit, sudo, streams.
     */
    async run(step: string, script: string, options: RunOptions = {}): Promise<CommandResult> {
        const separate = options.separateStreams === true;
        const body = separate ? script : `exec 2>&1\n${script}`;
        // Without stdin data the script goes over stdin (`bash -s`: no argument-length limit); with
        // stdin data, as an argument. Scripts are small: file contents travel as a tar stream.
        const command =
            options.stdin !== undefined
                ? `${this.sudoPrefix(options.sudo)}bash -c ${shellQuote(body)}`
                : `${this.sudoPrefix(options.sudo)}bash -s`;
        const { stderrText: _stderr, ...result } = await this.exec(
            step,
            command,
            options.stdin ?? body,
            options.timeoutMs,
            separate ? "separate" : "both",
        );
        return result;
    }

    /**
     * Runs a bash script and fails with an {@link SshError} naming host, step, exit code (or signal)
     * and output tail when it exits non-zero.
     *
     * @param step - the step name, for messages.
     * @param script - bash source.
     * @param options - stdin, time limit, sudo, streams.
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
                outputLabel: result.outputLabel,
            });
        }
        return result;
    }

    /**
     * Writes a file atomically (see {@link SshSession.uploadMany}).
     *
     * @param path - absolute path on the host.
     * @param content - file content.
     * @param mode - octal mode, e.g. `0600`.
     */
    async upload(path: string, content: string | Buffer, mode: string): Promise<void> {
        await this.uploadMany([{ path, content, mode }], `upload ${path}`);
    }

    /**
     * Writes several files atomically in one round trip: a tar stream on stdin to `tar -x` (never
     * inside a script), each file extracted with its mode beside its target and renamed over it.
     *
     * @param files - path, content and octal mode of each file.
     * @param step - step name for messages.
     */
    async uploadMany(files: UploadFile[], step = "upload files"): Promise<void> {
        if (files.length === 0) return;
        const plan = uploadPlan(files);
        await this.check(step, plan.script, { stdin: plan.archive });
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
        const result = await this.check("read file hashes", script, { separateStreams: true });
        for (const line of result.stdout.split("\n")) {
            const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
            if (m) out.set(m[2], m[1]);
        }
        return out;
    }

    /**
     * Runs a command under the host-side supervisor (supervise.ts): it survives a dropped connection,
     * is stopped on the host at its time limit, and records its result; a retry with the same run id
     * attaches to it. Fails like {@link SshSession.check}, or with a transient "disconnected" error.
     *
     * @param step - the step name, for messages.
     * @param run - what to run, its id and time limit.
     * @param log - progress notes (attached, collected, stopped an earlier run).
     */
    async supervise(step: string, run: SupervisedRun, log: (line: string) => void = () => undefined): Promise<CommandResult> {
        // The host stops the command at its limit; the client waits a little longer for that verdict.
        const graceMs = 60_000;
        let raw: CommandResult & { stderrText: string };
        // The supervisor's notes (attached, collected, stopped an earlier run) are shown as they come.
        let pendingLine = "";
        const notes = (chunk: Buffer) => {
            const lines = (pendingLine + chunk.toString("utf8")).split("\n");
            pendingLine = lines.pop() ?? "";
            for (const line of lines) {
                const note = /^kubeforge-run: note: (.*)$/.exec(line);
                if (note) log(`${this.where}: ${this.redactor.redact(note[1])}`);
            }
        };
        try {
            raw = await this.exec(
                step,
                `${this.sudoPrefix(undefined)}${supervisedCommand(run)}`,
                undefined,
                run.timeoutSeconds * 1000 + graceMs,
                "stdout",
                notes,
            );
        } catch (err) {
            // No verdict in time: the host did not stop it either. Stop it now, if the connection lets us.
            if (err instanceof SshError && err.kind === "timeout")
                await this.exec(
                    `stop ${step}`,
                    `${this.sudoPrefix(undefined)}${stopCommand(run.runDir)}`,
                    undefined,
                    120_000,
                    "separate",
                ).catch(() => undefined);
            throw err;
        }
        const verdict = parseVerdict(raw.stderrText);
        const base = { host: this.where, step, outputTail: raw.output, outputLabel: raw.outputLabel };
        if (!verdict) throw this.lost(step, "the supervisor on the host did not report", raw.output);
        if (verdict.error) throw new SshError({ ...base, kind: "command", exitCode: raw.code ?? undefined, reason: verdict.error });
        if (verdict.timedOut) {
            throw new SshError({
                ...base,
                kind: "timeout",
                reason: `the host stopped it after its time limit of ${run.timeoutSeconds}s`,
                fix: "see the output; raise commandTimeoutSeconds if the host is just slow",
            });
        }
        if (verdict.code === undefined)
            throw new SshError({ ...base, kind: "command", reason: "its result was lost (the run was killed on the host)" });
        if (verdict.code !== 0) throw new SshError({ ...base, kind: "command", exitCode: verdict.code });
        return { code: 0, output: raw.output, outputLabel: raw.outputLabel, stdout: raw.stdout };
    }

    /** Closes the connection. */
    close(): void {
        if (!this.closed) this.client.end();
        this.closed = true;
    }
}

/** For messages of errors not raised by a session. */
export { errorText };

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
