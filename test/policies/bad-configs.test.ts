/**
 * End to end through `npm run plan`: each deliberately bad stack config under test/fixtures/bad-configs
 * yields exactly the violation its header names, and every shipped stack plans with no mandatory one.
 * Each plan runs in its own process (one mock engine per process).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { policies } from "../../policies/policies";
import type { Violation } from "../../policies/testing";
import { listPlatforms } from "../../components/core/registry";
import { platformOfStack } from "../../stacks/compare/stacks";

const root = path.resolve(__dirname, "../..");
const fixtures = path.join(root, "test/fixtures/bad-configs");

interface PlanRun {
    code: number;
    violations: Violation[];
    stderr: string;
}

/** `# stack-tag: KEY=VALUE` lines of a fixture: tags `npm run plan --stack-tag` passes to the policies. */
function stackTags(file: string): string[] {
    return [...fs.readFileSync(file, "utf8").matchAll(/^# stack-tag: (\S+=\S*)$/gm)].flatMap((m) => ["--stack-tag", m[1]]);
}

function plan(configFile: string): Promise<PlanRun> {
    return new Promise((resolve, reject) => {
        execFile(
            process.execPath,
            ["--import", "tsx", path.join(root, "stacks/plan.ts"), "--config", configFile, "--json", ...stackTags(configFile)],
            { cwd: root, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => {
                const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
                if (code !== 0 && code !== 2) return resolve({ code, violations: [], stderr });
                try {
                    resolve({ code, violations: (JSON.parse(stdout) as { violations: Violation[] }).violations, stderr });
                } catch (e) {
                    reject(new Error(`plan of ${configFile} printed no JSON: ${(e as Error).message}\n${stderr}`));
                }
            },
        );
    });
}

/** The `# policy: <name> (<level>)` header of a fixture. */
function expectation(file: string): { policy: string; level: string } {
    const m = /^# policy: ([a-z0-9-]+) \((advisory|mandatory)\)$/m.exec(fs.readFileSync(file, "utf8"));
    assert.ok(m, `${file} lacks a "# policy: <name> (<level>)" line`);
    return { policy: m[1], level: m[2] };
}

const badConfigs = fs
    .readdirSync(fixtures)
    .filter((f) => f.endsWith(".yaml"))
    .sort();

describe("bad configs yield exactly their violation", { concurrency: 3 }, () => {
    test("there is one fixture per config-triggerable policy, each naming a real policy", () => {
        const names = new Set(policies.map((p) => p.name));
        assert.ok(badConfigs.length >= 5);
        for (const f of badConfigs) assert.ok(names.has(expectation(path.join(fixtures, f)).policy), f);
    });
    for (const f of badConfigs) {
        test(f, async () => {
            const file = path.join(fixtures, f);
            const want = expectation(file);
            const run = await plan(file);
            assert.ok(run.code === 0 || run.code === 2, `plan failed (${run.code}): ${run.stderr}`);
            const got = run.violations.map((v) => `${v.policy} (${v.level})`);
            assert.ok(got.length > 0, "no violation");
            assert.deepEqual([...new Set(got)], [`${want.policy} (${want.level})`], run.violations.map((v) => v.message).join("\n"));
            assert.equal(run.code, want.level === "mandatory" ? 2 : 0);
        });
    }
});

describe("shipped stacks pass the pack", { concurrency: 3 }, () => {
    const stacks = fs
        .readdirSync(path.join(root, "stacks"))
        .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
        // A comparison stack of a platform not in this checkout yet (it plans once that platform lands).
        .filter((f) => listPlatforms().includes(platformOfStack(path.join(root, "stacks", f)) ?? ""))
        .sort();
    for (const f of stacks) {
        test(`${f} plans with no mandatory violation`, async () => {
            const run = await plan(path.join(root, "stacks", f));
            assert.equal(
                run.code,
                0,
                `plan exited ${run.code}: ${run.stderr}${run.violations.map((v) => `\n[${v.level}] ${v.policy}: ${v.message}`).join("")}`,
            );
            assert.deepEqual(
                run.violations.filter((v) => v.level === "mandatory"),
                [],
            );
        });
    }
});
