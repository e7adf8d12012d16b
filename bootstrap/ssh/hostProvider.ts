/**
 * The provider behind `HostBootstrap` (provider.ts): bootstraps one bare-metal host over SSH and
 * resets it (`kubeadm reset` and cleanup) when it leaves the inventory; the drain and the etcd member
 * are the core NodeLifecycle's, on every platform. Bundled by esbuild into the resource's `__provider`
 * text (see `components/dynamic.ts`), with `ssh2` left external; this module and what it reaches
 * import `@pulumi/pulumi` for types only, so the text loads without the SDK (`progress` requires it
 * when it logs, inside the engine's host).
 *
 * Step split, as `diff` sees it:
 * - address, port or node name changed → replace, delete first (the same node name cannot join twice);
 * - a file's content or mode, or the command, changed → update: upload only the files whose content
 *   on the host differs, then rerun the idempotent bootstrap command;
 * - only connection details or the provider version changed → update that touches nothing on the
 *   host (state only);
 * - only `volatile` values changed (the bootstrap token and its expiry, which an `up` rotates) on a host
 *   that completed its bootstrap → no change at all: the host joined with the old token and never reads
 *   it again; state keeps what the host has. Only a host not bootstrapped yet (a create) needs the new one.
 * File contents never enter the outputs: state keeps a hash per file, and the inputs (which Pulumi
 * also stores) are secret whenever the bootstrap holds a secret. Every secret value of the resource is
 * kept (secret) in `redactions`, so the delete's messages hide what the create's hid.
 */
import type * as pulumi from "@pulumi/pulumi";
import { canonicalJson } from "../canonicalJson";
import {
    appliedHash,
    applyBootstrap,
    DEFAULT_STEP_OPTIONS,
    fileStateHash,
    secretValues,
    type HostAccess,
    type HostFile,
    type StepOptions,
} from "./host";
import { resetHost } from "./reset";
import { createLimiter, type Limiter } from "./limiter";
import { SshError } from "./errors";
import { withRetry } from "./retry";

/**
 * Version of this provider's behaviour, stored with every resource. Deletes run the code stored in
 * state, so old versions stay deletable; bump it when the stored shape changes. 2: the delete only
 * resets the host (the drain moved to NodeLifecycle), and `redactions` are kept. 3: `stableHash` is kept
 * (the bump makes the next `up` a state-only update that records it, so a later token rotation finds it).
 */
export const HOST_BOOTSTRAP_PROVIDER_VERSION = "3";

/** Inputs as the provider receives them (plain, secrets resolved). */
export interface HostBootstrapProps extends HostAccess {
    /** {@link HOST_BOOTSTRAP_PROVIDER_VERSION} when the resource was last written. */
    providerVersion: string;
    /** Kubernetes node name (the NodePlan name). */
    nodeName: string;
    /** Role (a change means another node: replace). */
    role: "control-plane" | "worker";
    /** Files to write before the command. */
    files: HostFile[];
    /** The idempotent bootstrap command (argv). */
    command: string[];
    /** Leave an unreachable host as it is on delete instead of failing. */
    forceRemoveUnreachable: boolean;
    /** Hosts whose probe and uploads run at once in this process. */
    concurrency: number;
    /** Timeouts, retries and the state directory. */
    options: StepOptions;
    /** Secret values to redact from every message (bootstrap token, keys); secret in state. */
    secrets?: string[];
    /**
     * Values whose change alone does not rerun a host that completed its bootstrap (the bootstrap token and
     * its expiry: a rotation must not rerun every joined host); secret in state.
     */
    volatile?: string[];
}

/** Outputs (state): the props without file contents, plus what the provider learned. */
export interface HostBootstrapOutputs extends Omit<HostBootstrapProps, "files"> {
    /** Per path: hash of path, mode, content and final content. */
    fileHashes: Record<string, string>;
    /** The host key line the host presented (what trust-on-first-use recorded). */
    hostKeySeen: string;
    /** Hash of the applied bootstrap (files + command), also kept in a marker on the host. */
    appliedHash: string;
    /** Every secret value of the resource (secret in state), for the delete's redactor. */
    redactions?: string[];
    /** {@link stableHash} of what the host has: the applied bootstrap with the `volatile` values masked. */
    stableHash?: string;
}

/** Properties whose change means another machine or node: replace, deleting the old one first. */
const REPLACE_KEYS = ["host", "port", "nodeName", "role"] as const;

function fileHashes(files: HostFile[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of files) out[f.path] = fileStateHash(f);
    return out;
}

/** Stands for every volatile value in {@link stableHash}. */
const VOLATILE_MASK = "\u0000kubeforge-volatile\u0000";

/** `text` with each volatile value (longest first, so none hides part of another) replaced by the mask. */
function maskVolatile(text: string, volatile: string[]): string {
    const values = volatile.filter(Boolean).sort((a, b) => b.length - a.length);
    return values.reduce((t, v) => t.split(v).join(VOLATILE_MASK), text);
}

/**
 * Hash of a bootstrap (files and command) with its volatile values masked: equal for two bootstraps that
 * differ only by a rotated token.
 */
export function stableHash(files: HostFile[], command: string[], volatile: string[] = []): string {
    const masked = files.map((f) => ({
        ...f,
        content: maskVolatile(f.content, volatile),
        ...(f.finalContent === undefined ? {} : { finalContent: maskVolatile(f.finalContent, volatile) }),
    }));
    return appliedHash(
        masked,
        command.map((c) => maskVolatile(c, volatile)),
    );
}

/** The host's bootstrap (files, command) differs from the new inputs, volatile values included. */
function bootstrapChanged(olds: HostBootstrapOutputs, news: HostBootstrapProps): boolean {
    return !sameJson(olds.fileHashes, fileHashes(news.files)) || !sameJson(olds.command, news.command);
}

/**
 * The host completed its bootstrap and the new inputs differ from it only by volatile values (a rotated
 * token): nothing to do, on the host or in state. State written before `stableHash` existed never matches.
 */
function onlyVolatileChanged(olds: HostBootstrapOutputs, news: HostBootstrapProps): boolean {
    if (!olds.appliedHash || !olds.stableHash) return false;
    if (olds.stableHash !== stableHash(news.files, news.command, news.volatile ?? [])) return false;
    // The redaction list may differ by the volatile values alone, nothing else.
    const keep = (secrets: string[] | undefined, volatile: string[] | undefined) =>
        (secrets ?? []).filter((v) => !(volatile ?? []).includes(v));
    return sameJson(keep(olds.secrets, olds.volatile), keep(news.secrets, news.volatile));
}

function progress(message: string): void {
    // Required when a line is logged, not imported: the bundled text must load without the SDK
    // (components/dynamic.ts refuses a value import); the engine's dynamic-provider host resolves it
    // from the project's node_modules.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    sdk.log.info(`kubeforge ${message}`);
}

function limiterFor(key: string, concurrency: number): Limiter {
    // One limiter per key per process, shared by every HostBootstrap the engine runs here; globalThis
    // because each distinct provider text the host loads (state written by older code is another) is
    // its own copy of this module.
    const g = globalThis as unknown as { __kubeforgeSshLimiters?: Map<string, Limiter> };
    const map = (g.__kubeforgeSshLimiters ??= new Map<string, Limiter>());
    const id = `${key}/${concurrency}`;
    let limiter = map.get(id);
    if (!limiter) {
        limiter = createLimiter(concurrency);
        map.set(id, limiter);
    }
    return limiter;
}

function outputsOf(props: HostBootstrapProps, hostKeySeen: string, applied: string): HostBootstrapOutputs {
    const { files, ...rest } = props;
    return {
        ...rest,
        fileHashes: fileHashes(files),
        hostKeySeen,
        appliedHash: applied,
        redactions: secretValues(files, props.secrets ?? []),
        stableHash: stableHash(files, props.command, props.volatile ?? []),
    };
}

/** A host that dropped the connection mid-step (reboot, network blip) gets one more try. */
const lostMidStep = (err: unknown) => err instanceof SshError && err.kind === "disconnected";

/** The progress line before that try: the host once, then what happened. */
function retryLine(where: string) {
    return (err: unknown) => progress(`${where}: ${err instanceof SshError ? err.summary : String(err)}; retrying the step`);
}

/** Equal as JSON, key order aside: state read back may order keys differently from new inputs. */
function sameJson(a: unknown, b: unknown): boolean {
    return canonicalJson(a) === canonicalJson(b);
}

/**
 * Keys never compared as inputs: what the provider computes, and the provider text itself (it
 * changes with any code change; new code is stored with the next real update).
 */
const NOT_INPUTS = new Set(["files", "fileHashes", "hostKeySeen", "appliedHash", "redactions", "stableHash", "__provider"]);

/** Inputs that may differ by the volatile values alone when {@link onlyVolatileChanged} holds. */
const VOLATILE_CARRIERS = new Set(["secrets", "volatile"]);

/**
 * @param props - the desired state.
 * @param recordedKey - the key recorded by trust-on-first-use in an earlier run: once seen, a host is
 *   held to it (first use means first, not every).
 */
async function apply(props: HostBootstrapProps, recordedKey?: string): Promise<HostBootstrapOutputs> {
    const options = { ...DEFAULT_STEP_OPTIONS, ...props.options };
    const access: HostAccess = { ...props, hostKey: props.hostKey || recordedKey || undefined };
    // `concurrency` bounds the transfers (probe, uploads); the bootstrap command itself runs on every
    // host at once, so a slow package install on one host never holds another host back.
    const hosts = limiterFor("hosts", props.concurrency || 10);
    const transfer = <T>(task: () => Promise<T>) => hosts.run(task);
    // One run id for the operation: the retry after a drop attaches to the run the first try started
    // (or collects its result) instead of starting another.
    const request = {
        nodeName: props.nodeName,
        files: props.files,
        command: props.command,
        secrets: secretValues(props.files, props.secrets ?? []),
        runId: `${props.nodeName}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
    };
    const result = await withRetry(
        () => applyBootstrap(access, request, options, progress, transfer),
        { attempts: 2, baseDelayMs: options.connectBackoffMs, maxDelayMs: 8000 },
        lostMidStep,
        retryLine(`${props.nodeName} (${props.host}:${props.port})`),
    );
    return outputsOf(props, result.hostKeySeen, result.appliedHash);
}

/** The provider. Plain object: tests call its methods directly against real sshd. */
export const hostBootstrapProvider: pulumi.dynamic.ResourceProvider<HostBootstrapProps, HostBootstrapOutputs> = {
    async create(props: HostBootstrapProps) {
        const outs = await apply(props);
        return { id: `${props.nodeName}@${props.host}:${props.port}`, outs };
    },

    async diff(_id: string, olds: HostBootstrapOutputs, news: HostBootstrapProps) {
        const replaces = REPLACE_KEYS.filter((k) => olds[k] !== news[k]);
        // In a preview, inputs not known yet (a new PKI, a changed endpoint) arrive as a placeholder
        // string instead of a list: the update will do host work.
        if (!Array.isArray(news.files) || !Array.isArray(news.command)) {
            return { changes: true, replaces: [...replaces], deleteBeforeReplace: replaces.length > 0 };
        }
        const volatileOnly = onlyVolatileChanged(olds, news);
        const hostWork = bootstrapChanged(olds, news) && !volatileOnly;
        const o = olds as unknown as Record<string, unknown>;
        const n = news as unknown as Record<string, unknown>;
        const ignored = (k: string) => NOT_INPUTS.has(k) || (volatileOnly && VOLATILE_CARRIERS.has(k));
        const keys = new Set([...Object.keys(o), ...Object.keys(n)].filter((k) => !ignored(k)));
        const stateOnly = [...keys].some((k) => !sameJson(o[k], n[k]));
        return {
            changes: replaces.length > 0 || hostWork || stateOnly,
            replaces: [...replaces],
            deleteBeforeReplace: replaces.length > 0,
        };
    },

    async update(_id: string, olds: HostBootstrapOutputs, news: HostBootstrapProps) {
        if (onlyVolatileChanged(olds, news)) {
            // Another input changed too (diff found one), but the host's bootstrap only by a rotated token:
            // state keeps what the host has (its files, the token in them and their redactions).
            const kept = { fileHashes: olds.fileHashes, secrets: olds.secrets, volatile: olds.volatile, redactions: olds.redactions };
            return { outs: { ...outputsOf(news, olds.hostKeySeen, olds.appliedHash), ...kept, stableHash: olds.stableHash } };
        }
        const hostWork = bootstrapChanged(olds, news) || !olds.appliedHash;
        if (!hostWork) {
            // Keys, masters, drain settings: nothing to do on the host.
            return { outs: outputsOf(news, olds.hostKeySeen, olds.appliedHash) };
        }
        return { outs: await apply(news, news.trustOnFirstUse ? olds.hostKeySeen : undefined) };
    },

    async delete(_id: string, props: HostBootstrapOutputs) {
        const options = { ...DEFAULT_STEP_OPTIONS, ...props.options };
        // A host first trusted on first use is now known: hold it to the key it showed then.
        const access: HostAccess = { ...props, hostKey: props.hostKey || props.hostKeySeen || undefined };
        const reset = () =>
            resetHost(
                {
                    access,
                    nodeName: props.nodeName,
                    forceRemoveUnreachable: props.forceRemoveUnreachable,
                    secrets: props.redactions ?? props.secrets ?? [],
                },
                options,
                progress,
            );
        const hosts = limiterFor("hosts", props.concurrency || 10);
        await hosts.run(() =>
            withRetry(
                reset,
                { attempts: 2, baseDelayMs: options.connectBackoffMs, maxDelayMs: 8000 },
                lostMidStep,
                retryLine(`${props.nodeName} (${props.host}:${props.port})`),
            ),
        );
    },
};
