/**
 * The comparison prices a plan with the bench's model (stacks/compare/model.ts), not a simpler one:
 * kubeadm init's work waits for the NAT route and its machine, runs beside the load balancer where the
 * platform lets the init master skip the endpoint, and a node's join waits for the API.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { timeToReady, type GraphResource } from "../../stacks/compare/timing";
import { platformLatencyRows } from "../../stacks/compare/latency";
import { API_READINESS_TYPE, NODE_LIFECYCLE_TYPE } from "../../components/lifecycle/types";

const r = (urn: string, type: string, dependencies: string[] = []): GraphResource => ({ urn, type, name: urn, custom: true, dependencies });

/** vpc 3, then nat 100 and its route 2; a machine 30 and the LB 180 after the vpc; the gate 150 on the machine and LB; a join. */
const plan: GraphResource[] = [
    r("vpc", "aws:ec2/vpc:Vpc"),
    r("nat", "aws:ec2/natGateway:NatGateway", ["vpc"]),
    r("private-default", "aws:ec2/route:Route", ["nat"]),
    r("cp-0", "aws:ec2/instance:Instance", ["vpc"]),
    r("lb", "aws:lb/loadBalancer:LoadBalancer", ["vpc"]),
    r("api", API_READINESS_TYPE, ["cp-0", "lb"]),
    r("w-0", NODE_LIFECYCLE_TYPE, ["cp-0"]),
];

describe("time to ready, by the shared model", () => {
    const rows = platformLatencyRows("aws");

    test("init waits for the NAT route (machines do not), and the join for the API", () => {
        const t = timeToReady(plan, rows, false);
        // Without the init overlap: init after the LB (183) and after egress (105).
        assert.equal(t.seconds, 3 + 180 + 150 + 45);
        assert.deepEqual(
            t.criticalPath.map((s) => s.name),
            ["vpc", "lb", "api", "w-0"],
        );
    });

    test("where the init master skips the endpoint, init runs beside the load balancer but still after egress", () => {
        const t = timeToReady(plan, rows, true);
        assert.equal(t.seconds, 3 + Math.max(180, Math.max(100 + 2, 30) + 150) + 45);
        assert.deepEqual(
            t.criticalPath.map((s) => s.name),
            ["vpc", "nat", "private-default", "api", "w-0"],
        );
    });

    test("kubeadm init's last 90 s wait for the private zone's SOA record, which the machines no longer wait for", () => {
        // A zone that waits for the NAT route (as if it were slow) puts the SOA on the path: 105 + 40 + 40 + 90 > 105 + 150.
        const dns = [
            ...plan,
            r("zone", "aws:route53/zone:Zone", ["private-default"]),
            { ...r("soa", "aws:route53/record:Record", ["zone"]), name: "demo-private-zone-soa" },
        ];
        const t = timeToReady(dns, rows, true);
        assert.equal(t.seconds, 3 + 100 + 2 + 40 + 40 + 90 + 45);
        assert.deepEqual(
            t.criticalPath.map((s) => `${s.name} ${s.seconds}`),
            ["vpc 3", "nat 100", "private-default 2", "zone 40", "demo-private-zone-soa 40", "api 90", "w-0 45"],
        );
        assert.match(t.criticalPath[4].source, /before the API name's first lookup/);
    });

    test("without NAT, init follows its machine", () => {
        const publicPlan = plan.filter((x) => x.urn !== "nat" && x.urn !== "private-default");
        assert.equal(timeToReady(publicPlan, rows, true).seconds, 3 + Math.max(180, 30 + 150) + 45);
    });
});
