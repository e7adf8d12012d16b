/**
 * `providerText` (components/dynamic.ts): the same text in every process and checkout, its rule about
 * the SDK (only a require written inside a function may reach it), loud failures naming the entry,
 * the per-process cache, and `dynamicInputs`' reserved key. The providers' behaviour through their
 * text is tested in provider.test.ts and test/ssh/provider.test.ts.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dynamicInputs, providerText, type ProviderEntry } from "../../components/dynamic";
import { NODE_LIFECYCLE_PROVIDER } from "../../components/lifecycle/node";
import { API_READINESS_PROVIDER } from "../../components/lifecycle/readiness";
import { HOST_BOOTSTRAP_PROVIDER } from "../../bootstrap/ssh/provider";
import { isolatedFilename, loadProvider, requiredPackages } from "./providerHost";

const ROOT = path.resolve(__dirname, "../..");
const ENTRIES = { node: NODE_LIFECYCLE_PROVIDER, readiness: API_READINESS_PROVIDER, host: HOST_BOOTSTRAP_PROVIDER };

/**
 * The three texts as a fresh process built from checkout `root` prints them. The entries are spelled
 * out (not imported from the resource modules) so the child loads neither the SDK nor the classes.
 */
function textsFromProcess(root: string): Record<string, string> {
    const script = `
        const path = require("node:path");
        const { providerText } = require(path.join(process.cwd(), "components/dynamic"));
        const at = (p) => path.join(process.cwd(), p);
        process.stdout.write(JSON.stringify({
            node: providerText({ file: at("components/lifecycle/nodeProvider"), exportName: "nodeLifecycleProvider" }),
            readiness: providerText({ file: at("components/lifecycle/readinessProvider"), exportName: "apiReadinessProvider" }),
            host: providerText({ file: at("bootstrap/ssh/hostProvider"), exportName: "hostBootstrapProvider", external: ["ssh2"] }),
        }));`;
    // The bundle cache off: the child must really build, not read what this run recorded.
    const env = { ...process.env, KUBEFORGE_PROVIDER_CACHE: "off" };
    return JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8", env })) as Record<
        string,
        string
    >;
}

describe("the provider texts are the same everywhere", () => {
    let copy: string;
    before(() => {
        // A second checkout at another path: the sources the providers reach, and the same packages.
        copy = fs.mkdtempSync(path.join(os.tmpdir(), "kf-checkout-"));
        for (const name of ["components", "bootstrap"]) fs.cpSync(path.join(ROOT, name), path.join(copy, name), { recursive: true });
        for (const name of ["package.json", "tsconfig.json"]) fs.copyFileSync(path.join(ROOT, name), path.join(copy, name));
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
    });
    after(() => fs.rmSync(copy, { recursive: true, force: true }));

    test("another process and another checkout build the texts this process built, with no path in them", () => {
        const here = Object.fromEntries(Object.entries(ENTRIES).map(([name, entry]) => [name, providerText(entry)]));
        assert.deepEqual(textsFromProcess(ROOT), here, "a second run in this checkout");
        assert.deepEqual(textsFromProcess(copy), here, "a run in a copy at another path");
        for (const [name, text] of Object.entries(here)) {
            assert.ok(!text.includes(ROOT) && !text.includes(copy) && !text.includes(os.tmpdir()), `${name}: no absolute path`);
            assert.ok(!text.includes("sourceMappingURL"), `${name}: no source map`);
        }
    });
});

describe("what providerText accepts", () => {
    let dir: string;
    /** Writes a provider module into the fixture directory and returns its entry. */
    const fixture = (name: string, source: string, exportName = "provider"): ProviderEntry => {
        fs.writeFileSync(path.join(dir, `${name}.ts`), source);
        return { file: path.join(dir, name), exportName };
    };
    const cacheSetting = process.env.KUBEFORGE_PROVIDER_CACHE;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kf-bundle-"));
        // Throwaway fixtures: keep their bundles out of the checkout's cache (tested in buildCache.test.ts).
        process.env.KUBEFORGE_PROVIDER_CACHE = "off";
    });
    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        if (cacheSetting === undefined) delete process.env.KUBEFORGE_PROVIDER_CACHE;
        else process.env.KUBEFORGE_PROVIDER_CACHE = cacheSetting;
    });

    test("a value import of the SDK fails the build, naming the entry and the importing file", () => {
        fs.writeFileSync(
            path.join(dir, "stack.ts"),
            `import * as pulumi from "@pulumi/pulumi";\nexport const stack = () => pulumi.getStack();\n`,
        );
        const entry = fixture(
            "valueImport",
            `import { stack } from "./stack";\nexport const provider = { async create() { return { id: stack() }; } };\n`,
        );
        assert.throws(
            () => providerText(entry),
            (err: Error) => {
                assert.match(err.message, /^dynamic provider provider of .*valueImport: /);
                assert.match(err.message, /would require @pulumi\/pulumi when it loads \(value import in .*stack\.ts\)/);
                return true;
            },
        );
    });

    test("an SDK import used only for types is dropped", () => {
        const entry = fixture(
            "typeImport",
            `import * as pulumi from "@pulumi/pulumi";\nexport const provider: pulumi.dynamic.ResourceProvider = { async create() { return { id: "x" }; } };\n`,
        );
        const text = providerText(entry);
        assert.deepEqual(requiredPackages(text), []);
        assert.ok(!text.includes("@pulumi"));
    });

    test("a require of the SDK inside a function stays there: the text loads without the SDK and needs it only when called", async () => {
        const entry = fixture(
            "callTime",
            `export const provider = {\n    async create() {\n        const sdk = require("@pulumi/pulumi");\n        return { id: sdk.getStack() };\n    },\n};\n`,
        );
        const text = providerText(entry);
        assert.deepEqual(requiredPackages(text), ["@pulumi/pulumi"]);
        const isolated = isolatedFilename(["@pulumi/pulumi"]);
        try {
            const provider = loadProvider(text, isolated.filename);
            await assert.rejects(provider.create({}), /Cannot find module '@pulumi\/pulumi'/);
        } finally {
            isolated.remove();
        }
    });

    test("an entry esbuild cannot build fails with esbuild's message and the entry's name", () => {
        const entry = fixture("wrongExport", `export const provider = {};\n`, "missing");
        assert.throws(
            () => providerText(entry),
            /^Error: dynamic provider missing of .*wrongExport: esbuild failed: .*No matching export .* for import "missing"/,
        );
        fs.writeFileSync(path.join(dir, "broken.ts"), "export const provider = {\n");
        assert.throws(
            () => providerText({ file: path.join(dir, "broken"), exportName: "provider" }),
            /dynamic provider provider of .*broken: esbuild failed: .*broken\.ts:2:0: /,
        );
    });

    test("a text is built once per process: later edits of the source do not change it", () => {
        const entry = fixture("cached", `export const provider = { version: "first" };\n`);
        const first = providerText(entry);
        fixture("cached", `export const provider = { version: "second" };\n`);
        assert.equal(providerText(entry), first);
        assert.match(first, /first/);
    });
});

describe("dynamicInputs", () => {
    test("adds the provider text under __provider and refuses props that hold it already", () => {
        const inputs = dynamicInputs(API_READINESS_PROVIDER, { cluster: "demo" });
        assert.deepEqual(inputs, { cluster: "demo", __provider: providerText(API_READINESS_PROVIDER) });
        assert.throws(
            () => dynamicInputs(API_READINESS_PROVIDER, { cluster: "demo", __provider: "mine" }),
            /must not define the __provider key/,
        );
    });
});
