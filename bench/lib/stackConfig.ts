/**
 * Stack configs for the benchmarks: the shipped AWS stack (`stacks/Pulumi.aws.yaml`) resized to
 * 3 masters and N workers, written to a temp dir. While that stack does not exist yet, the base is
 * `bench/Pulumi.bench-aws.yaml`, a small AWS stack written for the benchmarks.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { BENCH_DIR, REPO_ROOT } from "./child";
import { readStackConfig } from "../../stacks/plan/stackConfig";
import { resolveStack } from "../../stacks/program";

/** The shipped AWS stack. */
export const SHIPPED_STACK = path.join(REPO_ROOT, "stacks", "Pulumi.aws.yaml");
/** The benchmarks' own stack, the fallback. */
export const BENCH_STACK = path.join(BENCH_DIR, "Pulumi.bench-aws.yaml");

interface Pool {
    name: string;
    count: number;
    [key: string]: unknown;
}

/**
 * Writes `Pulumi.bench-<masters>m<workers>w.yaml` into a fresh temp dir: the base stack with
 * `masters` masters and `workers` workers spread over the base's Linux worker pools (the first pools get
 * the remainder), so the cluster keeps the stack's shape (pools, spot, labels) at any size.
 *
 * @param base - the stack config to resize
 * @param workers - total workers
 * @param masters - control-plane count (3 by default)
 * @param topology - `kubeforge:aws.topology` to set (the base's when absent)
 * @returns the path of the file
 */
export function writeSizedStack(base: string, workers: number, masters = 3, topology?: string): string {
    const doc = parse(fs.readFileSync(base, "utf8")) as { config: Record<string, unknown> };
    const config = doc.config;
    if (topology !== undefined) config["kubeforge:aws"] = { ...((config["kubeforge:aws"] ?? {}) as Record<string, unknown>), topology };
    const controlPlane = (config["kubeforge:controlPlane"] ?? {}) as Record<string, unknown>;
    config["kubeforge:controlPlane"] = { ...controlPlane, count: masters };
    const pools = ((config["kubeforge:workerPools"] ?? []) as Pool[]).filter((p) => (p.os ?? "linux") === "linux");
    const kept: Pool[] = pools.length > 0 ? pools : [{ name: "general", count: 0 }];
    // Keep at least one pool; drop pools that would get no node (a pool of 0 is valid, but noise).
    const used = kept.slice(0, Math.max(1, Math.min(kept.length, workers)));
    const each = Math.floor(workers / used.length);
    const extra = workers % used.length;
    config["kubeforge:workerPools"] = used.map((p, i) => ({ ...p, count: each + (i < extra ? 1 : 0) }));
    // A /24 of pods per node: a /16 pod range holds 256 nodes. Widen it for the large sizes.
    const network = (config["kubeforge:network"] ?? {}) as Record<string, unknown>;
    const podPrefix = Number(/\/(\d+)$/.exec(String(network.podCidr ?? "10.244.0.0/16"))?.[1] ?? 16);
    if (masters + workers > 2 ** (24 - podPrefix)) config["kubeforge:network"] = { ...network, podCidr: "10.128.0.0/12" };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kf-bench-stack-"));
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, `Pulumi.bench-${masters}m${workers}w${topology ? `-${topology}` : ""}.yaml`);
    fs.writeFileSync(file, stringify(doc));
    return file;
}

/** A sized stack ready to plan, and which base it came from. */
export interface SizedStack {
    file: string;
    /** `stacks/Pulumi.aws.yaml`, or the bench's own stack when the shipped one is missing or invalid. */
    base: string;
    /** Why the shipped stack was not used, when it was not. */
    note?: string;
}

/**
 * The shipped AWS stack resized, validated with the program's own `resolveStack`; the bench's own stack
 * when the shipped one is missing or does not validate (the repository is being integrated).
 *
 * @param workers - total workers
 * @param masters - control-plane count
 * @param topology - `kubeforge:aws.topology` to set (the stack's own when absent)
 */
export async function sizedStack(workers: number, masters = 3, topology?: string): Promise<SizedStack> {
    let note: string | undefined;
    if (fs.existsSync(SHIPPED_STACK)) {
        const file = writeSizedStack(SHIPPED_STACK, workers, masters, topology);
        try {
            resolveStack(readStackConfig(file).values);
            return { file, base: path.relative(REPO_ROOT, SHIPPED_STACK) };
        } catch (err) {
            note = `stacks/Pulumi.aws.yaml does not validate: ${(err as Error).message.split("\n").slice(1).join(" ").trim()}`;
        }
    } else {
        note = "stacks/Pulumi.aws.yaml does not exist yet";
    }
    const file = writeSizedStack(BENCH_STACK, workers, masters, topology);
    // Throws a ConfigError naming every problem when even the bench's stack no longer validates.
    resolveStack(readStackConfig(file).values);
    return { file, base: path.relative(REPO_ROOT, BENCH_STACK), note };
}
