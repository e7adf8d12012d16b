import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { MAX_KUBELET_SKEW, SUPPORTED_MINORS } from "../../components/core/versions";
import { policies } from "../../policies/policies";

const root = path.resolve(__dirname, "../..");

test("policy names are unique and every policy states its level and description", () => {
    const names = policies.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    for (const p of policies) {
        assert.ok(p.description.length > 20, p.name);
        assert.ok(p.enforcementLevel === "mandatory" || p.enforcementLevel === "advisory", p.name);
        assert.ok(!("enforcementLevel" in (p.configSchema?.properties ?? {})), `${p.name} must not declare enforcementLevel`);
    }
});

test("policies/index.ts type-checks and hands the full policy list to the one PolicyPack", () => {
    const entry = path.join(root, "policies/index.ts");
    const configFile = ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
    const program = ts.createProgram([entry], { ...parsed.options, noEmit: true });
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName.includes("/policies/"));
    assert.deepEqual(
        diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")),
        [],
    );

    const source = program.getSourceFile(entry);
    assert.ok(source);
    const packs: ts.NewExpression[] = [];
    const visit = (node: ts.Node): void => {
        if (ts.isNewExpression(node) && node.expression.getText(source) === "PolicyPack") packs.push(node);
        ts.forEachChild(node, visit);
    };
    visit(source);
    assert.equal(packs.length, 1);
    const argsText = packs[0].arguments?.[1]?.getText(source) ?? "";
    assert.match(argsText, /^\{\s*policies,/);
    assert.match(source.getText(), /import \{[^}]*\bpolicies\b[^}]*\} from "\.\/policies";/);

    // No other file constructs a pack (that would bind a port when imported).
    const others = fs
        .readdirSync(path.join(root, "policies"), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts") && f !== "index.ts" && !f.includes("node_modules"));
    for (const f of others) assert.doesNotMatch(fs.readFileSync(path.join(root, "policies", f), "utf8"), /new PolicyPack\(/, f);
});

test("the pack's package.json and PulumiPolicy.yaml are what the Pulumi CLI needs", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "policies/package.json"), "utf8")) as {
        name: string;
        version: string;
        dependencies: Record<string, string>;
    };
    assert.equal(pkg.name, "kubeforge-policies");
    assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
    assert.ok(pkg.dependencies["@pulumi/policy"]);
    assert.ok(pkg.dependencies["@pulumi/pulumi"]);
    assert.match(fs.readFileSync(path.join(root, "policies/PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
});

test("the README lists every policy with its level and every config key", () => {
    const readme = fs.readFileSync(path.join(root, "policies/README.md"), "utf8");
    for (const p of policies) {
        const row = readme.split("\n").find((line) => line.startsWith(`| \`${p.name}\``));
        assert.ok(row, `${p.name} missing from the README table`);
        assert.ok(row.includes(p.enforcementLevel ?? ""), `${p.name}: level`);
        for (const key of Object.keys(p.configSchema?.properties ?? {}))
            assert.ok(row.includes(`\`${key}\``), `${p.name}: config key ${key}`);
    }
});

test("the version defaults are the core's supported window and skew", () => {
    const defaults = (name: string) =>
        Object.fromEntries(
            Object.entries(policies.find((p) => p.name === name)?.configSchema?.properties ?? {}).map(([k, v]) => [
                k,
                typeof v === "object" ? v.default : undefined,
            ]),
        );
    assert.deepEqual(defaults("kubernetes-version-window"), {
        minVersion: SUPPORTED_MINORS[0],
        maxVersion: SUPPORTED_MINORS[SUPPORTED_MINORS.length - 1],
    });
    assert.deepEqual(defaults("kubelet-skew"), { maxSkew: MAX_KUBELET_SKEW });
});
