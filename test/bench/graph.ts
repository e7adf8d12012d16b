/** Graph helpers the model's tests share. */
import { waitedForBy, type GraphNode } from "../../stacks/compare/critical-path";

/**
 * The resource `urn` and everything it waits for, directly or not: its finish is the critical path of
 * that subgraph, as nothing finishes before what it waits for.
 *
 * @param graph - the resources
 * @param urn - the resource
 */
export function upTo<R extends GraphNode>(graph: R[], urn: string): R[] {
    const keep = waitedForBy(new Map(graph.map((x) => [x.urn, x])), urn);
    return graph.filter((x) => x.urn === urn || keep.has(x.urn));
}
