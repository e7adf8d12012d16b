/**
 * TRANSITIONAL: the core (components/cluster.ts) still drives platforms through the old contract's
 * single `create()` until the kit's next update moves it to `createInfrastructure` + `createMachine`.
 * This adapts a platform written to the new contract (GCP, Azure, DigitalOcean) to it without importing the old contract: infrastructure, then the
 * core's batch rendering with the declared delivery, then one `createMachine` per node. Delete this
 * file and its uses in the platforms' index.ts once cluster.ts calls the new contract.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { NodeBootstrap } from "../../bootstrap/types";
import type { ClusterSpec, NodePlan } from "../core/types";
import type { ClusterPkiOutputs } from "../pki";
import type { AddonSpec, MachineFacts, Platform, PlatformInfrastructure } from "../platform";
import { type UserDataForm, encodeForDelivery, formFor, formatBootstrap } from "./delivery";

/** The old contract's context, as far as this adapter reads it. */
interface LegacyContext<C> {
    spec: ClusterSpec;
    config: C;
    nodes: NodePlan[];
    pki: ClusterPkiOutputs;
    parent: pulumi.Resource;
    renderUserData(
        nodes: NodePlan[],
        endpoint: { host: pulumi.Input<string>; port: number; extraSans?: pulumi.Input<string>[] },
        delivery: { format(b: NodeBootstrap, node: NodePlan): string; encode(text: string, node: NodePlan): string },
    ): pulumi.Output<string>[];
}

/**
 * The old `create()` built from the new contract's pieces.
 * @param platform - the platform
 */
export function legacyCreate<C, I extends PlatformInfrastructure>(platform: Platform<C, I>) {
    return (name: string, ctx: LegacyContext<C>) => {
        const infrastructure = platform.createInfrastructure(name, {
            spec: ctx.spec,
            config: ctx.config,
            nodes: ctx.nodes,
            parent: ctx.parent,
        });
        const form = (node: NodePlan) => formFor(platform.delivery, node) as UserDataForm;
        const values = ctx.renderUserData(
            ctx.nodes,
            {
                host: infrastructure.endpoint.nodeHost ?? infrastructure.endpoint.host,
                port: infrastructure.endpoint.port,
                extraSans: infrastructure.endpoint.extraSans,
            },
            {
                format: (b, node) => formatBootstrap(b, form(node)),
                encode: (text, node) => encodeForDelivery(text, form(node), node.name).value,
            },
        );
        const machines = ctx.nodes.map((node, i): MachineFacts & { node: NodePlan } => ({
            node,
            ...platform.createMachine(
                name,
                node,
                { kind: "user-data", form: form(node), value: values[i] },
                { spec: ctx.spec, config: ctx.config, infrastructure, pki: ctx.pki, parent: ctx.parent },
            ),
        }));
        const addons: AddonSpec[] = infrastructure.addons;
        return {
            endpointHost: infrastructure.endpoint.host,
            endpointPort: infrastructure.endpoint.port,
            machines,
            addons,
            extraOutputs: infrastructure.outputs,
        };
    };
}
