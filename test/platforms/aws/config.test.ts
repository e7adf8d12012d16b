import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import aws from "../../../components/platforms/aws/index";
import {
    UBUNTU_2404_AMI_PARAMETER,
    WINDOWS_SERVER_2022_AMI_PARAMETER,
    amiSourceFor,
    isArmInstanceType,
    machineChangePolicy,
    parseAwsConfig,
    partitionOf,
} from "../../../components/platforms/aws/config";

import { ZONES, makeNodes, makeSpec, rawAws } from "./fixtures";

function fields(raw: unknown, spec = makeSpec()): string[] {
    const result = parseAwsConfig(raw, spec);
    assert.equal(result.config, undefined, "a config with issues must not come back parsed");
    for (const issue of result.issues) {
        assert.match(issue.field, /^kubeforge:aws(\.|$)/, `issue field ${issue.field} is not under kubeforge:aws`);
        assert.match(issue.message, /;/, `message of ${issue.field} should say what is wrong and how to fix it: ${issue.message}`);
    }
    return result.issues.map((i) => i.field);
}

describe("parseConfig: good blocks", () => {
    test("a minimal block gets every default", () => {
        const { config, issues } = aws.parseConfig(rawAws(), makeSpec());
        assert.deepEqual(issues, []);
        assert.ok(config);
        assert.equal(config.region, "us-east-1");
        assert.equal(config.partition, "aws");
        assert.deepEqual(config.availabilityZones, ZONES);
        assert.deepEqual(config.vpc, { kind: "new", cidr: "10.0.0.0/16", natGateways: "perZone" });
        assert.deepEqual(config.instanceTypes, { controlPlane: "m7i.large", worker: "m7i.large" });
        assert.deepEqual(config.ami, { kind: "ssm", parameter: UBUNTU_2404_AMI_PARAMETER.amd64, perArchitecture: true });
        assert.deepEqual(config.windowsAmi, { kind: "ssm", parameter: WINDOWS_SERVER_2022_AMI_PARAMETER, perArchitecture: false });
        assert.equal(config.workerMetadataHopLimit, 1, "hop limit 1 on workers too by default");
        assert.deepEqual(config.replaceNodes, []);
        assert.equal(config.keyName, undefined);
        assert.equal(config.ebsKmsKeyArn, undefined);
        assert.deepEqual(aws.failureDomains(config, makeSpec()), ZONES);
    });

    test("vpc.cidr defaults to network.nodeCidr", () => {
        const spec = makeSpec({ network: { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", nodeCidr: "172.20.0.0/20" } });
        const { config } = parseAwsConfig(rawAws({ vpc: undefined }), spec);
        assert.equal(config?.vpc.kind, "new");
        assert.equal(config?.vpc.kind === "new" && config.vpc.cidr, "172.20.0.0/20");
    });

    test("every optional setting is read", () => {
        const { config, issues } = parseAwsConfig(
            rawAws({
                vpc: { cidr: "10.0.0.0/16", natGateways: "single" },
                instanceTypes: { controlPlane: "m7i.xlarge", worker: "c7i.2xlarge" },
                ami: "ami-0123456789abcdef0",
                keyName: "ops",
                ebsKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                ipv6: false,
                workerMetadataHopLimit: 2,
            }),
            makeSpec(),
        );
        assert.deepEqual(issues, []);
        assert.equal(config?.vpc.kind === "new" && config.vpc.natGateways, "single");
        assert.deepEqual(config?.instanceTypes, { controlPlane: "m7i.xlarge", worker: "c7i.2xlarge" });
        assert.deepEqual(config?.ami, { kind: "id", id: "ami-0123456789abcdef0" });
        assert.equal(config?.keyName, "ops");
        assert.equal(config?.workerMetadataHopLimit, 2, "still settable (the policy pack then refuses it unless told otherwise)");
    });

    test("an existing VPC with subnets for every zone", () => {
        const subnetIds = Object.fromEntries(
            ZONES.map((z, i) => [z, { public: `subnet-0000000000000000${i}`, private: `subnet-0000000000000001${i}` }]),
        );
        const { config, issues } = parseAwsConfig(
            rawAws({ vpc: { existingVpcId: "vpc-0123456789abcdef0", subnetIds, egressCidrs: ["198.51.100.7/32"] } }),
            makeSpec(),
        );
        assert.deepEqual(issues, []);
        assert.equal(config?.vpc.kind, "existing");
        assert.deepEqual(config?.vpc.kind === "existing" && config.vpc.subnetIds, subnetIds);
    });

    test("partitions follow the region", () => {
        assert.equal(partitionOf("us-east-1"), "aws");
        assert.equal(partitionOf("cn-north-1"), "aws-cn");
        assert.equal(partitionOf("us-gov-west-1"), "aws-us-gov");
        const { config } = parseAwsConfig(rawAws({ region: "cn-north-1", availabilityZones: ["cn-north-1a"] }), makeSpec());
        assert.equal(config?.partition, "aws-cn");
    });

    test("the default image follows the instance architecture; an explicit one does not", () => {
        const { config } = parseAwsConfig(rawAws(), makeSpec());
        assert.ok(config);
        assert.deepEqual(amiSourceFor(config, "m7i.large"), { parameter: UBUNTU_2404_AMI_PARAMETER.amd64 });
        assert.deepEqual(amiSourceFor(config, "m7g.large"), { parameter: UBUNTU_2404_AMI_PARAMETER.arm64 });
        const pinned = parseAwsConfig(rawAws({ ami: "/my/images/k8s" }), makeSpec()).config;
        assert.ok(pinned);
        assert.deepEqual(amiSourceFor(pinned, "m7g.large"), { parameter: "/my/images/k8s" });
        // Windows workers take windowsAmi whatever `ami` says: a Linux image cannot boot them.
        assert.deepEqual(amiSourceFor(config, "m7i.large", "windows"), { parameter: WINDOWS_SERVER_2022_AMI_PARAMETER });
        assert.deepEqual(amiSourceFor(pinned, "m7i.large", "windows"), { parameter: WINDOWS_SERVER_2022_AMI_PARAMETER });
        const win = parseAwsConfig(rawAws({ ami: "ami-0123456789abcdef0", windowsAmi: "ami-0fedcba9876543210" }), makeSpec()).config;
        assert.ok(win);
        assert.deepEqual(amiSourceFor(win, "m7i.large", "windows"), { id: "ami-0fedcba9876543210" });
        assert.deepEqual(amiSourceFor(win, "m7i.large"), { id: "ami-0123456789abcdef0" });
        for (const t of ["m7g.large", "c7gn.xlarge", "t4g.small", "r8gd.large", "a1.medium", "g5g.xlarge"])
            assert.ok(isArmInstanceType(t), t);
        for (const t of ["m7i.large", "c6a.large", "g4dn.xlarge", "p5.48xlarge", "m7i-flex.large", "t3.micro"])
            assert.ok(!isArmInstanceType(t), t);
    });
});

describe("parseConfig: bad blocks name the field under kubeforge:aws", () => {
    test("any value yields a config or issues under kubeforge:aws, never an exception", () => {
        const near = fc.record(
            {
                region: fc.oneof(fc.constant("us-east-1"), fc.anything()),
                availabilityZones: fc.oneof(fc.constant(ZONES), fc.array(fc.oneof(fc.constantFrom(...ZONES), fc.anything()))),
                vpc: fc.oneof(
                    fc.constant({ cidr: "10.0.0.0/16" }),
                    fc.dictionary(fc.constantFrom("cidr", "existingVpcId", "subnetIds", "egressCidrs", "natGateways"), fc.anything()),
                ),
                instanceTypes: fc.anything(),
                ami: fc.anything(),
                keyName: fc.anything(),
                ebsKmsKeyArn: fc.anything(),
                ipv6: fc.anything(),
                workerMetadataHopLimit: fc.anything(),
                replaceNodes: fc.anything(),
            },
            { requiredKeys: [] },
        );
        fc.assert(
            fc.property(fc.oneof(fc.anything(), near), (raw) => {
                const result = parseAwsConfig(raw, makeSpec());
                assert.ok(result.config !== undefined || result.issues.length > 0);
                assert.ok(result.config === undefined || result.issues.length === 0);
                for (const issue of result.issues) assert.match(issue.field, /^kubeforge:aws(\.|\[|$)/);
            }),
            { numRuns: 500 },
        );
    });

    test("not an object", () => {
        assert.deepEqual(fields(undefined), ["kubeforge:aws"]);
        assert.deepEqual(fields("us-east-1"), ["kubeforge:aws"]);
    });

    test("missing region and zones", () => {
        assert.deepEqual(fields({}).sort(), ["kubeforge:aws.availabilityZones", "kubeforge:aws.region"]);
    });

    test("bad region, zone of another region, duplicate zone, unknown key: all at once", () => {
        const got = fields({
            region: "us-east-1",
            availabilityZones: ["us-east-1a", "us-west-2a", "us-east-1a", 7],
            vpc: { cidr: "10.0.0.0/16" },
            instanceType: "m7i.large",
        });
        assert.deepEqual(got.sort(), [
            "kubeforge:aws.availabilityZones[1]",
            "kubeforge:aws.availabilityZones[2]",
            "kubeforge:aws.availabilityZones[3]",
            "kubeforge:aws.instanceType",
        ]);
        assert.deepEqual(fields(rawAws({ region: "US East" })), ["kubeforge:aws.region"]);
    });

    test("a region that does not exist is refused, naming near regions and the escape hatch, which lets a newer region through", () => {
        const zones = ["eu-west-5a", "eu-west-5b", "eu-west-5c"];
        const refused = parseAwsConfig(rawAws({ region: "eu-west-5", availabilityZones: zones }), makeSpec());
        assert.deepEqual(
            refused.issues.map((i) => i.field),
            ["kubeforge:aws.region"],
        );
        assert.match(refused.issues[0].message, /`eu-west-5` is not a region kubeforge knows on aws; did you mean `eu-west-1`/);
        assert.match(refused.issues[0].message, /set `kubeforge:aws\.allowUnlistedRegion: true`/);
        const allowed = parseAwsConfig(rawAws({ region: "eu-west-5", availabilityZones: zones, allowUnlistedRegion: true }), makeSpec());
        assert.deepEqual(allowed.issues, []);
        assert.equal(allowed.config?.region, "eu-west-5");
        assert.deepEqual(fields(rawAws({ allowUnlistedRegion: "yes" })), ["kubeforge:aws.allowUnlistedRegion"]);
        for (const region of ["ap-southeast-6", "mx-central-1", "us-gov-west-1", "cn-northwest-1"]) {
            const known = parseAwsConfig(rawAws({ region, availabilityZones: [`${region}a`, `${region}b`, `${region}c`] }), makeSpec());
            assert.deepEqual(known.issues, [], region);
        }
    });

    test("vpc problems", () => {
        assert.deepEqual(fields(rawAws({ vpc: { cidr: "10.0.0.0/8" } })), ["kubeforge:aws.vpc.cidr"]);
        assert.deepEqual(fields(rawAws({ vpc: { cidr: "10.0.0.1/16" } })), ["kubeforge:aws.vpc.cidr"]);
        assert.deepEqual(fields(rawAws({ vpc: { cidr: "10.1.0.0/16" } })), ["kubeforge:aws.vpc.cidr"], "differs from nodeCidr");
        const overlapping = makeSpec({ network: { podCidr: "10.0.128.0/17", serviceCidr: "10.96.0.0/12", nodeCidr: "10.0.0.0/16" } });
        assert.deepEqual(fields(rawAws(), overlapping), ["kubeforge:aws.vpc.cidr"]);
        assert.deepEqual(fields(rawAws({ vpc: { cidr: "10.0.0.0/16", natGateways: "two" } })), ["kubeforge:aws.vpc.natGateways"]);
        assert.deepEqual(fields(rawAws({ vpc: { cidr: "10.0.0.0/16", existingVpcId: "vpc-0123456789abcdef0" } })), ["kubeforge:aws.vpc"]);
        assert.deepEqual(fields(rawAws({ vpc: "10.0.0.0/16" })), ["kubeforge:aws.vpc"]);
        const sevenZones = ["a", "b", "c", "d", "e", "f", "g"].map((s) => `us-east-1${s}`);
        assert.deepEqual(fields(rawAws({ availabilityZones: sevenZones })), ["kubeforge:aws.availabilityZones"]);
    });

    test("existing VPC problems", () => {
        const got = fields(
            rawAws({
                vpc: {
                    existingVpcId: "vpc-nope",
                    subnetIds: { "us-east-1a": { public: "subnet-0123456789abcdef0", private: "sub-1" }, "us-east-1d": {} },
                },
            }),
        );
        assert.deepEqual(got.sort(), [
            "kubeforge:aws.vpc.egressCidrs",
            "kubeforge:aws.vpc.existingVpcId",
            "kubeforge:aws.vpc.subnetIds.us-east-1a.private",
            "kubeforge:aws.vpc.subnetIds.us-east-1b",
            "kubeforge:aws.vpc.subnetIds.us-east-1c",
            "kubeforge:aws.vpc.subnetIds.us-east-1d",
        ]);
    });

    test("scalar settings", () => {
        assert.deepEqual(fields(rawAws({ ami: "ubuntu" })), ["kubeforge:aws.ami"]);
        assert.deepEqual(fields(rawAws({ windowsAmi: "windows" })), ["kubeforge:aws.windowsAmi"]);
        assert.deepEqual(fields(rawAws({ instanceTypes: { controlPlane: "big", gpu: "p5.48xlarge" } })).sort(), [
            "kubeforge:aws.instanceTypes.controlPlane",
            "kubeforge:aws.instanceTypes.gpu",
        ]);
        assert.deepEqual(fields(rawAws({ keyName: "" })), ["kubeforge:aws.keyName"]);
        assert.deepEqual(fields(rawAws({ ebsKmsKeyArn: "alias/ebs" })), ["kubeforge:aws.ebsKmsKeyArn"]);
        assert.deepEqual(fields(rawAws({ ebsKmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/abcd" })), ["kubeforge:aws.ebsKmsKeyArn"]);
        assert.deepEqual(fields(rawAws({ ipv6: true })), ["kubeforge:aws.ipv6"]);
        assert.deepEqual(fields(rawAws({ workerMetadataHopLimit: 0 })), ["kubeforge:aws.workerMetadataHopLimit"]);
        assert.deepEqual(fields(rawAws({ workerMetadataHopLimit: 1.5 })), ["kubeforge:aws.workerMetadataHopLimit"]);
        assert.deepEqual(fields(rawAws({ replaceNodes: "demo-cp-0" })), ["kubeforge:aws.replaceNodes"]);
        assert.deepEqual(fields(rawAws({ replaceNodes: ["demo-cp-0", "Demo CP"] })), ["kubeforge:aws.replaceNodes[1]"]);
    });
});

describe("checkNodes", () => {
    test("accepts the fixture's nodes", () => {
        const spec = makeSpec();
        const { config } = parseAwsConfig(rawAws(), spec);
        assert.ok(config && aws.checkNodes);
        assert.deepEqual(aws.checkNodes(config, spec, makeNodes(spec)), []);
    });

    test("accepts Windows pools; rejects zones the config does not list, once per pool", () => {
        const spec = makeSpec({ cni: "calico", failureDomains: [...ZONES, "us-east-1d"] });
        spec.workerPools[0] = { ...spec.workerPools[0], os: "windows", count: 4 };
        const { config } = parseAwsConfig(rawAws(), spec);
        assert.ok(config && aws.checkNodes);
        const issues = aws.checkNodes(config, spec, makeNodes(spec));
        assert.deepEqual(issues.map((i) => i.field).sort(), ["kubeforge:failureDomains"]);
        assert.deepEqual(aws.checkNodes(config, { ...spec, failureDomains: ZONES }, makeNodes({ ...spec, failureDomains: ZONES })), []);
    });

    test("a Windows pool on a Graviton type is refused (no arm64 Windows image), named by the field that chose the type", () => {
        const spec = makeSpec({ cni: "calico" });
        spec.workerPools[0] = { ...spec.workerPools[0], os: "windows", machineType: "m7g.large" };
        spec.workerPools[1] = { ...spec.workerPools[1], os: "windows" };
        const { config } = parseAwsConfig(rawAws({ instanceTypes: { worker: "c7g.xlarge" } }), spec);
        assert.ok(config && aws.checkNodes);
        const issues = aws.checkNodes(config, spec, makeNodes(spec));
        assert.deepEqual(issues.map((i) => i.field).sort(), ["kubeforge:aws.instanceTypes.worker", "kubeforge:workerPools[0].machineType"]);
        for (const i of issues) assert.match(i.message, /x86_64 only; use an x86 type/);
        // The same Graviton types are fine for Linux pools.
        const linux = makeSpec();
        assert.deepEqual(aws.checkNodes(config, linux, makeNodes(linux)), []);
    });
});

describe("rolling machines to a new image or rendering", () => {
    test("running machines keep their image and user data unless listed in replaceNodes", () => {
        const spec = makeSpec();
        const { config } = parseAwsConfig(rawAws({ replaceNodes: ["demo-general-1", "demo-general-1"] }), spec);
        assert.ok(config);
        assert.deepEqual(config.replaceNodes, ["demo-general-1"]);
        assert.deepEqual(machineChangePolicy(config, "demo-general-0"), { ignoreChanges: ["ami", "userDataBase64"], replaceOnChanges: [] });
        assert.deepEqual(machineChangePolicy(config, "demo-general-1"), { ignoreChanges: [], replaceOnChanges: ["ami", "userDataBase64"] });
        assert.deepEqual(aws.checkNodes!(config, spec, makeNodes(spec)), []);
    });

    test("a name that is not a node is reported", () => {
        const spec = makeSpec();
        const { config } = parseAwsConfig(rawAws({ replaceNodes: ["demo-general-9"] }), spec);
        const issues = aws.checkNodes!(config!, spec, makeNodes(spec));
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:aws.replaceNodes[0]"],
        );
        assert.match(
            issues[0].message,
            /`demo-general-9` is not a node of this cluster; use a name from the plan such as `demo-cp-0`, or remove it/,
        );
    });
});

describe("checkNodes: cluster settings AWS cannot build", () => {
    test("machine types, IPv6 access ranges and tags are named by their own field", () => {
        const spec = makeSpec({
            controlPlane: { count: 3, machineType: "Standard_D4s_v5", diskSizeGb: 50 },
            access: { apiAllowedCidrs: ["203.0.113.0/24", "2001:db8::/32"], sshAllowedCidrs: ["2001:db8:1::/48"], sshPublicKeys: [] },
            tags: { team: "platform", "aws:owner": "x", Name: "mine", "kubeforge.io/role": "x", long: "v".repeat(257) },
        });
        spec.workerPools[1] = { ...spec.workerPools[1], machineType: "large" };
        const { config } = parseAwsConfig(rawAws(), spec);
        assert.ok(config && aws.checkNodes);
        const issues = aws.checkNodes(config, spec, makeNodes(spec));
        assert.deepEqual(issues.map((i) => i.field).sort(), [
            "kubeforge:access.apiAllowedCidrs[1]",
            "kubeforge:access.sshAllowedCidrs[0]",
            "kubeforge:controlPlane.machineType",
            "kubeforge:tags.Name",
            "kubeforge:tags.long",
            'kubeforge:tags["aws:owner"]',
            'kubeforge:tags["kubeforge.io/role"]',
            "kubeforge:workerPools[1].machineType",
        ]);
        for (const i of issues) assert.match(i.message, /;/);
    });

    test("too many tags", () => {
        const spec = makeSpec({ tags: Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`t${i}`, "v"])) });
        const { config } = parseAwsConfig(rawAws(), spec);
        assert.deepEqual(
            aws.checkNodes!(config!, spec, makeNodes(spec)).map((i) => i.field),
            ["kubeforge:tags"],
        );
    });
});
