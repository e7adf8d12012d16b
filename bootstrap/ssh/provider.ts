/**
 * `HostBootstrap`: the Pulumi dynamic resource that bootstraps one bare-metal host over SSH and resets
 * it (`kubeadm reset` and cleanup) when it leaves the inventory; the core's NodeLifecycle drains the
 * node and removes its etcd member through the API before that.
 *
 * Type token: `pulumi-nodejs:dynamic/kubeforge:HostBootstrap`. The provider (what reruns when, and
 * what state keeps) is in hostProvider.ts; it is re-exported here for the code that calls it directly.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { dynamicInputs, type ProviderEntry } from "../../components/dynamic";
import { DEFAULT_STEP_OPTIONS, type HostFile, type StepOptions } from "./host";
import { HOST_BOOTSTRAP_PROVIDER_VERSION } from "./hostProvider";

export { hostBootstrapProvider, HOST_BOOTSTRAP_PROVIDER_VERSION, type HostBootstrapOutputs, type HostBootstrapProps } from "./hostProvider";

/** The resource type token the engine (and a policy) sees. */
export const HOST_BOOTSTRAP_TYPE = "pulumi-nodejs:dynamic/kubeforge:HostBootstrap";

/**
 * Where {@link HostBootstrap}'s provider is bundled from. `ssh2` stays external: its optional native
 * parts cannot be bundled, so the host requires it from the project's `node_modules`.
 */
export const HOST_BOOTSTRAP_PROVIDER: ProviderEntry = {
    file: path.join(__dirname, "hostProvider"),
    exportName: "hostBootstrapProvider",
    external: ["ssh2"],
};

/** Inputs of {@link HostBootstrap}, as a program gives them. */
export interface HostBootstrapArgs {
    /** Host address. */
    host: pulumi.Input<string>;
    /** SSH port. */
    port: pulumi.Input<number>;
    /** Login user. */
    user: pulumi.Input<string>;
    /** Private key (a secret Output; it is kept secret in state). */
    privateKey: pulumi.Input<string>;
    /** The host's public key line. */
    hostKey?: pulumi.Input<string | undefined>;
    /** Accept and record an unknown host key. */
    trustOnFirstUse?: pulumi.Input<boolean>;
    /** Kubernetes node name. */
    nodeName: pulumi.Input<string>;
    /** Role. */
    role: pulumi.Input<"control-plane" | "worker">;
    /** Files (secret when any holds a secret). */
    files: pulumi.Input<HostFile[]>;
    /** Bootstrap command. */
    command: pulumi.Input<string[]>;
    /** Leave an unreachable host as it is on delete instead of failing. */
    forceRemoveUnreachable: pulumi.Input<boolean>;
    /** Hosts bootstrapped at once. */
    concurrency: pulumi.Input<number>;
    /** Timeouts, retries, marker directory; defaults when absent. */
    options?: pulumi.Input<Partial<StepOptions>>;
    /** Secret values to redact from messages (bootstrap token, encryption key). */
    secrets?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Values whose change alone leaves a bootstrapped host alone (the bootstrap token and its expiry: only a
     * host not bootstrapped yet needs a rotated token). Kept secret.
     */
    volatile?: pulumi.Input<pulumi.Input<string>[]>;
}

/** One host's bootstrap over SSH (hostProvider.ts says what reruns when). */
export class HostBootstrap extends pulumi.CustomResource {
    /** Node name. */
    declare readonly nodeName: pulumi.Output<string>;
    /** The host key line the host presented. */
    declare readonly hostKeySeen: pulumi.Output<string>;
    /** Hash of the applied bootstrap. */
    declare readonly appliedHash: pulumi.Output<string>;

    constructor(name: string, args: HostBootstrapArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            HOST_BOOTSTRAP_TYPE,
            name,
            dynamicInputs(HOST_BOOTSTRAP_PROVIDER, {
                ...args,
                privateKey: pulumi.secret(args.privateKey),
                secrets: pulumi.secret(args.secrets ?? []),
                volatile: pulumi.secret(args.volatile ?? []),
                options: pulumi.output(args.options ?? {}).apply((o) => ({ ...DEFAULT_STEP_OPTIONS, ...o })),
                providerVersion: HOST_BOOTSTRAP_PROVIDER_VERSION,
                hostKeySeen: undefined,
                appliedHash: undefined,
                fileHashes: undefined,
                redactions: undefined,
                stableHash: undefined,
            }),
            {
                ...opts,
                additionalSecretOutputs: ["privateKey", "secrets", "volatile", "redactions", ...(opts?.additionalSecretOutputs ?? [])],
            },
        );
    }
}
