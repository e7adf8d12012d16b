/**
 * What the bare-metal dynamic provider does to one host, independent of Pulumi: apply a
 * {@link NodeBootstrap} (upload what changed, run the idempotent command when anything changed or it
 * never completed) and remove a node (drain from a master, `kubeadm reset`, etcd member, Node object).
 *
 * Everything here is bundled into the provider's text by esbuild (components/dynamic.ts); `ssh2` is
 * required lazily (see session.ts). The call-time require of `node:crypto` is a leftover of Pulumi's
 * closure serializer, harmless now that builtins stay external.
 */
import { SshError } from "./errors";
import { embeddedSecrets, makeRedactor, type Redactor } from "./redact";
import { shellQuote, SshSession, withSession, type SshOptions, type SshTarget } from "./session";
import type { RetryPolicy } from "./retry";

/** How to reach one host: the inventory entry, with its secret key in plain text (provider side). */
export interface HostAccess {
    /** Address. */
    host: string;
    /** SSH port. */
    port: number;
    /** Login user. */
    user: string;
    /** Private key text (secret). */
    privateKey: string;
    /** The host's public key line. */
    hostKey?: string;
    /** Accept and record an unknown host key. */
    trustOnFirstUse?: boolean;
}

/** A master the provider may run `kubectl` and `etcdctl` on when removing a node. */
export interface PeerAccess extends HostAccess {
    /** Its Kubernetes node name (the etcd static pod is `etcd-<nodeName>`). */
    nodeName: string;
}

/** A file to put on the host. */
export interface HostFile {
    /** Absolute path. */
    path: string;
    /** Content written before the command runs. */
    content: string;
    /** Octal mode. */
    permissions: string;
    /**
     * Content the file must have once the command succeeded (kube-vip on the init master switches
     * from super-admin.conf to admin.conf). A host already holding it counts as up to date.
     */
    finalContent?: string;
    /** True when the content is secret (keys, tokens): redacted whole and line by line from messages. */
    secret?: boolean;
}

/** Tunables of the SSH steps. */
export interface StepOptions {
    /** Handshake limit per attempt, in seconds. */
    connectTimeoutSeconds: number;
    /** Connection attempts (with exponential backoff) before giving up. */
    connectAttempts: number;
    /** First backoff delay in milliseconds (doubles per attempt, at most 8 s). */
    connectBackoffMs: number;
    /** Time limit of the bootstrap command, in seconds. */
    commandTimeoutSeconds: number;
    /** Where the provider keeps its marker of the last applied bootstrap. */
    stateDir: string;
}

/** Defaults of {@link StepOptions}. */
export const DEFAULT_STEP_OPTIONS: StepOptions = {
    connectTimeoutSeconds: 15,
    connectAttempts: 5,
    connectBackoffMs: 1000,
    commandTimeoutSeconds: 1800,
    stateDir: "/var/lib/kubeforge",
};

/** Logs one progress line (already free of secrets). */
export type ProgressLog = (message: string) => void;

/** SHA-256 hex of a string. */
export function sha256Hex(text: string): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("node:crypto") as typeof import("node:crypto");
    return crypto.createHash("sha256").update(text, "utf8").digest("hex");
}

/** Hash that identifies one file's desired state: path, mode, content and final content. */
export function fileStateHash(file: HostFile): string {
    return sha256Hex(JSON.stringify([file.path, normalizeMode(file.permissions), file.content, file.finalContent ?? null]));
}

/** Hash that identifies the whole applied bootstrap (written to the host's marker once it succeeded). */
export function appliedHash(files: HostFile[], command: string[]): string {
    const fileHashes = [...files].sort((a, b) => a.path.localeCompare(b.path)).map(fileStateHash);
    return sha256Hex(JSON.stringify({ files: fileHashes, command }));
}

function normalizeMode(mode: string): string {
    return mode.replace(/^0*(?=[0-7]{3,4}$)/, "0").padStart(4, "0");
}

/** Builds the redactor for one host's work: its key, every file content, and extra secrets. */
export function hostRedactor(access: HostAccess, files: HostFile[], extra: string[] = []): Redactor {
    const secretFiles: string[] = [];
    const embedded: string[] = [];
    for (const f of files) {
        const texts = f.finalContent === undefined ? [f.content] : [f.content, f.finalContent];
        // Secret files are redacted whole and line by line; any file may still quote a token.
        if (f.secret) secretFiles.push(...texts);
        else for (const t of texts) embedded.push(...embeddedSecrets(t));
    }
    return makeRedactor([access.privateKey, ...extra, ...embedded], secretFiles);
}

function sshOptions(options: StepOptions, redactor: Redactor, log: ProgressLog): SshOptions {
    const retry: RetryPolicy = { attempts: options.connectAttempts, baseDelayMs: options.connectBackoffMs, maxDelayMs: 8000 };
    return { connectTimeoutMs: options.connectTimeoutSeconds * 1000, retry, redactor, log };
}

function target(access: HostAccess, label: string): SshTarget {
    return {
        host: access.host,
        port: access.port,
        user: access.user,
        privateKey: access.privateKey,
        hostKey: access.hostKey || undefined,
        trustOnFirstUse: access.trustOnFirstUse,
        label,
    };
}

/** Shell that prints `<sha256>  <path>` for each existing file, then `marker <value>`. */
export function probeScript(paths: string[], marker: string): string {
    const lines = ["set -u"];
    if (paths.length > 0)
        lines.push(`for f in ${paths.map(shellQuote).join(" ")}; do`, '  if [ -f "$f" ]; then sha256sum -- "$f"; fi', "done");
    lines.push(`if [ -f ${shellQuote(marker)} ]; then printf 'marker %s\\n' "$(cat -- ${shellQuote(marker)})"; fi`, "true");
    return lines.join("\n");
}

/** Parses {@link probeScript}'s output. */
export function parseProbe(stdout: string): { hashes: Map<string, string>; marker?: string } {
    const hashes = new Map<string, string>();
    let marker: string | undefined;
    for (const line of stdout.split("\n")) {
        const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
        if (m) hashes.set(m[2], m[1]);
        else if (line.startsWith("marker ")) marker = line.slice(7).trim();
    }
    return { hashes, marker };
}

/** What {@link applyBootstrap} did. */
export interface ApplyResult {
    /** The host key the host presented (recorded for trust-on-first-use). */
    hostKeySeen: string;
    /** Paths uploaded (content differed or was missing). */
    uploaded: string[];
    /** True when the bootstrap command ran. */
    commandRan: boolean;
    /** The marker hash now on the host. */
    appliedHash: string;
}

/**
 * Brings a host to the desired bootstrap: uploads each file whose content on the host differs, then
 * runs the command unless the host's marker says this exact bootstrap already completed and nothing
 * was uploaded. Safe to rerun after any failure: the marker is written only after the command succeeds.
 *
 * @param access - how to reach the host.
 * @param nodeName - the node's name (for messages).
 * @param files - files to write before the command.
 * @param command - the idempotent bootstrap command (argv).
 * @param options - timeouts, retries, state dir.
 * @param log - progress lines.
 * @param secrets - further secret values to keep out of messages (bootstrap token, keys).
 */
export async function applyBootstrap(
    access: HostAccess,
    nodeName: string,
    files: HostFile[],
    command: string[],
    options: StepOptions,
    log: ProgressLog,
    secrets: string[] = [],
    transfer: TransferGate = (task) => task(),
): Promise<ApplyResult> {
    const redactor = hostRedactor(access, files, secrets);
    const desired = appliedHash(files, command);
    const marker = `${options.stateDir.replace(/\/+$/, "")}/bootstrap.applied`;
    return withSession(target(access, nodeName), sshOptions(options, redactor, log), async (session) => {
        log(`${session.where}: connected`);
        const { uploaded, markerValue } = await transfer(async () => {
            const probe = await session.check(
                "read file hashes and bootstrap marker",
                probeScript(
                    files.map((f) => f.path),
                    marker,
                ),
            );
            const { hashes: remote, marker: markerValue } = parseProbe(probe.stdout);
            const changed = files.filter((file) => {
                const have = remote.get(file.path);
                return !(have === sha256Hex(file.content) || (file.finalContent !== undefined && have === sha256Hex(file.finalContent)));
            });
            const uploaded = changed.map((f) => f.path);
            if (changed.length > 0) {
                log(`${session.where}: upload ${uploaded.join(", ")}`);
                await session.uploadMany(
                    changed.map((f) => ({ path: f.path, content: f.content, mode: f.permissions })),
                    `upload ${uploaded.join(", ")}`,
                );
            }
            return { uploaded, markerValue };
        });
        const upToDate = markerValue === desired && uploaded.length === 0;
        if (upToDate) {
            log(`${session.where}: bootstrap up to date`);
            return { hostKeySeen: session.seenHostKey, uploaded, commandRan: false, appliedHash: desired };
        }
        log(`${session.where}: bootstrap: running ${command[0] ?? "(no command)"}`);
        if (command.length > 0) {
            await session.check("bootstrap", command.map(shellQuote).join(" "), { timeoutMs: options.commandTimeoutSeconds * 1000 });
        }
        const after = files
            .filter((f) => f.finalContent !== undefined)
            .map((f) => ({ path: f.path, content: f.finalContent!, mode: f.permissions }));
        if (after.length > 0) log(`${session.where}: upload ${after.map((f) => f.path).join(", ")} (after bootstrap)`);
        // The marker last: it says "this exact bootstrap completed", so it must never precede the work.
        await transfer(() =>
            session.uploadMany([...after, { path: marker, content: desired + "\n", mode: "0600" }], "record bootstrap marker"),
        );
        log(`${session.where}: bootstrap done`);
        return { hostKeySeen: session.seenHostKey, uploaded, commandRan: true, appliedHash: desired };
    });
}

/**
 * Runs the transfer phases of a host's step (probe and uploads: the operator's uplink and this
 * machine's CPU) under a concurrency limit. The remote command runs outside it: it works on the host,
 * so fifty hosts installing packages at once cost this side nothing and finish in one wave.
 */
export type TransferGate = <T>(task: () => Promise<T>) => Promise<T>;

/** What to remove. */
export interface RemovalRequest {
    /** The node's host. */
    access: HostAccess;
    /** Kubernetes node name. */
    nodeName: string;
    /** Its role: a master also leaves etcd. */
    role: "control-plane" | "worker";
    /** Masters to run kubectl/etcdctl on (may include the node itself; it is used last). */
    controlPlane: PeerAccess[];
    /** `kubectl drain --timeout`, in seconds. */
    drainTimeoutSeconds: number;
    /**
     * Skip the drain (`kubeforge:lifecycle.drainOnDelete: false`, set before destroying a whole
     * cluster: with every node leaving, evicted pods have nowhere to go). Reset and cleanup still run.
     */
    skipDrain?: boolean;
    /** Remove the Node and etcd member even when the host itself cannot be reached. */
    forceRemoveUnreachable: boolean;
}

const KUBECTL = "kubectl --kubeconfig /etc/kubernetes/admin.conf";

/** Shell run on a master to drain a node; exits 0 when the Node does not exist, fails when the API does not answer. */
export function drainScript(nodeName: string, timeoutSeconds: number): string {
    const n = shellQuote(nodeName);
    return [
        "set -euo pipefail",
        // Only a Node that does not exist skips the drain; an API that does not answer fails it.
        `if ! out=$(${KUBECTL} get node ${n} -o name 2>&1); then`,
        `  if printf '%s' "$out" | grep -q NotFound; then echo ${shellQuote(`node ${nodeName} is not registered; nothing to drain`)}; exit 0; fi`,
        `  printf '%s\n' "$out" >&2`,
        "  exit 1",
        "fi",
        // Evictions respect PodDisruptionBudgets; never --disable-eviction.
        `${KUBECTL} drain ${n} --ignore-daemonsets --delete-emptydir-data --timeout=${Math.max(1, Math.floor(timeoutSeconds))}s`,
    ].join("\n");
}

/** Shell run on a surviving master: removes `nodeName`'s etcd member if it is still listed. */
export function etcdMemberScript(peerNodeName: string, nodeName: string): string {
    return [
        "set -euo pipefail",
        `peer=${shellQuote(peerNodeName)}`,
        `node=${shellQuote(nodeName)}`,
        "etcdctl() {",
        `  ${KUBECTL} -n kube-system exec "etcd-$peer" -- etcdctl --endpoints=https://127.0.0.1:2379 \\`,
        "    --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt \\",
        '    --key=/etc/kubernetes/pki/etcd/server.key "$@"',
        "}",
        "members=$(etcdctl member list)",
        `id=$(printf '%s\\n' "$members" | awk -F', ' -v n="$node" '$3 == n { print $1 }')`,
        'if [ -n "$id" ]; then',
        '  etcdctl member remove "$id"',
        '  echo "removed etcd member $id ($node)"',
        "else",
        '  echo "etcd member of $node is gone"',
        "fi",
    ].join("\n");
}

/** Shell run on a master: deletes the Node object. */
export function deleteNodeScript(nodeName: string): string {
    return ["set -euo pipefail", `${KUBECTL} delete node ${shellQuote(nodeName)} --ignore-not-found`].join("\n");
}

/** Shell run on the host itself: resets kubeadm state and forgets the applied bootstrap. */
export function resetScript(stateDir: string): string {
    return [
        "set -euo pipefail",
        "if command -v kubeadm >/dev/null 2>&1; then kubeadm reset -f; else echo 'kubeadm not installed; nothing to reset'; fi",
        `rm -f -- ${shellQuote(`${stateDir.replace(/\/+$/, "")}/bootstrap.applied`)}`,
    ].join("\n");
}

/**
 * Runs `fn` on the first master (other than `exclude`, unless it is the only one left) that answers,
 * in the order given, with `exclude` itself last.
 */
async function onMaster<T>(
    peers: PeerAccess[],
    exclude: string,
    options: StepOptions,
    redactor: Redactor,
    log: ProgressLog,
    fn: (session: SshSession, peer: PeerAccess) => Promise<T>,
): Promise<{ value: T; peer: PeerAccess } | { errors: string[] }> {
    const ordered = [...peers.filter((p) => p.nodeName !== exclude), ...peers.filter((p) => p.nodeName === exclude)];
    const errors: string[] = [];
    // One quick attempt per master: another master is the retry.
    const quick: StepOptions = { ...options, connectAttempts: Math.min(2, options.connectAttempts) };
    for (const peer of ordered) {
        let session: SshSession | undefined;
        try {
            session = await SshSession.connect(target(peer, peer.nodeName), sshOptions(quick, redactor, log));
        } catch (err) {
            errors.push(err instanceof Error ? err.message : String(err));
            continue;
        }
        try {
            return { value: await fn(session, peer), peer };
        } finally {
            session.close();
        }
    }
    return { errors };
}

/**
 * Removes a node: drain from a master (evictions respecting PodDisruptionBudgets, bounded by the
 * timeout), `kubeadm reset -f` on the host, then on a master: its etcd member (a master's reset removes
 * it; this verifies and removes it when the reset could not) and the Node object.
 *
 * A host that cannot be reached fails the removal, unless `forceRemoveUnreachable` is set: then the
 * Node and etcd member are removed from a surviving master and the host is left as it is.
 *
 * @param request - the node, its host, the masters.
 * @param options - timeouts, retries.
 * @param log - progress lines.
 */
export async function removeNode(request: RemovalRequest, options: StepOptions, log: ProgressLog): Promise<void> {
    const { access, nodeName } = request;
    const redactor = makeRedactor([access.privateKey, ...request.controlPlane.map((p) => p.privateKey)]);
    const where = `${nodeName} (${access.host}:${access.port})`;

    if (request.skipDrain) log(`${where}: drain skipped (kubeforge:lifecycle.drainOnDelete is false)`);
    else log(`${where}: drain`);
    const drained = request.skipDrain
        ? undefined
        : await onMaster(request.controlPlane, nodeName, options, redactor, log, (s) =>
              s.check(`drain ${nodeName}`, drainScript(nodeName, request.drainTimeoutSeconds), {
                  timeoutMs: (request.drainTimeoutSeconds + 60) * 1000,
              }),
          );
    if (drained !== undefined && "errors" in drained && request.controlPlane.length > 0) {
        if (!request.forceRemoveUnreachable) {
            throw new SshError({
                kind: "connect",
                host: where,
                step: "drain",
                reason:
                    `no master answered, so the node cannot be drained: ${drained.errors.join("; ")}\n` +
                    "Bring a master back and retry, or set kubeforge:baremetal.forceRemoveUnreachable: true to remove it without a drain",
            });
        }
        log(`${where}: no master answered for the drain; forceRemoveUnreachable is set, continuing without it`);
    }

    log(`${where}: kubeadm reset`);
    try {
        await withSession(target(access, nodeName), sshOptions(options, redactor, log), (s) =>
            s.check("kubeadm reset", resetScript(options.stateDir), { timeoutMs: 600_000 }),
        );
    } catch (err) {
        const unreachable = err instanceof SshError && (err.kind === "connect" || err.kind === "disconnected");
        if (!unreachable || !request.forceRemoveUnreachable) {
            if (unreachable) {
                throw new SshError({
                    kind: err.kind,
                    host: where,
                    step: "kubeadm reset",
                    reason:
                        `${err.message}\nThe host is unreachable, so it cannot be reset. Bring it back and retry, or set ` +
                        "kubeforge:baremetal.forceRemoveUnreachable: true to remove its Node and etcd member from a surviving master and leave the host as it is",
                });
            }
            throw err;
        }
        log(`${where}: unreachable; forceRemoveUnreachable is set, removing it from the cluster without resetting it`);
    }

    if (request.controlPlane.filter((p) => p.nodeName !== nodeName).length === 0 && request.role === "control-plane") {
        // The last master: the cluster goes with it.
        log(`${where}: last master removed; no cluster left to update`);
        return;
    }
    const cleaned = await onMaster(
        request.controlPlane.filter((p) => p.nodeName !== nodeName),
        nodeName,
        options,
        redactor,
        log,
        async (s, peer) => {
            if (request.role === "control-plane") {
                log(`${where}: verify etcd member removed (on ${peer.nodeName})`);
                await s.check(`remove etcd member of ${nodeName}`, etcdMemberScript(peer.nodeName, nodeName), { timeoutMs: 120_000 });
            }
            log(`${where}: delete Node (on ${peer.nodeName})`);
            await s.check(`delete node ${nodeName}`, deleteNodeScript(nodeName), { timeoutMs: 120_000 });
        },
    );
    if ("errors" in cleaned) {
        if (request.controlPlane.length === 0) return;
        throw new SshError({
            kind: "connect",
            host: where,
            step: "remove from cluster",
            reason: `no master answered to delete the Node${request.role === "control-plane" ? " and its etcd member" : ""}: ${cleaned.errors.join("; ")}`,
        });
    }
}
