/**
 * The SSH handshake of one host over `ssh2`: host-key verification (pinned or trust-on-first-use),
 * authentication, and bounded retries of connection-level failures. A refused host key or
 * authentication is never retried, and says what the host offered.
 */
import type { Client, ConnectConfig } from "ssh2";
import { SshError } from "./errors";
import { fingerprint, keyLine, parseHostKey, type HostPublicKey } from "./hostkey";
import type { Redactor } from "./redact";
import { DEFAULT_RETRY, isTransientConnectionError, withRetry, type RetryPolicy } from "./retry";
import { errorText } from "./shell";

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
    /** Accept whatever key the host presents when {@link SshTarget.hostKey} is absent (it is then recorded). */
    trustOnFirstUse?: boolean;
    /** A name for messages (the node name); `host:port` is always shown too. */
    label?: string;
    /** Run commands through `sudo -n`; by default when {@link SshTarget.user} is not root. */
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
    /** Characters of output kept for messages (4096 by default), after redaction. */
    outputTailBytes?: number;
    /** Seconds between keepalives; a host that stops answering is detected after three misses. */
    keepaliveSeconds?: number;
}

/** A connected, verified client. */
export interface Connected {
    /** The ssh2 client, ready for channels. */
    client: Client;
    /** The key line the host presented. */
    seenHostKey: string;
}

/** `label (host:port)` or `host:port`, as every message shows a host. */
export function whereOf(target: SshTarget): string {
    const port = target.port ?? 22;
    return target.label ? `${target.label} (${target.host}:${port})` : `${target.host}:${port}`;
}

/**
 * Connects, retrying connection-level failures with exponential backoff.
 *
 * @param target - host, user, key and host key.
 * @param options - timeouts, retries, logging.
 * @param redactor - removes secrets from reasons.
 */
export async function connectClient(target: SshTarget, options: SshOptions, redactor: Redactor): Promise<Connected> {
    const where = whereOf(target);
    const policy = options.retry ?? DEFAULT_RETRY;
    const expected = checkTarget(target, where);
    try {
        return await withRetry(
            () => handshake(target, options, where, redactor, expected),
            policy,
            isTransientConnectionError,
            (err, attempt, delay) =>
                options.log?.(
                    `${where}: connect attempt ${attempt} of ${policy.attempts} failed (${reasonOf(err, redactor)}); retrying in ${Math.round(delay / 100) / 10}s`,
                ),
        );
    } catch (err) {
        if (err instanceof SshError && err.kind !== "connect") throw err;
        throw new SshError({
            kind: "connect",
            host: where,
            step: "connect",
            reason: `${reasonOf(err, redactor)} (after ${policy.attempts} attempt${policy.attempts === 1 ? "" : "s"})`,
            fix: "check that the host is up, that sshd listens on this address and port, and that no firewall drops it",
        });
    }
}

function reasonOf(err: unknown, redactor: Redactor): string {
    return redactor.redact(err instanceof SshError && err.reason ? err.reason : errorText(err));
}

function checkTarget(target: SshTarget, where: string): HostPublicKey | undefined {
    const expected = target.hostKey ? parseHostKey(target.hostKey) : undefined;
    if (target.hostKey && !expected) {
        throw new SshError({
            kind: "host-key",
            host: where,
            step: "connect",
            reason: "the configured host key is not a valid public key line",
            fix: "copy the whole line of /etc/ssh/ssh_host_ed25519_key.pub (type, key, optional comment)",
        });
    }
    if (!expected && !target.trustOnFirstUse) {
        throw new SshError({
            kind: "host-key",
            host: where,
            step: "connect",
            reason: "no host key configured for this host",
            fix: "set its hostKey (the line in /etc/ssh/ssh_host_ed25519_key.pub) or trustOnFirstUse: true",
        });
    }
    return expected;
}

/** Algorithms that verify a key of `type`. */
function algorithmsFor(type: string): string[] {
    return type === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [type];
}

/** One attempt. Rejects with an SshError (transient when retrying may help). */
function handshake(
    target: SshTarget,
    options: SshOptions,
    where: string,
    redactor: Redactor,
    expected: HostPublicKey | undefined,
): Promise<Connected> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ssh2 = require("ssh2") as typeof import("ssh2");
    return new Promise<Connected>((resolve, reject) => {
        const client = new ssh2.Client();
        let seen: Buffer | undefined;
        let settled = false;
        const fail = (err: SshError) => {
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
        // Ask for the configured key's type, so a host with several keys shows the one we know.
        if (expected)
            config.algorithms = {
                serverHostKey: algorithmsFor(expected.type) as NonNullable<ConnectConfig["algorithms"]>["serverHostKey"],
            };
        client.once("ready", () => {
            if (settled) return;
            settled = true;
            resolve({ client, seenHostKey: seen ? keyLine(seen) : "" });
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
                        reason: `the host presented ${fingerprint(seen)} but the configured key is ${fingerprint(expected.blob)}`,
                        fix: "if the host was reinstalled, put its new key (ssh-keyscan, or /etc/ssh/ssh_host_*_key.pub) in its hostKey",
                    }),
                );
            }
            if (expected && /no matching host key format/i.test(err.message)) {
                settled = true;
                client.end();
                // The host offers no key of the configured type: ask once more, without the
                // restriction, which key it does present, so the message can show both.
                void offeredKey(target, options).then((offered) =>
                    reject(
                        new SshError({
                            kind: "host-key",
                            host: where,
                            step: "connect",
                            reason:
                                `the host offers no ${expected.type} key (the configured one is ${fingerprint(expected.blob)})` +
                                (offered ? `; it presents ${offered.type} ${fingerprint(offered.blob)}` : ""),
                            fix: `put the host's own key in its hostKey (ssh-keyscan -t ${offered?.type ?? "ed25519"} ${target.host}, or the line of /etc/ssh/ssh_host_*_key.pub on the host)`,
                        }),
                    ),
                );
                return;
            }
            if (err.level === "client-authentication") {
                return fail(
                    new SshError({
                        kind: "auth",
                        host: where,
                        step: "connect",
                        reason: `user ${target.user}: ${redactor.redact(err.message)}`,
                        fix: "check the user and that the private key's public half is in the user's authorized_keys",
                    }),
                );
            }
            fail(
                new SshError({
                    kind: "connect",
                    host: where,
                    step: "connect",
                    reason: redactor.redact(errorText(err)),
                    transient: isTransientConnectionError(err),
                }),
            );
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

/** The key a host presents when any type is allowed; undefined when it cannot be read. */
function offeredKey(target: SshTarget, options: SshOptions): Promise<HostPublicKey | undefined> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ssh2 = require("ssh2") as typeof import("ssh2");
    return new Promise((resolve) => {
        const client = new ssh2.Client();
        let key: HostPublicKey | undefined;
        const done = () => {
            client.end();
            resolve(key);
        };
        client.on("error", done);
        client.once("close", done);
        client.once("ready", done);
        client.connect({
            host: target.host,
            port: target.port ?? 22,
            username: target.user,
            readyTimeout: options.connectTimeoutMs ?? 15_000,
            hostVerifier: (blob: Buffer) => {
                key = parseHostKey(keyLine(Buffer.from(blob)));
                return false;
            },
        });
    });
}
