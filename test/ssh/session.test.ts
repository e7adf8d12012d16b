/**
 * The SSH layer against real OpenSSH servers on loopback: uploads, exit codes, host-key checks,
 * trust-on-first-use, dropped connections, dead hosts, redaction and concurrency.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { freePort, keygen, sshdChildren, startSshd, type SshdHost } from "./sshd";
import { SshSession, type SshTarget } from "../../bootstrap/ssh/session";
import { SshError } from "../../bootstrap/ssh/errors";
import { fingerprint, parseHostKey } from "../../bootstrap/ssh/hostkey";
import { makeRedactor, REDACTED } from "../../bootstrap/ssh/redact";
import { createLimiter, mapLimited } from "../../bootstrap/ssh/limiter";

const FAST_RETRY = { attempts: 3, baseDelayMs: 50, maxDelayMs: 200 };

function targetOf(h: SshdHost, extra: Partial<SshTarget> = {}): SshTarget {
    return {
        host: h.host,
        port: h.port,
        user: h.user,
        privateKey: h.clientKey.privateKey,
        hostKey: h.hostKey.publicKey,
        label: "node-a",
        ...extra,
    };
}

describe("ssh session against real sshd", () => {
    let host: SshdHost;
    let dir: string;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kf-ssh-"));
        host = await startSshd();
    });
    after(async () => {
        await host.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    test("runs commands and reports their exit codes and output", async () => {
        const s = await SshSession.connect(targetOf(host));
        try {
            const ok = await s.run("ok", "echo hello; echo err >&2");
            assert.equal(ok.code, 0);
            assert.match(ok.output, /hello/);
            assert.match(ok.output, /err/);
            const bad = await s.run("bad", "exit 7");
            assert.equal(bad.code, 7);
            const input = await s.run("stdin", "tr a-z A-Z", { stdin: "shout" });
            assert.equal(input.stdout, "SHOUT");
            await assert.rejects(s.check("must fail", "echo about to fail; exit 3"), (err: unknown) => {
                assert.ok(err instanceof SshError);
                assert.equal(err.kind, "command");
                assert.equal(err.exitCode, 3);
                assert.match(err.message, /node-a \(127\.0\.0\.1:\d+\)/);
                assert.match(err.message, /"must fail"/);
                assert.match(err.message, /exit code 3/);
                assert.match(err.message, /about to fail/);
                return true;
            });
        } finally {
            s.close();
        }
    });

    test("a non-root login runs everything through sudo -n, scripts and uploads alike", async () => {
        const bin = path.join(dir, "sudo-bin");
        const log = path.join(dir, "sudo.log");
        fs.mkdirSync(bin, { recursive: true });
        // A stand-in sudo that insists on -n (never prompt) and records what it ran.
        fs.writeFileSync(
            path.join(bin, "sudo"),
            `#!/bin/bash\n[ "$1" = "-n" ] || { echo "sudo would prompt" >&2; exit 97; }\nshift\necho "$*" >> ${log}\nexec "$@"\n`,
            { mode: 0o755 },
        );
        const sudoHost = await startSshd({ setEnv: { PATH: `${bin}:/usr/bin:/bin` } });
        try {
            const s = await SshSession.connect({ ...targetOf(sudoHost), sudo: true });
            try {
                assert.equal((await s.check("as root", "id -u")).stdout.trim(), "0");
                await s.upload(path.join(dir, "via-sudo.txt"), "x", "0600");
                assert.equal((await s.run("no sudo", "true", { sudo: false })).code, 0);
            } finally {
                s.close();
            }
            const ran = fs.readFileSync(log, "utf8");
            assert.match(ran, /^bash -s\n/);
            assert.match(ran, /^bash -c exec 2>&1\n[\s\S]*^tar -x /m, "the upload ran through sudo too");
            assert.equal(fs.readFileSync(path.join(dir, "via-sudo.txt"), "utf8"), "x");
        } finally {
            await sudoHost.stop();
        }
    });

    test("uploads atomically with the requested mode, leaving no temp file", async () => {
        const s = await SshSession.connect(targetOf(host));
        try {
            const file = path.join(dir, "nested", "deeper", "secret.conf");
            await s.upload(file, "line1\nline2 'quoted' $HOME\n", "0600");
            assert.equal(fs.readFileSync(file, "utf8"), "line1\nline2 'quoted' $HOME\n");
            assert.equal(fs.statSync(file).mode & 0o777, 0o600);
            await s.upload(file, "replaced", "0644");
            assert.equal(fs.readFileSync(file, "utf8"), "replaced");
            assert.equal(fs.statSync(file).mode & 0o777, 0o644);
            assert.deepEqual(fs.readdirSync(path.dirname(file)), ["secret.conf"]);
            // 200 KB reach the host as a tar stream on stdin, not inside a script bash reads byte by byte.
            const big = Buffer.alloc(200_000, "k");
            await s.upload(file, big, "0600");
            assert.ok(fs.readFileSync(file).equals(big));
            const hashes = await s.sha256([file, path.join(dir, "missing")]);
            assert.equal(hashes.size, 1);
            assert.match(hashes.get(file) ?? "", /^[0-9a-f]{64}$/);
        } finally {
            s.close();
        }
    });

    test("refuses a host whose key is not the configured one, naming host and both fingerprints", async () => {
        const other = keygen(dir, `other-${Date.now()}`);
        await assert.rejects(SshSession.connect(targetOf(host, { hostKey: other.publicKey }), { retry: FAST_RETRY }), (err: unknown) => {
            assert.ok(err instanceof SshError);
            assert.equal(err.kind, "host-key");
            assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${host.port}`));
            assert.ok(err.message.includes(fingerprint(parseHostKey(host.hostKey.publicKey)!.blob)), err.message);
            assert.ok(err.message.includes(fingerprint(parseHostKey(other.publicKey)!.blob)), err.message);
            return true;
        });
    });

    test("refuses an unknown host without trust-on-first-use; records its key with it", async () => {
        await assert.rejects(SshSession.connect(targetOf(host, { hostKey: undefined })), /no host key configured.*trustOnFirstUse/s);
        const s = await SshSession.connect(targetOf(host, { hostKey: undefined, trustOnFirstUse: true }));
        s.close();
        assert.deepEqual(parseHostKey(s.seenHostKey)?.blob, parseHostKey(host.hostKey.publicKey)?.blob);
    });

    test("a refused private key is an auth error, not retried", async () => {
        const stranger = keygen(dir, `stranger-${Date.now()}`);
        const logs: string[] = [];
        await assert.rejects(
            SshSession.connect(targetOf(host, { privateKey: stranger.privateKey }), { retry: FAST_RETRY, log: (m) => logs.push(m) }),
            (err: unknown) => err instanceof SshError && err.kind === "auth",
        );
        assert.equal(logs.length, 0);
    });

    test("a host with nothing listening: bounded retries with backoff, then an error naming it", async () => {
        const port = await freePort();
        const logs: string[] = [];
        await assert.rejects(
            SshSession.connect(
                {
                    host: "127.0.0.1",
                    port,
                    user: "root",
                    privateKey: host.clientKey.privateKey,
                    hostKey: host.hostKey.publicKey,
                    label: "gone",
                },
                { retry: FAST_RETRY, log: (m) => logs.push(m) },
            ),
            (err: unknown) => {
                assert.ok(err instanceof SshError);
                assert.equal(err.kind, "connect");
                assert.match(err.message, new RegExp(`gone \\(127\\.0\\.0\\.1:${port}\\)`));
                assert.match(err.message, /ECONNREFUSED/);
                assert.match(err.message, /after 3 attempts/);
                assert.equal(err.message.split("gone (").length, 2, `the host is named once: ${err.message}`);
                return true;
            },
        );
        assert.equal(logs.length, 2, logs.join("\n"));
        for (const line of logs) assert.equal(line.split("gone (").length, 2, `the progress line names the host once: ${line}`);
        assert.match(logs[0], /^gone \(127\.0\.0\.1:\d+\): connect attempt 1 of 3 failed \(.*ECONNREFUSED.*\); retrying/);
        assert.match(logs[0], /retrying in 0\.1s/);
        assert.match(logs[1], /retrying in 0\.1s|retrying in 0\.2s/);
    });

    test("a host that accepts TCP but never speaks SSH times out per attempt, then fails naming it", async () => {
        const net = await import("node:net");
        const sockets: import("node:net").Socket[] = [];
        const silent = net.createServer((socket) => sockets.push(socket));
        await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
        const port = (silent.address() as import("node:net").AddressInfo).port;
        try {
            const logs: string[] = [];
            await assert.rejects(
                SshSession.connect(
                    {
                        host: "127.0.0.1",
                        port,
                        user: "root",
                        privateKey: host.clientKey.privateKey,
                        hostKey: host.hostKey.publicKey,
                        label: "mute",
                    },
                    { connectTimeoutMs: 300, retry: { attempts: 2, baseDelayMs: 50, maxDelayMs: 50 }, log: (m) => logs.push(m) },
                ),
                (err: unknown) =>
                    err instanceof SshError &&
                    err.kind === "connect" &&
                    /mute \(127\.0\.0\.1:\d+\).*[Tt]imed out.*after 2 attempts/s.test(err.message),
            );
            // Counted, not timed: each attempt ended on its handshake time limit.
            assert.equal(logs.length, 1, logs.join("\n"));
            assert.match(logs[0], /connect attempt 1 of 2 failed \(.*[Tt]imed out/);
        } finally {
            for (const s of sockets) s.destroy();
            silent.close();
        }
    });

    test("a connection killed mid-command fails clearly, naming host and step", async () => {
        const s = await SshSession.connect(targetOf(host));
        try {
            const running = s.run("long step", "echo started; sleep 30");
            // The connection's own sshd process is a child of the listener; killing it drops the session.
            await new Promise((r) => setTimeout(r, 400));
            const victims = sshdChildren(host.process.pid!);
            assert.ok(victims.length > 0);
            for (const pid of victims) process.kill(pid, "SIGKILL");
            await assert.rejects(running, (err: unknown) => {
                assert.ok(err instanceof SshError);
                assert.equal(err.kind, "disconnected");
                assert.match(err.message, /node-a \(127\.0\.0\.1:\d+\): step "long step" failed: connection lost/);
                return true;
            });
        } finally {
            s.close();
        }
    });

    test("secrets printed by a failing command never reach the error", async () => {
        const token = "abcdef.0123456789abcdef";
        const pemKey = host.clientKey.privateKey;
        const redactor = makeRedactor([token, pemKey]);
        const keyFile = path.join(dir, "leak.key");
        fs.writeFileSync(keyFile, pemKey);
        const s = await SshSession.connect(targetOf(host), { redactor });
        try {
            await assert.rejects(s.check("leaky", `echo "token=${token}"; cat ${keyFile}; exit 5`), (err: unknown) => {
                assert.ok(err instanceof SshError);
                assert.equal(err.exitCode, 5);
                assert.ok(!err.message.includes(token), err.message);
                for (const line of pemKey.split("\n").filter((l) => l.length > 8 && !l.startsWith("-----"))) {
                    assert.ok(!err.message.includes(line), "a key line leaked");
                }
                assert.ok(err.message.includes(`token=${REDACTED}`));
                return true;
            });
        } finally {
            s.close();
        }
    });
});

describe("concurrency across many real hosts", () => {
    const hosts: SshdHost[] = [];
    const clientDir = fs.mkdtempSync(path.join(os.tmpdir(), "kf-ssh-many-"));
    before(async () => {
        const client = keygen(clientDir, "client");
        // 20 servers on 20 distinct loopback addresses.
        const started = await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
                startSshd({ host: `127.0.${1 + Math.floor(i / 10)}.${10 + (i % 10)}`, clientKey: client }),
            ),
        );
        hosts.push(...started);
    });
    after(async () => {
        await Promise.all(hosts.map((h) => h.stop()));
        fs.rmSync(clientDir, { recursive: true, force: true });
    });

    test("runs every host, never more than the limit at once, overlapping up to it (counted, not timed)", async () => {
        const limit = 5;
        let active = 0;
        let peak = 0;
        const events = path.join(clientDir, `events-${Date.now()}`);
        fs.writeFileSync(events, "");
        // Each remote command records its start, waits until `limit` commands have started (a barrier,
        // capped at 60 s so a serialising bug fails instead of hanging), then records its end. Event
        // order, not time, shows the overlap: however slow a loaded machine is, the first five meet.
        const remote = (h: SshdHost) =>
            [
                `echo "start ${h.host}" >> ${events}`,
                `for _ in $(seq 1 300); do [ "$(grep -c start ${events})" -ge ${limit} ] && break; sleep 0.2; done`,
                `echo "end ${h.host}" >> ${events}`,
                `echo ${h.host}`,
            ].join("\n");
        const results = await mapLimited(hosts, limit, async (h) => {
            active++;
            peak = Math.max(peak, active);
            try {
                const s = await SshSession.connect(targetOf(h));
                try {
                    return (await s.check("work", remote(h))).stdout.trim();
                } finally {
                    s.close();
                }
            } finally {
                active--;
            }
        });
        assert.deepEqual(
            results,
            hosts.map((h) => h.host),
        );
        assert.equal(peak, limit);
        let remoteActive = 0;
        let remotePeak = 0;
        for (const line of fs.readFileSync(events, "utf8").trim().split("\n")) {
            remoteActive += line.startsWith("start ") ? 1 : -1;
            remotePeak = Math.max(remotePeak, remoteActive);
        }
        assert.equal(remotePeak, limit, "the remote commands overlapped up to the limit, never beyond");
    });

    test("a failing host does not stop the others; its error is reported", async () => {
        const ran: string[] = [];
        await assert.rejects(
            mapLimited(hosts.slice(0, 6), 3, async (h, i) => {
                const s = await SshSession.connect(targetOf(h, { label: `n${i}` }));
                try {
                    await s.check("step", i === 2 ? "exit 9" : "true");
                    ran.push(h.host);
                } finally {
                    s.close();
                }
            }),
            /n2 .*exit code 9/,
        );
        assert.equal(ran.length, 5);
    });
});

describe("limiter", () => {
    test("never exceeds its limit and runs everything", async () => {
        const fc = await import("fast-check");
        await fc.assert(
            fc.asyncProperty(
                fc.integer({ min: 1, max: 6 }),
                fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 30 }),
                async (limit, delays) => {
                    const limiter = createLimiter(limit);
                    let active = 0;
                    let peak = 0;
                    const out = await Promise.all(
                        delays.map((d, i) =>
                            limiter.run(async () => {
                                active++;
                                peak = Math.max(peak, active);
                                await new Promise((r) => setTimeout(r, d));
                                active--;
                                return i;
                            }),
                        ),
                    );
                    assert.deepEqual(
                        out,
                        delays.map((_, i) => i),
                    );
                    assert.ok(peak <= limit);
                    assert.equal(limiter.active, 0);
                },
            ),
            { numRuns: 40 },
        );
    });
});
