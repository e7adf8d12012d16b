/**
 * The bare-metal stack outputs: how the endpoint is served, which node ran `kubeadm init` on which host,
 * every node's host, and what the site's firewall must admit. The host keys each host showed come per
 * machine (machines.ts), gathered by the core as `hostKeys`. No secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ClusterSpec, NodePlan } from "../../core/types";
import type { BaremetalConfig } from "./config";
import { requiredOpenings } from "./firewall";
import { hostFor } from "./placement";

/**
 * The outputs.
 *
 * @param spec - the cluster
 * @param config - the validated block
 * @param nodes - every node, placed
 */
export function baremetalOutputs(
    spec: ClusterSpec,
    config: BaremetalConfig,
    nodes: readonly NodePlan[],
): Record<string, pulumi.Output<unknown>> {
    const init = nodes.find((n) => n.initNode);
    const initHost = init ? hostFor(config, init) : undefined;
    return {
        endpointKind: pulumi.output(config.endpoint.kind),
        initNode: pulumi.output(init && initHost ? `${init.name} on ${initHost.name} (${initHost.address})` : ""),
        hosts: pulumi.output(
            Object.fromEntries(
                nodes.map((n) => {
                    const h = hostFor(config, n)!;
                    return [n.name, { host: h.name, address: h.address, failureDomain: h.failureDomain, role: n.role }];
                }),
            ),
        ),
        firewall: pulumi.output(requiredOpenings(spec)),
    };
}
