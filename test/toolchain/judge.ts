/**
 * The verdicts of the real tools on one node's rendered kubeadm config: `kubeadm config validate`
 * (strict decoding of every document, kubeadm's defaulting and validation of Init/Cluster/Join) and,
 * for the init master's file, our checker running the kubelet's and kube-proxy's own validation on
 * the component configs kubeadm would hand them. Every problem names the stack, the node and the
 * file on the node, followed by the tool's own words (which name the field).
 */
import * as path from "node:path";
import { KUBEADM_DIR } from "../../bootstrap/layout";
import { describe, run, runIsolated } from "./exec";
import { modeOf, writeNodeConfig, type RenderedNode, type RenderedStack } from "./stacks";
import { toolPath } from "./toolchain";

type Doc = Record<string, unknown>;

/** Where a node's kubeadm config lives on the node (what a problem names). */
export function nodeConfigPath(n: RenderedNode): string {
    return `${KUBEADM_DIR}/${modeOf(n) === "init" ? "init" : "join"}.yaml`;
}

/**
 * Judges one node's kubeadm config; returns the problems (empty when the tools accept it).
 *
 * @param stack - the rendered stack
 * @param n - one of its nodes
 * @param dir - a temp folder of the test
 * @param edit - changes to the parsed documents before judging (tests of the judge itself)
 */
export async function judgeNodeConfig(stack: RenderedStack, n: RenderedNode, dir: string, edit?: (docs: Doc[]) => void): Promise<string[]> {
    const source = stack.source ?? `stacks/Pulumi.${stack.stack}.yaml`;
    const where = `stack ${stack.stack} (${source}), node ${n.node.name}, ${nodeConfigPath(n)}`;
    const files = writeNodeConfig(stack, n, path.join(dir, stack.stack, n.node.name), edit);
    const problems: string[] = [];
    const validate = await runIsolated(toolPath("kubeadm"), ["config", "validate", "--config", files.config]);
    if (validate.code !== 0) problems.push(`${where}: kubeadm config validate rejected it: ${describe(validate)}`);
    if (modeOf(n) === "init") {
        const check = await run(toolPath("kubeforge-configcheck"), [files.config]);
        if (check.code !== 0)
            problems.push(`${where}: the kubelet / kube-proxy validation rejected its component configs: ${describe(check)}`);
    }
    return problems;
}
