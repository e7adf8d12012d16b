/**
 * The conformance suite: the done-criteria of a platform, checked the same way on every registered platform
 * (components/platforms/<name>/) through its example stack (stacks/Pulumi.<name>.yaml). A new platform gets
 * these checks by existing. Everything is judged from the plan `npm run plan` prints, read through the
 * platform's own policy adapter, so what is checked is what would be built:
 * - every piece of the platform skeleton is there;
 * - masters spread evenly over the failure domains the platform offers;
 * - one machine per NodePlan, in its node's failure domain;
 * - one API endpoint, on 6443;
 * - every user data valid for `cloud-init schema` (or carried in the platform's own format), and every
 *   Kubernetes document in it valid against the strict schemas;
 * - no secret shows in the masked plan, not even in part;
 * - the policy pack finds nothing;
 * - a pool's count +1 and -1 adds or removes exactly that node's resources and renames nothing. Where a
 *   pool's size is its inventory (bare metal's hosts), the platform's mocks.ts says how to add or remove
 *   one entry (`PlatformMocks.inventory`), so the suite needs no list of such platforms.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { listPlatforms } from "../../components/core/registry";
import { readStackConfig, stackConfigPath } from "../../stacks/plan/stackConfig";
import { resolveStack } from "../../stacks/program";
import { platformMocks } from "../../stacks/plan/run";
import type { PoolInventory } from "../../components/kit/mocks";
import { factsOf } from "../../policies/adapters";
import type { ResourceFacts } from "../../policies/facts";
import { planFile, type PlanJson, type PlanRun } from "../helpers/plan";
import { cloudInitSchemaErrors, validateK8sDocuments } from "../helpers/validators";
import { byUrn, resizeProblems, schemaDocuments, secretAtoms, spreadProblems, writtenFiles } from "./judge";
import { missingPieces } from "./skeleton";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-conformance-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A plan's resources with the facts their platform's adapter gives. */
function described(plan: PlanJson): { resource: PlanJson["resources"][number]; facts: ResourceFacts }[] {
    return plan.resources.flatMap((resource) => {
        const facts = factsOf({ type: resource.type, name: resource.name, urn: resource.urn, props: resource.inputs });
        return facts ? [{ resource, facts }] : [];
    });
}

/**
 * The example stack with the count of pool `index` changed by `delta` (and, on a platform whose pools are
 * inventories, one entry added or removed by its mocks), written to the temp folder.
 */
function resized(stackFile: string, index: number, delta: 1 | -1, inventory: PoolInventory | undefined): string {
    const doc = parse(fs.readFileSync(stackFile, "utf8")) as { config: Record<string, unknown> };
    const pools = doc.config["kubeforge:workerPools"] as { name: string; count: number }[];
    const pool = pools[index];
    pools[index] = { ...pool, count: pool.count + delta };
    if (inventory) doc.config = delta > 0 ? inventory.grow(doc.config, pool.name) : inventory.shrink(doc.config, pool.name);
    const file = path.join(
        tmp,
        `Pulumi.${path.basename(stackFile, ".yaml").replace(/^Pulumi\./, "")}.pool${index}${delta >= 0 ? "+" : ""}${delta}.yaml`,
    );
    fs.writeFileSync(file, stringify(doc));
    return file;
}

/** Runs a plan once, on first use. */
function lazyPlan(file: string, showSecrets = false): () => Promise<PlanRun> {
    let run: Promise<PlanRun> | undefined;
    return () => (run ??= planFile(file, { showSecrets }));
}

async function planned(get: () => Promise<PlanRun>): Promise<PlanJson> {
    const run = await get();
    assert.ok(run.json, `the plan failed (exit ${run.code}):\n${run.stderr}`);
    return run.json;
}

for (const platform of listPlatforms()) {
    describe(`platform ${platform}`, { concurrency: 2 }, () => {
        const stackFile = stackConfigPath(platform);

        test("has every piece of the platform skeleton", () => {
            assert.deepEqual(missingPieces(platform), [], `platform ${platform} lacks pieces of the skeleton`);
        });
        test("has an example stack", () => {
            assert.ok(fs.existsSync(stackFile), `platform ${platform} has no example stack stacks/Pulumi.${platform}.yaml`);
        });
        if (!fs.existsSync(stackFile)) return;

        const resolved = resolveStack(readStackConfig(stackFile).values);
        const masked = lazyPlan(stackFile);
        const shown = lazyPlan(stackFile, true);

        test("masters spread evenly over the failure domains the platform offers", async () => {
            const plan = await planned(shown);
            const offered = resolved.platform.failureDomains(resolved.platformConfig, resolved.spec);
            assert.ok(offered.length >= 1, "the platform offers no failure domain");
            assert.equal(plan.nodes.filter((n) => n.role === "control-plane").length, resolved.spec.controlPlane.count);
            assert.deepEqual(spreadProblems(plan.nodes, offered, resolved.spec.controlPlane.spread ?? "required"), []);
        });

        test("one machine per NodePlan, in its failure domain", async () => {
            const plan = await planned(shown);
            const machines = described(plan).filter((d) => d.facts.machine);
            for (const node of plan.nodes) {
                const mine = machines.filter((m) => m.facts.machine?.node === node.name);
                assert.equal(mine.length, 1, `${node.name}: ${mine.length} machines (${mine.map((m) => m.resource.name).join(", ")})`);
                assert.equal(mine[0].facts.machine?.failureDomain, node.failureDomain, `${node.name} is built outside its failure domain`);
                assert.equal(mine[0].facts.machine?.role, node.role === "control-plane" ? "control-plane" : "worker");
            }
            assert.equal(machines.length, plan.nodes.length, "machines that no NodePlan asked for");
        });

        test("one API endpoint, on 6443", async () => {
            const plan = await planned(shown);
            assert.match(String(plan.outputs.endpoint), /^https:\/\/[^/:]+:6443$/);
            const listeners = described(plan).flatMap((d) => (d.facts.apiListener ? [d.facts.apiListener] : []));
            assert.ok(listeners.length >= 1, "no resource serves the API");
            assert.deepEqual([...new Set(listeners.map((l) => l.port))], [6443]);
        });

        test("every user data is valid, and every Kubernetes document in it", async () => {
            const plan = await planned(shown);
            const bootstraps = described(plan).flatMap((d) =>
                d.facts.machine?.bootstrap ? [{ name: d.resource.name, ...d.facts.machine.bootstrap }] : [],
            );
            assert.equal(bootstraps.length, plan.nodes.length, "a machine whose bootstrap the plan does not show");
            const seen = new Set<string>();
            for (const b of bootstraps) {
                if (seen.has(b.text)) continue;
                seen.add(b.text);
                if (b.limitBytes !== undefined)
                    assert.ok(b.sentBytes <= b.limitBytes, `${b.name}: ${b.sentBytes} bytes sent, the platform takes ${b.limitBytes}`);
                const files = b.format === "cloud-config" ? writtenFiles(b.text) : (b.files ?? []);
                if (b.format === "cloud-config") assert.deepEqual(await cloudInitSchemaErrors(b.text), [], `${b.name}: cloud-init schema`);
                const docs = schemaDocuments(files);
                assert.ok(b.format === "powershell" || docs.length > 0, `${b.name}: no kubeadm document in its bootstrap`);
                for (const f of docs) assert.deepEqual(validateK8sDocuments(f.content), [], `${b.name}: ${f.path}`);
            }
        });

        test("no secret shows in the masked plan, not even in part", async () => {
            const [hidden, visible] = [await masked(), await shown()];
            assert.ok(hidden.json && visible.json, hidden.stderr + visible.stderr);
            const decoded = described(visible.json).flatMap((d) => (d.facts.machine?.bootstrap ? [d.facts.machine.bootstrap.text] : []));
            const atoms = secretAtoms(hidden.json, visible.json, decoded);
            assert.ok(atoms.length > 0, "found no secret material at all: the check would pass blindly");
            const leaked = atoms.filter((a) => hidden.stdout.includes(a));
            assert.deepEqual(
                leaked.map((a) => `${a.slice(0, 4)}…`),
                [],
                "secret material in the masked plan",
            );
            const twins = byUrn(hidden.json);
            for (const d of described(visible.json)) {
                const text = d.facts.machine?.bootstrap?.text;
                if (!text || !atoms.some((a) => text.includes(a))) continue;
                const twin = [...twins.values()].find((r) => r.urn.endsWith(`::${d.resource.name}`) && r.type === d.resource.type);
                assert.ok(
                    twin && JSON.stringify(twin.inputs).includes('"[secret]"'),
                    `${d.resource.name}: its user data holds secrets but is not masked`,
                );
            }
        });

        test("the policy pack finds nothing", async () => {
            const plan = await planned(masked);
            assert.deepEqual(
                plan.violations.map((v) => `[${v.level}] ${v.policy}: ${v.message}`),
                [],
            );
        });

        // A pool of two or more, so -1 leaves the pool in place; else any pool.
        const pools = resolved.spec.workerPools;
        const inventory = platformMocks(platform)?.inventory;
        const poolIndex =
            pools.findIndex((p) => p.count >= 2) >= 0 ? pools.findIndex((p) => p.count >= 2) : pools.findIndex((p) => p.count >= 1);
        test(
            "a pool's count +1 and -1 changes exactly that node's resources",
            { skip: poolIndex < 0 && "the example stack has no worker pool" },
            async () => {
                const pool = resolved.spec.workerPools[poolIndex];
                const base = await planned(masked);
                const plus = await planned(lazyPlan(resized(stackFile, poolIndex, +1, inventory)));
                const added = plus.nodes.filter((n) => !base.nodes.some((b) => b.name === n.name));
                assert.deepEqual(
                    added.map((n) => n.pool),
                    [pool.name],
                    "+1 must add exactly one node to the pool",
                );
                assert.deepEqual(resizeProblems(base, plus, added[0].name), []);
                const minus = await planned(lazyPlan(resized(stackFile, poolIndex, -1, inventory)));
                const removed = base.nodes.filter((n) => !minus.nodes.some((m) => m.name === n.name));
                assert.deepEqual(
                    removed.map((n) => n.pool),
                    [pool.name],
                    "-1 must remove exactly one node of the pool",
                );
                const last = base.nodes.filter((n) => n.pool === pool.name).at(-1);
                assert.equal(removed[0].name, last?.name, "-1 must remove the pool's highest ordinal, so no other node moves");
                assert.deepEqual(resizeProblems(minus, base, removed[0].name), []);
            },
        );
    });
}
