/**
 * The conformance suite's judgements, as pure functions over plans (the `npm run plan -- --json` document),
 * so each can be shown to fail on a bad plan without building one (see judge.test.ts). The suite itself
 * (conformance.test.ts) runs them over every registered platform's example stack.
 */
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import type { PlanJson, PlanJsonResource, PlanNode } from "../helpers/plan";

/** Masters per failure domain, and whether that is the even spread the spec asks for. */
export function spreadProblems(nodes: PlanNode[], offered: readonly string[], spread: string): string[] {
    const masters = nodes.filter((n) => n.role === "control-plane");
    const problems: string[] = [];
    for (const m of masters) {
        if (!offered.includes(m.failureDomain))
            problems.push(`${m.name} is in ${m.failureDomain}, which the platform does not offer (${offered.join(", ")})`);
    }
    // Even means no domain holds two more masters than another (5 over 3 is 2/2/1, 3 over 5 is 1/1/1/0/0):
    // that also forces as many domains in use as there are masters or domains, whichever is fewer.
    const counts = new Map<string, number>(offered.map((d) => [d, 0]));
    for (const m of masters) counts.set(m.failureDomain, (counts.get(m.failureDomain) ?? 0) + 1);
    const values = [...counts.values()];
    if (spread !== "none" && masters.length > 0 && Math.max(...values) - Math.min(...values) > 1) {
        problems.push(`masters are not spread evenly: ${[...counts].map(([d, c]) => `${d}=${c}`).join(", ")}`);
    }
    return problems;
}

/** True when a resource name belongs to a node: the name is the node's, or the node's name is one of its dash-separated parts. */
export function belongsTo(resourceName: string, node: string): boolean {
    return (
        resourceName === node ||
        resourceName.startsWith(`${node}-`) ||
        resourceName.endsWith(`-${node}`) ||
        resourceName.includes(`-${node}-`)
    );
}

/** A URN without its stack and project, so plans of differently named stacks compare. */
function stacklessUrn(urn: string): string {
    return urn.replace(/^urn:pulumi:[^:]*::[^:]*::/, "");
}

/**
 * What changed between two plans that differ by one node of a pool: every added or removed resource must
 * belong to that node, no resource is renamed, and every other resource keeps its inputs exactly.
 *
 * @param before - the plan with fewer nodes
 * @param after - the plan with one more node
 * @param node - the name of the node that differs
 */
export function resizeProblems(before: PlanJson, after: PlanJson, node: string): string[] {
    const a = new Map(before.resources.map((r) => [stacklessUrn(r.urn), r]));
    const b = new Map(after.resources.map((r) => [stacklessUrn(r.urn), r]));
    const problems: string[] = [];
    const added = [...b.keys()].filter((k) => !a.has(k));
    const removed = [...a.keys()].filter((k) => !b.has(k));
    if (added.length === 0) problems.push(`no resource is added for ${node}`);
    for (const k of added)
        if (!belongsTo(b.get(k)!.name, node)) problems.push(`${b.get(k)!.type} ${b.get(k)!.name} appears, which is not ${node}'s`);
    for (const k of removed) problems.push(`${a.get(k)!.type} ${a.get(k)!.name} disappears (renamed or replaced)`);
    for (const [k, r] of a) {
        const other = b.get(k);
        if (!other || belongsTo(r.name, node)) continue;
        const changed = Object.keys({ ...r.inputs, ...other.inputs }).filter(
            (f) => JSON.stringify(r.inputs[f]) !== JSON.stringify(other.inputs[f]),
        );
        if (changed.length > 0) problems.push(`${r.type} ${r.name} changes ${changed.join(", ")}`);
    }
    return problems;
}

/** Replaces every `[secret]`-masked leaf's counterpart with the shown value's string leaves. */
function secretLeaves(masked: unknown, shown: unknown, out: string[]): void {
    if (masked === "[secret]") {
        collectStrings(shown, out);
        return;
    }
    if (Array.isArray(masked) && Array.isArray(shown)) masked.forEach((m, i) => secretLeaves(m, shown[i], out));
    else if (masked && shown && typeof masked === "object" && typeof shown === "object") {
        for (const [k, v] of Object.entries(masked)) secretLeaves(v, (shown as Record<string, unknown>)[k], out);
    }
}

function collectStrings(value: unknown, out: string[]): void {
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, out));
    else if (value && typeof value === "object") Object.values(value).forEach((v) => collectStrings(v, out));
}

/**
 * The secret material a plan carries, found where only secrets look like that: private-key PEM lines, kubeadm
 * bootstrap tokens, encryption-at-rest keys and offline placeholders of encrypted config values. Looked for in
 * the shown plan's masked leaves and in the decoded texts given (user data, which is gzipped in the inputs).
 *
 * @param masked - the plan as printed without `--show-secrets`
 * @param shown - the same plan with `--show-secrets`
 * @param decoded - decoded user data of the shown plan
 */
export function secretAtoms(masked: PlanJson, shown: PlanJson, decoded: string[]): string[] {
    const leaves: string[] = [];
    secretLeaves(masked, shown, leaves);
    const atoms = new Set<string>();
    for (const text of [...leaves, ...decoded]) {
        for (const block of text.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g) ?? []) {
            for (const line of block.split(/\\n|\n/)) if (line.length >= 16 && !line.startsWith("-----")) atoms.add(line.slice(0, 24));
        }
        for (const token of text.match(/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g) ?? []) atoms.add(token.split(".")[1]);
        for (const m of text.matchAll(/\bsecret:\s*"?([A-Za-z0-9+/]{32,}={0,2})/g)) atoms.add(m[1]);
        if (text.startsWith("[secure value")) atoms.add(text);
    }
    return [...atoms];
}

/** The file a cloud-config writes, decoded. */
export interface WrittenFile {
    path: string;
    content: string;
}

/**
 * The files a `#cloud-config` document writes, with `b64`, `gzip+base64` / `gz+b64` contents decoded.
 *
 * @param cloudConfig - the cloud-config text
 */
export function writtenFiles(cloudConfig: string): WrittenFile[] {
    const doc = parse(cloudConfig) as { write_files?: { path: string; content?: string; encoding?: string }[] } | null;
    return (doc?.write_files ?? []).map((f) => {
        const raw = f.content ?? "";
        const encoding = (f.encoding ?? "text/plain").toLowerCase();
        let content = raw;
        if (["b64", "base64"].includes(encoding)) content = Buffer.from(raw, "base64").toString("utf8");
        else if (["gz+b64", "gzip+base64", "gz+base64", "gzip+b64"].includes(encoding))
            content = gunzipSync(Buffer.from(raw, "base64")).toString("utf8");
        return { path: f.path, content };
    });
}

/** API groups the project's strict schemas cover (test/fixtures/schemas). */
const SCHEMA_GROUPS = [
    "kubeadm.k8s.io/",
    "kubelet.config.k8s.io/",
    "kubeproxy.config.k8s.io/",
    "audit.k8s.io/",
    "apiserver.config.k8s.io/",
];

/**
 * The YAML streams among `files` that hold Kubernetes documents of a group the schemas cover.
 *
 * @param files - decoded files
 */
export function schemaDocuments(files: WrittenFile[]): WrittenFile[] {
    return files.filter(
        (f) =>
            /\.ya?ml$/.test(f.path) &&
            SCHEMA_GROUPS.some((g) => new RegExp(`^apiVersion:\\s*${g.replace(/[./]/g, "\\$&")}`, "m").test(f.content)),
    );
}

/**
 * Resources of a plan by stackless URN, for looking up the shown twin of a masked resource.
 *
 * @param plan - a plan
 */
export function byUrn(plan: PlanJson): Map<string, PlanJsonResource> {
    return new Map(plan.resources.map((r) => [stacklessUrn(r.urn), r]));
}
