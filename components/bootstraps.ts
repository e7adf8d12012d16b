/**
 * The core's per-node bootstrap outputs: each node's bootstrap rendered from the PKI and the endpoint,
 * then delivered in the form its platform declared ({@link Delivery}): user data formatted, encoded and
 * size-checked, or the bootstrap itself for SSH. Secret throughout (tokens, and CA keys on masters).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ClusterSpec, NodePlan } from "./core/types";
import type { ApiEndpoint, DeliveredBootstrap, Delivery } from "./platform";
import type { ClusterPkiOutputs } from "./pki";
import { renderNodeBootstrap } from "../bootstrap/render";
import { renderByTemplate } from "../bootstrap/template";
import type { NodeBootstrap, PkiMaterial, PlatformBootstrapFacts } from "../bootstrap/types";
import { encodeForDelivery, formatBootstrap, formFor, type UserDataForm } from "./kit/delivery";

/** Everything the per-node rendering needs. */
export interface BootstrapSources {
    /** The validated cluster. */
    spec: ClusterSpec;
    /** The cluster PKI. */
    pki: ClusterPkiOutputs;
    /** What the bootstrap must know about the platform. */
    facts: PlatformBootstrapFacts;
    /** The platform's API endpoint (nodes join `nodeHost`, else `host`). */
    endpoint: ApiEndpoint;
    /** How the platform takes bootstraps. */
    delivery: Delivery;
}

/**
 * Every node's bootstrap, delivered as the platform declared, in the order of `nodes`. Renders once
 * per role (the PKI material differs) and, inside, once per group of nodes that differ only by name
 * (bootstrap/template.ts), so large pools cost one rendering, not one per node.
 *
 * @param sources - spec, PKI, platform facts, endpoint and delivery
 * @param nodes - the nodes, placed
 */
export function deliverBootstraps(sources: BootstrapSources, nodes: readonly NodePlan[]): DeliveredBootstrap[] {
    const { spec, pki, facts, endpoint, delivery } = sources;
    const host = endpoint.nodeHost ?? endpoint.host;
    const out = new Array<DeliveredBootstrap>(nodes.length);
    for (const role of ["control-plane", "worker"] as const) {
        const indexes = nodes.flatMap((n, i) => (n.role === role ? [i] : []));
        if (indexes.length === 0) continue;
        const inputs = pulumi.all([host, pulumi.all(endpoint.extraSans ?? []), pkiMaterial(pki, role)]);
        const render = (node: NodePlan, [h, extraSans, material]: [string, string[], PkiMaterial]): NodeBootstrap =>
            renderNodeBootstrap({ spec, node, endpoint: { host: h, port: endpoint.port }, extraSans, pki: material, facts });

        // One pass: each node's declared form decides whether it gets the bootstrap itself or user data.
        const data: { index: number; node: NodePlan; form: UserDataForm }[] = [];
        for (const index of indexes) {
            const node = nodes[index];
            const form = formFor(delivery, node);
            if (form.format === "ssh") {
                out[index] = { kind: "ssh", bootstrap: pulumi.secret(inputs.apply((values) => render(node, values))) };
            } else data.push({ index, node, form });
        }
        if (data.length === 0) continue;
        const dataNodes = data.map((d) => d.node);
        const values = pulumi.secret(
            inputs.apply((resolved) => {
                // The template pass may render a stand-in node (a placeholder name): its form comes from its OS.
                const texts = renderByTemplate(dataNodes, (node) =>
                    formatBootstrap(render(node, resolved), formFor(delivery, node) as UserDataForm),
                );
                return texts.map((text, k) => encodeForDelivery(text, data[k].form, data[k].node.name).value);
            }),
        );
        data.forEach(({ index, form }, k) => {
            out[index] = { kind: "user-data", form, value: values.apply((v) => v[k]) };
        });
    }
    return out;
}

/**
 * The PKI material a node of `role` receives: every CA key for masters, the CA certificate and token
 * for workers. One Output per role, shared by its nodes.
 *
 * @param pki - the cluster PKI
 * @param role - the role
 */
export function pkiMaterial(pki: ClusterPkiOutputs, role: NodePlan["role"]): pulumi.Output<PkiMaterial> {
    const expiry = { bootstrapTokenExpires: pki.bootstrapTokenExpires };
    if (role !== "control-plane") {
        return pulumi.output({ caCert: pki.caCert, bootstrapToken: pki.bootstrapToken }).apply((m): PkiMaterial => ({ ...m, ...expiry }));
    }
    return pulumi
        .output({
            caCert: pki.caCert,
            caKey: pki.caKey,
            etcdCaCert: pki.etcdCaCert,
            etcdCaKey: pki.etcdCaKey,
            frontProxyCaCert: pki.frontProxyCaCert,
            frontProxyCaKey: pki.frontProxyCaKey,
            serviceAccountKey: pki.serviceAccountKey,
            serviceAccountPub: pki.serviceAccountPub,
            bootstrapToken: pki.bootstrapToken,
            encryptionKey: pki.encryptionKey,
        })
        .apply((m): PkiMaterial => ({ ...m, ...expiry }));
}
