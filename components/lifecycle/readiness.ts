/**
 * ApiReadiness: a dynamic resource that exists once the Kubernetes API answers `/readyz` through the
 * cluster endpoint. Addons depend on it, nothing else does, so machines boot in parallel and only what
 * needs the API waits for it. Its inputs are also the cluster record the policy pack reads.
 */
import * as pulumi from "@pulumi/pulumi";
import { createKubeApi } from "./kubeapi";
import { waitForApi } from "./wait";
import { changedKeys, LIFECYCLE_PROVIDER_VERSION, withoutProvider } from "./diffing";
import type { ClusterRecord } from "./types";

/** Each field of `T` as a Pulumi input. */
export type InputsOf<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** How the lifecycle resources reach the API; the client key must be a secret Output. */
export interface LifecycleConnectionArgs {
    /** `https://host:port` of the API endpoint. */
    endpoint: pulumi.Input<string>;
    /** PEM of the cluster CA (pinned: no other CA is trusted). */
    caCert: pulumi.Input<string>;
    /** PEM of an admin client certificate. */
    clientCert: pulumi.Input<string>;
    /** PEM of its key; wrapped in `pulumi.secret` here as well, and marked a secret output. */
    clientKey: pulumi.Input<string>;
    /** Behaviour version of the stored provider; {@link LIFECYCLE_PROVIDER_VERSION} when absent. */
    providerVersion?: pulumi.Input<string>;
}

/**
 * Resource options of a lifecycle resource: the caller's, with `clientKey` always among the secret
 * outputs (the provider receives the key in plaintext and returns it in its state).
 *
 * @param opts the caller's options
 */
export function withSecretClientKey(opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return { ...opts, additionalSecretOutputs: [...new Set([...(opts.additionalSecretOutputs ?? []), "clientKey"])] };
}

/** Arguments of {@link ApiReadiness}: the cluster record, the connection and the wait limit. */
export interface ApiReadinessArgs extends InputsOf<ClusterRecord>, LifecycleConnectionArgs {
    /** Give up waiting after this many seconds (1800). */
    timeoutSeconds?: pulumi.Input<number>;
}

/** What the provider receives: plain values (acceptSecrets=false). */
interface ReadinessInputs extends ClusterRecord {
    endpoint: string;
    caCert: string;
    clientCert: string;
    clientKey: string;
    timeoutSeconds: number;
    providerVersion: string;
    serverVersion?: string;
    [key: string]: unknown;
}

/** Fields that, when changed, make `update` wait for the API again. */
const RECHECK_KEYS = ["endpoint", "caCert"];

async function checkReady(inputs: ReadinessInputs): Promise<string> {
    const api = createKubeApi({ endpoint: inputs.endpoint, caCert: inputs.caCert, clientCert: inputs.clientCert, clientKey: inputs.clientKey });
    return waitForApi(api, {
        endpoint: inputs.endpoint,
        timeoutSeconds: Number(inputs.timeoutSeconds ?? 1800),
        log: (m) => console.log(`[kubeforge ${inputs.cluster}] ${m}`),
    });
}

/** The provider: serialized by value into state; everything it calls is free of module-level state. */
export const apiReadinessProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: ReadinessInputs): Promise<pulumi.dynamic.CreateResult> {
        const serverVersion = await checkReady(inputs);
        return { id: `${inputs.cluster}-api`, outs: { ...withoutProvider(inputs), serverVersion } };
    },
    async diff(_id: string, olds: ReadinessInputs, news: ReadinessInputs): Promise<pulumi.dynamic.DiffResult> {
        const changed = changedKeys(olds, news).filter((k) => k !== "serverVersion");
        return { changes: changed.length > 0, replaces: [] };
    },
    async update(_id: string, olds: ReadinessInputs, news: ReadinessInputs): Promise<pulumi.dynamic.UpdateResult> {
        const recheck = changedKeys(olds, news, RECHECK_KEYS).length > 0 || !olds.serverVersion;
        const serverVersion = recheck ? await checkReady(news) : olds.serverVersion;
        return { outs: { ...withoutProvider(news), serverVersion } };
    },
    async delete(): Promise<void> {
        // Nothing to undo: readiness is an observation.
    },
};

/**
 * Waits (on create, and on update when the endpoint or CA changed) until the API answers `/readyz`
 * through the endpoint; type `pulumi-nodejs:dynamic/kubeforge:ApiReadiness`. Make addons depend on it.
 */
export class ApiReadiness extends pulumi.dynamic.Resource {
    /** `gitVersion` of the API server seen when it became ready (e.g. `v1.36.3`). */
    declare readonly serverVersion: pulumi.Output<string>;

    /**
     * @param name Resource name.
     * @param args Cluster record, connection and timeout.
     * @param opts Resource options; `additionalSecretOutputs` always includes `clientKey`.
     */
    constructor(name: string, args: ApiReadinessArgs, opts: pulumi.CustomResourceOptions = {}) {
        super(
            apiReadinessProvider,
            name,
            {
                ...args,
                clientKey: pulumi.secret(args.clientKey),
                timeoutSeconds: args.timeoutSeconds ?? 1800,
                providerVersion: args.providerVersion ?? LIFECYCLE_PROVIDER_VERSION,
                serverVersion: undefined,
            },
            withSecretClientKey(opts),
            "kubeforge",
            "ApiReadiness",
        );
    }
}
