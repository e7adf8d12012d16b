/**
 * ApiReadiness: a dynamic resource that exists once the Kubernetes API answers `/readyz` through the
 * cluster endpoint. Addons depend on it, nothing else does, so machines boot in parallel and only what
 * needs the API waits for it. Its inputs are also the cluster record the policy pack reads. The
 * provider itself is in readinessProvider.ts.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { dynamicInputs, type ProviderEntry } from "../dynamic";
import { LIFECYCLE_PROVIDER_VERSION } from "./diffing";
import { API_READINESS_TYPE, type ClusterRecord } from "./types";

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
 * @param opts - the caller's options
 */
export function withSecretClientKey(opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return { ...opts, additionalSecretOutputs: [...new Set([...(opts.additionalSecretOutputs ?? []), "clientKey"])] };
}

/** Arguments of {@link ApiReadiness}: the cluster record, the connection and the wait limit. */
export interface ApiReadinessArgs extends InputsOf<ClusterRecord>, LifecycleConnectionArgs {
    /** Give up waiting after this many seconds (1800). */
    timeoutSeconds?: pulumi.Input<number>;
}

/** Where {@link ApiReadiness}'s provider is bundled from. */
export const API_READINESS_PROVIDER: ProviderEntry = {
    file: path.join(__dirname, "readinessProvider"),
    exportName: "apiReadinessProvider",
};

/**
 * Waits (on create, and on update when the endpoint or CA changed) until the API answers `/readyz`
 * through the endpoint; type `pulumi-nodejs:dynamic/kubeforge:ApiReadiness`. Make addons depend on it.
 */
export class ApiReadiness extends pulumi.CustomResource {
    /** `gitVersion` of the API server seen when it became ready (e.g. `v1.36.3`). */
    declare readonly serverVersion: pulumi.Output<string>;

    /**
     * @param name - Resource name.
     * @param args - Cluster record, connection and timeout.
     * @param opts - Resource options; `additionalSecretOutputs` always includes `clientKey`.
     */
    constructor(name: string, args: ApiReadinessArgs, opts: pulumi.CustomResourceOptions = {}) {
        super(
            API_READINESS_TYPE,
            name,
            dynamicInputs(API_READINESS_PROVIDER, {
                ...args,
                clientKey: pulumi.secret(args.clientKey),
                timeoutSeconds: args.timeoutSeconds ?? 1800,
                providerVersion: args.providerVersion ?? LIFECYCLE_PROVIDER_VERSION,
                serverVersion: undefined,
            }),
            withSecretClientKey(opts),
        );
    }
}
