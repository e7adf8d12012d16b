/**
 * `npm run compare` on the shipped comparison stacks (every one whose platform exists in this
 * checkout, so the test holds before and after a platform lands): same node counts in every row,
 * totals equal to the sum of their items, every machine type priced, every resource type timed, the
 * README's report current; and the command refusing two stacks with different specs, naming the keys.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadPlatformData } from "../../stacks/compare/data";
import { currentBlock, readmeBlock } from "../../stacks/compare/readme";
import { recordInChild, runComparison, type Comparison } from "../../stacks/compare/run";
import { comparisonStacks, platformOfStack } from "../../stacks/compare/stacks";
import { comparisonRow } from "../../stacks/compare/row";
import { listPlatforms } from "../../components/core/registry";
import { shippedStacks, stackConfigPath } from "../../stacks/plan/stackConfig";

const ROOT = path.resolve(__dirname, "..", "..");
let comparison: Promise<Comparison> | undefined;
const compared = () => (comparison ??= runComparison(comparisonStacks().stacks));

/** Items of a row whose machine type the platform's data should price (its resources name a type). */
function unpricedMachines(row: Comparison["platforms"][number]): string[] {
    const data = loadPlatformData(row.platform);
    const priced = data?.resources.some((r) => r.kind === "machine" && r.machineType !== undefined);
    if (!priced) return [];
    return row.monthlyCost.items
        .filter((i) => (i.kind === "onDemand" || i.kind === "spot") && i.monthly === null)
        .map((i) => i.unknown ?? i.what);
}

describe("the shipped comparison", { concurrency: 1 }, () => {
    test("every comparison stack of a platform here is compared, with one spec and the same nodes", async () => {
        const c = await compared();
        const expected = comparisonStacks().stacks.map((s) => s.stack);
        assert.ok(expected.includes("compare-aws") && expected.includes("compare-baremetal"));
        assert.deepEqual(c.leftOut, []);
        assert.deepEqual(c.differences, []);
        assert.deepEqual(
            c.platforms.map((p) => p.stack),
            expected,
        );
        for (const row of c.platforms) {
            assert.deepEqual(row.nodes, c.platforms[0].nodes, `${row.platform} builds other nodes`);
            assert.equal(row.monthlyCost.total, Math.round(row.monthlyCost.items.reduce((s, i) => s + (i.monthly ?? 0), 0) * 100) / 100);
            assert.deepEqual(unpricedMachines(row), [], `${row.platform}: machine types without a price row`);
            assert.deepEqual(row.unmodelledTypes, [], `${row.platform}: resource types without a latency row`);
            assert.ok(row.timeToReadySeconds > 0);
            assert.equal(row.policy.verdict, "pass", JSON.stringify(row.policy.violations));
            assert.ok(row.failureDomains.length >= 1 && row.failureDomainMeaning);
        }
    });

    test("README.md shows the report the command generates now (npm run compare:readme)", async () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.equal(currentBlock(readme), readmeBlock(await compared()), "README.md's comparison is stale: run npm run compare:readme");
    });

    test("every machine type a shipped stack uses has a price row", async () => {
        const platforms = listPlatforms();
        const others = shippedStacks().filter(
            (s) => !s.startsWith("compare-") && platforms.includes(platformOfStack(stackConfigPath(s)) ?? ""),
        );
        for (const stack of others) {
            const outcome = await recordInChild(stackConfigPath(stack));
            assert.ok(outcome.ok, `${stack}: ${JSON.stringify(outcome)}`);
            const row = comparisonRow(outcome.plan, loadPlatformData(outcome.plan.platform));
            assert.deepEqual(unpricedMachines(row), [], `${stack}: machine types without a price row`);
        }
    });
});

describe("npm run compare", () => {
    test("--json of stacks with different specs is refused, naming the keys", () => {
        const r = spawnSync(
            process.execPath,
            ["--import", "tsx", path.join(ROOT, "stacks", "compare.ts"), "--stacks", "aws,compare-aws", "--json"],
            {
                cwd: ROOT,
                encoding: "utf8",
                timeout: 300_000,
            },
        );
        assert.equal(r.status, 1, r.stderr);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /kubeforge:workerPools\[0\]\.diskSizeGb/);
        assert.match(r.stderr, /--allow-different-specs/);
    });
});
