/**
 * The product's import graph (components/, bootstrap/, policies/, stacks/) has no cycle, points down the
 * layers only, keeps platform folders apart, and never reaches into test/, bench/ or a `testing` module.
 * The walker is checked on small trees first, so a green run means the rules were looked for.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { crossPlatformImports, findCycles, forbiddenImports, importGraph, layerViolations, type Layer } from "./graph";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The layers, lowest first; a file imports its own layer or lower ones (docs/ARCHITECTURE.md, "Layers").
 * bootstrap/ and components/core/ share the foundation: the renderers read the core's types and the
 * core's version window reads bootstrap/versions.ts' tables (file-level acyclic, folder-level both ways).
 */
const LAYERS: readonly Layer[] = [
    {
        name: "foundation",
        paths: [
            "bootstrap/",
            "components/core/",
            "components/lifecycle/",
            "components/dynamic.ts",
            "components/buildCache.ts",
            "components/pki.ts",
            "components/bootstrapToken.ts",
            "components/platform.ts",
        ],
    },
    { name: "kit", paths: ["components/kit/", "components/addons/"] },
    { name: "policies", paths: ["policies/"] },
    { name: "platforms", paths: ["components/platforms/"] },
    { name: "cluster", paths: ["components/cluster.ts", "components/bootstraps.ts"] },
    { name: "stacks", paths: ["stacks/"] },
];

/**
 * Breaks of the rules that exist today in files this change does not own, each with who fixes it. A fixed
 * one must be removed here (the test fails while an entry matches nothing).
 */
const KNOWN: Readonly<Record<string, string>> = {};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-layering-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes `files` (path → text) under a fresh folder and returns its path. */
function tree(name: string, files: Record<string, string>): string {
    const root = path.join(tmp, name);
    for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
    }
    return root;
}

describe("the import-graph walker", () => {
    test("finds a cycle made only of `import type` and `export … from`, naming its files in order", () => {
        const root = tree("cycle", {
            "components/a.ts": 'import type { B } from "./b";\nexport type A = B;\n',
            "components/b.ts": 'export { c } from "../stacks/c";\nexport type B = string;\n',
            "stacks/c.ts":
                '// import { nothing } from "../components/a";\nimport { type A } from "../components/a";\nexport const c: A = "";\n',
            "stacks/d.ts": 'import { c } from "./c";\nexport const d = c;\n',
        });
        const { graph } = importGraph(root);
        assert.deepEqual(findCycles(graph), [["components/a.ts", "components/b.ts", "stacks/c.ts", "components/a.ts"]]);
        assert.deepEqual(
            layerViolations(graph, [
                { name: "low", paths: ["components/"] },
                { name: "high", paths: ["stacks/"] },
            ]),
            ["components/b.ts (low) imports stacks/c.ts (high), a higher layer"],
        );
    });

    test("names imports of test/, bench/, a testing module, and one platform's file from another", () => {
        const root = tree("forbidden", {
            "test/helpers/x.ts": "export const x = 1;\n",
            "bench/lib/y.ts": "export const y = 1;\n",
            "policies/testing.ts": "export const t = 1;\n",
            "stacks/run.ts":
                'import { x } from "../test/helpers/x";\nimport { y } from "../bench/lib/y";\nimport { t } from "../policies/testing";\nexport const r = x + y + t;\n',
            "components/platforms/a/index.ts": 'import { b } from "../b/util";\nexport const a = b;\n',
            "components/platforms/b/util.ts": "export const b = 1;\n",
        });
        const { graph, external } = importGraph(root);
        assert.deepEqual(forbiddenImports(graph, external), [
            "stacks/run.ts imports test/helpers/x.ts: product code never imports test/ or bench/",
            "stacks/run.ts imports bench/lib/y.ts: product code never imports test/ or bench/",
            "stacks/run.ts imports policies/testing.ts, a testing module: move what it needs into a product module",
        ]);
        assert.deepEqual(layerViolations(graph, [{ name: "all", paths: ["components/", "stacks/"] }]), [
            "policies/testing.ts is in no layer; add its folder to the layer it belongs to",
        ]);
        assert.deepEqual(crossPlatformImports(graph), [
            "components/platforms/a/index.ts imports components/platforms/b/util.ts, another platform's file; move what both need into components/kit",
        ]);
    });
});

describe("the product's layering", () => {
    const { graph, external } = importGraph(ROOT);
    const unknown = (problems: string[]): string[] => problems.filter((p) => !(p in KNOWN));

    test("the walker reads the product (sanity: the known layers' files are there)", () => {
        for (const file of ["components/cluster.ts", "stacks/program.ts", "policies/adapters.ts", "bootstrap/render.ts"]) {
            assert.ok(graph.has(file), file);
        }
        assert.ok((graph.get("stacks/program.ts") ?? []).includes("components/cluster.ts"));
    });

    test("no import cycle anywhere", () => {
        assert.deepEqual(
            findCycles(graph).map((c) => c.join(" → ")),
            [],
        );
    });

    test("imports point down the layers only", () => {
        assert.deepEqual(layerViolations(graph, LAYERS), []);
    });

    test("platform folders do not import one another", () => {
        assert.deepEqual(crossPlatformImports(graph), []);
    });

    test("product code never imports test/, bench/ or a testing module", () => {
        const found = forbiddenImports(graph, external);
        assert.deepEqual(unknown(found), []);
        assert.deepEqual(
            Object.keys(KNOWN).filter((k) => !found.includes(k)),
            [],
            "a known break is fixed: remove it from KNOWN",
        );
    });
});
