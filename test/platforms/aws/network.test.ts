/**
 * The network's `ready` (what machines wait for) no longer holds the default routes through NAT: a
 * NAT gateway takes about 100 s against a machine's 30 s, so machines boot meanwhile and their
 * bootstrap waits for egress itself (bootstrap/scripts/common.sh `wait_for_egress`). The NAT routes
 * are the network's `egress` instead, which the deploy model makes kubeadm init wait for.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { PlanEngine, outputValue } from "../../../stacks/plan/mocks";
import awsMocks from "../../../components/platforms/aws/mocks";
import { parseAwsConfig, type AwsConfig } from "../../../components/platforms/aws/config";
import { createNetwork, type AwsNetwork } from "../../../components/platforms/aws/network";
import { ZONES, makeSpec, rawAws } from "./fixtures";

const engine = new PlanEngine({ platform: awsMocks });
const ROUTE = "aws:ec2/route:Route";

class TestParent extends pulumi.ComponentResource {
    constructor(name: string) {
        super("kubeforge:test:Parent", name, {}, {});
        this.registerOutputs({});
    }
}

function build(name: string, raw: Record<string, unknown>): AwsNetwork {
    const spec = makeSpec({ name });
    const parsed = parseAwsConfig(raw, spec);
    assert.deepEqual(parsed.issues, []);
    return createNetwork(name, spec, parsed.config as AwsConfig, new TestParent(`${name}-parent`));
}

const urns = (rs: pulumi.Resource[]) => Promise.all(rs.map((r) => outputValue(r.urn)));

let perZone: AwsNetwork;
let single: AwsNetwork;
let existing: AwsNetwork;

before(async () => {
    await engine.install("kubeforge", "test");
    perZone = build("demo", rawAws());
    single = build("one", rawAws({ vpc: { cidr: "10.0.0.0/16", natGateways: "single" } }));
    const subnetIds = Object.fromEntries(
        ZONES.map((z, i) => [z, { public: `subnet-0aaaaaaaaaaaaaaa${i}`, private: `subnet-0bbbbbbbbbbbbbbb${i}` }]),
    );
    existing = build("shared", rawAws({ vpc: { existingVpcId: "vpc-0123456789abcdef0", subnetIds, egressCidrs: ["198.51.100.7/32"] } }));
    await engine.settle();
});

describe("what machines wait for", () => {
    test("no default route through NAT is in `ready`; every one is in `egress`, one per private subnet", async () => {
        for (const [network, prefix] of [
            [perZone, "demo"],
            [single, "one"],
        ] as const) {
            const natRoutes = engine.ofType(ROUTE).filter((r) => r.name.startsWith(`${prefix}-`) && r.inputs.natGatewayId !== undefined);
            assert.equal(natRoutes.length, ZONES.length, prefix);
            const ready = new Set(await urns(network.ready));
            assert.deepEqual(
                natRoutes.filter((r) => ready.has(r.urn)).map((r) => r.name),
                [],
                `${prefix}: machines would wait for NAT`,
            );
            assert.deepEqual((await urns(network.egress)).sort(), natRoutes.map((r) => r.urn).sort(), prefix);
        }
    });

    test("the public default route and the private subnets' route table associations stay in `ready`", async () => {
        const ready = new Set(await urns(perZone.ready));
        const publicRoute = engine.ofType(ROUTE).find((r) => r.name === "demo-public-default");
        assert.ok(publicRoute && ready.has(publicRoute.urn));
        const associations = engine
            .ofType("aws:ec2/routeTableAssociation:RouteTableAssociation")
            .filter((r) => r.name.startsWith("demo-private-"));
        assert.equal(associations.length, ZONES.length);
        for (const a of associations) assert.ok(ready.has(a.urn), a.name);
    });

    test("an existing VPC brings its own egress: nothing to wait for", () => {
        assert.deepEqual(existing.ready, []);
        assert.deepEqual(existing.egress, []);
    });
});
