/**
 * Renders many nodes' delivered text (cloud-init YAML, a PowerShell script) once per group of nodes
 * that differ only by name, then fills each name in. Nodes of one pool in one failure domain get the
 * same bootstrap but for their name (in the env file, the `kubeforge.io/node` label and a header
 * comment), so rendering every one (documents, YAML) cost about 3 ms a node and kept a full
 * rendering per node alive: the evaluation benchmark's largest toolkit-only cost after Pulumi's own.
 *
 * Safety does not rest on knowing where a name appears. Each group's template is rendered under a
 * placeholder name and an ordinal no node has, and its first node is rendered for real; only if the
 * placeholder filled with that node's name gives exactly the real rendering is the rest of the group
 * filled by substitution. Anything else (a renderer that derives text from the name or the ordinal, a
 * config value that happens to contain the placeholder) renders that group node by node, as before.
 * A group therefore costs two renderings, whatever its size: never more than rendering each node.
 * Pure: no Pulumi.
 */
import { LABELS, type NodePlan } from "../components/core/types";
import { canonicalJson } from "./canonicalJson";

/**
 * Stands for a node's name in a group's rendering. Upper case: node, cluster and pool names are
 * lower-case DNS labels, so no name can contain it (and the check above catches any other value).
 */
export const NODE_NAME_PLACEHOLDER = "KUBEFORGENODENAMEA";
/** The template's ordinal: no placed node has it, so a rendering that uses the ordinal fails the check. */
const TEMPLATE_ORDINAL = -1;

/**
 * The node with its name (and the `kubeforge.io/node` label that carries it) replaced, and its
 * ordinal fixed: what every node of its group shares.
 *
 * @param node - a placed node
 * @param placeholder - what stands for the name
 * @param ordinal - the ordinal to give it
 */
export function nodeTemplate(node: NodePlan, placeholder: string = NODE_NAME_PLACEHOLDER, ordinal = TEMPLATE_ORDINAL): NodePlan {
    const labels = { ...node.labels };
    if (LABELS.node in labels) labels[LABELS.node] = placeholder;
    return { ...node, name: placeholder, ordinal, labels };
}

/**
 * The key of a node's group: nodes with the same key render the same text but for their name.
 *
 * @param node - a placed node
 */
export function templateKey(node: NodePlan): string {
    return canonicalJson(nodeTemplate(node));
}

/**
 * Puts a node's name where the placeholder stands.
 *
 * @param text - a group's rendering
 * @param name - the node's name
 * @param placeholder - what stands for the name in `text`
 */
export function fillNodeName(text: string, name: string, placeholder: string = NODE_NAME_PLACEHOLDER): string {
    return text.split(placeholder).join(name);
}

/** How {@link renderByTemplate} rendered the nodes: for tests and the benchmark's account. */
export interface TemplateStats {
    /** Groups filled by substitution. */
    templated: number;
    /** Groups rendered node by node (one node, or the template failed the check). */
    perNode: number;
    /** Calls of `render` in all. */
    renders: number;
}

/** The value, or undefined when it throws (the caller renders node by node, which throws for real). */
function attempt(f: () => string): string | undefined {
    try {
        return f();
    } catch {
        return undefined;
    }
}

/**
 * `nodes.map(render)`, rendering once per group (twice, for the check) instead of once per node.
 *
 * @param nodes - the nodes, in any order
 * @param render - the node's delivered text; must be a pure function of the node
 * @param stats - filled in, when given
 * @returns one text per node, in the order of `nodes`
 */
export function renderByTemplate(nodes: readonly NodePlan[], render: (node: NodePlan) => string, stats?: TemplateStats): string[] {
    const groups = new Map<string, number[]>();
    nodes.forEach((node, i) => {
        const key = templateKey(node);
        const members = groups.get(key);
        if (members) members.push(i);
        else groups.set(key, [i]);
    });
    const out = new Array<string>(nodes.length);
    const counts: TemplateStats = { templated: 0, perNode: 0, renders: 0 };
    for (const members of groups.values()) {
        const first = nodes[members[0]];
        // A group of one gains nothing from a template: render the node itself.
        if (members.length === 1) {
            out[members[0]] = render(first);
            counts.renders += 1;
            counts.perNode += 1;
            continue;
        }
        const text = attempt(() => render(nodeTemplate(first)));
        // Rendered for real: the check, and the first node's text (it throws for real, too).
        const real = render(first);
        counts.renders += 2;
        out[members[0]] = real;
        const rest = members.slice(1);
        if (text !== undefined && fillNodeName(text, first.name) === real) {
            for (const i of rest) out[i] = fillNodeName(text, nodes[i].name);
            counts.templated += 1;
        } else {
            for (const i of rest) out[i] = render(nodes[i]);
            counts.renders += rest.length;
            counts.perNode += 1;
        }
    }
    if (stats) Object.assign(stats, counts);
    return out;
}
