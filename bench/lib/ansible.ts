/**
 * The SSH fan-out's peer: Ansible doing the same step on the same sshd hosts, measured in the same run.
 * Configured the fast way Ansible's own docs recommend (pipelining, ControlPersist multiplexing,
 * one fork per host, no fact gathering), with the hosts' keys checked like kubeforge checks them:
 * copy the step's files (the copy module compares checksums first, like kubeforge's probe), then
 * run the same command. The hosts' directories exist beforehand (not timed), since the copy module
 * does not create them and kubeforge's upload does: a head start for the peer.
 *
 * Bench only: `npm test` never runs Ansible. `apt-get install ansible` provides it.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type { HostFile } from "../../bootstrap/ssh/host";
import type { SshdHost } from "../../test/ssh/sshd";
import { childrenCpuMs } from "./child";

/** One host's share of the step. */
export interface PeerHost {
    /** The sshd. */
    server: SshdHost;
    /** Files to copy. */
    files: HostFile[];
    /** Command (argv) to run after. */
    command: string[];
}

/** What the peer measured. */
export interface PeerResult {
    /** `ansible-playbook --version`'s first line. */
    tool: string;
    /** Wall time of the playbook run, ms. */
    ms: number;
    /** CPU of ansible-playbook and everything it ran on this side, ms. */
    clientCpuMs: number;
}

/** The version line, or undefined when Ansible is not installed. */
export function ansibleVersion(): string | undefined {
    const r = spawnSync("ansible-playbook", ["--version"], { encoding: "utf8" });
    return r.status === 0 ? r.stdout.split("\n")[0].trim() : undefined;
}

/**
 * Runs the step with Ansible on every host at once and measures it.
 *
 * @param hosts - servers, files and command per host.
 * @param workDir - where the inventory, playbook, config and local file copies go.
 * @param privateKeyFile - the client key every server accepts.
 */
export async function runAnsible(hosts: PeerHost[], workDir: string, privateKeyFile: string): Promise<PeerResult> {
    const tool = ansibleVersion();
    if (!tool) throw new Error("ansible-playbook is not installed (apt-get install ansible)");
    fs.mkdirSync(workDir, { recursive: true });
    const knownHosts = path.join(workDir, "known_hosts");
    fs.writeFileSync(knownHosts, hosts.map((h) => `[${h.server.host}]:${h.server.port} ${h.server.hostKey.publicKey}`).join("\n") + "\n");
    const inventory: Record<string, unknown> = {};
    hosts.forEach((h, i) => {
        const files = h.files.map((f, j) => {
            const src = path.join(workDir, "src", `h${i}-${j}`);
            fs.mkdirSync(path.dirname(src), { recursive: true });
            fs.writeFileSync(src, f.content);
            fs.mkdirSync(path.dirname(f.path), { recursive: true });
            return { src, dest: f.path, mode: f.permissions };
        });
        inventory[`h${i}`] = { ansible_host: h.server.host, ansible_port: h.server.port, kf_files: files, kf_command: h.command };
    });
    const user = hosts[0]?.server.user ?? "root";
    fs.writeFileSync(
        path.join(workDir, "inventory.yml"),
        stringify({
            all: {
                hosts: inventory,
                vars: {
                    ansible_user: user,
                    ansible_ssh_private_key_file: privateKeyFile,
                    ansible_python_interpreter: "/usr/bin/python3",
                    ansible_ssh_common_args: `-o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes`,
                },
            },
        }),
    );
    fs.writeFileSync(
        path.join(workDir, "playbook.yml"),
        stringify([
            {
                hosts: "all",
                gather_facts: false,
                tasks: [
                    {
                        name: "upload",
                        "ansible.builtin.copy": { src: "{{ item.src }}", dest: "{{ item.dest }}", mode: "{{ item.mode }}" },
                        loop: "{{ kf_files }}",
                    },
                    { name: "bootstrap", "ansible.builtin.command": { argv: "{{ kf_command }}" } },
                ],
            },
        ]),
    );
    const controlDir = fs.mkdtempSync("/tmp/kfa-");
    fs.writeFileSync(
        path.join(workDir, "ansible.cfg"),
        [
            "[defaults]",
            `forks = ${hosts.length}`,
            "host_key_checking = True",
            "retry_files_enabled = False",
            "interpreter_python = /usr/bin/python3",
            `local_tmp = ${path.join(workDir, "local-tmp")}`,
            "[ssh_connection]",
            "pipelining = True",
            "ssh_args = -o ControlMaster=auto -o ControlPersist=60s",
            `control_path_dir = ${controlDir}`,
            "control_path = %(directory)s/%%C",
            "",
        ].join("\n"),
    );
    const cpu0 = childrenCpuMs();
    const t0 = performance.now();
    const code = await new Promise<number>((resolve) => {
        const child = spawn("ansible-playbook", ["-i", path.join(workDir, "inventory.yml"), path.join(workDir, "playbook.yml")], {
            env: { ...process.env, ANSIBLE_CONFIG: path.join(workDir, "ansible.cfg"), ANSIBLE_NOCOLOR: "1" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        child.stdout.on("data", (c: Buffer) => (out += c.toString()));
        child.stderr.on("data", (c: Buffer) => (out += c.toString()));
        child.on("close", (status) => {
            if (status !== 0) process.stderr.write(out.slice(-4000));
            resolve(status ?? 1);
        });
    });
    const ms = performance.now() - t0;
    const clientCpuMs = childrenCpuMs() - cpu0;
    // The ControlPersist masters outlive the playbook by design; stop them so they do not idle here.
    for (const h of hosts)
        spawnSync("ssh", ["-O", "exit", "-o", `ControlPath=${controlDir}/%C`, "-p", String(h.server.port), `${user}@${h.server.host}`], {
            stdio: "ignore",
        });
    fs.rmSync(controlDir, { recursive: true, force: true });
    if (code !== 0) throw new Error(`ansible-playbook failed (exit ${code})`);
    return { tool, ms, clientCpuMs };
}
