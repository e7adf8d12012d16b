/**
 * The provider behind `HostBootstrap` (provider.ts): bootstraps one bare-metal host over SSH and
 * removes it cleanly (drain, `kubeadm reset`, etcd member, Node) when it leaves the inventory.
 * Bundled by esbuild into the resource's `__provider` text (see `components/dynamic.ts`), with `ssh2`
 * left external; this module and what it reaches import `@pulumi/pulumi` for types only, so the text
 * loads without the SDK (`progress` requires it when it logs, inside the engine's host).
 *
 * Step split, as `diff` sees it:
 * - address, port or node name changed → replace, delete first (the same node name cannot join twice);
 * - a file's content or mode, or the command, changed → update: upload only the files whose content
 *   on the host differs, then rerun the idempotent bootstrap command;
 * - only connection details, masters list, drain settings or the provider version changed → update
 *   that touches nothing on the host (state only).
 * File contents never enter the outputs: state keeps a hash per file, and the inputs (which Pulumi
 * also stores) are secret whenever the bootstrap holds a secret.
 */
import type * as pulumi from "@pulumi/pulumi";
import { canonicalJson } from "../canonicalJson";
import {
    applyBootstrap,
    DEFAULT_STEP_OPTIONS,
    fileStateHash,
    removeNode,
    type HostAccess,
    type HostFile,
    type PeerAccess,
    type StepOptions,
} from "./host";
import { createLimiter, type Limiter } from "./limiter";
import { SshError } from "./errors";
import { withRetry } from "./retry";

/**
 * Version of this provider's behaviour, stored with every resource. Deletes run the code stored in
 * state, so old versions stay deletable; bump it when the stored shape changes.
 */
export const HOST_BOOTSTRAP_PROVIDER_VERSION = "1";

/** Inputs as the provider receives them (plain, secrets resolved). */
export interface HostBootstrapProps extends HostAccess {
    /** {@link HOST_BOOTSTRAP_PROVIDER_VERSION} when the resource was last written. */
    providerVersion: string;
    /** Kubernetes node name (the NodePlan name). */
    nodeName: string;
    /** Role: a master leaves etcd on delete. */
    role: "control-plane" | "worker";
    /** Files to write before the command. */
    files: HostFile[];
    /** The idempotent bootstrap command (argv). */
    command: string[];
    /** Masters to drain / clean up from on delete. */
    controlPlane: PeerAccess[];
    /** Drain time limit in seconds. */
    drainTimeoutSeconds: number;
    /** Skip the drain on delete (absent in state written before it existed: drain). */
    skipDrain?: boolean;
    /** Remove an unreachable host's Node and etcd member anyway on delete. */
    forceRemoveUnreachable: boolean;
    /** Hosts bootstrapped at once by this process. */
    concurrency: number;
    /** Timeouts, retries and the marker directory. */
    options: StepOptions;
    /** Secret values to redact from every message (bootstrap token, keys); secret in state. */
    secrets?: string[];
}

/** Outputs (state): the props without file contents, plus what the provider learned. */
export interface HostBootstrapOutputs extends Omit<HostBootstrapProps, "files"> {
    /** Per path: hash of path, mode, content and final content. */
    fileHashes: Record<string, string>;
    /** The host key line the host presented (what trust-on-first-use recorded). */
    hostKeySeen: string;
    /** Hash of the applied bootstrap (files + command), also kept in a marker on the host. */
    appliedHash: string;
}

/** Properties whose change means another machine or node: replace, deleting the old one first. */
const REPLACE_KEYS = ["host", "port", "nodeName", "role"] as const;

function fileHashes(files: HostFile[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of files) out[f.path] = fileStateHash(f);
    return out;
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
    return { ...rest, fileHashes: fileHashes(files), hostKeySeen, appliedHash: applied };
}

/** Equal as JSON, key order aside: state read back may order keys differently from new inputs. */
function sameJson(a: unknown, b: unknown): boolean {
    return canonicalJson(a) === canonicalJson(b);
}

/**
 * Keys never compared as inputs: what the provider computes, and the provider text itself (it
 * changes with any code change; new code is stored with the next real update).
 */
const NOT_INPUTS = new Set(["files", "fileHashes", "hostKeySeen", "appliedHash", "__provider"]);

/**
 * @param props - the desired state.
 * @param recordedKey - the key recorded by trust-on-first-use in an earlier run: once seen, a host is
 *   held to it (first use means first, not every).
 */
async function apply(props: HostBootstrapProps, recordedKey?: string): Promise<HostBootstrapOutputs> {
    const options = { ...DEFAULT_STEP_OPTIONS, ...props.options };
    // A host that drops the connection mid-step (reboot, network blip) gets one more try after a
    // pause: the apply is idempotent, so a rerun picks up where it stopped. A command that ran and
    // failed is not retried.
    const access: HostAccess = { ...props, hostKey: props.hostKey || recordedKey || undefined };
    const lostMidStep = (err: unknown) => err instanceof SshError && err.kind === "disconnected";
    // `concurrency` bounds the transfers (probe, uploads); the bootstrap command itself runs on every
    // host at once, so a slow package install on one host never holds another host back.
    const hosts = limiterFor("hosts", props.concurrency || 10);
    const transfer = <T>(task: () => Promise<T>) => hosts.run(task);
    const result = await withRetry(
        () => applyBootstrap(access, props.nodeName, props.files, props.command, options, progress, props.secrets ?? [], transfer),
        { attempts: 2, baseDelayMs: options.connectBackoffMs, maxDelayMs: 8000 },
        lostMidStep,
        (err) => progress(`${props.nodeName} (${props.host}:${props.port}): ${(err as Error).message.split("\n")[0]}; retrying the step`),
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
        const hostWork = !sameJson(olds.fileHashes, fileHashes(news.files)) || !sameJson(olds.command, news.command);
        const o = olds as unknown as Record<string, unknown>;
        const n = news as unknown as Record<string, unknown>;
        const keys = new Set([...Object.keys(o), ...Object.keys(n)].filter((k) => !NOT_INPUTS.has(k)));
        const stateOnly = [...keys].some((k) => !sameJson(o[k], n[k]));
        return {
            changes: replaces.length > 0 || hostWork || stateOnly,
            replaces: [...replaces],
            deleteBeforeReplace: replaces.length > 0,
        };
    },

    async update(_id: string, olds: HostBootstrapOutputs, news: HostBootstrapProps) {
        const hostWork = !sameJson(olds.fileHashes, fileHashes(news.files)) || !sameJson(olds.command, news.command) || !olds.appliedHash;
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
        // Masters leave one at a time (etcd membership changes must not overlap, and quorum must hold
        // between them); the engine would otherwise delete several in parallel.
        const serial = props.role === "control-plane" ? limiterFor("control-plane-removal", 1) : undefined;
        const remove = () =>
            removeNode(
                {
                    access,
                    nodeName: props.nodeName,
                    role: props.role,
                    controlPlane: props.controlPlane,
                    drainTimeoutSeconds: props.drainTimeoutSeconds,
                    skipDrain: props.skipDrain === true,
                    forceRemoveUnreachable: props.forceRemoveUnreachable,
                },
                options,
                progress,
            );
        const hosts = limiterFor("hosts", props.concurrency || 10);
        await (serial ? serial.run(() => hosts.run(remove)) : hosts.run(remove));
    },
};
