/**
 * NodeLifecycle: one dynamic resource per node, depending on the node's machine, so Pulumi deletes it
 * first: its delete drains the node through the Kubernetes API (evictions honour PodDisruptionBudgets),
 * removes a master's etcd member, and deletes the Node object before the machine goes. Its inputs are
 * the neutral node record the policy pack reads. The provider itself is in nodeProvider.ts.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { dynamicInputs, type ProviderEntry } from "../dynamic";
import { LIFECYCLE_PROVIDER_VERSION } from "./diffing";
import { withSecretClientKey, type InputsOf, type LifecycleConnectionArgs } from "./readiness";
import { NODE_LIFECYCLE_TYPE, type NodeRecord } from "./types";

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

/** Where {@link NodeLifecycle}'s provider is bundled from. */
export const NODE_LIFECYCLE_PROVIDER: ProviderEntry = { file: path.join(__dirname, "nodeProvider"), exportName: "nodeLifecycleProvider" };

/**
 * The lifecycle record of one node; type `pulumi-nodejs:dynamic/kubeforge:NodeLifecycle`. Create
 * records the node (optionally waiting for it to join); delete drains and removes it. Give it
 * `dependsOn: machine.dependsOn` so it is deleted before the machine.
 */
export class NodeLifecycle extends pulumi.CustomResource {
    /**
     * @param name - Resource name (the NodePlan name).
     * @param args - Node record, connection and drain settings.
     * @param opts - Resource options; `additionalSecretOutputs` always includes `clientKey`.
     */
    constructor(name: string, args: NodeLifecycleArgs, opts: pulumi.CustomResourceOptions = {}) {
        super(
            NODE_LIFECYCLE_TYPE,
            name,
            dynamicInputs(NODE_LIFECYCLE_PROVIDER, {
                ...args,
                clientKey: pulumi.secret(args.clientKey),
                drainTimeoutSeconds: args.drainTimeoutSeconds ?? 600,
                skipDrain: args.skipDrain ?? false,
                waitForJoin: args.waitForJoin ?? false,
                providerVersion: args.providerVersion ?? LIFECYCLE_PROVIDER_VERSION,
            }),
            withSecretClientKey(opts),
        );
    }
}
