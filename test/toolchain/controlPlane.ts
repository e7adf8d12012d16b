/**
 * A real control plane from a stack's own configs, on loopback: `kubeadm init --dry-run` turns the init
 * master's rendered config and the program's PKI into certificates, kubeconfigs and static pod
 * manifests; then etcd, kube-apiserver and kube-controller-manager are started with exactly the
 * commands of those manifests, changed only where a static pod differs from a process here: addresses
 * become 127.0.0.1 with free ports, and host paths of the pod's volumes move under a temp root (where
 * the node's bootstrap files were written, as a kubelet would mount them).
 */
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { PKI_STAGING_DIR } from "../../bootstrap/layout";
import { ISOLATED_NODE_IP, describe, run, runIsolated, waitFor, type ProcessGroup } from "./exec";
import { docOf, writeNodeConfig, type RenderedNode, type RenderedStack } from "./stacks";
import { toolPath } from "./toolchain";

/** Text from base64 (kubeconfig data fields). */
export function b64(text: string): string {
    return Buffer.from(text, "base64").toString("utf8");
}

/** A certificate file. */
export function cert(file: string): X509Certificate {
    return new X509Certificate(fs.readFileSync(file));
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
    });
}

/** The result of `kubeadm init --dry-run` on a stack's init master. */
export interface InitDryRun {
    /** The config handed to kubeadm (the rendered one, endpoint and directories moved to the test's). */
    config: string;
    /** Where kubeadm wrote everything (`KUBEADM_INIT_DRYRUN_DIR`). */
    out: string;
    /** certificatesDir: the program's CAs and keys, as the bootstrap script places them. */
    pki: string;
    /** The node's file system root: its bootstrap files, /etc/kubernetes as a real init leaves it. */
    root: string;
    /** The API port kubeadm was told (controlPlaneEndpoint 127.0.0.1:port). */
    apiPort: number;
    /** kubeadm's output. */
    log: string;
}

/** Writes a node's bootstrap files under `root` (its file system, re-rooted). */
export function writeBootstrapFiles(n: RenderedNode, root: string): void {
    for (const f of n.bootstrap.files) {
        const target = path.join(root, f.path);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, f.content, { mode: parseInt(f.permissions, 8) });
    }
}

/** Copies the staged PKI into certificatesDir, as `place_pki` in bootstrap/scripts/kubeadm.sh does. */
export function placePki(n: RenderedNode, pki: string): void {
    for (const f of n.bootstrap.files) {
        if (!f.path.startsWith(`${PKI_STAGING_DIR}/`)) continue;
        const target = path.join(pki, f.path.slice(PKI_STAGING_DIR.length + 1));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, f.content, { mode: 0o600 });
    }
}

/**
 * `kubeadm init --dry-run` of the stack's init master with the program's PKI, in a private network
 * namespace, its endpoint on loopback.
 */
export async function initDryRun(stack: RenderedStack, init: RenderedNode, dir: string, apiPort: number): Promise<InitDryRun> {
    const root = path.join(dir, "root");
    const pki = path.join(dir, "pki");
    const out = path.join(dir, "kubeadm-out");
    writeBootstrapFiles(init, root);
    placePki(init, pki);
    // A dry run reads and writes certificates in its own folder, not certificatesDir: the program's
    // PKI goes there too, where the bootstrap script puts it for a real init.
    placePki(init, out);
    const { config } = writeNodeConfig(stack, init, path.join(dir, "config"), (docs) => {
        const cluster = docOf(docs, "ClusterConfiguration");
        cluster.controlPlaneEndpoint = `127.0.0.1:${apiPort}`;
        cluster.certificatesDir = pki;
        (cluster.etcd as { local: { dataDir: string } }).local.dataDir = path.join(dir, "etcd-data");
    });
    const r = await runIsolated(toolPath("kubeadm"), ["init", "--dry-run", "--config", config, "--ignore-preflight-errors=all"], {
        env: { ...process.env, KUBEADM_INIT_DRYRUN_DIR: out },
    });
    if (r.code !== 0) throw new Error(`kubeadm init --dry-run failed for stack ${stack.stack}: ${describe(r)}`);
    // Where a real init leaves them: leaf certificates in certificatesDir, kubeconfigs in /etc/kubernetes.
    for (const e of fs.readdirSync(out, { withFileTypes: true, recursive: true })) {
        if (!e.isFile()) continue;
        const from = path.join(e.parentPath, e.name);
        const rel = path.relative(out, from);
        if (/\.(crt|key|pub)$/.test(e.name)) fs.cpSync(from, path.join(pki, rel));
        else if (e.name.endsWith(".conf")) fs.cpSync(from, path.join(root, "etc", "kubernetes", rel));
        else if (e.name.endsWith(".yaml") && /^(etcd|kube-)/.test(e.name))
            fs.cpSync(from, path.join(root, "etc", "kubernetes", "manifests", rel));
    }
    return { config, out, pki, root, apiPort, log: r.stdout };
}

interface StaticPod {
    spec: {
        containers: { command: string[] }[];
        volumes?: { hostPath?: { path: string; type?: string } }[];
    };
}

/** The command and host-path volumes of a static pod manifest kubeadm wrote. */
export function staticPod(init: InitDryRun, component: string): { command: string[]; hostPaths: string[] } {
    const pod = parse(fs.readFileSync(path.join(init.root, "etc", "kubernetes", "manifests", `${component}.yaml`), "utf8")) as StaticPod;
    return {
        command: pod.spec.containers[0].command,
        hostPaths: (pod.spec.volumes ?? []).flatMap((v) => (v.hostPath ? [v.hostPath.path] : [])),
    };
}

/** `--name=value` flags as an ordered map (the binary name dropped). */
function flagsOf(command: string[]): Map<string, string> {
    const flags = new Map<string, string>();
    for (const arg of command.slice(1)) {
        const m = /^--([^=]+)=?(.*)$/.exec(arg);
        if (m) flags.set(m[1], m[2]);
    }
    return flags;
}

/** Host paths of the pod's volumes, outside the test's own folders, re-rooted under the node root. */
function reroot(flags: Map<string, string>, hostPaths: string[], init: InitDryRun, dir: string): void {
    const foreign = hostPaths.filter((p) => !p.startsWith(dir));
    for (const [name, value] of flags) {
        if (value.startsWith("/") && !value.startsWith(dir) && foreign.some((p) => value === p || value.startsWith(`${p}/`))) {
            flags.set(name, path.join(init.root, value));
        }
    }
    for (const p of foreign) {
        if (!fs.existsSync(path.join(init.root, p)) && !path.extname(p)) fs.mkdirSync(path.join(init.root, p), { recursive: true });
    }
}

function argsOf(flags: Map<string, string>): string[] {
    return [...flags].map(([k, v]) => `--${k}=${v}`);
}

/** Ports of the running control plane. */
export interface ControlPlanePorts {
    api: number;
    etcdClient: number;
    etcdPeer: number;
    etcdMetrics: number;
    controllerManager: number;
}

/** A running control plane. */
export interface ControlPlane {
    init: InitDryRun;
    ports: ControlPlanePorts;
    procs: ProcessGroup;
    /** `https://127.0.0.1:<api>`. */
    server: string;
    /** kubeadm's super-admin kubeconfig (system:masters), as a real init leaves it. */
    superAdmin: string;
    /** The API server's audit log (from our audit flags). */
    auditLog: string;
    /** etcdctl against the member, with the apiserver's etcd client certificate. */
    etcdctl(args: string[]): Promise<string>;
    /** kubectl with a kubeconfig. */
    kubectl(kubeconfig: string, args: string[], input?: string): Promise<string>;
}

/**
 * Starts etcd, kube-apiserver and kube-controller-manager from the manifests of `init`, waits until the
 * API is ready. The caller stops them with `procs.stopAll()` (in `after`, so a failure stops them too).
 */
export async function startControlPlane(init: InitDryRun, dir: string, procs: ProcessGroup): Promise<ControlPlane> {
    const ports: ControlPlanePorts = {
        api: init.apiPort,
        etcdClient: await freePort(),
        etcdPeer: await freePort(),
        etcdMetrics: await freePort(),
        controllerManager: await freePort(),
    };
    const loop = (port: number, scheme = "https") => `${scheme}://127.0.0.1:${port}`;

    // kubeadm points the components' kubeconfigs at the node's own address (the local API endpoint):
    // here that is the loopback API server.
    for (const name of ["controller-manager.conf", "scheduler.conf", "admin.conf", "super-admin.conf"]) {
        const file = path.join(init.root, "etc", "kubernetes", name);
        const kc = parse(fs.readFileSync(file, "utf8")) as { clusters: { cluster: { server: string } }[] };
        for (const c of kc.clusters) c.cluster.server = loop(ports.api);
        fs.writeFileSync(file, stringify(kc), { mode: 0o600 });
    }
    const etcd = staticPod(init, "etcd");
    const etcdFlags = flagsOf(etcd.command);
    const member = etcdFlags.get("name") ?? "default";
    etcdFlags.set("listen-client-urls", loop(ports.etcdClient));
    etcdFlags.set("advertise-client-urls", loop(ports.etcdClient));
    etcdFlags.set("listen-peer-urls", loop(ports.etcdPeer));
    etcdFlags.set("initial-advertise-peer-urls", loop(ports.etcdPeer));
    etcdFlags.set("initial-cluster", `${member}=${loop(ports.etcdPeer)}`);
    etcdFlags.set("listen-metrics-urls", loop(ports.etcdMetrics, "http"));
    reroot(etcdFlags, etcd.hostPaths, init, dir);
    procs.start("etcd", toolPath("etcd"), argsOf(etcdFlags));

    const api = staticPod(init, "kube-apiserver");
    const apiFlags = flagsOf(api.command);
    apiFlags.set("secure-port", String(ports.api));
    apiFlags.set("bind-address", "127.0.0.1");
    // `--advertise-address` stays kubeadm's (the isolated namespace's 10.255.0.10, routed nowhere) rather
    // than 127.0.0.1: kube-apiserver would start with a loopback one (its flag is not validated), but its
    // endpoint reconciler writes that address into the `kubernetes` Service's Endpoints and EndpointSlice
    // through its own API, and API validation refuses a loopback endpoint address (ValidateEndpointIP in
    // pkg/apis/core/validation, v1.36.4: "may not be in the loopback range"), so the default Service would
    // have no endpoints. Nothing here connects to the advertised address: every client uses the loopback URL.
    apiFlags.set("etcd-servers", loop(ports.etcdClient));
    reroot(apiFlags, api.hostPaths, init, dir);
    procs.start("kube-apiserver", toolPath("kube-apiserver"), argsOf(apiFlags));

    const superAdmin = path.join(init.root, "etc", "kubernetes", "super-admin.conf");
    const kubectl = async (kubeconfig: string, args: string[], input?: string) => {
        const r = await run(toolPath("kubectl"), ["--kubeconfig", kubeconfig, ...args], { input, timeoutMs: 120_000 });
        if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${describe(r)}`);
        return r.stdout;
    };
    await waitFor("the API server to be ready", async () => {
        procs.assertRunning("etcd");
        procs.assertRunning("kube-apiserver");
        const r = await run(toolPath("kubectl"), ["--kubeconfig", superAdmin, "get", "--raw=/readyz"], { timeoutMs: 30_000 });
        return r.code === 0 ? true : undefined;
    });

    const kcm = staticPod(init, "kube-controller-manager");
    const kcmFlags = flagsOf(kcm.command);
    kcmFlags.set("secure-port", String(ports.controllerManager));
    kcmFlags.set("bind-address", "127.0.0.1");
    reroot(kcmFlags, kcm.hostPaths, init, dir);
    procs.start("kube-controller-manager", toolPath("kube-controller-manager"), argsOf(kcmFlags));

    const etcdPki = path.join(init.pki);
    const etcdctl = async (args: string[]) => {
        const r = await run(
            toolPath("etcdctl"),
            [
                `--endpoints=${loop(ports.etcdClient)}`,
                `--cacert=${path.join(etcdPki, "etcd", "ca.crt")}`,
                `--cert=${path.join(etcdPki, "apiserver-etcd-client.crt")}`,
                `--key=${path.join(etcdPki, "apiserver-etcd-client.key")}`,
                ...args,
            ],
            { timeoutMs: 60_000 },
        );
        if (r.code !== 0) throw new Error(`etcdctl ${args.join(" ")}: ${describe(r)}`);
        return r.stdout;
    };
    return {
        init,
        ports,
        procs,
        server: loop(ports.api),
        superAdmin,
        auditLog: apiFlags.get("audit-log-path") ?? "",
        etcdctl,
        kubectl,
    };
}

/** The node address kubeadm gave the init master (its advertise address) in the private namespace. */
export const NODE_IP = ISOLATED_NODE_IP;
