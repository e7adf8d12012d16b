/**
 * NodeLifecycle: one dynamic resource per node, depending on the node's machine, so Pulumi deletes it
 * first: its delete drains the node through the Kubernetes API (evictions honour PodDisruptionBudgets),
 * removes a master's etcd member, and deletes the Node object before the machine goes. Its inputs are
 * the neutral node record the policy pack reads.
 */
import * as pulumi from "@pulumi/pulumi";
import { createKubeApi } from "./kubeapi";
import { decommissionNode } from "./decommission";
import { findNode } from "./drain";
import { changedKeys, LIFECYCLE_PROVIDER_VERSION, withoutProvider } from "./diffing";
import { withSecretClientKey, type InputsOf, type LifecycleConnectionArgs } from "./readiness";
import type { NodeRecord } from "./types";

/** Arguments of {@link NodeLifecycle}: the node record, the connection and the drain settings. */
export interface NodeLifecycleArgs extends InputsOf<NodeRecord>, LifecycleConnectionArgs {
    /** Drain limit on delete, in seconds (600). On timeout the delete fails and names the blocked pods. */
    drainTimeoutSeconds?: pulumi.Input<number>;
    /** Grace period given to evicted pods; each pod's own when absent. */
    evictionGracePeriodSeconds?: pulumi.Input<number>;
    /** True when the platform drains and removes the node itself (bare metal): delete does nothing. */
    skipDrain?: pulumi.Input<boolean>;
    /** Make create wait until the node has registered (false: machines boot in parallel, nothing waits). */
    waitForJoin?: pulumi.Input<boolean>;
    /** Limit of that wait in seconds (1800). */
    joinTimeoutSeconds?: pulumi.Input<number>;
}

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

/** The provider: serialized by value into state; every function it reaches is import-free. */
export const nodeLifecycleProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: NodeInputs): Promise<pulumi.dynamic.CreateResult> {
        if (inputs.waitForJoin) {
            const api = apiFor(inputs);
            const deadline = Date.now() + Number(inputs.joinTimeoutSeconds ?? 1800) * 1000;
            let delay = 2000;
            let lastSeen = "not registered";
            for (;;) {
                try {
                    if (await findNode(api, inputs.node)) break;
                    lastSeen = "not registered";
                } catch (err) {
                    lastSeen = err instanceof Error ? err.message : String(err);
                }
                if (Date.now() >= deadline) {
                    throw new Error(`node ${inputs.node} did not join within ${inputs.joinTimeoutSeconds ?? 1800}s; last seen: ${lastSeen}`);
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
            evictionGracePeriodSeconds: props.evictionGracePeriodSeconds === undefined ? undefined : Number(props.evictionGracePeriodSeconds),
            skipDrain: props.skipDrain === true,
            log: (m) => console.log(`[kubeforge ${props.cluster}] ${m}`),
        });
    },
};

/**
 * The lifecycle record of one node; type `pulumi-nodejs:dynamic/kubeforge:NodeLifecycle`. Create
 * records the node (optionally waiting for it to join); delete drains and removes it. Give it
 * `dependsOn: machine.dependsOn` so it is deleted before the machine.
 */
export class NodeLifecycle extends pulumi.dynamic.Resource {
    /**
     * @param name Resource name (the NodePlan name).
     * @param args Node record, connection and drain settings.
     * @param opts Resource options; `additionalSecretOutputs` always includes `clientKey`.
     */
    constructor(name: string, args: NodeLifecycleArgs, opts: pulumi.CustomResourceOptions = {}) {
        super(
            nodeLifecycleProvider,
            name,
            {
                ...args,
                clientKey: pulumi.secret(args.clientKey),
                drainTimeoutSeconds: args.drainTimeoutSeconds ?? 600,
                skipDrain: args.skipDrain ?? false,
                waitForJoin: args.waitForJoin ?? false,
                providerVersion: args.providerVersion ?? LIFECYCLE_PROVIDER_VERSION,
            },
            withSecretClientKey(opts),
            "kubeforge",
            "NodeLifecycle",
        );
    }
}
