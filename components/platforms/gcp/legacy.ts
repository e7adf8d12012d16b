/**
 * TRANSITIONAL: the core (components/cluster.ts) still drives platforms through the old contract's
 * single `create()` until the kit's next update moves it to `createInfrastructure` + `createMachine`.
 * This adapts the GCP platform to it without importing the old contract: infrastructure, then the
 * core's batch rendering with the declared delivery, then one `createMachine` per node. Delete this
 * file and its one use in index.ts once cluster.ts calls the new contract.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { NodeBootstrap } from "../../../bootstrap/types";
import type { NodePlan } from "../../core/types";
import type { ClusterPkiOutputs } from "../../pki";
import type { AddonSpec, MachineFacts, Platform } from "../../platform";
import { type UserDataForm, encodeForDelivery, formFor, formatBootstrap } from "../../kit/delivery";
import type { GcpConfig } from "./config";
import type { GcpInfrastructure } from "./infrastructure";

/** The old contract's context, as far as this adapter reads it. */
interface LegacyContext {
    spec: Parameters<Platform<GcpConfig, GcpInfrastructure>["parseConfig"]>[1];
    config: GcpConfig;
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
export function legacyCreate(platform: Platform<GcpConfig, GcpInfrastructure>) {
    return (name: string, ctx: LegacyContext) => {
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
