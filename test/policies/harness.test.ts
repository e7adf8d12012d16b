import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { validateResourceOfType } from "@pulumi/policy";
import { Instance } from "@pulumi/aws/ec2/instance";
import { SecurityGroup } from "@pulumi/aws/ec2/securityGroup";
import { NotApplicableError, runPolicies } from "../../policies/evaluate";
import type { PolicyInputResource } from "../../policies/evaluate";
import { UNKNOWN_SENTINEL } from "../../policies/sdk";
import { clusterRecord, healthyCluster, ingressRule, instance, policiesOf, previewCluster, replace } from "./builders";

describe("enforcement levels", () => {
    const bad = () => replace(healthyCluster(), clusterRecord({ secretsEncryption: false }));
    test("config overrides a policy's level; disabled skips it; remediate reports as mandatory", async () => {
        assert.deepEqual(
            (await runPolicies(bad())).map((v) => v.level),
            ["mandatory"],
        );
        const advisory = await runPolicies(bad(), { config: { "secrets-encryption": { enforcementLevel: "advisory" } } });
        assert.deepEqual(
            advisory.map((v) => [v.policy, v.level]),
            [["secrets-encryption", "advisory"]],
        );
        assert.deepEqual(await runPolicies(bad(), { config: { "secrets-encryption": { enforcementLevel: "disabled" } } }), []);
        const remediate = await runPolicies(bad(), { config: { "secrets-encryption": { enforcementLevel: "remediate" } } });
        assert.deepEqual(
            remediate.map((v) => v.level),
            ["mandatory"],
        );
    });
    test("the pack level applies to a policy that sets none", async () => {
        const policy = {
            name: "p",
            description: "d",
            validateResource: (_: ResourceValidationArgs, report: (m: string) => void) => report("x"),
        };
        const resources = [instance("a", "worker")];
        assert.deepEqual(
            (await runPolicies(resources, { policies: [policy] })).map((v) => v.level),
            ["mandatory"],
        );
        assert.deepEqual(
            (await runPolicies(resources, { policies: [policy], enforcementLevel: "advisory" })).map((v) => v.level),
            ["advisory"],
        );
    });
});

describe("config validation", () => {
    test("wrong types, unknown keys and unknown policies are rejected with every problem listed", async () => {
        await assert.rejects(
            runPolicies([], { config: { "control-plane-count": { maxControlPlane: "seven", maxMasters: 3 }, "no-such-policy": {} } }),
            (e: Error) =>
                /maxControlPlane: must be integer/.test(e.message) &&
                /maxMasters/.test(e.message) &&
                /unknown policy "no-such-policy"/.test(e.message),
        );
        await assert.rejects(runPolicies([], { config: { "ssh-not-public": { enforcementLevel: "loud" } } }), /enforcementLevel/);
    });
    test("schema defaults reach getConfig; given values win", async () => {
        const seen: object[] = [];
        const policy = {
            name: "p",
            description: "d",
            configSchema: { properties: { a: { type: "integer" as const, default: 1 }, b: { type: "string" as const } } },
            validateStack: (args: StackValidationArgs) => void seen.push(args.getConfig()),
        };
        await runPolicies([], { policies: [policy] });
        await runPolicies([], { policies: [policy], config: { p: { a: 2, b: "x", enforcementLevel: "advisory" } } });
        assert.deepEqual(seen, [{ a: 1 }, { a: 2, b: "x" }]);
    });
});

describe("args as the engine builds them", () => {
    test("resource args: props are inputs, notApplicable throws, isType/asType follow the class's type token", async () => {
        let captured: ResourceValidationArgs | undefined;
        const policy = { name: "p", description: "d", validateResource: (args: ResourceValidationArgs) => void (captured = args) };
        await runPolicies([{ ...instance("a", "worker"), parent: "urn:parent" }], {
            policies: [policy],
            stackTags: { environment: "dev" },
        });
        assert.ok(captured);
        assert.equal(captured.type, "aws:ec2/instance:Instance");
        assert.equal(captured.name, "a");
        assert.equal(captured.props.instanceType, "m7i.large");
        assert.equal(captured.opts.parent, "urn:parent");
        assert.equal(captured.stackTags.get("environment"), "dev");
        assert.equal(captured.isType(Instance), true);
        assert.equal(captured.isType(SecurityGroup), false);
        assert.equal(captured.asType(Instance)?.instanceType, "m7i.large");
        assert.equal(captured.asType(SecurityGroup), undefined);
        assert.throws(
            () => captured?.notApplicable("because"),
            (e: unknown) => e instanceof NotApplicableError && e.reason === "because",
        );
    });
    test("validateResourceOfType from the SDK works through the runner", async () => {
        const policy = {
            name: "typed",
            description: "d",
            enforcementLevel: "advisory" as const,
            validateResource: validateResourceOfType(Instance, (props, _args, report) => {
                if (props.instanceType === "m7i.large") report("large");
            }),
        };
        const v = await runPolicies(healthyCluster(), { policies: [policy] });
        assert.equal(v.length, 5);
        assert.ok(v.every((x) => x.message === "large" && /Instance::/.test(x.resource ?? "")));
    });
    test("stack args: outputs (with the id) as props, parent and dependencies linked to the same objects", async () => {
        let resources: PolicyResource[] = [];
        const policy = { name: "s", description: "d", validateStack: (args: StackValidationArgs) => void (resources = args.resources) };
        const input: PolicyInputResource[] = [
            { type: "kubeforge:cluster:Cluster", name: "c", urn: "urn:c", inputs: {} },
            { type: "aws:ec2/securityGroup:SecurityGroup", name: "sg", urn: "urn:sg", inputs: { vpcId: "v" }, id: "sg-1", parent: "urn:c" },
            {
                type: "aws:ec2/instance:Instance",
                name: "i",
                urn: "urn:i",
                inputs: { ami: "x" },
                outputs: { ami: "x", privateIp: "10.0.0.5" },
                id: "i-1",
                parent: "urn:c",
                dependencies: ["urn:sg", "urn:missing"],
                propertyDependencies: { vpcSecurityGroupIds: ["urn:sg"] },
            },
        ];
        await runPolicies(input, { policies: [policy] });
        const [c, sg, i] = resources;
        assert.equal(sg.props.id, "sg-1");
        assert.equal(i.props.privateIp, "10.0.0.5");
        assert.equal(i.parent, c);
        assert.deepEqual(i.dependencies, [sg]);
        assert.equal(i.propertyDependencies.vpcSecurityGroupIds[0], sg);
        assert.equal(c.parent, undefined);
        assert.equal(i.opts.parent, "urn:c");
    });
    test("a policy that throws fails the run and names the policy", async () => {
        const policy = {
            name: "broken",
            description: "d",
            validateResource: () => {
                throw new Error("boom");
            },
        };
        await assert.rejects(runPolicies([instance("a", "worker")], { policies: [policy] }), /policy 'broken'.*boom/);
    });
    test("inputs are not mutated by policies", async () => {
        const r = instance("a", "worker");
        const before = structuredClone(r.inputs);
        const policy = { name: "m", description: "d", validateResource: (args: ResourceValidationArgs) => void (args.props.tags = {}) };
        await runPolicies([r], { policies: [policy] });
        assert.deepEqual(r.inputs, before);
        assert.deepEqual(policiesOf(await runPolicies([r])), []);
    });
});

describe("preview: values not known yet", () => {
    test("the pack judges what it can and stays silent on ids and addresses that do not exist yet", async () => {
        assert.deepEqual(await runPolicies(previewCluster()), []);
    });
    test("a world-open rule is still caught in preview when only its group id is unknown", async () => {
        const open = ingressRule("ssh-world", {
            securityGroupId: UNKNOWN_SENTINEL,
            ipProtocol: "tcp",
            fromPort: 22,
            toPort: 22,
            cidrIpv4: "0.0.0.0/0",
        });
        assert.deepEqual(policiesOf(await runPolicies([...previewCluster(), open])), ["ssh-not-public"]);
    });
    test("a policy that reads an unknown value gets the engine's advisory instead of failing", async () => {
        const policy = {
            name: "reads-id",
            description: "d",
            enforcementLevel: "mandatory" as const,
            validateResource: (args: ResourceValidationArgs) => void String(args.props.securityGroupId),
        };
        const v = await runPolicies([ingressRule("r", { securityGroupId: UNKNOWN_SENTINEL })], { policies: [policy] });
        assert.deepEqual(
            v.map((x) => x.level),
            ["advisory"],
        );
        assert.match(
            v[0].message,
            /can't run policy 'reads-id' during preview: string value at \.securityGroupId can't be known during preview/,
        );
    });
});
