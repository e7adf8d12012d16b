/**
 * The whole removal of one node through the API, in the order that keeps the cluster healthy: find
 * it, drain it, (masters) remove its etcd member from another master, delete the Node object.
 * Bundled into the NodeLifecycle provider's text by esbuild (components/dynamic.ts): no runtime
 * import of `@pulumi/pulumi` here.
 */
import type { KubeApi } from "./kubeapi";
import type { NodeRole } from "../core/types";
import { deleteNodeObject, drainNode, findNode, type DrainClock, type DrainResult } from "./drain";
import { removeEtcdMember, type EtcdRemovalOutcome } from "./etcd";

/** Options of {@link decommissionNode}. */
export interface DecommissionOptions extends DrainClock {
    /** NodePlan name (the `kubeforge.io/node` label value). */
    node: string;
    /** Role: masters also leave etcd. */
    role: NodeRole;
    /** Control-plane version (etcd image fallback). */
    kubernetesVersion: string;
    /** Drain limit in seconds. */
    drainTimeoutSeconds: number;
    /** Grace period for evictions; each pod's own when absent. */
    evictionGracePeriodSeconds?: number;
    /** The platform removes the node itself (bare metal over SSH): do nothing here. */
    skipDrain?: boolean;
    /** Progress messages (never secrets). */
    log?: (message: string) => void;
}

/** What {@link decommissionNode} did. */
export interface DecommissionResult {
    /** Kubernetes name of the node, when it had joined. */
    nodeName?: string;
    /** Drain result, when drained. */
    drain?: DrainResult;
    /** etcd outcome, for masters. */
    etcd?: EtcdRemovalOutcome;
    /** Why nothing was done, when nothing was. */
    skipped?: string;
}

/**
 * Removes a node from the cluster before its machine is destroyed. A node that never joined is a
 * success. With `skipDrain` nothing is touched: deleting the Node object first would let the pod
 * garbage collector remove its pods without respecting PodDisruptionBudgets.
 */
export async function decommissionNode(api: KubeApi, options: DecommissionOptions): Promise<DecommissionResult> {
    const log = options.log ?? (() => undefined);
    if (options.skipDrain) {
        log(`node ${options.node}: the platform removes it itself; no API-side drain`);
        return { skipped: "platform handles removal" };
    }
    const node = await findNode(api, options.node);
    if (!node) {
        log(`node ${options.node} never joined the cluster (or is already gone); nothing to drain`);
        return { skipped: "not joined" };
    }
    const nodeName = node.metadata.name;
    const drain = await drainNode(api, nodeName, {
        ...options,
        timeoutSeconds: options.drainTimeoutSeconds,
    });
    let etcd: EtcdRemovalOutcome | undefined;
    if (options.role === "control-plane") {
        etcd = await removeEtcdMember(api, {
            ...options,
            nodeName,
            timeoutSeconds: Math.max(120, Math.min(options.drainTimeoutSeconds, 600)),
        });
    }
    await deleteNodeObject(api, nodeName);
    log(`deleted Node ${nodeName}`);
    return { nodeName, drain, etcd };
}
