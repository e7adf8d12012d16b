import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { listPlatforms, loadPlatform, PLATFORMS_DIR, resolveFromConfig } from "../../components/core/registry";
import { ConfigError } from "../../components/core/types";
import { configIssues } from "./config-error";

let dir = "";

/** CommonJS source of a platform folder's index. */
function platformSource(name: string, extra = ""): string {
    return `exports.default = {
    name: ${JSON.stringify(name)},
    description: "fake",
    parseConfig: () => ({ config: { zones: ["a", "b", "c"] }, issues: [] }),
    failureDomains: (c) => c.zones,
    bootstrapFacts: () => ({ cloudProvider: "none" }),
    delivery: { linux: { format: "ssh" } },
    limits: { machineNameMax: 63 },
    createInfrastructure: () => { throw new Error("no"); },
    createMachine: () => { throw new Error("no"); },
    ${extra}
};\n`;
}

function writePlatform(folder: string, source: string): void {
    fs.mkdirSync(path.join(dir, folder), { recursive: true });
    fs.writeFileSync(path.join(dir, folder, "index.js"), source);
}

before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-platforms-"));
    writePlatform("good", platformSource("good"));
    writePlatform("other", platformSource("other"));
    writePlatform("misnamed", platformSource("something-else"));
    writePlatform("broken", "exports.default = { name: 'broken' };\n");
    writePlatform("Bad_Name", platformSource("Bad_Name"));
    fs.mkdirSync(path.join(dir, "empty"));
    fs.writeFileSync(path.join(dir, "README.md"), "not a folder");
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("platform registry", () => {
    test("lists folders that hold an index and have a DNS-label name", () => {
        assert.deepEqual(listPlatforms(dir), ["broken", "good", "misnamed", "other"]);
        assert.deepEqual(listPlatforms(path.join(dir, "missing")), []);
    });

    test("the default folder is components/platforms", () => {
        assert.equal(path.relative(path.resolve(__dirname, "..", ".."), PLATFORMS_DIR), path.join("components", "platforms"));
    });

    test("loads a platform by name", () => {
        const platform = loadPlatform("good", dir);
        assert.equal(platform.name, "good");
        assert.deepEqual(platform.failureDomains({ zones: ["x"] }, undefined as never), ["x"]);
    });

    test("an unknown, missing or path-like name is a config error listing the platforms", () => {
        for (const name of ["azure", "../good", "Bad_Name", "empty", 3]) {
            const issues = configIssues(() => loadPlatform(name, dir));
            assert.equal(issues.length, 1);
            assert.equal(issues[0].field, "kubeforge:platform");
            assert.match(issues[0].message, /not a platform kubeforge has; use one of: broken, good, misnamed, other/);
        }
        assert.match(configIssues(() => loadPlatform(undefined, dir))[0].message, /is required/);
    });

    test("a folder that does not export a matching Platform is a bug, not a config error", () => {
        assert.throws(
            () => loadPlatform("misnamed", dir),
            (e: Error) => !(e instanceof ConfigError) && /named "something-else"/.test(e.message),
        );
        assert.throws(
            () => loadPlatform("broken", dir),
            (e: Error) =>
                !(e instanceof ConfigError) &&
                /missing parseConfig, failureDomains, bootstrapFacts, createInfrastructure, createMachine/.test(e.message),
        );
    });

    test("resolveFromConfig reports an unknown platform together with every other problem", () => {
        const issues = configIssues(() => resolveFromConfig({ name: "Bad", platform: "azure", controlPlane: { count: 4 } }, dir));
        assert.deepEqual(issues.map((i) => i.field).sort(), [
            "kubeforge:access.apiAllowedCidrs",
            "kubeforge:controlPlane.count",
            "kubeforge:name",
            "kubeforge:platform",
        ]);
        const missing = configIssues(() => resolveFromConfig({ name: "ok" }, dir));
        assert.equal(missing.filter((i) => i.field === "kubeforge:platform").length, 1);
    });

    test("resolveFromConfig resolves on the named platform and accepts other platforms' blocks", () => {
        const resolved = resolveFromConfig(
            { name: "demo", platform: "good", access: { apiAllowedCidrs: ["203.0.113.7/32"] }, other: { x: 1 } },
            dir,
        );
        assert.equal(resolved.platform.name, "good");
        assert.deepEqual(resolved.spec.failureDomains, ["a", "b", "c"]);
        assert.equal(resolved.nodes.length, 3);
    });
});
