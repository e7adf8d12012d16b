/**
 * The provider-neutral part of a cluster (what a comparison holds equal) and where two stacks differ
 * in it. Pure. Left out, because each platform says them in its own words: the cluster name, machine
 * types (shown resolved to vCPU and memory instead) and failure-domain names (shown per platform).
 */
import type { ClusterSpec } from "../../components/core/types";

/** The neutral part of a validated spec, with every default filled in. */
export function neutralSpec(spec: ClusterSpec): Record<string, unknown> {
    const { count, diskSizeGb, spread } = spec.controlPlane;
    return {
        kubernetesVersion: spec.kubernetesVersion,
        controlPlane: { count, diskSizeGb, spread: spread ?? "required" },
        workerPools: spec.workerPools.map((p) => ({
            name: p.name,
            count: p.count,
            os: p.os,
            spot: p.spot,
            diskSizeGb: p.diskSizeGb,
            labels: p.labels,
            taints: p.taints,
            kubernetesVersion: p.kubernetesVersion ?? spec.kubernetesVersion,
        })),
        network: spec.network,
        cni: spec.cni,
        access: spec.access,
        secretsEncryption: spec.secretsEncryption,
        tags: spec.tags,
        lifecycle: spec.lifecycle,
    };
}

/** Flattens to `kubeforge:<path>` → JSON text; lists of scalars stay whole (a CIDR list is one value). */
export function flatten(value: unknown, prefix = "kubeforge:"): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (v: unknown, at: string) => {
        if (Array.isArray(v) && v.some((x) => typeof x === "object" && x !== null)) {
            v.forEach((x, i) => walk(x, `${at}[${i}]`));
            out.set(`${at}.length`, String(v.length));
        } else if (typeof v === "object" && v !== null && !Array.isArray(v)) {
            const keys = Object.keys(v);
            if (keys.length === 0) out.set(at, "{}");
            for (const k of keys) walk((v as Record<string, unknown>)[k], at.endsWith(":") ? `${at}${k}` : `${at}.${k}`);
        } else {
            out.set(at, JSON.stringify(v));
        }
    };
    walk(value, prefix);
    return out;
}

/** A key whose value is not the same in every stack. */
export interface SpecDifference {
    /** `kubeforge:controlPlane.count`, `kubeforge:workerPools[0].diskSizeGb`. */
    key: string;
    /** Each stack's value (JSON text), `undefined` where the stack lacks the key. */
    values: Record<string, string | undefined>;
}

/**
 * Keys whose neutral values differ between stacks, sorted.
 *
 * @param specs - each stack's neutral spec, by stack name
 */
export function specDifferences(specs: Record<string, Record<string, unknown>>): SpecDifference[] {
    const flat = Object.entries(specs).map(([stack, spec]) => [stack, flatten(spec)] as const);
    const keys = new Set(flat.flatMap(([, m]) => [...m.keys()]));
    const out: SpecDifference[] = [];
    for (const key of [...keys].sort()) {
        const values = Object.fromEntries(flat.map(([stack, m]) => [stack, m.get(key)]));
        if (new Set(Object.values(values)).size > 1) out.push({ key, values });
    }
    return out;
}

/** One line per difference: `kubeforge:controlPlane.diskSizeGb (aws: 50, azure: 64)`. */
export function describeDifferences(differences: SpecDifference[]): string[] {
    return differences.map(
        (d) =>
            `${d.key} (${Object.entries(d.values)
                .map(([s, v]) => `${s}: ${v ?? "absent"}`)
                .join(", ")})`,
    );
}
