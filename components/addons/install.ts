/**
 * Installs {@link AddonSpec}s through `@pulumi/kubernetes`, after the API answers. Helm charts become
 * `helm.v3.Release`s (the provider renders and tracks them), manifests a `yaml.v2.ConfigGroup`.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { Release } from "@pulumi/kubernetes/helm/v3";
import { ConfigGroup } from "@pulumi/kubernetes/yaml/v2";
import { DeploymentPatch } from "@pulumi/kubernetes/apps/v1";
import type { AddonSpec } from "../platform";

/** Arguments of {@link ClusterAddons}. */
export interface ClusterAddonsArgs {
    /** The Kubernetes provider bound to the new cluster. */
    provider: k8s.Provider;
    /** The CNI's addons (none for `cni: none`): what an addon that `needs.cni` waits for. */
    cni: AddonSpec[];
    /** The platform's addons, each waiting only for what its `needs` names. */
    addons: AddonSpec[];
    /** What every addon waits for (the API readiness gate). */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * The order addons install in: each waits for the API and for what its `needs` names, nothing else,
 * so addons that do not need each other install side by side. Pure: returns, per addon, the names
 * of the addons it waits for. Throws on a need that names no addon, or on a cycle.
 *
 * @param cni - the CNI's addons
 * @param addons - the platform's addons
 */
export function addonWaits(cni: AddonSpec[], addons: AddonSpec[]): Map<string, string[]> {
    const all = [...cni, ...addons];
    const names = new Set(all.map((a) => a.name));
    const waits = new Map<string, string[]>();
    for (const addon of all) {
        const cniNames = addon.needs?.cni && !cni.includes(addon) ? cni.map((c) => c.name) : [];
        for (const other of addon.needs?.addons ?? []) {
            if (!names.has(other)) throw new Error(`addon ${addon.name} needs addon ${other}, which this cluster does not install`);
        }
        waits.set(addon.name, [...new Set([...cniNames, ...(addon.needs?.addons ?? [])])]);
    }
    const visiting = new Set<string>();
    const visit = (name: string, path: string[]): void => {
        if (visiting.has(name)) throw new Error(`addons wait for each other in a cycle: ${[...path, name].join(" -> ")}`);
        visiting.add(name);
        for (const next of waits.get(name) ?? []) visit(next, [...path, name]);
        visiting.delete(name);
    };
    for (const name of names) visit(name, []);
    return waits;
}

/** The cluster's addons, each waiting for the API and for what it needs, side by side otherwise. */
export class ClusterAddons extends pulumi.ComponentResource {
    /** Names of the installed addons. */
    readonly names: string[];

    constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubeforge:addons:ClusterAddons", name, {}, opts);
        const options = { parent: this, provider: args.provider };
        const waits = addonWaits(args.cni, args.addons);
        const all = [...args.cni, ...args.addons];
        const installed = new Map<string, pulumi.Resource[]>();
        const install = (addon: AddonSpec): pulumi.Resource[] => {
            const done = installed.get(addon.name);
            if (done) return done;
            const needed = (waits.get(addon.name) ?? []).flatMap((n) => install(all.find((a) => a.name === n)!));
            const resource = installAddon(`${name}-${addon.name}`, addon, { ...options, dependsOn: [...args.dependsOn, ...needed] });
            installed.set(addon.name, resource);
            return resource;
        };
        this.names = all.map((addon) => (install(addon), addon.name));
        this.registerOutputs({ names: this.names });
    }
}

function installAddon(
    name: string,
    addon: AddonSpec,
    opts: pulumi.CustomResourceOptions & pulumi.ComponentResourceOptions,
): pulumi.Resource[] {
    switch (addon.kind) {
        case "helm": {
            const values = addon.secretValues
                ? pulumi.all([addon.values, addon.secretValues]).apply(([plain, secret]) => deepMerge(plain, secret))
                : addon.values;
            const release = new Release(
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
            const patches = (addon.deploymentPatches ?? []).map(
                (patch) =>
                    new DeploymentPatch(
                        `${name}-${patch.name}`,
                        { metadata: { name: patch.name, namespace: patch.namespace }, spec: patch.spec },
                        { ...opts, dependsOn: [release] },
                    ),
            );
            // What waits for this addon waits for its patches too.
            return [release, ...patches];
        }
        case "manifest":
            return [new ConfigGroup(name, { objs: addon.objects }, opts)];
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
