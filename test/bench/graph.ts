/** Graph helpers the model's tests share. */
import type { GraphNode } from "../../stacks/compare/critical-path";

/**
 * The resource `urn` and everything it waits for, directly or not: its finish is the critical path of
 * that subgraph, as nothing finishes before what it waits for.
 *
 * @param graph - the resources
 * @param urn - the resource
 */
export function upTo<R extends GraphNode>(graph: R[], urn: string): R[] {
    const byUrn = new Map(graph.map((x) => [x.urn, x]));
    const keep = new Set<string>();
    const stack = [urn];
    while (stack.length > 0) {
        const cur = byUrn.get(stack.pop()!);
        if (!cur || keep.has(cur.urn)) continue;
        keep.add(cur.urn);
        stack.push(...cur.deps);
    }
    return graph.filter((x) => keep.has(x.urn));
}
