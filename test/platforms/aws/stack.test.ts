/**
 * The shipped example stack `stacks/Pulumi.aws.yaml` goes through the real config path (stack file →
 * core parser → this platform's parseConfig and checkNodes → placement) without a problem, and says
 * what its comments promise.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readStackConfig, stackConfigPath } from "../../../stacks/plan/stackConfig";
import { resolveStack } from "../../../stacks/program";
import type { AwsConfig } from "../../../components/platforms/aws/config";

test("the example aws stack resolves: 3 masters over 3 zones, a general and a tainted spot pool", () => {
    const { values } = readStackConfig(stackConfigPath("aws"), "aws");
    const resolved = resolveStack(values);
    assert.equal(resolved.platform.name, "aws");
    const config = resolved.platformConfig as AwsConfig;
    assert.equal(config.region, "us-east-1");
    assert.equal(values["aws:region"], config.region, "the provider's region and kubeforge:aws.region agree");
    assert.deepEqual(config.availabilityZones, ["us-east-1a", "us-east-1b", "us-east-1c"]);

    const masters = resolved.nodes.filter((n) => n.role === "control-plane");
    assert.equal(masters.length, 3);
    assert.equal(new Set(masters.map((n) => n.failureDomain)).size, 3);
    const pools = new Map<string, number>();
    for (const n of resolved.nodes.filter((n) => n.role === "worker")) pools.set(n.pool, (pools.get(n.pool) ?? 0) + 1);
    assert.deepEqual(
        [...pools],
        [
            ["general", 3],
            ["spot", 2],
        ],
    );
    const spot = resolved.nodes.filter((n) => n.pool === "spot");
    assert.ok(spot.every((n) => n.spot && n.taints.length > 0 && Object.keys(n.labels).includes("capacity")));

    assert.deepEqual(resolved.spec.access.apiAllowedCidrs, ["203.0.113.0/24"], "a documentation range, to be replaced");
    assert.deepEqual(resolved.spec.access.sshAllowedCidrs, []);
});
