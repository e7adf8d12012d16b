/**
 * Bare metal's pool inventory hook (mocks.ts `inventory`), the way the conformance suite resizes a pool
 * whose size is its hosts: +1 invents one host the config accepts (a free documentation address, a sound
 * host key, the siblings' login, the pool's next ordinal) and -1 removes the host of the highest ordinal,
 * so the nodes are the old ones plus or minus exactly one, none renamed.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import baremetalMocks from "../../../components/platforms/baremetal/mocks";
import type { StackConfigValues } from "../../../components/kit/mocks";
import { hostKeyProblem } from "../../../bootstrap/ssh/hostkey";
import { readStackConfig, stackConfigPath } from "../../../stacks/plan/stackConfig";
import { resolveStack } from "../../../stacks/program";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-inventory-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const inventory = baremetalMocks.inventory!;
const example = (parse(fs.readFileSync(stackConfigPath("baremetal"), "utf8")) as { config: StackConfigValues }).config;
type Host = Record<string, unknown>;
const hostsOf = (config: StackConfigValues) => (config["kubeforge:baremetal"] as { hosts: Host[] }).hosts;

/** The node names a config places, with the general pool's count set to `count`. */
function nodeNames(config: StackConfigValues, count: number): string[] {
    const pools = (config["kubeforge:workerPools"] as { count: number }[]).map((p, i) => (i === 0 ? { ...p, count } : p));
    const file = path.join(tmp, `Pulumi.inventory-${count}.yaml`);
    fs.writeFileSync(file, stringify({ config: { ...config, "kubeforge:workerPools": pools } }));
    return resolveStack(readStackConfig(file).values)
        .nodes.map((n) => n.name)
        .sort();
}

describe("bare metal pool inventory", () => {
    test("+1: one more host of the pool, accepted by the config, adding exactly one node and renaming none", () => {
        const before = JSON.stringify(example);
        const grown = inventory.grow(example, "general");
        assert.equal(JSON.stringify(example), before, "the config given is left unchanged");
        const [added] = hostsOf(grown).slice(hostsOf(example).length);
        assert.equal(hostsOf(grown).length, hostsOf(example).length + 1);
        assert.equal(added.pool, "general");
        assert.equal(added.role, "worker");
        assert.match(String(added.address), /^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$/, "a documentation address");
        assert.ok(!hostsOf(example).some((h) => h.address === added.address), "an address no host has");
        assert.equal(hostKeyProblem(String(added.hostKey)), undefined);
        assert.equal("privateKey" in added, false, "the block's key, as its siblings use");
        const base = nodeNames(example, 3);
        const plus = nodeNames(grown, 4);
        assert.deepEqual(
            plus.filter((n) => !base.includes(n)),
            ["metal-general-3"],
        );
        assert.deepEqual(
            base.filter((n) => !plus.includes(n)),
            [],
        );
    });
    test("-1: the host of the highest ordinal goes, and only its node", () => {
        const shrunk = inventory.shrink(example, "general");
        assert.deepEqual(
            hostsOf(shrunk).map((h) => h.name),
            ["cp-a", "cp-b", "cp-c", "w-a", "w-b"],
        );
        const base = nodeNames(example, 3);
        assert.deepEqual(
            base.filter((n) => !nodeNames(shrunk, 2).includes(n)),
            ["metal-general-2"],
        );
    });
    test("stated ordinals: +1 states the next one, -1 removes the highest, wherever it is listed", () => {
        const hosts = hostsOf(example).map((h) =>
            h.pool === "general" ? { ...h, ordinal: { "w-a": 4, "w-b": 0, "w-c": 1 }[String(h.name)] } : h,
        );
        const config = { ...example, "kubeforge:baremetal": { ...(example["kubeforge:baremetal"] as object), hosts } };
        const added = hostsOf(inventory.grow(config, "general")).at(-1)!;
        assert.equal(added.ordinal, 5);
        assert.deepEqual(
            hostsOf(inventory.shrink(config, "general")).map((h) => h.name),
            ["cp-a", "cp-b", "cp-c", "w-b", "w-c"],
        );
    });
    test("the address avoids the hosts, the VIP and the Service address pool; login fields are the sibling's", () => {
        const block = example["kubeforge:baremetal"] as Record<string, unknown>;
        const hosts = hostsOf(example).map((h) => (h.name === "w-c" ? { ...h, address: "192.0.2.239", user: "ops", port: 2222 } : h));
        const config = { ...example, "kubeforge:baremetal": { ...block, hosts, endpoint: { vip: "192.0.2.1" } } };
        const added = hostsOf(inventory.grow(config, "general")).at(-1)!;
        // After .239 come .240/28 (the Service pool), then the wrap to .1 (the VIP): .2 is the next free one.
        assert.equal(added.address, "192.0.2.2");
        assert.deepEqual([added.user, added.port], ["ops", 2222]);
    });
    test("a pool with no host cannot grow or shrink, and says so", () => {
        assert.throws(() => inventory.grow(example, "gpu"), /pool "gpu" has no host in kubeforge:baremetal\.hosts/);
        assert.throws(() => inventory.shrink(example, "gpu"), /pool "gpu" has no host/);
    });
});
