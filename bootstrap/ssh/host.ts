/**
 * What the bare-metal dynamic provider does to one host, independent of Pulumi: apply a bootstrap
 * (upload what changed, run the idempotent command under the host-side supervisor when anything
 * changed or it never completed). Removing a host is reset.ts.
 *
 * Everything here is bundled into the provider's text by esbuild (components/dynamic.ts); `ssh2` is
 * required lazily (see session.ts).
 */
import { randomBytes } from "node:crypto";
import { embeddedSecrets, makeRedactor, type Redactor } from "./redact";
import { shellQuote, withSession, type SshOptions, type SshTarget } from "./session";
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

/** A master of the cluster (kept in state written by provider version 1, which drained from one). */
export interface PeerAccess extends HostAccess {
    /** Its Kubernetes node name. */
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
    /** Time limit of the bootstrap command, in seconds (enforced on the host). */
    commandTimeoutSeconds: number;
    /** Where the provider keeps its marker of the last applied bootstrap and the supervisor's files. */
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

/**
 * Every secret value of a host's resource: the secret files whole, the values other files embed, and
 * the extra secrets (bootstrap token, encryption key). Kept in state so that a delete, which no longer
 * has the files, redacts the same as a create.
 *
 * @param files - the files of the bootstrap.
 * @param extra - further secret values.
 */
export function secretValues(files: HostFile[], extra: string[] = []): string[] {
    const out = new Set<string>(extra.filter(Boolean));
    for (const f of files) {
        for (const text of f.finalContent === undefined ? [f.content] : [f.content, f.finalContent]) {
            if (f.secret) out.add(text);
            for (const value of embeddedSecrets(text)) out.add(value);
        }
    }
    return [...out];
}

/**
 * The one redactor of a host's work (create, update, delete): its key, the masters' keys it may use,
 * and every secret value of the resource. Secret values are redacted whole and line by line.
 *
 * @param keys - private keys.
 * @param secrets - {@link secretValues} of the resource.
 */
export function hostRedactor(keys: string[], secrets: string[]): Redactor {
    return makeRedactor(keys, secrets);
}

/** SSH options of one step. */
export function sshOptions(options: StepOptions, redactor: Redactor, log: ProgressLog): SshOptions {
    const retry: RetryPolicy = { attempts: options.connectAttempts, baseDelayMs: options.connectBackoffMs, maxDelayMs: 8000 };
    return { connectTimeoutMs: options.connectTimeoutSeconds * 1000, retry, redactor, log };
}

/** The SSH target of a host. */
export function targetOf(access: HostAccess, label: string): SshTarget {
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

/** Where a file's final content waits for the command to succeed: beside it, hidden. */
export function stagedPath(path: string): string {
    const slash = path.lastIndexOf("/");
    return `${path.slice(0, slash + 1)}.kubeforge-final-${path.slice(slash + 1)}`;
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
 * Runs the transfer phases of a host's step (probe and uploads: the operator's uplink and this
 * machine's CPU) under a concurrency limit. The remote command runs outside it: it works on the host,
 * so fifty hosts installing packages at once cost this side nothing and finish in one wave.
 */
export type TransferGate = <T>(task: () => Promise<T>) => Promise<T>;

/** What one apply is, besides the host. */
export interface ApplyRequest {
    /** The node's name (for messages). */
    nodeName: string;
    /** Files to write before the command. */
    files: HostFile[];
    /** The idempotent bootstrap command (argv). */
    command: string[];
    /** Secret values to keep out of messages ({@link secretValues}). */
    secrets: string[];
    /**
     * Identifies this operation on the host: a retry after a dropped connection passes the same id
     * and attaches to the run it started (random when absent).
     */
    runId?: string;
}

/**
 * Brings a host to the desired bootstrap: uploads each file whose content on the host differs, then
 * runs the command under the host-side supervisor unless the host's marker says this exact bootstrap
 * already completed and nothing was uploaded. The supervisor writes the final contents and the marker
 * once the command succeeded, so a run that completes while the connection is down still counts.
 *
 * @param access - how to reach the host.
 * @param request - node name, files, command, secrets, run id.
 * @param options - timeouts, retries, state dir.
 * @param log - progress lines.
 * @param transfer - the concurrency gate of probe and uploads.
 */
export async function applyBootstrap(
    access: HostAccess,
    request: ApplyRequest,
    options: StepOptions,
    log: ProgressLog,
    transfer: TransferGate = (task) => task(),
): Promise<ApplyResult> {
    const { files, command } = request;
    const redactor = hostRedactor([access.privateKey], request.secrets);
    const desired = appliedHash(files, command);
    const stateDir = options.stateDir.replace(/\/+$/, "");
    const marker = `${stateDir}/bootstrap.applied`;
    const runDir = `${stateDir}/run`;
    return withSession(targetOf(access, request.nodeName), sshOptions(options, redactor, log), async (session) => {
        log(`${session.where}: connected`);
        const { uploaded, markerValue } = await transfer(async () => {
            const probe = await session.check(
                "read file hashes and bootstrap marker",
                probeScript(
                    files.map((f) => f.path),
                    marker,
                ),
                { separateStreams: true },
            );
            const { hashes: remote, marker: markerValue } = parseProbe(probe.stdout);
            const changed = files.filter((file) => {
                const have = remote.get(file.path);
                return !(have === sha256Hex(file.content) || (file.finalContent !== undefined && have === sha256Hex(file.finalContent)));
            });
            const uploaded = changed.map((f) => f.path);
            const upToDate = markerValue === desired && uploaded.length === 0;
            // The final contents wait beside their targets under a hidden name (kubelet skips hidden
            // manifests); the supervisor renames them into place once the command succeeded.
            const finals = upToDate ? [] : files.filter((f) => f.finalContent !== undefined);
            const toSend = [
                ...changed.map((f) => ({ path: f.path, content: f.content, mode: f.permissions })),
                ...finals.map((f) => ({ path: stagedPath(f.path), content: f.finalContent!, mode: f.permissions })),
            ];
            if (toSend.length > 0) {
                if (uploaded.length > 0) log(`${session.where}: upload ${uploaded.join(", ")}`);
                await session.uploadMany(toSend, `upload ${toSend.map((f) => f.path).join(", ")}`);
            }
            return { uploaded, markerValue };
        });
        if (markerValue === desired && uploaded.length === 0) {
            log(`${session.where}: bootstrap up to date`);
            return { hostKeySeen: session.seenHostKey, uploaded, commandRan: false, appliedHash: desired };
        }
        log(`${session.where}: bootstrap: running ${command[0] ?? "(no command)"}`);
        const finals = files.filter((f) => f.finalContent !== undefined).map((f) => ({ staged: stagedPath(f.path), target: f.path }));
        await session.supervise(
            "bootstrap",
            {
                runDir,
                id: request.runId ?? `${desired.slice(0, 16)}-${randomBytes(6).toString("hex")}`,
                timeoutSeconds: options.commandTimeoutSeconds,
                marker: { path: marker, value: desired },
                finals,
                command: command.length > 0 ? command : ["true"],
            },
            log,
        );
        log(`${session.where}: bootstrap done`);
        return { hostKeySeen: session.seenHostKey, uploaded, commandRan: true, appliedHash: desired };
    });
}
