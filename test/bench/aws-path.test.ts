/**
 * The modelled critical path of the real AWS plans (stacks/Pulumi.aws.yaml, and the same stack with
 * `topology: public`), recorded as `npm run compare` records them: what issue 16's goal is measured on.
 * Every expected figure is the sum of the table's rows along the chain, spelled out; the name service
 * (zone, SOA) is off the path in both topologies, and the ideal never exceeds the path.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { recordInChild } from "../../stacks/compare/run";
import type { RecordedPlan } from "../../stacks/compare/record";
import { modelledCriticalPath } from "../../stacks/compare/model";
import { idealSeconds, latencyRow } from "../../stacks/compare/latency-table";
import { longestChainOf, type GraphNode, type GraphPath } from "../../stacks/compare/critical-path";
import { graphOf, timeToReady } from "../../stacks/compare/timing";
import { platformLatencyRows } from "../../stacks/compare/latency";
import { withPhysicalDependencies } from "../../stacks/compare/physical";
import { stackConfigPath } from "../../stacks/plan/stackConfig";
import { monthlyCost } from "../../stacks/compare/cost";
import { loadPlatformData } from "../../stacks/compare/data";
import { API_READINESS_TYPE } from "../../components/lifecycle/types";

/** A row's seconds for a resource of the plan, by type and name. */
const s = (type: string, name = "") => {
    const row = latencyRow(type, name);
    assert.ok(row, `no row for ${type} ${name}`);
    return row.seconds;
};
const VPC = s("aws:ec2/vpc:Vpc");
const SUBNET = s("aws:ec2/subnet:Subnet");
const IGW = s("aws:ec2/internetGateway:InternetGateway");
const ROUTE = s("aws:ec2/route:Route");
const NAT = s("aws:ec2/natGateway:NatGateway");
const SG = s("aws:ec2/securityGroup:SecurityGroup");
const LB = s("aws:lb/loadBalancer:LoadBalancer");
const LISTENER = s("aws:lb/listener:Listener");
const ROLE = s("aws:iam/role:Role");
const PROFILE = s("aws:iam/instanceProfile:InstanceProfile");
const MACHINE = s("aws:ec2/instance:Instance");
const ZONE = s("aws:route53/zone:Zone");
const SOA = s("aws:route53/record:Record", "demo-private-zone-soa");
const INIT = s(API_READINESS_TYPE);
const AFTER_DNS = latencyRow(API_READINESS_TYPE, "demo-api")?.afterDnsSeconds ?? NaN;
const JOIN = s("pulumi-nodejs:dynamic/kubeforge:NodeLifecycle");
const CILIUM = s("kubernetes:helm.sh/v3:Release", "demo-addons-cilium");

interface Modelled {
    plan: RecordedPlan;
    graph: GraphNode[];
    path: GraphPath;
}

function model(plan: RecordedPlan): Modelled {
    const graph = graphOf(plan.resources);
    return { plan, graph, path: modelledCriticalPath(graph, latencyRow, plan.initWithoutEndpoint ?? false) };
}

/** The chain as `name seconds`. */
const steps = (p: GraphPath) => p.chain.map((c) => `${c.name} ${c.seconds}`);

describe("the modelled critical path of the AWS stack", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kf-aws-path-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    let privatePlan: Modelled;
    let publicPlan: Modelled;

    before(async () => {
        const doc = parse(fs.readFileSync(stackConfigPath("aws"), "utf8")) as { config: Record<string, unknown> };
        doc.config["kubeforge:aws"] = { ...(doc.config["kubeforge:aws"] as Record<string, unknown>), topology: "public" };
        const publicFile = path.join(dir, "Pulumi.public.yaml");
        fs.writeFileSync(publicFile, stringify(doc));
        const [priv, pub] = await Promise.all([recordInChild(stackConfigPath("aws")), recordInChild(publicFile)]);
        assert.ok(priv.ok && pub.ok, JSON.stringify([priv, pub]).slice(0, 2000));
        privatePlan = model(priv.plan);
        publicPlan = model(pub.plan);
    });

    test("private: the NAT route, all of kubeadm init, Cilium (the name service answers long before init's last 90 s)", () => {
        const p = privatePlan.path;
        // Egress: vpc, internet gateway, the public route, a NAT gateway, its private route.
        const egress = VPC + IGW + ROUTE + NAT + ROUTE;
        assert.equal(p.seconds, egress + INIT + CILIUM);
        assert.equal(p.seconds, 3 + 2 + 2 + 100 + 2 + 150 + 90);
        assert.equal(steps(p).length, 7);
        assert.deepEqual(steps(p).slice(0, 3), [`demo-vpc ${VPC}`, `demo-igw ${IGW}`, `demo-public-default ${ROUTE}`]);
        assert.match(steps(p)[3], new RegExp(`^demo-nat-us-east-1[abc] ${NAT}$`));
        assert.match(steps(p)[4], new RegExp(`^demo-private-us-east-1[abc]-default ${ROUTE}$`));
        assert.deepEqual(steps(p).slice(5), [`demo-api ${INIT}`, `demo-addons-cilium ${CILIUM}`]);
        // The name service's path to init's end is shorter than egress + init.
        assert.ok(VPC + ZONE + SOA + AFTER_DNS < egress + INIT);
    });

    test("public: the masters' identity and boot, all of kubeadm init, Cilium (the load balancer and the name service are earlier)", () => {
        const p = publicPlan.path;
        // The masters' IAM role and instance profile, then the machine; init's work starts on it.
        const boot = ROLE + PROFILE + MACHINE;
        assert.equal(p.seconds, boot + INIT + CILIUM);
        assert.equal(p.seconds, 2 + 8 + 30 + 150 + 90);
        assert.equal(steps(p).length, 5);
        assert.deepEqual(steps(p).slice(0, 2), [`demo-control-plane ${ROLE}`, `demo-control-plane ${PROFILE}`]);
        assert.match(steps(p)[2], new RegExp(`^demo-cp-[012] ${MACHINE}$`));
        assert.deepEqual(steps(p).slice(3), [`demo-api ${INIT}`, `demo-addons-cilium ${CILIUM}`]);
        assert.deepEqual(
            p.chain.map((c) => c.type),
            [
                "aws:iam/role:Role",
                "aws:iam/instanceProfile:InstanceProfile",
                "aws:ec2/instance:Instance",
                API_READINESS_TYPE,
                "kubernetes:helm.sh/v3:Release",
            ],
        );
        // The load balancer (vpc, its security group, the NLB) bounds init's end 4 s earlier; the name service later still.
        assert.ok(VPC + SG + LB < boot + INIT && VPC + ZONE + SOA + AFTER_DNS < boot + INIT);
    });

    test("kubeadm init waits for the SOA in both (the machines do not), and the wait costs nothing on these plans", () => {
        for (const m of [privatePlan, publicPlan]) {
            const phaseOf = (r: GraphNode) => latencyRow(r.type, r.name)?.phase;
            const soa = m.graph.find((r) => phaseOf(r) === "dns");
            assert.equal(soa?.name, "demo-private-zone-soa");
            const machines = m.graph.filter((r) => r.type === "aws:ec2/instance:Instance");
            assert.ok(machines.length > 0 && machines.every((r) => !r.deps.includes(soa.urn)), m.plan.stack);
            const gate = withPhysicalDependencies(m.graph, phaseOf).find((r) => r.type === API_READINESS_TYPE);
            assert.ok(gate?.deps.includes(soa.urn), m.plan.stack);
            const withoutGate = modelledCriticalPath(m.graph, latencyRow, true, (from, to) => from === gate && to === soa);
            assert.equal(withoutGate.seconds, m.path.seconds);
        }
    });

    test("the public topology pays for every machine's own public IPv4 address, the private one for its NAT gateways' only", () => {
        const data = loadPlatformData("aws");
        assert.ok(data);
        const addressesOf = (m: Modelled) => {
            const cost = monthlyCost(data, m.plan.region, m.plan.resources);
            assert.ok(cost.complete, cost.unknown.join("; "));
            return cost.items.filter((i) => i.kind === "publicAddress").reduce((n, i) => n + i.quantity, 0);
        };
        const count = (m: Modelled, type: string) => m.plan.resources.filter((r) => r.type === type).length;
        const instances = count(publicPlan, "aws:ec2/instance:Instance");
        assert.ok(instances >= 6);
        assert.equal(addressesOf(publicPlan), instances + count(publicPlan, "aws:ec2/eip:Eip"));
        assert.equal(addressesOf(privatePlan), count(privatePlan, "aws:ec2/eip:Eip"));
        assert.ok(count(privatePlan, "aws:ec2/eip:Eip") > 0);
    });

    test("npm run compare prices the plans the same, and the ideal is a lower bound of each", () => {
        // network + max(load balancer + listener, max(NAT, boot) + init, name service + init after it) + max(join, Cilium).
        const privateIdeal = VPC + SUBNET + Math.max(LB + LISTENER, Math.max(NAT, MACHINE) + INIT) + Math.max(JOIN, CILIUM);
        const publicIdeal = VPC + SUBNET + Math.max(LB + LISTENER, MACHINE + INIT) + Math.max(JOIN, CILIUM);
        assert.deepEqual([privateIdeal, publicIdeal], [345, 277]);
        assert.ok(VPC + ZONE + SOA + AFTER_DNS < VPC + SUBNET + MACHINE + INIT);
        for (const [m, expected] of [
            [privatePlan, privateIdeal],
            [publicPlan, publicIdeal],
        ] as const) {
            const t = timeToReady(m.plan.resources, platformLatencyRows("aws"), m.plan.initWithoutEndpoint);
            assert.equal(t.seconds, m.path.seconds);
            const phaseOf = (r: GraphNode) => latencyRow(r.type, r.name)?.phase;
            const custom = withPhysicalDependencies(m.graph, phaseOf).filter((r) => r.custom);
            const addons = longestChainOf(
                custom,
                (type, name) => s(type, name),
                (r) => phaseOf(r) === "addon",
            );
            const ideal = idealSeconds(custom, addons, true);
            assert.equal(ideal.total, expected, m.plan.stack);
            assert.ok(ideal.total <= m.path.seconds, `${m.plan.stack}: ideal ${ideal.total} > path ${m.path.seconds}`);
            assert.equal(ideal.dns, VPC + ZONE + SOA);
            assert.equal(ideal.afterDns, AFTER_DNS);
        }
    });
});
