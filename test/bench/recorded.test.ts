import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PlanResource } from "../../stacks/plan/mocks";
import { dependencyMismatches, recordResources, shareGroups, type RecordedPlan } from "../../bench/lib/recorded";
import { spawnChild } from "../../bench/lib/child";
import type { FloorResult } from "../../bench/floor";

function resource(name: string, over: Partial<PlanResource> = {}): PlanResource {
    return {
        urn: `urn:${name}`,
        type: "t:m:R",
        name,
        id: `${name}-id`,
        custom: true,
        dependencies: [],
        propertyDependencies: {},
        inputs: {},
        outputs: {},
        ...over,
    };
}

describe("what the evaluation benchmark records for the floor", () => {
    test("dependencies become indexes: through an input, or dependsOn; components are left out", () => {
        const recorded = recordResources([
            resource("comp", { custom: false, id: undefined }),
            resource("vpc"),
            resource("sg", { dependencies: ["urn:vpc"], propertyDependencies: { vpcId: ["urn:vpc"] }, inputs: { vpcId: "vpc-id" } }),
            resource("vm", {
                dependencies: ["urn:sg", "urn:vpc", "urn:comp"],
                propertyDependencies: { groups: ["urn:sg"] },
                inputs: { groups: ["sg-id"] },
            }),
        ]);
        assert.deepEqual(
            recorded.map((r) => r.name),
            ["vpc", "sg", "vm"],
        );
        assert.equal(recorded[1].fromOutputs, undefined, "an id is matched by the floor itself");
        assert.deepEqual(recorded[1], {
            type: "t:m:R",
            name: "sg",
            id: "sg-id",
            inputs: { vpcId: "vpc-id" },
            propertyDependencies: { vpcId: [0] },
        });
        assert.deepEqual(recorded[2].propertyDependencies, { groups: [1] });
        assert.deepEqual(recorded[2].dependsOn, [0]);
        assert.equal(recorded[0].dependsOn, undefined);
    });

    test("an input that is exactly one output of its one dependency names that output", () => {
        const recorded = recordResources([
            resource("role", { outputs: { name: "demo-node", arn: "arn:aws:iam::1:role/demo-node" } }),
            resource("key", { outputs: { privateKeyPem: { secret: "x", value: "PEM" } } }),
            resource("profile", { propertyDependencies: { role: ["urn:role"] }, inputs: { role: "demo-node" } }),
            resource("cert", { propertyDependencies: { key: ["urn:key"] }, inputs: { key: { secret: "x", value: "PEM" } } }),
            resource("both", { propertyDependencies: { text: ["urn:role", "urn:key"] }, inputs: { text: "demo-node" } }),
            resource("derived", { propertyDependencies: { url: ["urn:role"] }, inputs: { url: "https://demo-node" } }),
        ]);
        assert.deepEqual(recorded[2].fromOutputs, { role: "name" });
        assert.deepEqual(recorded[3].fromOutputs, { key: "privateKeyPem" });
        assert.equal(recorded[4].fromOutputs, undefined, "two dependencies: not one output");
        assert.equal(recorded[5].fromOutputs, undefined, "derived from an output, not the output");
    });

    test("inputs with the same value from the same resources share one group", () => {
        const groups = shareGroups([
            { type: "t", name: "a", inputs: { endpoint: "https://x", ca: "pem" }, propertyDependencies: { endpoint: [0], ca: [1] } },
            { type: "t", name: "b", inputs: { endpoint: "https://x", ca: "other" }, propertyDependencies: { endpoint: [0], ca: [1] } },
            { type: "t", name: "c", inputs: { endpoint: "https://x" }, propertyDependencies: { endpoint: [2] } },
        ]);
        assert.equal(groups[0].endpoint, groups[1].endpoint);
        assert.notEqual(groups[0].ca, groups[1].ca);
        assert.notEqual(groups[2].endpoint, groups[0].endpoint);
        // A string that reads like JSON is not the object it reads as.
        const mixed = shareGroups([
            { type: "t", name: "a", inputs: { v: '{"a":1}' }, propertyDependencies: { v: [0] } },
            { type: "t", name: "b", inputs: { v: { a: 1 } }, propertyDependencies: { v: [0] } },
            { type: "t", name: "c", inputs: { v: { a: 1 } }, propertyDependencies: { v: [0] } },
        ]);
        assert.notEqual(mixed[0].v, mixed[1].v);
        assert.equal(mixed[1].v, mixed[2].v);
    });

    test("a floor that declared another graph is told, input by input", () => {
        const recorded = recordResources([
            resource("vpc"),
            resource("sg", { dependencies: ["urn:vpc"], propertyDependencies: { vpcId: ["urn:vpc"] } }),
        ]);
        const same = [resource("vpc"), resource("sg", { dependencies: ["urn:vpc"], propertyDependencies: { vpcId: ["urn:vpc"] } })];
        assert.deepEqual(dependencyMismatches(recorded, same), []);
        const otherKey = [resource("vpc"), resource("sg", { dependencies: ["urn:vpc"], propertyDependencies: { name: ["urn:vpc"] } })];
        assert.equal(dependencyMismatches(recorded, otherKey).length, 2);
        const onlyDependsOn = [resource("vpc"), resource("sg", { dependencies: ["urn:vpc"] })];
        assert.match(dependencyMismatches(recorded, onlyDependsOn).join("\n"), /sg\.vpcId/);
        assert.match(dependencyMismatches(recorded, [resource("vpc")]).join("\n"), /sg: not registered/);
    });

    test("the floor replays a real program run with the program's dependency graph", async () => {
        // Two children, as the benchmark runs them: the program records, the floor replays and checks.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kf-floor-"));
        try {
            const dump = path.join(dir, "resources.json");
            const program = await spawnChild<{ customResources: number }>("evaluate.ts", ["--workers", "2", "--dump", dump], 120_000);
            assert.ok(program.ok, program.ok ? "" : program.error);
            const plan = JSON.parse(fs.readFileSync(dump, "utf8")) as RecordedPlan;
            assert.ok(
                plan.resources.some((r) => r.propertyDependencies !== undefined) && plan.resources.some((r) => r.dependsOn !== undefined),
            );
            const floor = await spawnChild<FloorResult>("floor.ts", ["--in", dump], 120_000);
            assert.ok(floor.ok, floor.ok ? "" : floor.error);
            assert.equal(floor.value.wired, true);
            assert.equal(floor.value.customResources, program.value.customResources);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
