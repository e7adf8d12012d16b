/**
 * Section 3 of `npm run bench`: one bootstrap step over SSH on N real sshd hosts on 127.0.0.1, and the
 * peer (Ansible) on the same hosts in the same run (see bench/README.md, "3. SSH fan-out").
 */
import { round, spawnChild } from "../lib/child";
import { ansibleVersion } from "../lib/ansible";
import { PROVIDER_DEFAULT_CONCURRENCY } from "../lib/fanout";
import { CHILD_TIMEOUT_MS, goals, log, table, unwrap, x, type Settings } from "../lib/report";
import type { SshResult } from "../ssh";

/** One host count of the SSH section. */
export interface SshRow extends SshResult {
    ratio: number;
    /** What the limit and this machine's CPU allow, as a multiple of one host. */
    boundRatio: number;
}

/**
 * 3. SSH fan-out: one bootstrap step on N loopback sshd hosts, and Ansible doing the same on 30.
 * @param s - the run's settings
 */
export async function sshSection(s: Settings): Promise<SshRow[]> {
    log(
        `3. SSH fan-out: one bootstrap step (HostBootstrap provider create) on N real sshd hosts on 127.0.0.1, limit ${PROVIDER_DEFAULT_CONCURRENCY}`,
    );
    const runs: SshResult[] = [];
    for (const hosts of s.sshSizes) {
        const r = unwrap(`ssh ${hosts} hosts`, await spawnChild<SshResult>("ssh.ts", ["--hosts", String(hosts)], CHILD_TIMEOUT_MS));
        if (r) runs.push(r);
    }
    if (s.sshUnlimited) {
        const n = s.sshSizes[s.sshSizes.length - 1];
        const r = unwrap(
            `ssh ${n} hosts unlimited`,
            await spawnChild<SshResult>("ssh.ts", ["--hosts", String(n), "--limit", String(n)], CHILD_TIMEOUT_MS),
        );
        if (r) runs.push(r);
    }
    // The peer: Ansible doing the same upload and command on 30 hosts, measured in the same child.
    if (ansibleVersion()) {
        const r = unwrap(
            "ssh 30 hosts vs ansible",
            await spawnChild<SshResult>("ssh.ts", ["--hosts", "30", "--peer", "ansible"], CHILD_TIMEOUT_MS),
        );
        if (r?.peer) {
            const ratio = round(r.ms / r.peer.ms, 2);
            log(
                `  30 hosts: kubeforge ${round(r.ms / 1000, 1)} s (sshd+client CPU ${round(r.cpuMs / 1000, 1)} s), ${r.peer.tool} ${round(r.peer.ms / 1000, 1)} s (sshd ${round(r.peer.serverCpuMs / 1000, 1)} s + client ${round(r.peer.clientCpuMs / 1000, 1)} s CPU): ${x(ratio)}`,
            );
            goals.push({
                name: "ssh: 30 hosts, kubeforge's step vs Ansible's (same hosts, same run)",
                target: "<= 0.35x",
                value: x(ratio),
                met: ratio <= 0.35,
            });
        }
    } else log("  (Ansible not installed: apt-get install ansible to measure the peer)");
    const one = runs.find((r) => r.hosts === 1);
    if (!one) return [];
    const rows: SshRow[] = runs.map((r) => {
        const byLimit = Math.ceil(r.hosts / r.limit);
        const byCpu = r.cpuBoundMs / one.ms;
        return { ...r, ratio: round(r.ms / one.ms, 2), boundRatio: round(Math.max(byLimit, byCpu, 1), 2) };
    });
    table(
        ["hosts", "limit", "wall s", "vs 1 host", "bound", "per host median s", "CPU s (sshd+client)", "CPU-bound s"],
        rows.map((r) => [
            r.hosts,
            r.limit,
            round(r.ms / 1000, 2),
            x(r.ratio),
            x(r.boundRatio),
            round(r.perHostMs.median / 1000, 2),
            round(r.cpuMs / 1000, 2),
            round(r.cpuBoundMs / 1000, 2),
        ]),
    );
    log(
        `  bound = max(ceil(hosts / limit), CPU the step costs here / cores / one host's time); the step waits ${one.remoteSeconds} s on the host (standing for apt/kubeadm)`,
    );
    const limited = rows.filter((r) => r.limit === PROVIDER_DEFAULT_CONCURRENCY && r.hosts > 1);
    goals.push({
        name: "ssh: N hosts within 1.25x of what the limit and this machine allow",
        target: "wall(N)/wall(1) <= 1.25 x bound",
        value: limited.map((r) => `${r.hosts} hosts ${x(r.ratio)} (bound ${x(r.boundRatio)})`).join(", "),
        met: limited.length > 0 ? limited.every((r) => r.ratio <= 1.25 * r.boundRatio) : null,
    });
    const most = limited[limited.length - 1];
    if (most)
        goals.push({
            name: `ssh: ${most.hosts} hosts do not take ${most.hosts} times one`,
            target: `< ${most.hosts / 2}x`,
            value: x(most.ratio),
            met: most.ratio < most.hosts / 2,
        });
    return rows;
}
