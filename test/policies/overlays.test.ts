/**
 * End to end through `npm run plan`: every bad-config overlay (test/fixtures/overlays) applied to every
 * shipped stack it applies to yields exactly the violation it names, at its level, and every shipped stack
 * plans with no violation at all. A new platform's stack is judged by the whole catalogue by existing.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { policies } from "../../policies/policies";
import { appliesTo, loadOverlays, writeOverlaidStack } from "../helpers/overlays";
import { planFile, ROOT } from "../helpers/plan";
import { shippedStacks, stackConfigPath } from "../../stacks/plan/stackConfig";
import { listPlatforms } from "../../components/core/registry";

const overlays = loadOverlays(path.join(ROOT, "test", "fixtures", "overlays"));
const platforms = listPlatforms();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-overlays-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** `kubeforge:platform` of a shipped stack. */
function platformOf(stack: string): string {
    const doc = parse(fs.readFileSync(stackConfigPath(stack), "utf8")) as { config?: Record<string, unknown> };
    return String(doc.config?.["kubeforge:platform"] ?? "");
}

describe("the overlay catalogue", () => {
    test("each overlay names a real policy, and every platform gets at least the neutral ones", () => {
        const names = new Set(policies.map((p) => p.name));
        assert.ok(overlays.length >= 5, "the catalogue shrank");
        for (const o of overlays) assert.ok(names.has(o.policy), `${o.name}: no policy named ${o.policy}`);
        for (const o of overlays)
            for (const p of Object.keys(o.notOn)) assert.ok(platforms.includes(p), `${o.name}: notOn names unknown platform ${p}`);
        for (const platform of platforms) {
            assert.ok(overlays.filter((o) => appliesTo(o, platform, platforms)).length >= 3, `${platform} escapes the catalogue`);
        }
    });
});

describe("bad configs yield exactly their violation, on every shipped stack", { concurrency: 2 }, () => {
    for (const stack of shippedStacks()) {
        const platform = platformOf(stack);
        for (const overlay of overlays.filter((o) => appliesTo(o, platform, platforms))) {
            test(`${stack} + ${overlay.name}`, async () => {
                const file = writeOverlaidStack(stackConfigPath(stack), overlay, tmp);
                const run = await planFile(file, { stackTags: overlay.stackTags });
                assert.ok(run.json, `plan failed (${run.code}): ${run.stderr}`);
                const got = run.json.violations.map((v) => `${v.policy} (${v.level})`);
                assert.ok(got.length > 0, `${stack} + ${overlay.name}: the ${overlay.policy} policy did not fire`);
                assert.deepEqual(
                    [...new Set(got)],
                    [`${overlay.policy} (${overlay.level})`],
                    run.json.violations.map((v) => `${v.policy}: ${v.message}`).join("\n"),
                );
                assert.equal(run.code, overlay.level === "mandatory" ? 2 : 0);
            });
        }
    }
});

describe("shipped stacks pass the pack", { concurrency: 2 }, () => {
    for (const stack of shippedStacks()) {
        test(`${stack} plans with no violation`, async () => {
            const run = await planFile(stackConfigPath(stack));
            assert.ok(run.json, `plan failed (${run.code}): ${run.stderr}`);
            assert.equal(run.code, 0);
            assert.deepEqual(
                run.json.violations.map((v) => `[${v.level}] ${v.policy}: ${v.message}`),
                [],
            );
        });
    }
});
