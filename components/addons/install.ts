/**
 * Installs {@link AddonSpec}s through `@pulumi/kubernetes`, after the API answers. Helm charts become
 * `helm.v3.Release`s (the provider renders and tracks them), manifests a `yaml.v2.ConfigGroup`.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { Release } from "@pulumi/kubernetes/helm/v3";
import { ConfigGroup } from "@pulumi/kubernetes/yaml/v2";
import type { AddonSpec } from "../platform";

/** Arguments of {@link ClusterAddons}. */
export interface ClusterAddonsArgs {
    /** The Kubernetes provider bound to the new cluster. */
    provider: k8s.Provider;
    /** Addons in install order: the CNI first, then the platform's. */
    addons: AddonSpec[];
    /** What the addons wait for (the API readiness gate). */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** The cluster's addons, each waiting for the API, the CNI first. */
export class ClusterAddons extends pulumi.ComponentResource {
    /** Names of the installed addons, in order. */
    readonly names: string[];

    constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubeforge:addons:ClusterAddons", name, {}, opts);
        const options = { parent: this, provider: args.provider };
        let previous: pulumi.Resource | undefined;
        this.names = [];
        for (const addon of args.addons) {
            // Each addon waits for the one before it: the CNI must run before the cloud controller's
            // pods (which need pod networking unless hostNetwork) can become ready.
            const dependsOn = previous ? [...args.dependsOn, previous] : args.dependsOn;
            previous = installAddon(`${name}-${addon.name}`, addon, { ...options, dependsOn });
            this.names.push(addon.name);
        }
        this.registerOutputs({ names: this.names });
    }
}

function installAddon(
    name: string,
    addon: AddonSpec,
    opts: pulumi.CustomResourceOptions & pulumi.ComponentResourceOptions,
): pulumi.Resource {
    switch (addon.kind) {
        case "helm": {
            const values = addon.secretValues
                ? pulumi.all([addon.values, addon.secretValues]).apply(([plain, secret]) => deepMerge(plain, secret))
                : addon.values;
            return new Release(
                name,
                {
                    name: addon.name,
                    chart: addon.chart,
                    version: addon.version,
                    namespace: addon.namespace,
                    createNamespace: true,
                    repositoryOpts: { repo: addon.repository },
                    values,
                    // Fail the update rather than leave a half-installed release behind.
                    atomic: true,
                    timeout: 900,
                },
                opts,
            );
        }
        case "manifest":
            return new ConfigGroup(name, { objs: addon.objects }, opts);
    }
}

/** Merges `extra` into a copy of `base`, recursing into plain objects (arrays are replaced). */
export function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(extra)) {
        const current = out[key];
        out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
    }
    return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
