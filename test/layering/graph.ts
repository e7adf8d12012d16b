/**
 * The import graph of the product's TypeScript sources, for the layering test: every relative
 * `import`, `import type`, `export ... from`, `require(...)` and `import(...)` of a file, resolved to
 * the file it names. Read with the compiler's own pre-processor, so comments and strings that merely
 * look like imports are not edges.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

/** The folders whose sources are product code. */
export const PRODUCT_ROOTS = ["components", "bootstrap", "policies", "stacks"] as const;

/** An import graph: each file (relative to the repository root, `/`-separated) to the files it imports. */
export type ImportGraph = Map<string, string[]>;

/** One import that names a file outside the product roots or a module not found. */
export interface ExternalImport {
    /** The importing file. */
    from: string;
    /** The specifier as written. */
    specifier: string;
    /** The file it resolves to, relative to the repository root; undefined for a package or a missing file. */
    resolved?: string;
}

/**
 * Every `.ts` file under `dir`, skipping `node_modules` and build output.
 *
 * @param dir - an absolute folder
 */
function tsFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return ["node_modules", "bin", "dist"].includes(entry.name) ? [] : tsFiles(full);
        return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
    });
}

/**
 * The file a relative specifier names, as the TypeScript/Node resolution would find it.
 *
 * @param fromFile - the absolute path of the importing file
 * @param specifier - a specifier starting with `.`
 */
function resolveRelative(fromFile: string, specifier: string): string | undefined {
    const base = path.resolve(path.dirname(fromFile), specifier);
    const candidates = [base, `${base}.ts`, path.join(base, "index.ts"), base.replace(/\.js$/, ".ts")];
    return candidates.find((c) => c.endsWith(".ts") && fs.existsSync(c) && fs.statSync(c).isFile());
}

/**
 * The specifiers one source text imports (static, type-only, re-exports, `require` and `import()`).
 *
 * @param text - a TypeScript source
 */
export function specifiersOf(text: string): string[] {
    return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/**
 * The import graph of the product sources under `root`, and the imports that leave the product.
 *
 * @param root - the repository root (absolute)
 * @param roots - the product folders, relative to `root`
 */
export function importGraph(root: string, roots: readonly string[] = PRODUCT_ROOTS): { graph: ImportGraph; external: ExternalImport[] } {
    const rel = (file: string): string => path.relative(root, file).split(path.sep).join("/");
    const graph: ImportGraph = new Map();
    const external: ExternalImport[] = [];
    for (const file of roots.flatMap((r) => tsFiles(path.join(root, r)))) {
        const edges: string[] = [];
        for (const specifier of specifiersOf(fs.readFileSync(file, "utf8"))) {
            if (!specifier.startsWith(".")) {
                external.push({ from: rel(file), specifier });
                continue;
            }
            const target = resolveRelative(file, specifier);
            const resolved = target === undefined ? undefined : rel(target);
            if (resolved !== undefined && roots.some((r) => resolved.startsWith(`${r}/`))) edges.push(resolved);
            else external.push({ from: rel(file), specifier, resolved });
        }
        graph.set(rel(file), [...new Set(edges)].sort());
    }
    return { graph, external };
}

/**
 * Every import cycle, each as its files in order with the first repeated at the end
 * (`a.ts → b.ts → a.ts`), one per strongly connected group of files.
 *
 * @param graph - the graph to search
 */
export function findCycles(graph: ImportGraph): string[][] {
    // Tarjan's strongly connected components; a group of more than one file (or a file importing
    // itself) holds a cycle, and one concrete path through it is reported.
    let index = 0;
    const indices = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const groups: string[][] = [];
    const visit = (v: string): void => {
        indices.set(v, index);
        low.set(v, index++);
        stack.push(v);
        onStack.add(v);
        for (const w of graph.get(v) ?? []) {
            if (!indices.has(w)) {
                visit(w);
                low.set(v, Math.min(low.get(v)!, low.get(w)!));
            } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
        }
        if (low.get(v) === indices.get(v)) {
            const group: string[] = [];
            let w: string;
            do {
                w = stack.pop()!;
                onStack.delete(w);
                group.push(w);
            } while (w !== v);
            if (group.length > 1 || (graph.get(v) ?? []).includes(v)) groups.push(group);
        }
    };
    for (const v of [...graph.keys()].sort()) if (!indices.has(v)) visit(v);
    return groups.map((group) => cyclePath(graph, new Set(group)));
}

/**
 * One cycle through a strongly connected group: breadth-first from its first file (sorted) back to itself.
 *
 * @param graph - the graph
 * @param group - the files of one strongly connected group
 */
function cyclePath(graph: ImportGraph, group: Set<string>): string[] {
    const start = [...group].sort()[0];
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
        const v = queue.shift()!;
        for (const w of graph.get(v) ?? []) {
            if (!group.has(w)) continue;
            if (w === start) {
                const pathBack = [v];
                while (pathBack[0] !== start) pathBack.unshift(previous.get(pathBack[0])!);
                return [...pathBack, start];
            }
            if (!previous.has(w) && w !== start) {
                previous.set(w, v);
                queue.push(w);
            }
        }
    }
    return [start, start];
}

/** One layer of the product: the files it holds, by path prefix (a folder ends in `/`). */
export interface Layer {
    /** Name, for messages. */
    name: string;
    /** Path prefixes (`components/core/`) or exact files (`components/cluster.ts`), relative to the root. */
    paths: string[];
}

/**
 * The layer of a file: the one with the longest matching path prefix; undefined when none holds it.
 *
 * @param file - a file relative to the root
 * @param layers - the layers, lowest first
 */
export function layerOf(file: string, layers: readonly Layer[]): number | undefined {
    let best: { index: number; length: number } | undefined;
    layers.forEach((layer, index) => {
        for (const p of layer.paths) {
            const hit = p.endsWith("/") ? file.startsWith(p) : file === p;
            if (hit && (best === undefined || p.length > best.length)) best = { index, length: p.length };
        }
    });
    return best?.index;
}

/**
 * Imports that point up the layers (a lower layer importing a higher one), and files in no layer, each
 * as a sentence naming both files and both layers.
 *
 * @param graph - the import graph
 * @param layers - the layers, lowest first; a file may import its own layer or a lower one
 */
export function layerViolations(graph: ImportGraph, layers: readonly Layer[]): string[] {
    const problems: string[] = [];
    for (const [from, targets] of graph) {
        const own = layerOf(from, layers);
        if (own === undefined) {
            problems.push(`${from} is in no layer; add its folder to the layer it belongs to`);
            continue;
        }
        for (const to of targets) {
            const theirs = layerOf(to, layers);
            if (theirs !== undefined && theirs > own) {
                problems.push(`${from} (${layers[own].name}) imports ${to} (${layers[theirs].name}), a higher layer`);
            }
        }
    }
    return problems.sort();
}

/**
 * Platform folders importing one another (`components/platforms/a/…` → `components/platforms/b/…`):
 * a platform shares through the kit, never through another platform.
 *
 * @param graph - the import graph
 */
export function crossPlatformImports(graph: ImportGraph): string[] {
    const platformOf = (file: string): string | undefined => /^components\/platforms\/([^/]+)\//.exec(file)?.[1];
    return [...graph].flatMap(([from, targets]) =>
        targets
            .filter((to) => platformOf(from) !== undefined && platformOf(to) !== undefined && platformOf(from) !== platformOf(to))
            .map((to) => `${from} imports ${to}, another platform's file; move what both need into components/kit`),
    );
}

/**
 * Imports product code must never make: `test/`, `bench/`, or any module named `testing` (inside the
 * product or out of it).
 *
 * @param graph - the import graph (imports between product files)
 * @param external - the imports that leave the product roots
 */
export function forbiddenImports(graph: ImportGraph, external: readonly ExternalImport[]): string[] {
    const isTesting = (file: string): boolean => /(^|\/)testing(\.[cm]?[jt]s)?$/.test(file);
    const outside = external.flatMap(({ from, specifier, resolved }) => {
        if (/^(test|bench)\//.test(resolved ?? "")) return [`${from} imports ${resolved}: product code never imports test/ or bench/`];
        return isTesting(specifier) ? [`${from} imports "${specifier}", a testing module: move what it needs into a product module`] : [];
    });
    const inside = [...graph].flatMap(([from, targets]) =>
        targets.filter(isTesting).map((to) => `${from} imports ${to}, a testing module: move what it needs into a product module`),
    );
    return [...outside, ...inside];
}
