/**
 * The dependencies the program cannot declare (stacks/compare/physical.ts): machines no longer wait for the
 * NAT routes, so kubeadm init's work must, and the model must say so. Checked on hand-made graphs and
 * as a property: adding them never lets anything finish earlier, and the readiness gate never finishes
 * before the nodes' egress plus its own work.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { egressResources, withPhysicalDependencies } from "../../stacks/compare/physical";
import { latencyRow } from "../../stacks/compare/latency-table";
import { graphCriticalPath, type DependencyRole } from "../../stacks/compare/critical-path";
import type { TracedResource } from "../../bench/lib/trace";
import { API_READINESS_TYPE, NODE_LIFECYCLE_TYPE } from "../../components/lifecycle/types";
import { upTo } from "./graph";

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    nat: "aws:ec2/natGateway:NatGateway",
    route: "aws:ec2/route:Route",
    instance: "aws:ec2/instance:Instance",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    gate: API_READINESS_TYPE,
    node: NODE_LIFECYCLE_TYPE,
    cni: "kubernetes:helm.sh/v3:Release",
};

const r = (urn: string, type: string, deps: string[] = []): TracedResource => ({
    urn,
    type,
    name: urn,
    custom: true,
    deps,
    start: 0,
    end: 0,
});
const seconds = (type: string, name: string) => latencyRow(type, name)?.seconds ?? 0;
const phaseOf = (x: { type: string; name: string }) => latencyRow(x.type, x.name)?.phase;
const roleOf =
    (egress: Set<string>) =>
    (from: TracedResource, to: TracedResource): DependencyRole =>
        from.type === T.gate && !egress.has(to.urn) && phaseOf(to) !== "machine" ? "bound" : "work";

/** The private topology as the program declares it now: the machine does not wait for the NAT route. */
function privateGraph(): TracedResource[] {
    return [
        r("vpc", T.vpc),
        r("nat", T.nat, ["vpc"]),
        r("private-default", T.route, ["nat"]),
        r("public-default", T.route, ["vpc"]),
        r("cp-0", T.instance, ["vpc", "public-default"]),
        r("lb", T.lb, ["vpc"]),
        r("api", T.gate, ["cp-0", "lb"]),
        r("w-0", T.node, ["cp-0"]),
        r("cilium", T.cni, ["api"]),
    ];
}

describe("physical dependencies", () => {
    test("the NAT routes are the nodes' egress; the public default route is not", () => {
        assert.deepEqual(
            egressResources(privateGraph(), phaseOf).map((x) => x.urn),
            ["private-default"],
        );
    });

    test("kubeadm init waits for the NAT route and its machine; a join waits for the API", () => {
        const added = withPhysicalDependencies(privateGraph(), phaseOf);
        assert.deepEqual(added.find((x) => x.urn === "api")?.deps, ["cp-0", "lb", "private-default"]);
        assert.deepEqual(added.find((x) => x.urn === "w-0")?.deps, ["cp-0", "api"]);
        const egress = new Set(["private-default"]);
        // init starts at max(machine 3 + 30, NAT route 3 + 100 + 2) and cannot finish before the LB 183.
        const path = graphCriticalPath(added, seconds, undefined, roleOf(egress));
        assert.equal(path.seconds, 3 + 100 + 2 + 150 + 90);
        assert.deepEqual(
            path.chain.map((c) => c.name),
            ["vpc", "nat", "private-default", "api", "cilium"],
        );
        // Without the physical edge the model would be kinder: init right after the machine.
        assert.equal(graphCriticalPath(privateGraph(), seconds, undefined, roleOf(egress)).seconds, 3 + Math.max(180, 2 + 30 + 150) + 90);
    });

    test("without NAT (public subnets, an existing VPC) nothing more is waited for", () => {
        const publicGraph = privateGraph().filter((x) => x.urn !== "nat" && x.urn !== "private-default");
        assert.deepEqual(egressResources(publicGraph, phaseOf), []);
        const added = withPhysicalDependencies(publicGraph, phaseOf);
        assert.deepEqual(added.find((x) => x.urn === "api")?.deps, ["cp-0", "lb"]);
        assert.equal(graphCriticalPath(added, seconds, undefined, roleOf(new Set())).seconds, 3 + Math.max(180, 2 + 30 + 150) + 90);
    });

    test("two gates and egress resources that wait for them get no cycle (a property counterexample, kept)", () => {
        // Each network resource depends on the NAT (so it counts as egress) and on one of the gates.
        const rs = [
            r("r0", T.vpc),
            r("r1", T.nat, ["r0"]),
            r("r2", T.route, ["r1"]),
            r("r3", T.gate),
            r("r4", T.gate),
            r("r5", T.vpc, ["r3", "r1"]),
            r("r6", T.vpc, ["r4", "r1"]),
            r("r7", T.gate),
        ];
        const added = withPhysicalDependencies(rs, phaseOf);
        const byUrn = new Map(added.map((x) => [x.urn, x]));
        const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
            (byUrn.get(from)?.deps ?? []).some((d) => d === to || (!seen.has(d) && (seen.add(d), reaches(d, to, seen))));
        for (const x of added) assert.ok(!reaches(x.urn, x.urn), `${x.urn} waits for itself`);
        for (const gate of ["r3", "r4", "r7"]) assert.ok(byUrn.get(gate)!.deps.includes("r2"), `${gate} waits for the NAT route`);
    });

    test("property: the added dependencies never let a resource finish earlier, and init never before egress plus its work", () => {
        const types = [T.vpc, T.nat, T.route, T.instance, T.lb, T.gate, T.node, T.cni];
        fc.assert(
            fc.property(
                fc.array(fc.record({ type: fc.constantFrom(...types), deps: fc.array(fc.nat(), { maxLength: 3 }) }), {
                    minLength: 1,
                    maxLength: 14,
                }),
                (spec) => {
                    // Always a NAT and its route first, so the property meets the egress edges.
                    const rs = [r("r0", T.vpc), r("r1", T.nat, ["r0"]), r("r2", T.route, ["r1"])];
                    spec.forEach((s, k) => {
                        const i = k + 3;
                        rs.push(
                            r(
                                `r${i}`,
                                s.type,
                                [...new Set(s.deps.map((d) => d % i))].map((d) => `r${d}`),
                            ),
                        );
                    });
                    const added = withPhysicalDependencies(rs, phaseOf);
                    const egress = new Set(egressResources(rs, phaseOf).map((x) => x.urn));
                    const role = roleOf(egress);
                    // A resource's finish: the critical path of it and what it (transitively) waits for,
                    // as nothing finishes before what it waits for.
                    const finishOf = (graph: TracedResource[], urn: string) =>
                        graphCriticalPath(upTo(graph, urn), seconds, undefined, role).seconds;
                    for (const x of rs) {
                        const before = finishOf(rs, x.urn);
                        const after = finishOf(added, x.urn);
                        if (after < before) return false;
                        if (x.type === T.gate) {
                            // (an egress resource that itself waits for the gate cannot gate it: no cycle is made)
                            for (const e of egress) {
                                if (upTo(added, e).some((y) => y.urn === x.urn)) continue;
                                if (after < finishOf(added, e) + seconds(x.type, x.name)) return false;
                            }
                        }
                    }
                    return true;
                },
            ),
            { numRuns: 1000 },
        );
    });
});
