/**
 * `kubeforge:aws.topology`: `private` (the default: nodes behind NAT, what every existing stack has) or
 * `public` (nodes in the public subnets with public IPv4, no NAT gateway). Config errors name the key
 * and the values; the public plan has no NAT, and its nodes' security groups admit only the firewall
 * matrix's sources, as in the private one.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { parseAwsConfig } from "../../../components/platforms/aws/config";
import { runPlan } from "../../../stacks/plan/run";
import { stackConfigPath } from "../../../stacks/plan/stackConfig";
import type { PlanEngine, PlanResource } from "../../../stacks/plan/mocks";
import { ZONES, makeSpec, rawAws } from "./fixtures";

const spec = makeSpec();
const existingVpc = {
    existingVpcId: "vpc-0123456789abcdef0",
    subnetIds: Object.fromEntries(
        ZONES.map((z, i) => [z, { public: `subnet-0aaaaaaaaaaaaaaa${i}`, private: `subnet-0bbbbbbbbbbbbbbb${i}` }]),
    ),
    egressCidrs: ["198.51.100.7/32"],
};

describe("kubeforge:aws.topology", () => {
    test("private by default, so existing stacks keep their resources; public when asked", () => {
        assert.equal(parseAwsConfig(rawAws(), spec).config?.topology, "private");
        assert.equal(parseAwsConfig(rawAws({ topology: "private" }), spec).config?.topology, "private");
        assert.equal(parseAwsConfig(rawAws({ topology: "public" }), spec).config?.topology, "public");
    });

    test("anything else is refused, naming the key and the allowed values", () => {
        for (const bad of ["Public", "nat", 1, true, null]) {
            const { config, issues } = parseAwsConfig(rawAws({ topology: bad }), spec);
            assert.equal(config, undefined, String(bad));
            assert.equal(issues.length, 1, String(bad));
            assert.equal(issues[0].field, "kubeforge:aws.topology");
            assert.match(issues[0].message, /`private`.*`public`/);
        }
    });

    test("public with an existing VPC is refused: its egress is its own", () => {
        const { config, issues } = parseAwsConfig(rawAws({ vpc: existingVpc, topology: "public" }), spec);
        assert.equal(config, undefined);
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:aws.topology"],
        );
        assert.match(issues[0].message, /existing VPC/);
        assert.equal(parseAwsConfig(rawAws({ vpc: existingVpc, topology: "private" }), spec).config?.topology, "private");
    });
});

describe("the public plan", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kf-topology-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    let engine: PlanEngine | undefined;
    let vpcCidr = "";
    let sshCidrs: string[] = [];
    const ofType = (type: string): PlanResource[] => engine!.resources.filter((r) => r.type === type);

    before(async () => {
        const doc = parse(fs.readFileSync(stackConfigPath("aws"), "utf8")) as { config: Record<string, unknown> };
        const aws = doc.config["kubeforge:aws"] as Record<string, unknown>;
        doc.config["kubeforge:aws"] = { ...aws, topology: "public" };
        const file = path.join(dir, "Pulumi.public.yaml");
        fs.writeFileSync(file, stringify(doc));
        const plan = await runPlan({ configFile: file, skipPolicies: true, onSettled: (e) => (engine = e) });
        vpcCidr = plan.spec.network.nodeCidr;
        sshCidrs = plan.spec.access.sshAllowedCidrs;
    });

    test("no NAT gateway, no address for one, no default route through one", () => {
        assert.deepEqual(ofType("aws:ec2/natGateway:NatGateway"), []);
        assert.deepEqual(ofType("aws:ec2/eip:Eip"), []);
        assert.deepEqual(
            ofType("aws:ec2/route:Route").map((r) => r.name),
            ["demo-public-default"],
        );
    });

    test("the nodes' ports admit only the firewall matrix's sources: other groups, the VPC, access.sshAllowedCidrs", () => {
        const nodes = ofType("aws:ec2/securityGroup:SecurityGroup").find((g) => g.name === "demo-nodes");
        assert.ok(nodes);
        const rules = ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
            (r) => r.inputs.securityGroupId === `${nodes.name}-id` || r.propertyDependencies.securityGroupId?.includes(nodes.urn),
        );
        assert.ok(rules.length > 0);
        for (const rule of rules) {
            const cidr = rule.inputs.cidrIpv4 as string | undefined;
            if (cidr === undefined) assert.ok(rule.inputs.referencedSecurityGroupId !== undefined, rule.name);
            else assert.ok(cidr === vpcCidr || sshCidrs.includes(cidr), `${rule.name} admits ${cidr}`);
        }
    });

    test("machines sit in the public subnets with a public IPv4 address", () => {
        const publicSubnets = new Set(
            ofType("aws:ec2/subnet:Subnet")
                .filter((s) => s.name.startsWith("demo-public-"))
                .map((s) => s.urn),
        );
        const instances = ofType("aws:ec2/instance:Instance");
        assert.ok(instances.length > 0);
        for (const i of instances) {
            assert.equal(i.inputs.associatePublicIpAddress, true, i.name);
            assert.ok(
                (i.propertyDependencies.subnetId ?? []).every((u) => publicSubnets.has(u)),
                i.name,
            );
        }
    });

    test("each public node's own address, and only it, is admitted to the API load balancer on 6443", () => {
        const apiGroup = ofType("aws:ec2/securityGroup:SecurityGroup").find((g) => g.name === "demo-api-lb");
        assert.ok(apiGroup, "the API load balancer's group");
        const instances = ofType("aws:ec2/instance:Instance");
        for (const i of instances) {
            const rule = ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").find((r) => r.name === `${i.name}-api`);
            assert.ok(rule, `no API rule for ${i.name}`);
            assert.equal(rule.inputs.securityGroupId, apiGroup.id);
            assert.deepEqual([rule.inputs.ipProtocol, rule.inputs.fromPort, rule.inputs.toPort], ["tcp", 6443, 6443]);
            assert.match(String(rule.inputs.cidrIpv4), /^\d+\.\d+\.\d+\.\d+\/32$/, `${i.name}: a /32 of its public address`);
            assert.ok(rule.propertyDependencies.cidrIpv4?.includes(i.urn), `${i.name}: the address is the instance's`);
        }
    });
});
