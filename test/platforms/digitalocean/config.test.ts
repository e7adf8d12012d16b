/**
 * The `kubeforge:digitalocean` block and what DigitalOcean refuses, without mocks: every rule with
 * the field it names, and the token never in a message.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseDigitalOceanConfig, dropletChangePolicy, sizeFor } from "../../../components/platforms/digitalocean/config";
import { SPREAD_REQUIRED_MESSAGE } from "../../../components/platforms/digitalocean/checks";
import { sizeShape, UBUNTU_2404_IMAGE } from "../../../components/platforms/digitalocean/catalog";
import platform from "../../../components/platforms/digitalocean/index";
import type { ConfigIssue } from "../../../components/core/types";
import { placeNodes } from "../../../components/core/placement";
import { FAKE_TOKEN, doSpec, rawDo, tokenPieces } from "./fixtures";

function fields(issues: ConfigIssue[]): string[] {
    return issues.map((i) => i.field).sort();
}

function noToken(issues: ConfigIssue[]): void {
    const text = JSON.stringify(issues);
    for (const piece of tokenPieces()) assert.ok(!text.includes(piece), "a message shows the token");
}

describe("parseDigitalOceanConfig", () => {
    test("a minimal block gets every default", () => {
        const { config, issues } = parseDigitalOceanConfig(rawDo(), doSpec());
        assert.deepEqual(issues, []);
        assert.equal(config?.region, "fra1");
        assert.deepEqual(config?.vpc, { kind: "new", cidr: "10.0.0.0/16" });
        assert.deepEqual(config?.sizes, { controlPlane: "s-2vcpu-4gb", worker: "s-4vcpu-8gb" });
        assert.equal(config?.image, UBUNTU_2404_IMAGE);
        assert.deepEqual(config?.sshKeys, []);
        assert.equal(config?.apiDomain, undefined);
        assert.equal(config?.token, FAKE_TOKEN);
    });

    test("the platform offers one failure domain: the region", () => {
        const config = parseDigitalOceanConfig(rawDo({ region: "nyc3" }), doSpec()).config!;
        assert.deepEqual(platform.failureDomains(config, doSpec()), ["nyc3"]);
    });

    test("a missing block says what to add", () => {
        const { issues } = parseDigitalOceanConfig(undefined, doSpec());
        assert.deepEqual(fields(issues), ["kubeforge:digitalocean"]);
        assert.match(issues[0].message, /region.*token/);
    });

    test("regions: unknown with a suggestion, closed with the open twin, new ones behind allowUnlistedRegion", () => {
        const typo = parseDigitalOceanConfig(rawDo({ region: "fra2" }), doSpec()).issues;
        assert.deepEqual(fields(typo), ["kubeforge:digitalocean.region"]);
        assert.match(typo[0].message, /did you mean `fra1`\?.*allowUnlistedRegion: true/);
        const closed = parseDigitalOceanConfig(rawDo({ region: "ams2" }), doSpec()).issues;
        assert.match(closed[0].message, /takes no new droplets; use ams3/);
        assert.deepEqual(parseDigitalOceanConfig(rawDo({ region: "mex1", allowUnlistedRegion: true }), doSpec()).issues, []);
        const missing = parseDigitalOceanConfig(rawDo({ region: undefined }), doSpec()).issues;
        assert.match(missing[0].message, /is required.*fra1/);
    });

    test("the token: required, a string, no stray whitespace, and never quoted back", () => {
        const missing = parseDigitalOceanConfig(rawDo({ token: undefined }), doSpec()).issues;
        assert.deepEqual(fields(missing), ["kubeforge:digitalocean.token"]);
        assert.match(missing[0].message, /pulumi config set --secret --path 'kubeforge:digitalocean.token'/);
        for (const bad of [`${FAKE_TOKEN}\n`, ` ${FAKE_TOKEN}`, `${FAKE_TOKEN}\t`]) {
            const issues = parseDigitalOceanConfig(rawDo({ token: bad }), doSpec()).issues;
            assert.deepEqual(fields(issues), ["kubeforge:digitalocean.token"]);
            noToken(issues);
        }
        const notString = parseDigitalOceanConfig(rawDo({ token: 1234567890123456 }), doSpec()).issues;
        assert.ok(!JSON.stringify(notString).includes("1234567890123456"));
    });

    test("no message quotes the token, whatever else is wrong", () => {
        const issues = parseDigitalOceanConfig(
            rawDo({ region: "xx9", vpc: { existingVpcId: "nope" }, sizes: { worker: "big" }, bogus: 1 }),
            doSpec(),
        ).issues;
        assert.ok(issues.length >= 4);
        noToken(issues);
    });

    test("the VPC range is network.nodeCidr: private, /16 to /28", () => {
        const pub = parseDigitalOceanConfig(
            rawDo(),
            doSpec({ network: { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", nodeCidr: "100.64.0.0/16" } }),
        );
        assert.deepEqual(fields(pub.issues), ["kubeforge:network.nodeCidr"]);
        assert.match(pub.issues[0].message, /RFC 1918/);
        const wide = parseDigitalOceanConfig(
            rawDo(),
            doSpec({ network: { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", nodeCidr: "172.16.0.0/12" } }),
        );
        assert.match(wide.issues[0].message, /from \/16 to \/28/);
        assert.deepEqual(
            parseDigitalOceanConfig(
                rawDo(),
                doSpec({ network: { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", nodeCidr: "192.168.10.0/24" } }),
            ).issues,
            [],
        );
    });

    test("an existing VPC by UUID, its range from network.nodeCidr", () => {
        const id = "5a4981aa-9653-4bd1-bef5-d6bff52042e4";
        assert.deepEqual(parseDigitalOceanConfig(rawDo({ vpc: { existingVpcId: id } }), doSpec()).config?.vpc, {
            kind: "existing",
            id,
            cidr: "10.0.0.0/16",
        });
        const bad = parseDigitalOceanConfig(rawDo({ vpc: { existingVpcId: "vpc-123" } }), doSpec()).issues;
        assert.deepEqual(fields(bad), ["kubeforge:digitalocean.vpc.existingVpcId"]);
        const typo = parseDigitalOceanConfig(rawDo({ vpc: { cidr: "10.0.0.0/16" } }), doSpec()).issues;
        assert.deepEqual(fields(typo), ["kubeforge:digitalocean.vpc.cidr"]);
    });

    test("sizes, image, SSH keys, apiDomain and replaceNodes are checked by shape", () => {
        const { issues } = parseDigitalOceanConfig(
            rawDo({
                sizes: { worker: "Large" },
                image: "Ubuntu 24",
                sshKeys: ["mykey"],
                apiDomain: "not a domain",
                replaceNodes: ["Demo_cp"],
            }),
            doSpec(),
        );
        assert.deepEqual(fields(issues), [
            "kubeforge:digitalocean.apiDomain",
            "kubeforge:digitalocean.image",
            "kubeforge:digitalocean.replaceNodes[0]",
            "kubeforge:digitalocean.sizes.worker",
            "kubeforge:digitalocean.sshKeys[0]",
        ]);
        const say = (suffix: string) => issues.find((i) => i.field.endsWith(suffix))?.message ?? "";
        assert.match(say(".sizes.worker"), /`Large` is not a droplet size slug \(doctl compute size list\); use one such as `s-4vcpu-8gb`/);
        assert.match(say(".image"), /a reference such as `ubuntu-24-04-x64`; omit it for Ubuntu 24\.04 LTS/);
        assert.match(say(".replaceNodes[0]"), /is not a node name; use a name from the plan/);
        assert.match(
            parseDigitalOceanConfig(rawDo({ vpc: { existingVpcId: "vpc-1" } }), doSpec()).issues[0].message,
            /not a VPC id.*doctl vpcs list/,
        );
        const good = parseDigitalOceanConfig(
            rawDo({
                sshKeys: ["12345", "3b:16:e4:bf:8b:00:8b:b8:59:8c:a9:d3:f0:19:fa:45"],
                apiDomain: "example.com",
                replaceNodes: ["demo-cp-0"],
            }),
            doSpec(),
        );
        assert.deepEqual(good.issues, []);
        assert.equal(good.config?.apiDomain, "example.com");
    });
});

describe("what DigitalOcean refuses", () => {
    test("replaceNodes names nodes of this cluster, as on every cloud", () => {
        const spec = doSpec({ failureDomains: ["fra1"] });
        const { config } = parseDigitalOceanConfig(rawDo({ replaceNodes: ["demo-cp-0", "demo-nope-9"] }), spec);
        assert.ok(config && platform.checkNodes);
        const issues = platform.checkNodes(config, spec, placeNodes(spec));
        assert.deepEqual(fields(issues), ["kubeforge:digitalocean.replaceNodes[1]"]);
        assert.match(issues[0].message, /`demo-nope-9` is not a node of this cluster; use a name from the plan/);
    });

    test("spread: required with three masters, explaining why and what to write", () => {
        const spec = doSpec({ controlPlane: { count: 3, diskSizeGb: 50, spread: "required" } });
        const { issues } = parseDigitalOceanConfig(rawDo(), spec);
        assert.deepEqual(fields(issues), ["kubeforge:controlPlane.spread"]);
        assert.equal(issues[0].message, SPREAD_REQUIRED_MESSAGE);
        assert.match(issues[0].message, /no zones inside a region/);
        assert.match(issues[0].message, /`spread: preferred`/);
        assert.match(issues[0].message, /droplet or hypervisor failure, not a datacenter outage/);
        // Absent means required; a single master needs no spread.
        assert.equal(parseDigitalOceanConfig(rawDo(), doSpec({ controlPlane: { count: 3, diskSizeGb: 50 } })).issues.length, 1);
        assert.deepEqual(parseDigitalOceanConfig(rawDo(), doSpec({ controlPlane: { count: 1, diskSizeGb: 50 } })).issues, []);
    });

    test("spot and Windows pools, on the pool's own field", () => {
        const spec = doSpec({
            workerPools: [
                { name: "cheap", count: 1, labels: {}, taints: [], os: "linux", spot: true, diskSizeGb: 50 },
                { name: "win", count: 1, labels: {}, taints: [], os: "windows", spot: false, diskSizeGb: 50 },
            ],
        });
        const { issues } = parseDigitalOceanConfig(rawDo(), spec);
        assert.deepEqual(fields(issues), ["kubeforge:workerPools[0].spot", "kubeforge:workerPools[1].os"]);
        assert.match(issues.find((i) => i.field.endsWith("spot"))!.message, /no spot or preemptible droplets/);
        assert.match(issues.find((i) => i.field.endsWith("os"))!.message, /no Windows droplet image/);
    });

    test("masters under kubeadm's minimum, disks larger than the size gives, bad slugs", () => {
        const spec = doSpec({
            controlPlane: { count: 1, diskSizeGb: 50, machineType: "s-1vcpu-2gb" },
            workerPools: [
                { name: "a", count: 1, machineType: "s-2vcpu-4gb", labels: {}, taints: [], os: "linux", spot: false, diskSizeGb: 200 },
                { name: "b", count: 1, machineType: "huge", labels: {}, taints: [], os: "linux", spot: false, diskSizeGb: 50 },
            ],
        });
        const { issues } = parseDigitalOceanConfig(rawDo(), spec);
        assert.deepEqual(fields(issues), [
            "kubeforge:controlPlane.machineType",
            "kubeforge:workerPools[0].machineType",
            "kubeforge:workerPools[1].machineType",
        ]);
        assert.match(issues[0].message, /kubeadm refuses masters under 2 vCPU/);
        assert.match(issues.find((i) => i.field.includes("[0]"))!.message, /80 GB disk/);
    });

    test("tags DigitalOcean would reject, or that look like kubeforge's own", () => {
        const { issues } = parseDigitalOceanConfig(rawDo(), doSpec({ tags: { "cost center": "x", "kubeforge-role": "x", ok: "fine" } }));
        assert.deepEqual(fields(issues), ['kubeforge:tags["cost center"]', 'kubeforge:tags["kubeforge-role"]']);
    });
});

describe("sizes and change policy", () => {
    test("sizeShape reads spelled slugs and knows the c- family", () => {
        assert.deepEqual(sizeShape("s-2vcpu-4gb"), { vcpus: 2, memoryGb: 4, diskGb: 80 });
        assert.deepEqual(sizeShape("s-4vcpu-8gb-amd"), { vcpus: 4, memoryGb: 8 });
        assert.deepEqual(sizeShape("m3-8vcpu-64gb"), { vcpus: 8, memoryGb: 64 });
        assert.deepEqual(sizeShape("c-4"), { vcpus: 4, memoryGb: 8, diskGb: 50 });
        assert.equal(sizeShape("gpu-h100x1-80gb"), undefined);
    });

    test("sizeFor: the node's own type, else the role default", () => {
        const config = parseDigitalOceanConfig(rawDo({ sizes: { worker: "s-8vcpu-16gb" } }), doSpec()).config!;
        assert.equal(sizeFor(config, "worker"), "s-8vcpu-16gb");
        assert.equal(sizeFor(config, "control-plane"), "s-2vcpu-4gb");
        assert.equal(sizeFor(config, "worker", "c-8"), "c-8");
    });

    test("user data and image are kept after creation, except on nodes listed in replaceNodes", () => {
        const config = parseDigitalOceanConfig(rawDo({ replaceNodes: ["demo-general-1"] }), doSpec()).config!;
        assert.deepEqual(dropletChangePolicy(config, "demo-general-0"), { ignoreChanges: ["image", "userData"], replaceOnChanges: [] });
        assert.deepEqual(dropletChangePolicy(config, "demo-general-1"), { ignoreChanges: [], replaceOnChanges: ["image", "userData"] });
    });
});
