/**
 * Validates rendered Kubernetes objects with the real Kubernetes code: `test/k8svalidate`, a small Go
 * program over k8s.io/kubernetes v1.36 (strict decoding into the API types, defaulting, then the API
 * server's own `Validate<Kind>` functions). Built once with the Go toolchain and kept in
 * `node_modules/.cache/kubeforge/k8svalidate/<hash of its sources>`, so a run after no change to it
 * starts no build.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const SOURCE_DIR = path.join(__dirname, "..", "k8svalidate");
const CACHE_DIR = path.join(__dirname, "..", "..", "node_modules", ".cache", "kubeforge", "k8svalidate");

/** One object's verdict. */
export interface K8sVerdict {
    /** Position in the input. */
    index: number;
    /** `apiVersion/kind`. */
    kind: string;
    /** metadata.name. */
    name: string;
    /** True when the kind is not one the checker knows (a custom resource): nothing was checked. */
    unchecked?: boolean;
    /** What the Kubernetes code found wrong; empty when valid. */
    errors: string[];
}

let binary: Promise<string> | undefined;

async function build(): Promise<string> {
    const hash = createHash("sha256");
    for (const file of ["go.mod", "go.sum", "main.go"]) hash.update(fs.readFileSync(path.join(SOURCE_DIR, file)));
    const out = path.join(CACHE_DIR, hash.digest("hex").slice(0, 16), "k8svalidate");
    if (fs.existsSync(out)) return out;
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    await run("go", ["build", "-o", tmp, "."], { cwd: SOURCE_DIR, maxBuffer: 16 << 20 });
    fs.renameSync(tmp, out);
    return out;
}

/**
 * Every object's verdict, in input order.
 * @param objects - Kubernetes objects as plain data
 */
export async function validateWithKubernetes(objects: unknown[]): Promise<K8sVerdict[]> {
    binary ??= build();
    const exe = await binary;
    return new Promise((resolve, reject) => {
        const child = execFile(exe, [], { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
            if (err) return reject(new Error(`k8svalidate failed: ${stderr || err.message}`));
            resolve(JSON.parse(stdout) as K8sVerdict[]);
        });
        child.stdin?.end(JSON.stringify(objects));
    });
}

/**
 * The problems in `objects` as lines (`<index> <kind>/<name>: <error>`), plus one line per object of a
 * kind the checker does not know unless it is listed in `customKinds`.
 * @param objects - Kubernetes objects as plain data
 * @param customKinds - `apiVersion/kind` of custom resources the caller expects and accepts unchecked
 */
export async function kubernetesErrors(objects: unknown[], customKinds: readonly string[] = []): Promise<string[]> {
    const verdicts = await validateWithKubernetes(objects);
    return verdicts.flatMap((v) => [
        ...v.errors.map((e) => `${v.index} ${v.kind}/${v.name}: ${e}`),
        ...(v.unchecked && !customKinds.includes(v.kind) ? [`${v.index} ${v.kind}/${v.name}: kind not known to the checker`] : []),
    ]);
}
