/**
 * A Windows worker pool on AWS, through the real program (`runPlan`: stack file → core parser →
 * aws checks → Cluster → aws createInfrastructure + createMachine → policy pack) under the offline engine. Nothing here runs
 * Windows or PowerShell: what is checked is what EC2 would be handed, not what it would do with it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { parse, stringify } from "yaml";
import { runPlan, type PlanResult } from "../../../stacks/plan/run";
import { isWrappedSecret, type PlanEngine, type PlanResource } from "../../../stacks/plan/mocks";
import awsMocks from "../../../components/platforms/aws/mocks";
import aws from "../../../components/platforms/aws/index";
import { UBUNTU_2404_AMI_PARAMETER, WINDOWS_SERVER_2022_AMI_PARAMETER, parseAwsConfig } from "../../../components/platforms/aws/config";
import { AWS_DELIVERY, USER_DATA_LIMIT_BYTES, imdsPowerShell } from "../../../components/platforms/aws/bootstrap";
import { encodeForDelivery, formatBootstrap, type UserDataForm } from "../../../components/kit/delivery";
import { makeSpec, rawAws } from "./fixtures";
import type { NodeBootstrap } from "../../../bootstrap/types";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const INSTANCE = "aws:ec2/instance:Instance";

/** The shipped aws stack with Calico and a spot Windows pool of two. */
function writeConfig(): string {
    const doc = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.aws.yaml"), "utf8")) as { config: Record<string, unknown> };
    doc.config["kubeforge:cni"] = "calico";
    (doc.config["kubeforge:workerPools"] as unknown[]).push({
        name: "win",
        count: 2,
        machineType: "m7i.xlarge",
        os: "windows",
        spot: true,
        diskSizeGb: 64,
        labels: { workload: "windows" },
        taints: [{ key: "os", value: "windows", effect: "NoSchedule" }],
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-win-"));
    const file = path.join(dir, "Pulumi.win.yaml");
    fs.writeFileSync(file, stringify(doc));
    return file;
}

const spec = makeSpec({ cni: "calico" });
const facts = aws.bootstrapFacts(parseAwsConfig(rawAws(), spec).config!, spec);

let plan: PlanResult;
let engine: PlanEngine;

let configFile: string;
before(async () => {
    configFile = writeConfig();
    plan = await runPlan({ configFile, stack: "win", onSettled: (e) => (engine = e) });
});
after(() => fs.rmSync(path.dirname(configFile), { recursive: true, force: true }));

function instance(node: string): PlanResource {
    const found = engine.ofType(INSTANCE).find((r) => r.name === node);
    assert.ok(found, `no instance for ${node}`);
    return found;
}

function ssmAmi(parameter: string): unknown {
    return awsMocks.calls!["aws:ssm/getParameter:getParameter"]({ name: parameter }).insecureValue;
}

function windowsNodes(): string[] {
    return plan.nodes.filter((n) => n.pool === "win").map((n) => n.name);
}

describe("a Windows pool on aws", () => {
    test("the core and the aws checks accept it; the plan has both Windows nodes", () => {
        assert.deepEqual(windowsNodes(), ["demo-win-0", "demo-win-1"]);
        assert.ok(plan.nodes.filter((n) => n.pool === "win").every((n) => n.os === "windows"));
    });

    test("Windows instances boot Windows Server 2022 Full Base; Linux ones keep Ubuntu", () => {
        assert.notEqual(ssmAmi(WINDOWS_SERVER_2022_AMI_PARAMETER), ssmAmi(UBUNTU_2404_AMI_PARAMETER.amd64));
        for (const n of plan.nodes) {
            const expected = n.os === "windows" ? WINDOWS_SERVER_2022_AMI_PARAMETER : UBUNTU_2404_AMI_PARAMETER.amd64;
            assert.equal(instance(n.name).inputs.ami, ssmAmi(expected), n.name);
        }
    });

    test("user data: secret, base64 of plain <powershell> text (no gzip) within 16 KB, reading the IMDS node name, joining with kubeadm", () => {
        for (const name of windowsNodes()) {
            const userData = instance(name).inputs.userDataBase64;
            assert.ok(isWrappedSecret(userData), `${name}: user data is not secret`);
            const raw = Buffer.from(String(userData.value), "base64");
            assert.notDeepEqual([...raw.subarray(0, 2)], [0x1f, 0x8b], "EC2Launch would not unzip gzip");
            assert.ok(raw.length <= USER_DATA_LIMIT_BYTES, `${name}: ${raw.length} bytes`);
            const text = raw.toString("utf8");
            assert.ok(text.startsWith("<powershell>\n"), name);
            assert.match(text, /<\/powershell>\n<persist>true<\/persist>\n$/);
            assert.ok(
                text.includes(`$NodeName = Read-Fact 'node name' { ${facts.windows!.nodeNameCommand} }`),
                `${name}: no IMDS node name`,
            );
            assert.ok(text.includes(`{ ${facts.windows!.providerIdCommand} }`), `${name}: no IMDS provider id`);
            assert.match(text, /kubeadm\.exe" join --config/);
            assert.match(text, /--provider-id=__KUBEFORGE_PROVIDER_ID__/, "filled at boot from IMDS");
            assert.doesNotMatch(text, /curl /, "no bash facts on Windows");
            assert.doesNotMatch(text, /PRIVATE KEY/);
            console.log(`# ${name}: Windows user data ${raw.length} bytes of ${USER_DATA_LIMIT_BYTES}`);
        }
    });

    test("Windows instances wait for the private zone and its short SOA (no probe in their bootstrap); Linux ones do not", () => {
        const zone = engine.ofType("aws:route53/zone:Zone").find((r) => r.name.endsWith("-private-zone"));
        const soa = engine.ofType("aws:route53/record:Record").find((r) => r.name.endsWith("-private-zone-soa"));
        assert.ok(zone && soa);
        for (const node of plan.nodes) {
            const deps = instance(node.name).dependencies;
            const waits: boolean = deps.includes(zone.urn) && deps.includes(soa.urn);
            assert.equal(waits, node.pool === "win", `${node.name}: ${waits ? "waits" : "does not wait"} for the zone`);
        }
    });

    test("Linux nodes are unchanged: gzipped cloud-config", () => {
        for (const n of plan.nodes.filter((n) => n.os === "linux")) {
            const userData = instance(n.name).inputs.userDataBase64;
            assert.ok(isWrappedSecret(userData), n.name);
            assert.match(gunzipSync(Buffer.from(String(userData.value), "base64")).toString("utf8"), /^#cloud-config\n/, n.name);
        }
    });

    test("every Linux node's gzipped user data leaves at least 1 KB of the 16 KB limit (room for labels, taints and SANs)", () => {
        for (const n of plan.nodes.filter((n) => n.os === "linux")) {
            const userData = instance(n.name).inputs.userDataBase64;
            assert.ok(isWrappedSecret(userData), n.name);
            const gzipped = Buffer.from(String(userData.value), "base64").length;
            assert.ok(gzipped <= USER_DATA_LIMIT_BYTES - 1024, `${n.name}: ${gzipped} bytes after gzip`);
        }
    });

    test("disk, spot, IMDS, groups, role and tags as for the other workers", () => {
        const linux = instance("demo-general-0").inputs;
        for (const name of windowsNodes()) {
            const i = instance(name).inputs;
            assert.deepEqual(i.rootBlockDevice && { ...(i.rootBlockDevice as Record<string, unknown>), tags: undefined }, {
                ...(linux.rootBlockDevice as Record<string, unknown>),
                volumeSize: 64,
                tags: undefined,
            });
            const root = i.rootBlockDevice as Record<string, unknown>;
            assert.deepEqual([root.volumeType, root.encrypted, root.volumeSize], ["gp3", true, 64]);
            assert.equal((i.instanceMarketOptions as { marketType: string }).marketType, "spot");
            assert.deepEqual(i.metadataOptions, linux.metadataOptions, "IMDSv2 required, the workers' hop limit");
            assert.deepEqual(i.vpcSecurityGroupIds, linux.vpcSecurityGroupIds);
            assert.equal(i.iamInstanceProfile, linux.iamInstanceProfile);
            assert.equal(i.instanceType, "m7i.xlarge");
            const tags = i.tags as Record<string, string>;
            assert.deepEqual(
                [tags["kubeforge.io/pool"], tags["kubeforge.io/role"], tags["kubeforge.io/node"], tags["kubernetes.io/cluster/demo"]],
                ["win", "worker", name, "owned"],
            );
        }
    });

    test("Calico's VXLAN port is open between nodes", () => {
        const vxlan = engine
            .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .filter((r) => r.inputs.ipProtocol === "udp" && r.inputs.fromPort === 4789);
        assert.equal(vxlan.length, 1);
        assert.equal(vxlan[0].inputs.securityGroupId, vxlan[0].inputs.referencedSecurityGroupId, "nodes group to itself");
    });

    test("Calico is installed with its Windows dataplane, BGP off, the Service range and the API address", () => {
        const release = engine.ofType("kubernetes:helm.sh/v3:Release").find((r) => r.name.endsWith("-calico"));
        assert.ok(release, "no Calico release");
        const values = (isWrappedSecret(release.inputs.values) ? release.inputs.values.value : release.inputs.values) as {
            installation: { calicoNetwork: Record<string, unknown>; serviceCIDRs: string[] };
            kubernetesServiceEndpoint: { host: string; port: string };
        };
        assert.equal(values.installation.calicoNetwork.windowsDataplane, "HNS");
        assert.equal(values.installation.calicoNetwork.bgp, "Disabled");
        assert.deepEqual(values.installation.serviceCIDRs, ["10.96.0.0/12"]);
        assert.equal(values.kubernetesServiceEndpoint.port, "6443");
    });

    test("the policy pack has no mandatory violation", () => {
        assert.deepEqual(
            plan.violations.filter((v) => v.level === "mandatory"),
            [],
        );
    });
});

describe("Windows user data pieces", () => {
    test("the PowerShell IMDS reads take an IMDSv2 token (PUT with a TTL) and send it with each GET", () => {
        const ps = imdsPowerShell(["placement/availability-zone", "instance-id"], "aws:///{0}/{1}");
        assert.match(
            ps,
            /^\$t = Invoke-RestMethod -Method PUT -Uri 'http:\/\/169\.254\.169\.254\/latest\/api\/token' -Headers @\{ 'X-aws-ec2-metadata-token-ttl-seconds' = '60' \}/,
        );
        const gets = [...ps.matchAll(/Invoke-RestMethod -Method GET -Uri '([^']+)' -Headers \$h/g)].map((m) => m[1]);
        assert.deepEqual(gets, [
            "http://169.254.169.254/latest/meta-data/placement/availability-zone",
            "http://169.254.169.254/latest/meta-data/instance-id",
        ]);
        assert.match(ps, /\$h = @\{ 'X-aws-ec2-metadata-token' = \[string\]\$t \}/);
        assert.match(ps, /'aws:\/\/\/\{0\}\/\{1\}' -f \(/);
        assert.equal(facts.windows?.nodeNameCommand, imdsPowerShell(["local-hostname"], "{0}"));
        assert.equal(facts.windows?.nodeIpCommand, imdsPowerShell(["local-ipv4"], "{0}"));
    });

    test("over 16 KB is an error naming the node, without the content", () => {
        const secret = "abcdef.0123456789abcdef";
        const big: NodeBootstrap = {
            nodeName: "demo-win-7",
            files: [],
            command: [],
            containsSecrets: true,
            powershell: `<powershell>\n# ${secret}\n${"x".repeat(USER_DATA_LIMIT_BYTES)}\n</powershell>\n`,
        };
        // Through the delivery AWS declares, as the core uses it: format (the script) then encode (size check, base64).
        const form = AWS_DELIVERY.windows as UserDataForm;
        const deliver = (b: NodeBootstrap) => encodeForDelivery(formatBootstrap(b, form), form, b.nodeName);
        assert.throws(
            () => deliver(big),
            (e: Error) => {
                assert.match(
                    e.message,
                    /user data for node demo-win-7 is \d+ bytes as text, over the platform's limit of 16384 bytes; PowerShell user data cannot be gzipped/,
                );
                assert.ok(!e.message.includes(secret));
                return true;
            },
        );
        const fits = { ...big, powershell: "<powershell>\nexit 0\n</powershell>\n" };
        assert.equal(Buffer.from(deliver(fits).value, "base64").toString("utf8"), fits.powershell);
        assert.equal(deliver(fits).textBytes, Buffer.byteLength(fits.powershell ?? ""), "the limit counts the script itself");
        assert.throws(() => deliver({ ...fits, powershell: undefined }), /demo-win-7: a Windows machine needs a PowerShell bootstrap/);
    });
});
