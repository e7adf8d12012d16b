import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { CONFIG_KEY_TYPES, CONFIG_KEYS, parseClusterConfig } from "../../components/core/config";

interface Declaration {
    type?: string;
    description?: string;
    default?: unknown;
    items?: { type?: string };
}

const project = parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "Pulumi.yaml"), "utf8")) as {
    name: string;
    main: string;
    config?: Record<string, Declaration>;
};
const declared = project.config ?? {};
const REQUIRED = ["name", "platform", "access"];

test("Pulumi.yaml keeps its project settings", () => {
    assert.equal(project.name, "kubeforge");
    assert.equal(project.main, "stacks/index.ts");
});

test("Pulumi.yaml declares exactly the keys the program reads, with the same types and a description", () => {
    assert.deepEqual(Object.keys(declared).sort(), [...CONFIG_KEYS].sort());
    for (const key of CONFIG_KEYS) {
        assert.equal(declared[key].type, CONFIG_KEY_TYPES[key], key);
        assert.ok((declared[key].description ?? "").length > 20, `${key} needs a description`);
        if (declared[key].type === "array") assert.ok(declared[key].items?.type, `${key} needs items`);
    }
});

test("required keys have no default, every other key has one", () => {
    for (const key of CONFIG_KEYS) assert.equal("default" in declared[key], !REQUIRED.includes(key), key);
});

test("Pulumi.yaml's defaults mean the same as the program's own", () => {
    const minimal = { name: "demo", platform: "aws", access: { apiAllowedCidrs: ["203.0.113.7/32"] } };
    const defaults = Object.fromEntries(CONFIG_KEYS.filter((k) => !REQUIRED.includes(k)).map((k) => [k, declared[k].default]));
    const withDefaults = parseClusterConfig({ ...minimal, ...defaults });
    assert.deepEqual(withDefaults.issues, []);
    assert.deepEqual(withDefaults.spec, parseClusterConfig(minimal).spec);
});
