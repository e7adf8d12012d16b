/**
 * Taking a node out of the cluster through the Kubernetes API: find it, cordon it, evict its pods
 * (the Eviction API honours PodDisruptionBudgets; kubeforge never force-deletes), wait for them to
 * leave, and delete the Node object. Written against the {@link KubeApi} interface, with the clock
 * injected, so it is tested against a fake API server without real waits.
 *
 * Bundled into the NodeLifecycle provider's text by esbuild (components/dynamic.ts): no runtime
 * import of `@pulumi/pulumi` here.
 */
import type { KubeApi, KubeStatus } from "./kubeapi";

/** The parts of a Kubernetes object's metadata used here. */
export interface KubeMeta {
    /** Object name. */
    name: string;
    /** Namespace (none for nodes). */
    namespace?: string;
    /** UID: tells a recreated pod of the same name from the evicted one. */
    uid?: string;
    /** Labels. */
    labels?: Record<string, string>;
    /** Annotations (`kubernetes.io/config.mirror` marks a static pod's mirror). */
    annotations?: Record<string, string>;
    /** Set once the object is terminating. */
    deletionTimestamp?: string;
    /** Owners; a controlling DaemonSet exempts a pod from the drain. */
    ownerReferences?: { kind: string; name: string; controller?: boolean }[];
}

/** The parts of a Node used here. */
export interface KubeNode {
    /** Metadata. */
    metadata: KubeMeta;
    /** `unschedulable` is the cordon. */
    spec?: { unschedulable?: boolean };
    /** Conditions (`Ready`). */
    status?: { conditions?: { type: string; status: string }[] };
}

/** The parts of a Pod used here. */
export interface KubePod {
    /** Metadata. */
    metadata: KubeMeta;
    /** The node it is bound to. */
    spec?: { nodeName?: string };
    /** Phase. */
    status?: { phase?: string };
}

/** A label selector (`matchLabels` and `matchExpressions`), as in a PodDisruptionBudget. */
export interface LabelSelector {
    /** Labels that must all be equal. */
    matchLabels?: Record<string, string>;
    /** Requirements (`In`, `NotIn`, `Exists`, `DoesNotExist`), all of which must hold. */
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** The parts of a PodDisruptionBudget used here. */
export interface KubePdb {
    /** Metadata. */
    metadata: KubeMeta;
    /** The pods it guards. */
    spec?: { selector?: LabelSelector };
}

/** Timing knobs; the defaults suit a real cluster, tests shorten them. */
export interface DrainClock {
    /** Current time in milliseconds. */
    now?: () => number;
    /** Waits this many milliseconds. */
    sleep?: (ms: number) => Promise<void>;
    /** First retry delay (1 s); doubles up to {@link maxDelayMs}. */
    initialDelayMs?: number;
    /** Largest retry delay (10 s). */
    maxDelayMs?: number;
}

/** Options of {@link drainNode}. */
export interface DrainOptions extends DrainClock {
    /** Give up after this many seconds (evictions blocked or pods not terminating). */
    timeoutSeconds: number;
    /** Grace period passed to each eviction; each pod's own when absent. */
    evictionGracePeriodSeconds?: number;
    /** Progress messages (never secrets). */
    log?: (message: string) => void;
}

/** What a drain did. */
export interface DrainResult {
    /** `namespace/name` of the pods evicted. */
    evicted: string[];
    /** `namespace/name` of the pods left alone (mirror and DaemonSet pods). */
    skipped: string[];
}

/** Label selector value for the node label kubeforge sets on every node at registration. */
export const NODE_LABEL = "kubeforge.io/node";

/** `namespace/name` of a pod. */
export function podKey(pod: KubePod): string {
    return `${pod.metadata.namespace ?? "default"}/${pod.metadata.name}`;
}

/** True for a static pod's mirror (kubelet owns it; the API cannot evict it). */
export function isMirrorPod(pod: KubePod): boolean {
    return pod.metadata.annotations?.["kubernetes.io/config.mirror"] !== undefined;
}

/** True when a DaemonSet controls the pod (it would be recreated on the node at once; drain leaves it). */
export function isDaemonSetPod(pod: KubePod): boolean {
    return (pod.metadata.ownerReferences ?? []).some((o) => o.kind === "DaemonSet" && o.controller !== false);
}

/** True when `selector` selects an object with these labels (an empty selector selects everything). */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
    if (!selector) return false;
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
    for (const e of selector.matchExpressions ?? []) {
        const has = Object.prototype.hasOwnProperty.call(labels, e.key);
        const values = e.values ?? [];
        if (e.operator === "In" && !(has && values.includes(labels[e.key]))) return false;
        if (e.operator === "NotIn" && has && values.includes(labels[e.key])) return false;
        if (e.operator === "Exists" && !has) return false;
        if (e.operator === "DoesNotExist" && has) return false;
    }
    return true;
}

function defaultSleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Finds the Kubernetes Node of a kubeforge node: by the `kubeforge.io/node` label (the Node's own name
 * can differ, e.g. the EC2 private DNS name), else by name when it carries no conflicting label.
 * Undefined when the node never joined (or is already gone).
 */
export async function findNode(api: KubeApi, nodePlanName: string): Promise<KubeNode | undefined> {
    const byLabel = await api.list<KubeNode>("/api/v1/nodes", { labelSelector: `${NODE_LABEL}=${nodePlanName}` });
    if (byLabel.items.length > 1) {
        const names = byLabel.items.map((n) => n.metadata.name).join(", ");
        throw new Error(`more than one Node carries ${NODE_LABEL}=${nodePlanName} (${names}); delete the stale one with kubectl and retry`);
    }
    if (byLabel.items.length === 1) return byLabel.items[0];
    const res = await api.request("GET", `/api/v1/nodes/${encodeURIComponent(nodePlanName)}`);
    if (res.status === 404) return undefined;
    if (res.status < 200 || res.status >= 300) throw new Error(`GET /api/v1/nodes/${nodePlanName}: HTTP ${res.status}`);
    const node = res.json as KubeNode;
    const label = node.metadata.labels?.[NODE_LABEL];
    return label === undefined || label === nodePlanName ? node : undefined;
}

/** Marks the node unschedulable (`kubectl cordon`). */
export async function cordonNode(api: KubeApi, nodeName: string): Promise<void> {
    await api.patch(`/api/v1/nodes/${encodeURIComponent(nodeName)}`, { spec: { unschedulable: true } }, "strategic");
}

/** Lists the pods bound to a node. */
export async function podsOnNode(api: KubeApi, nodeName: string): Promise<KubePod[]> {
    return (await api.list<KubePod>("/api/v1/pods", { fieldSelector: `spec.nodeName=${nodeName}` })).items;
}

/** Names the PodDisruptionBudget that guards a pod, from the eviction's answer or by selector. */
async function pdbFor(api: KubeApi, pod: KubePod, answer: KubeStatus | undefined): Promise<string | undefined> {
    for (const cause of answer?.details?.causes ?? []) {
        const m = /disruption budget ([a-z0-9.-]+)/i.exec(cause.message ?? "");
        if (m) return `${pod.metadata.namespace ?? "default"}/${m[1]}`;
    }
    try {
        const ns = encodeURIComponent(pod.metadata.namespace ?? "default");
        const pdbs = await api.list<KubePdb>(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`);
        const match = pdbs.items.filter((p) => selectorMatches(p.spec?.selector, pod.metadata.labels));
        if (match.length > 0) return match.map((p) => `${p.metadata.namespace ?? pod.metadata.namespace}/${p.metadata.name}`).join(", ");
    } catch {
        // The PDB name only improves the message; the eviction answer is reported either way.
    }
    return undefined;
}

/**
 * Cordons a node and evicts every pod on it except mirror and DaemonSet pods, retrying evictions a
 * PodDisruptionBudget refuses (HTTP 429) with backoff until `timeoutSeconds`, then waits until the
 * evicted pods are gone. On timeout it fails with the pods still blocked and their PDBs; it never
 * deletes a pod directly.
 */
export async function drainNode(api: KubeApi, nodeName: string, options: DrainOptions): Promise<DrainResult> {
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? defaultSleep;
    const log = options.log ?? (() => undefined);
    const initialDelay = options.initialDelayMs ?? 1000;
    const maxDelay = options.maxDelayMs ?? 10_000;
    const deadline = now() + options.timeoutSeconds * 1000;

    await cordonNode(api, nodeName);
    log(`cordoned node ${nodeName}`);

    const skipped: string[] = [];
    const pending = new Map<string, KubePod>();
    const leaving = new Map<string, string | undefined>();
    for (const pod of await podsOnNode(api, nodeName)) {
        if (isMirrorPod(pod) || isDaemonSetPod(pod)) {
            skipped.push(podKey(pod));
        } else if (pod.metadata.deletionTimestamp) {
            leaving.set(podKey(pod), pod.metadata.uid);
        } else {
            pending.set(podKey(pod), pod);
        }
    }

    const evicted: string[] = [];
    const blocked = new Map<string, KubeStatus | undefined>();
    let delay = initialDelay;
    while (pending.size > 0) {
        for (const [key, pod] of [...pending]) {
            const ns = encodeURIComponent(pod.metadata.namespace ?? "default");
            const name = encodeURIComponent(pod.metadata.name);
            const eviction: Record<string, unknown> = {
                apiVersion: "policy/v1",
                kind: "Eviction",
                metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace ?? "default" },
            };
            if (options.evictionGracePeriodSeconds !== undefined)
                eviction.deleteOptions = { gracePeriodSeconds: options.evictionGracePeriodSeconds };
            const path = `/api/v1/namespaces/${ns}/pods/${name}/eviction`;
            const res = await api.request("POST", path, { body: eviction });
            if ((res.status >= 200 && res.status < 300) || res.status === 404) {
                pending.delete(key);
                blocked.delete(key);
                if (res.status !== 404) {
                    evicted.push(key);
                    leaving.set(key, pod.metadata.uid);
                    log(`evicted pod ${key}`);
                }
            } else if (res.status === 429 || res.status >= 500) {
                // 429: a PodDisruptionBudget does not allow it now. 5xx: the API is busy. Both retry.
                blocked.set(key, (res.json as KubeStatus | undefined) ?? { message: `HTTP ${res.status}` });
            } else {
                const status = res.json as KubeStatus | undefined;
                throw new Error(`POST ${path}: HTTP ${res.status}${status?.message ? `: ${status.message}` : ""}`);
            }
        }
        if (pending.size === 0) break;
        if (now() >= deadline) {
            const lines: string[] = [];
            for (const [key, pod] of pending) {
                const answer = blocked.get(key);
                const pdb = await pdbFor(api, pod, answer);
                lines.push(
                    `  - pod ${key}: ${pdb ? `PodDisruptionBudget ${pdb}` : "no PodDisruptionBudget found"}${answer?.message ? ` (${answer.message})` : ""}`,
                );
            }
            throw new Error(
                `drain of node ${nodeName} timed out after ${options.timeoutSeconds}s: ${pending.size} pod(s) could not be evicted:\n` +
                    `${lines.join("\n")}\n` +
                    "Fix the PodDisruptionBudget (or scale the workload so it allows a disruption) or raise the drain timeout, then run pulumi up again; kubeforge never force-deletes pods.",
            );
        }
        log(`${pending.size} pod(s) on ${nodeName} not evictable yet; retrying in ${delay} ms`);
        await sleep(delay);
        delay = Math.min(delay * 2, maxDelay);
    }

    delay = initialDelay;
    while (leaving.size > 0) {
        const present = new Map((await podsOnNode(api, nodeName)).map((p) => [podKey(p), p.metadata.uid]));
        for (const [key, uid] of [...leaving]) {
            if (!present.has(key) || (uid !== undefined && present.get(key) !== uid)) leaving.delete(key);
        }
        if (leaving.size === 0) break;
        if (now() >= deadline) {
            throw new Error(
                `drain of node ${nodeName} timed out after ${options.timeoutSeconds}s waiting for evicted pods to terminate: ${[...leaving.keys()].join(", ")}. ` +
                    "Check their termination grace period and finalizers, or raise the drain timeout.",
            );
        }
        await sleep(delay);
        delay = Math.min(delay * 2, maxDelay);
    }
    log(`drained node ${nodeName}: ${evicted.length} evicted, ${skipped.length} left (mirror/DaemonSet)`);
    return { evicted, skipped };
}

/** Deletes the Node object (a missing one counts as deleted). */
export async function deleteNodeObject(api: KubeApi, nodeName: string): Promise<void> {
    await api.delete(`/api/v1/nodes/${encodeURIComponent(nodeName)}`);
}
