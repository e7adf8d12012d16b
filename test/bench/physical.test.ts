/**
 * The dependencies the program cannot declare (stacks/compare/physical.ts): machines no longer wait for the
 * NAT routes nor for the private zone's SOA record, so kubeadm init's work must (all of it for egress,
 * its last 90 s for the name service), and the model must say so. Checked on hand-made graphs and as
 * properties: adding them never lets anything finish earlier, the readiness gate never finishes before
 * the nodes' egress or its machine plus its own work, nor before the SOA plus its seconds after it; and
 * dropping the machines' wait for the SOA makes nothing later.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { dnsResources, egressResources, withPhysicalDependencies } from "../../stacks/compare/physical";
import { modelRole } from "../../stacks/compare/model";
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
    zone: "aws:route53/zone:Zone",
    record: "aws:route53/record:Record",
};

const r = (urn: string, type: string, deps: string[] = [], name = urn): TracedResource => ({
    urn,
    type,
    name,
    custom: true,
    deps,
    start: 0,
    end: 0,
});
const seconds = (type: string, name: string) => latencyRow(type, name)?.seconds ?? 0;
const phaseOf = (x: { type: string; name: string }) => latencyRow(x.type, x.name)?.phase;
/** The model's roles (model.ts), with the init master skipping the endpoint as on AWS. */
const roleOf = (egress: Set<string>): ((from: TracedResource, to: TracedResource) => DependencyRole) =>
    modelRole<TracedResource>(latencyRow, true, (x) => egress.has(x.urn));
/** The private zone's SOA record, named as the program names it (`<cluster>-private-zone-soa`). */
const soa = (urn: string, deps: string[]) => r(urn, T.record, deps, `${urn}-private-zone-soa`);
/**
 * What of kubeadm init runs after the bootstrap's wait for the name service, from the physics the row's
 * source states, not from the model's field: its seconds less the package install before the wait.
 */
const INIT_ROW = latencyRow(T.gate, "api");
const AFTER_DNS = (INIT_ROW?.seconds ?? NaN) - Number(/package install \(~(\d+) s\)/.exec(INIT_ROW?.source ?? "")?.[1]);
/** The private zone's SOA record, by the name the program gives it. */
const isSoa = (x: { type: string; name: string }) => x.type === T.record && x.name.endsWith("-private-zone-soa");

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

    test("the private zone's SOA is the nodes' name service: kubeadm init waits for it, for its last seconds only", () => {
        assert.equal(AFTER_DNS, 150 - 60);
        const withDns = [...privateGraph(), r("zone", T.zone, ["vpc"]), soa("soa", ["zone"])];
        assert.deepEqual(
            dnsResources(withDns, phaseOf).map((x) => x.urn),
            ["soa"],
        );
        const added = withPhysicalDependencies(withDns, phaseOf);
        assert.deepEqual(added.find((x) => x.urn === "api")?.deps, ["cp-0", "lb", "private-default", "soa"]);
        assert.deepEqual(
            roleOf(new Set())(
                added.find((x) => x.urn === "api")!,
                withDns.find((x) => x.urn === "soa")!,
            ),
            { last: AFTER_DNS },
        );
        // The name service answers (3 + 40 + 40) long before init's last 90 s would start (105 + 60): no change.
        const path = graphCriticalPath(added, seconds, undefined, roleOf(new Set(["private-default"])));
        assert.equal(path.seconds, 3 + 100 + 2 + 150 + 90);
        // A zone that waits for something slow (here the NAT route) puts the SOA, then init's last 90 s, on the path.
        const slowZone = added.map((x) => (x.urn === "zone" ? { ...x, deps: ["private-default"] } : x));
        const slow = graphCriticalPath(slowZone, seconds, undefined, roleOf(new Set(["private-default"])));
        assert.equal(slow.seconds, 3 + 100 + 2 + 40 + 40 + AFTER_DNS + 90);
        assert.deepEqual(
            slow.chain.map((c) => `${c.name} ${c.seconds}`),
            ["vpc 3", "nat 100", "private-default 2", "zone 40", "soa-private-zone-soa 40", "api 90", "cilium 90"],
        );
    });

    test("property: the added dependencies never let a resource finish earlier, and init never before egress, its machine or the SOA plus its work", () => {
        fc.assert(
            fc.property(specs, (spec) => {
                const rs = randomGraph(spec, false);
                const added = withPhysicalDependencies(rs, phaseOf);
                const egress = new Set(egressResources(rs, phaseOf).map((x) => x.urn));
                const finishOf = finisher(roleOf(egress));
                for (const x of rs) {
                    const after = finishOf(added, x.urn);
                    if (after < finishOf(rs, x.urn)) return false;
                    if (x.type === T.gate && after < physicalFloor(added, x, egress, finishOf)) return false;
                }
                return true;
            }),
            { numRuns: 1000 },
        );
    });

    test("property: machines that no longer wait for the SOA never make init later, nor let it end before the SOA plus its seconds after it", () => {
        fc.assert(
            fc.property(specs, (spec) => {
                const before = withPhysicalDependencies(randomGraph(spec, true), phaseOf);
                const now = withPhysicalDependencies(randomGraph(spec, false), phaseOf);
                const egress = new Set(egressResources(now, phaseOf).map((x) => x.urn));
                const finishOf = finisher(roleOf(egress));
                for (const x of now) {
                    if (x.type !== T.gate) continue;
                    const after = finishOf(now, x.urn);
                    if (after > finishOf(before, x.urn) || after < physicalFloor(now, x, egress, finishOf)) return false;
                }
                return true;
            }),
            { numRuns: 500 },
        );
    });
});

type Finish = (graph: TracedResource[], urn: string) => number;

/** A resource's finish: the critical path of it and what it (transitively) waits for. */
const finisher =
    (role: (from: TracedResource, to: TracedResource) => DependencyRole): Finish =>
    (graph, urn) =>
        graphCriticalPath(upTo(graph, urn), seconds, undefined, role).seconds;

/**
 * What the world lets a readiness gate finish no earlier than: each egress resource and each machine
 * it waits for plus its whole work, each name service resource plus its seconds after it (skipping
 * those that themselves wait for the gate: no cycle is made).
 */
function physicalFloor(graph: TracedResource[], gate: TracedResource, egress: Set<string>, finishOf: Finish): number {
    const own = seconds(gate.type, gate.name);
    const deps = graph.find((x) => x.urn === gate.urn)!.deps;
    let floor = 0;
    for (const x of graph) {
        if (upTo(graph, x.urn).some((y) => y.urn === gate.urn)) continue;
        if (egress.has(x.urn) || (deps.includes(x.urn) && phaseOf(x) === "machine")) floor = Math.max(floor, finishOf(graph, x.urn) + own);
        if (isSoa(x)) floor = Math.max(floor, finishOf(graph, x.urn) + AFTER_DNS);
    }
    return floor;
}

const KINDS = [T.vpc, T.nat, T.route, T.instance, T.lb, T.gate, T.node, T.cni, T.zone, "soa"];
const specs = fc.array(fc.record({ kind: fc.constantFrom(...KINDS), deps: fc.array(fc.nat(), { maxLength: 3 }) }), {
    minLength: 1,
    maxLength: 14,
});

/**
 * A random graph: always a NAT and its route, a zone and its SOA first (so the properties meet the
 * egress and name service edges), then the spec's resources, each on earlier ones; with
 * `machinesOnSoa`, every machine also waits for the first SOA, as the program declared before.
 */
function randomGraph(spec: { kind: string; deps: number[] }[], machinesOnSoa: boolean): TracedResource[] {
    const rs = [r("r0", T.vpc), r("r1", T.nat, ["r0"]), r("r2", T.route, ["r1"]), r("r3", T.zone, ["r0"]), soa("r4", ["r3"])];
    for (const s of spec) {
        const urn = `r${rs.length}`;
        const deps = [...new Set(s.deps.map((d) => `r${d % rs.length}`))];
        if (machinesOnSoa && s.kind === T.instance && !deps.includes("r4")) deps.push("r4");
        rs.push(s.kind === "soa" ? soa(urn, deps) : r(urn, s.kind, deps));
    }
    return rs;
}
