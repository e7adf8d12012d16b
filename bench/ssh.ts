/**
 * Child: one bare-metal bootstrap step on N real OpenSSH servers on 127.0.0.1 (each its own sshd,
 * port, host key and state directory), through the same code `pulumi up` runs per host: the
 * `HostBootstrap` dynamic provider's `create` (connect with host-key check, probe file hashes and the
 * marker, upload what differs, run the idempotent command, write the marker), with its process-wide
 * concurrency limiter.
 *
 *   node --import tsx bench/ssh.ts --hosts 10 [--limit 10] [--remote-seconds 1] [--peer ansible] --out result.json
 *
 * With `--peer ansible`, Ansible then does the same step (same files, same command) on the same
 * servers, in directories of its own, and its time is reported beside (bench/lib/ansible.ts).
 *
 * The command stands for the remote work of a real step (package install, kubeadm): it checks the
 * uploaded files and waits `--remote-seconds`, so the figures show how well hosts overlap, not how
 * fast this machine's sshd forks.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hostBootstrapProvider, HOST_BOOTSTRAP_PROVIDER_VERSION, type HostBootstrapProps } from "../bootstrap/ssh/provider";
import { DEFAULT_STEP_OPTIONS, type HostFile } from "../bootstrap/ssh/host";
import { keygen, startSshd, type SshdHost } from "../test/ssh/sshd";
import { arg, round, runChild } from "./lib/child";
import { PROVIDER_DEFAULT_CONCURRENCY } from "./lib/fanout";
import { runAnsible, type PeerResult } from "./lib/ansible";

/** What one fan-out run reports. */
export interface SshResult {
    hosts: number;
    limit: number;
    remoteSeconds: number;
    /** From the first host's start to the last host's marker, ms. */
    ms: number;
    /** Per host, ms: fastest, median, slowest. */
    perHostMs: { min: number; median: number; max: number };
    /** Bytes uploaded per host. */
    bytesPerHost: number;
    /** Starting the sshd servers (not part of the step), ms. */
    setupMs: number;
    /** CPU the step cost on this machine: the sshd servers and what they ran, plus this process, ms. */
    cpuMs: number;
    /** Of which this process (ssh2, the provider code), ms. */
    clientCpuMs: number;
    /** cpuMs / cores: the fastest the step could go here, however well hosts overlap, ms. */
    cpuBoundMs: number;
    /** The same step by a peer tool on the same servers (`--peer ansible`), with its sshd CPU. */
    peer?: PeerResult & { serverCpuMs: number };
}

/** CPU of a process and its reaped children (sshd reaps each session and its commands), ms. */
function processTreeCpuMs(pid: number | undefined): number {
    if (!pid) return 0;
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        // utime, stime, cutime, cstime are fields 14-17 (1-based), i.e. 11-14 after the command name.
        const ticks = [11, 12, 13, 14].reduce((n, i) => n + Number(fields[i]), 0);
        return (ticks * 1000) / 100;
    } catch {
        return 0;
    }
}

/** Files of a typical node bootstrap: a config of a few KB, a script, a secret-ish token file. */
function stepFiles(dir: string, index: number): HostFile[] {
    const config = Array.from({ length: 160 }, (_, i) => `# kubeadm-ish line ${i} for host ${index}: ${"x".repeat(60)}`).join("\n");
    return [
        { path: path.join(dir, "etc", "kubeadm.yaml"), content: config + "\n", permissions: "0600" },
        { path: path.join(dir, "etc", "token"), content: `abcdef.${"0123456789abcdef"}\n`, permissions: "0600", secret: true },
        {
            path: path.join(dir, "bin", "bootstrap.sh"),
            content:
                [
                    "#!/bin/bash",
                    "set -euo pipefail",
                    'cd "$(dirname "$0")/.."',
                    "sha256sum etc/kubeadm.yaml etc/token > /dev/null",
                    'sleep "$1"',
                    "echo bootstrapped",
                ].join("\n") + "\n",
            permissions: "0755",
        },
    ];
}

function props(host: SshdHost, index: number, root: string, limit: number, remoteSeconds: number): HostBootstrapProps {
    const dir = path.join(root, `host-${index}`);
    return {
        host: host.host,
        port: host.port,
        user: host.user,
        privateKey: host.clientKey.privateKey,
        hostKey: host.hostKey.publicKey,
        providerVersion: HOST_BOOTSTRAP_PROVIDER_VERSION,
        nodeName: `bench-w-${index}`,
        role: "worker",
        files: stepFiles(dir, index),
        command: ["bash", path.join(dir, "bin", "bootstrap.sh"), String(remoteSeconds)],
        forceRemoveUnreachable: false,
        concurrency: limit,
        options: { ...DEFAULT_STEP_OPTIONS, connectAttempts: 2, commandTimeoutSeconds: 120, stateDir: path.join(dir, "state") },
        secrets: [],
    };
}

async function main(): Promise<SshResult> {
    const count = Number(arg("hosts"));
    const limit = Number(arg("limit", String(PROVIDER_DEFAULT_CONCURRENCY)));
    const remoteSeconds = Number(arg("remote-seconds", "1"));
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "kf-bench-ssh-"));
    const clientKey = keygen(root, "client");
    const setup0 = performance.now();
    // Each server's own directory lives under `root`, so one removal cleans everything up.
    const servers: SshdHost[] = await Promise.all(
        Array.from({ length: count + 1 }, () => startSshd({ clientKey, dir: fs.mkdtempSync(path.join(root, "sshd-")) })),
    );
    const setupMs = performance.now() - setup0;
    try {
        // Warm-up on a host of its own: loads ssh2 and the crypto code, so one host is not
        // charged for what every count pays once.
        const warm = servers[count];
        await hostBootstrapProvider.create(props(warm, count, root, limit, 0));

        const hosts = servers.slice(0, count);
        const each = hosts.map((h, i) => props(h, i, root, limit, remoteSeconds));
        const perHost: number[] = [];
        const serverCpu0 = hosts.reduce((n, h) => n + processTreeCpuMs(h.process.pid), 0);
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await Promise.all(
            each.map(async (p) => {
                await hostBootstrapProvider.create(p);
                perHost.push(performance.now() - t0);
            }),
        );
        const ms = performance.now() - t0;
        const own = process.cpuUsage(cpu0);
        // Sessions are reaped (and so counted) once they close: give the servers a moment.
        await new Promise((r) => setTimeout(r, 300));
        const serverCpu = hosts.reduce((n, h) => n + processTreeCpuMs(h.process.pid), 0) - serverCpu0;
        const clientCpuMs = (own.user + own.system) / 1000;
        const cpuMs = serverCpu + clientCpuMs;
        let peer: SshResult["peer"];
        if (arg("peer", "") === "ansible") {
            const peerCpu0 = hosts.reduce((n, h) => n + processTreeCpuMs(h.process.pid), 0);
            const result = await runAnsible(
                hosts.map((server, i) => {
                    const p = props(server, i, path.join(root, "peer"), limit, remoteSeconds);
                    return { server, files: p.files, command: p.command };
                }),
                path.join(root, "ansible"),
                path.join(root, "client"),
            );
            await new Promise((r) => setTimeout(r, 300));
            const serverCpuMs = hosts.reduce((n, h) => n + processTreeCpuMs(h.process.pid), 0) - peerCpu0;
            peer = { ...result, ms: round(result.ms, 0), clientCpuMs: round(result.clientCpuMs, 0), serverCpuMs: round(serverCpuMs, 0) };
        }
        perHost.sort((a, b) => a - b);
        return {
            hosts: count,
            limit,
            remoteSeconds,
            ms: round(ms, 0),
            perHostMs: {
                min: round(perHost[0], 0),
                median: round(perHost[Math.floor(perHost.length / 2)], 0),
                max: round(perHost[perHost.length - 1], 0),
            },
            bytesPerHost: each[0].files.reduce((n, f) => n + Buffer.byteLength(f.content), 0),
            setupMs: round(setupMs, 0),
            cpuMs: round(cpuMs, 0),
            clientCpuMs: round(clientCpuMs, 0),
            cpuBoundMs: round(cpuMs / os.cpus().length, 0),
            peer,
        };
    } finally {
        await Promise.all(servers.map((h) => h.stop()));
        fs.rmSync(root, { recursive: true, force: true });
    }
}

runChild(main);
