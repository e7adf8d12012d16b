/**
 * Supervised commands against a real sshd: a dropped connection or a timeout leaves nothing running
 * unsupervised on the host (issue 16). Connections are dropped by killing the connection's own sshd
 * process; every wait is for an event (a file appears, a process ends), bounded only so that a bug fails
 * instead of hanging. No assertion on elapsed time.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { keygen, sshdChildren, startSshd, type SshdHost } from "./sshd";
import { SshSession, type SshTarget } from "../../bootstrap/ssh/session";
import { SshError } from "../../bootstrap/ssh/errors";
import { fingerprint, parseHostKey } from "../../bootstrap/ssh/hostkey";

async function until(what: string, ok: () => boolean): Promise<void> {
    for (let i = 0; i < 600; i++) {
        if (ok()) return;
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`never happened: ${what}`);
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return !fs.readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
    } catch {
        return false;
    }
}

describe("supervised commands on a real sshd", () => {
    let host: SshdHost;
    let dir: string;
    let stubLog: string;
    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kf-supervise-"));
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        stubLog = path.join(dir, "dpkg.log");
        // A dpkg whose database says a package is half-configured while the flag file exists.
        fs.writeFileSync(
            path.join(bin, "dpkg"),
            `#!/bin/bash\ncase "$*" in\n  --audit) [ -e ${dir}/half-installed ] && echo "The following packages are only half configured: kubelet" ;;\n  "--configure -a") echo "dpkg $*" >> ${stubLog}; rm -f ${dir}/half-installed ;;\nesac\nexit 0\n`,
            { mode: 0o755 },
        );
        host = await startSshd({ setEnv: { PATH: `${bin}:/usr/bin:/bin` } });
    });
    after(async () => {
        await host.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const target = (): SshTarget => ({
        host: host.host,
        port: host.port,
        user: host.user,
        privateKey: host.clientKey.privateKey,
        hostKey: host.hostKey.publicKey,
        label: "n1",
    });
    const runDir = (name: string) => path.join(dir, name, "run");
    const drop = () => {
        for (const pid of sshdChildren(host.process.pid!)) process.kill(pid, "SIGKILL");
    };

    test("a chatty command survives a dropped connection, finishes, and the retry collects its result", async () => {
        const done = path.join(dir, "chatty-done");
        const runs = path.join(dir, "chatty-runs");
        const script = `echo run >> ${runs}; for i in $(seq 1 400); do echo "line $i"; echo "err $i" >&2; sleep 0.01; done; touch ${done}`;
        const run = {
            runDir: runDir("chatty"),
            id: "op-1",
            timeoutSeconds: 120,
            command: ["bash", "-c", script],
            marker: { path: path.join(dir, "chatty", "marker"), value: "m1" },
        };
        const first = await SshSession.connect(target());
        const pending = first.supervise("bootstrap", run);
        await until(
            "output started",
            () => fs.existsSync(path.join(run.runDir, "log")) && fs.readFileSync(path.join(run.runDir, "log"), "utf8").includes("line 20"),
        );
        drop();
        await assert.rejects(pending, (err: unknown) => err instanceof SshError && err.kind === "disconnected" && err.transient);
        first.close();
        await until("the command finished on its own", () => fs.existsSync(done));
        await until("the supervisor recorded its result", () => fs.existsSync(path.join(run.runDir, "result")));
        assert.equal(fs.readFileSync(path.join(dir, "chatty", "marker"), "utf8"), "m1\n", "the supervisor recorded the success");
        const notes: string[] = [];
        const again = await SshSession.connect(target());
        try {
            const result = await again.supervise("bootstrap", run, (n) => notes.push(n));
            assert.equal(result.code, 0);
            // stdout and stderr in the order written, the host having merged them.
            assert.match(result.output, /line 400\nerr 400\n$/);
        } finally {
            again.close();
        }
        assert.equal(fs.readFileSync(runs, "utf8"), "run\n", "it ran once");
        assert.match(notes.join("\n"), /^n1 \(127\.0\.0\.1:\d+\): the run finished while the connection was down/);
    });

    test("a retry of the same operation attaches to the run still going instead of starting another", async () => {
        const runs = path.join(dir, "quiet-runs");
        const gate = path.join(dir, "quiet-gate");
        const run = {
            runDir: runDir("quiet"),
            id: "op-2",
            timeoutSeconds: 120,
            command: ["bash", "-c", `echo run >> ${runs}; until [ -e ${gate} ]; do sleep 0.1; done; echo finished`],
        };
        const first = await SshSession.connect(target());
        const pending = first.supervise("bootstrap", run);
        await until("the command started", () => fs.existsSync(runs));
        drop();
        await assert.rejects(pending, /connection lost/);
        first.close();
        const notes: string[] = [];
        const again = await SshSession.connect(target());
        try {
            const attached = again.supervise("bootstrap", run, (n) => notes.push(n));
            await until("attached", () => notes.length > 0);
            fs.writeFileSync(gate, "");
            assert.match((await attached).output, /finished/);
        } finally {
            again.close();
        }
        assert.match(notes[0], /attaching to the run still in progress/);
        assert.equal(fs.readFileSync(runs, "utf8"), "run\n");
    });

    test("a new operation stops an orphan before it runs: never beside it", async () => {
        const out = path.join(dir, "orphan-out");
        const pidFile = path.join(dir, "orphan-pid");
        const rd = runDir("orphan");
        const first = await SshSession.connect(target());
        const orphan = first.supervise("bootstrap", {
            runDir: rd,
            id: "op-a",
            timeoutSeconds: 600,
            command: ["bash", "-c", `echo $$ > ${pidFile}; sleep 300; echo A >> ${out}`],
        });
        await until("the first run started", () => fs.existsSync(pidFile));
        drop();
        await assert.rejects(orphan);
        first.close();
        const orphanPid = Number(fs.readFileSync(pidFile, "utf8"));
        assert.ok(alive(orphanPid), "the dropped run kept going under its supervisor");
        const notes: string[] = [];
        const second = await SshSession.connect(target());
        try {
            await second.supervise(
                "bootstrap",
                { runDir: rd, id: "op-b", timeoutSeconds: 60, command: ["bash", "-c", `echo B >> ${out}`] },
                (n) => notes.push(n),
            );
        } finally {
            second.close();
        }
        assert.ok(!alive(orphanPid), "the orphan was stopped");
        assert.equal(fs.readFileSync(out, "utf8"), "B\n");
        assert.match(notes.join("\n"), /stopping the earlier run op-a still running on the host/);
    });

    test("a timeout stops the command on the host and says so", async () => {
        const pidFile = path.join(dir, "slow-pid");
        const s = await SshSession.connect(target());
        try {
            await assert.rejects(
                s.supervise("bootstrap", {
                    runDir: runDir("slow"),
                    id: "op-t",
                    timeoutSeconds: 5,
                    command: ["bash", "-c", `echo $$ > ${pidFile}; echo working; sleep 300`],
                }),
                (err: unknown) => {
                    assert.ok(err instanceof SshError);
                    assert.equal(err.kind, "timeout");
                    assert.match(
                        err.message,
                        /n1 \(127\.0\.0\.1:\d+\): step "bootstrap" failed: timed out: the host stopped it after its time limit of 5s; fix: /,
                    );
                    assert.match(err.message, /working/);
                    return true;
                },
            );
        } finally {
            s.close();
        }
        assert.ok(!alive(Number(fs.readFileSync(pidFile, "utf8"))), "nothing left running");
    });

    test("packages an interrupted run left half-configured are finished before the next run", async () => {
        fs.writeFileSync(path.join(dir, "half-installed"), "");
        const s = await SshSession.connect(target());
        try {
            const result = await s.supervise("bootstrap", {
                runDir: runDir("dpkg"),
                id: "op-d",
                timeoutSeconds: 60,
                command: ["bash", "-c", `echo "bootstrap after $(cat ${stubLog})"`],
            });
            assert.match(
                result.output,
                /half-installed by an interrupted run; finishing them \(dpkg --configure -a\)[\s\S]*bootstrap after dpkg --configure -a/,
            );
        } finally {
            s.close();
        }
    });

    test("a command killed by a signal says which signal", async () => {
        const s = await SshSession.connect(target());
        try {
            await assert.rejects(
                s.supervise("bootstrap", {
                    runDir: runDir("sig"),
                    id: "op-s",
                    timeoutSeconds: 60,
                    command: ["bash", "-c", "kill -KILL $$"],
                }),
                /step "bootstrap" failed: killed by signal KILL \(exit status 137\)/,
            );
            await assert.rejects(
                s.check("prepare", "kill -TERM $$"),
                (err: unknown) => err instanceof SshError && /killed by signal TERM/.test(err.message) && !/exit code/.test(err.message),
            );
        } finally {
            s.close();
        }
    });

    test("stdout and stderr keep the order the command wrote them in", async () => {
        const s = await SshSession.connect(target());
        try {
            const lines = Array.from({ length: 200 }, (_, i) => `${i % 2 ? "err" : "out"} ${i}`);
            const script = lines.map((l) => (l.startsWith("err") ? `echo '${l}' >&2` : `echo '${l}'`)).join("\n");
            const result = await s.run("ordered", script);
            assert.equal(result.output, lines.join("\n") + "\n");
            assert.equal(result.outputLabel, "stdout and stderr as written");
        } finally {
            s.close();
        }
    });
});

describe("a pinned host key of a type the host does not offer", () => {
    test("is refused at once with both fingerprints and the fix, not retried", async () => {
        const host = await startSshd({ hostKeyType: "ecdsa" });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kf-keytype-"));
        try {
            const pinned = keygen(dir, "pinned-ed25519");
            const logs: string[] = [];
            await assert.rejects(
                SshSession.connect(
                    {
                        host: host.host,
                        port: host.port,
                        user: host.user,
                        privateKey: host.clientKey.privateKey,
                        hostKey: pinned.publicKey,
                        label: "n2",
                    },
                    { retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 10 }, log: (m) => logs.push(m) },
                ),
                (err: unknown) => {
                    assert.ok(err instanceof SshError);
                    assert.equal(err.kind, "host-key");
                    assert.match(
                        err.message,
                        /^n2 \(127\.0\.0\.1:\d+\): step "connect" failed: host key refused: the host offers no ssh-ed25519 key/,
                    );
                    assert.ok(err.message.includes(fingerprint(parseHostKey(pinned.publicKey)!.blob)), err.message);
                    assert.ok(
                        err.message.includes(`ecdsa-sha2-nistp256 ${fingerprint(parseHostKey(host.hostKey.publicKey)!.blob)}`),
                        err.message,
                    );
                    assert.match(err.message, /fix: put the host's own key in its hostKey \(ssh-keyscan -t ecdsa-sha2-nistp256/);
                    assert.doesNotMatch(err.message, /attempt/);
                    return true;
                },
            );
            assert.deepEqual(logs, [], "not retried");
        } finally {
            await host.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
