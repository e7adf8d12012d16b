/**
 * The NodeLifecycle provider: what the engine's dynamic-provider host runs for each node record.
 * Bundled by esbuild into the resource's `__provider` text (see `components/dynamic.ts`), so this
 * module and what it reaches import `@pulumi/pulumi` for types only: the text must load without it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { createKubeApi } from "./kubeapi";
import { decommissionNode } from "./decommission";
import { findNode } from "./drain";
import { changedKeys, withoutProvider } from "./diffing";
import type { NodeRecord } from "./types";

/** What the provider receives: plain values (acceptSecrets=false). */
interface NodeInputs extends NodeRecord {
    endpoint: string;
    caCert: string;
    clientCert: string;
    clientKey: string;
    drainTimeoutSeconds: number;
    evictionGracePeriodSeconds?: number;
    skipDrain: boolean;
    waitForJoin: boolean;
    joinTimeoutSeconds?: number;
    providerVersion: string;
    [key: string]: unknown;
}

/** Fields whose change means another node: replace (create the new record, delete the old one). */
const REPLACE_KEYS = ["node", "role", "pool"];

function apiFor(inputs: NodeInputs) {
    return createKubeApi({ endpoint: inputs.endpoint, caCert: inputs.caCert, clientCert: inputs.clientCert, clientKey: inputs.clientKey });
}

/** The provider object; `NodeLifecycle` (node.ts) registers it as bundled text. */
export const nodeLifecycleProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: NodeInputs): Promise<pulumi.dynamic.CreateResult> {
        if (inputs.waitForJoin) {
            const api = apiFor(inputs);
            const deadline = Date.now() + Number(inputs.joinTimeoutSeconds ?? 1800) * 1000;
            let delay = 2000;
            let lastSeen: string;
            for (;;) {
                try {
                    if (await findNode(api, inputs.node)) break;
                    lastSeen = "not registered";
                } catch (err) {
                    lastSeen = err instanceof Error ? err.message : String(err);
                }
                if (Date.now() >= deadline) {
                    throw new Error(
                        `node ${inputs.node} did not join within ${inputs.joinTimeoutSeconds ?? 1800}s; last seen: ${lastSeen}`,
                    );
                }
                await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(delay, deadline - Date.now()))));
                delay = Math.min(delay * 2, 15_000);
            }
        }
        return { id: `${inputs.cluster}/${inputs.node}`, outs: withoutProvider(inputs) };
    },
    async diff(_id: string, olds: NodeInputs, news: NodeInputs): Promise<pulumi.dynamic.DiffResult> {
        const changed = changedKeys(olds, news);
        const replaces = changed.filter((k) => REPLACE_KEYS.includes(k));
        return { changes: changed.length > 0, replaces };
    },
    async update(_id: string, _olds: NodeInputs, news: NodeInputs): Promise<pulumi.dynamic.UpdateResult> {
        // Connection, drain settings and record facts: stored, so the eventual delete uses them.
        return { outs: withoutProvider(news) };
    },
    async delete(_id: string, props: NodeInputs): Promise<void> {
        await decommissionNode(apiFor(props), {
            node: props.node,
            role: props.role,
            kubernetesVersion: props.kubernetesVersion,
            drainTimeoutSeconds: Number(props.drainTimeoutSeconds ?? 600),
            evictionGracePeriodSeconds:
                props.evictionGracePeriodSeconds === undefined ? undefined : Number(props.evictionGracePeriodSeconds),
            skipDrain: props.skipDrain === true,
            log: (m) => console.log(`[kubeforge ${props.cluster}] ${m}`),
        });
    },
};
