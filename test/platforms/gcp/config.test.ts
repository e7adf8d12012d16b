import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
    UBUNTU_2404_IMAGE,
    WINDOWS_SERVER_2022_IMAGE,
    imageFor,
    machineTypeFor,
    parseGcpConfig,
} from "../../../components/platforms/gcp/config";
import { knownZones, regionOfZone } from "../../../components/platforms/gcp/regions";
import { machineChangePolicy } from "../../../components/platforms/gcp/machines";
import { workerPlan } from "../../../components/core/placement";
import { ZONES, makeSpec, rawGcp } from "./fixtures";

function fields(raw: unknown, spec = makeSpec()): string[] {
    const result = parseGcpConfig(raw, spec);
    assert.equal(result.config, undefined, "a config with issues must not come back parsed");
    for (const issue of result.issues) {
        assert.match(issue.field, /^kubeforge:(gcp|network)(\.|$)/, `issue field ${issue.field} is not a gcp or network field`);
        assert.match(issue.message, /;/, `message of ${issue.field} should say what is wrong and how to fix it: ${issue.message}`);
    }
    return result.issues.map((i) => i.field);
}

describe("gcp config: good blocks", () => {
    test("a minimal block gets every default", () => {
        const { config, issues } = parseGcpConfig(rawGcp(), makeSpec());
        assert.deepEqual(issues, []);
        assert.ok(config);
        assert.equal(config.project, "kubeforge-demo-123");
        assert.deepEqual(config.zones, ZONES);
        assert.deepEqual(config.network, { kind: "new", cidr: "10.0.0.0/16" });
        assert.deepEqual(config.machineTypes, { controlPlane: "n2-standard-2", worker: "n2-standard-2" });
        assert.deepEqual(config.image, { path: UBUNTU_2404_IMAGE.amd64, perArchitecture: true });
        assert.equal(config.windowsImage, WINDOWS_SERVER_2022_IMAGE);
        assert.equal(config.kmsKeyName, undefined);
        assert.deepEqual(config.replaceNodes, []);
    });

    test("every optional setting is read", () => {
        const kms = "projects/kms-proj/locations/europe-west1/keyRings/k8s/cryptoKeys/disks";
        const { config, issues } = parseGcpConfig(
            rawGcp({
                machineTypes: { controlPlane: "c3-standard-4", worker: "n2-custom-4-16384" },
                image: "projects/my-images/global/images/family/hardened-noble",
                windowsImage: "projects/windows-cloud/global/images/family/windows-2022-core",
                kmsKeyName: kms,
                replaceNodes: ["demo-general-0", "demo-general-0"],
            }),
            makeSpec(),
        );
        assert.deepEqual(issues, []);
        assert.deepEqual(config?.machineTypes, { controlPlane: "c3-standard-4", worker: "n2-custom-4-16384" });
        assert.deepEqual(config?.image, { path: "projects/my-images/global/images/family/hardened-noble", perArchitecture: false });
        assert.equal(config?.kmsKeyName, kms);
        assert.deepEqual(config?.replaceNodes, ["demo-general-0"], "duplicates collapse");
    });

    test("an existing network in a Shared VPC host project", () => {
        const { config, issues } = parseGcpConfig(
            rawGcp({
                network: {
                    existingNetwork: "shared",
                    existingSubnetwork: "nodes-ew1",
                    networkProject: "host-project-1",
                    egressCidrs: ["198.51.100.7/32"],
                },
            }),
            makeSpec(),
        );
        assert.deepEqual(issues, []);
        assert.deepEqual(config?.network, {
            kind: "existing",
            network: "shared",
            subnetwork: "nodes-ew1",
            networkProject: "host-project-1",
            egressCidrs: ["198.51.100.7/32"],
        });
    });

    test("a global KMS key is accepted", () => {
        const { issues } = parseGcpConfig(rawGcp({ kmsKeyName: "projects/p-123456/locations/global/keyRings/r/cryptoKeys/k" }), makeSpec());
        assert.deepEqual(issues, []);
    });

    test("allowUnlistedRegion admits a region newer than the list", () => {
        const { config, issues } = parseGcpConfig(
            rawGcp({ region: "europe-west99", zones: ["europe-west99-a"], allowUnlistedRegion: true }),
            makeSpec(),
        );
        assert.deepEqual(issues, []);
        assert.equal(config?.region, "europe-west99");
    });
});

describe("gcp config: every bad input names its field", () => {
    const cases: [string, Record<string, unknown>, string[]][] = [
        ["missing project", { project: undefined }, ["kubeforge:gcp.project"]],
        ["project display name", { project: "My Project" }, ["kubeforge:gcp.project"]],
        ["project number", { project: "123456789012" }, ["kubeforge:gcp.project"]],
        ["missing region", { region: undefined, zones: [] }, ["kubeforge:gcp.region", "kubeforge:gcp.zones"]],
        ["zone given as region", { region: "europe-west1-b" }, ["kubeforge:gcp.region"]],
        ["unknown region", { region: "europe-west99", zones: ["europe-west99-a"] }, ["kubeforge:gcp.region"]],
        ["zone of another region", { zones: ["europe-west1-b", "us-central1-a"] }, ["kubeforge:gcp.zones[1]"]],
        ["zone the region lacks", { zones: ["europe-west1-a"] }, ["kubeforge:gcp.zones[0]"]],
        ["zone twice", { zones: ["europe-west1-b", "europe-west1-b"] }, ["kubeforge:gcp.zones[1]"]],
        ["no zones", { zones: [] }, ["kubeforge:gcp.zones"]],
        ["unknown key", { regoin: "x" }, ["kubeforge:gcp.regoin"]],
        ["bad machine type", { machineTypes: { worker: "m7i.large" } }, ["kubeforge:gcp.machineTypes.worker"]],
        ["unknown role", { machineTypes: { master: "n2-standard-2" } }, ["kubeforge:gcp.machineTypes.master"]],
        ["image URL", { image: "https://www.googleapis.com/compute/v1/projects/x/global/images/y" }, ["kubeforge:gcp.image"]],
        [
            "kms key with version",
            { kmsKeyName: "projects/p-123456/locations/europe-west1/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1" },
            ["kubeforge:gcp.kmsKeyName"],
        ],
        ["kms key elsewhere", { kmsKeyName: "projects/p-123456/locations/us-east1/keyRings/r/cryptoKeys/k" }, ["kubeforge:gcp.kmsKeyName"]],
        [
            "existing network without subnetwork",
            { network: { existingNetwork: "shared", egressCidrs: ["198.51.100.7/32"] } },
            ["kubeforge:gcp.network.existingSubnetwork"],
        ],
        [
            "existing network without egress",
            { network: { existingNetwork: "shared", existingSubnetwork: "s" } },
            ["kubeforge:gcp.network.egressCidrs"],
        ],
        [
            "egress open to all",
            { network: { existingNetwork: "shared", existingSubnetwork: "s", egressCidrs: ["0.0.0.0/0"] } },
            ["kubeforge:gcp.network.egressCidrs[0]"],
        ],
        ["a setting for created networks only", { network: { cidr: "10.0.0.0/16" } }, ["kubeforge:gcp.network.cidr"]],
        [
            "existing network URL",
            { network: { existingNetwork: "projects/x/global/networks/y", existingSubnetwork: "s", egressCidrs: ["198.51.100.7/32"] } },
            ["kubeforge:gcp.network.existingNetwork"],
        ],
        ["bad replaceNodes entry", { replaceNodes: ["Demo_0"] }, ["kubeforge:gcp.replaceNodes[0]"]],
    ];
    for (const [title, overrides, expected] of cases) {
        test(title, () => {
            assert.deepEqual(fields(rawGcp(overrides)), expected);
        });
    }

    test("not a map", () => {
        assert.deepEqual(fields("europe-west1"), ["kubeforge:gcp"]);
    });

    test("region, zone, image and key messages (the kit's readers) say the fix", () => {
        const message = (overrides: Record<string, unknown>) => parseGcpConfig(rawGcp(overrides), makeSpec()).issues[0]?.message ?? "";
        assert.match(message({ region: "europe-west1-b" }), /looks like a zone; use its region `europe-west1`/);
        assert.match(
            message({ region: "europe-west99", zones: ["europe-west99-a"] }),
            /did you mean `europe-west\d`.*kubeforge:gcp\.allowUnlistedRegion: true/,
        );
        assert.match(
            message({ zones: ["europe-west1-b", "us-central1-a"] }),
            /not in region `europe-west1`; use a zone of that region such as `europe-west1-b`/,
        );
        assert.match(
            message({ zones: ["europe-west1-a"] }),
            /not a zone of `europe-west1`.*europe-west1-b, europe-west1-c, europe-west1-d/,
        );
        assert.match(message({ zones: [] }), /list at least one zone/);
        assert.match(
            message({ machineTypes: { worker: "m7i.large" } }),
            /not a Compute Engine machine type; use one such as `n2-standard-4`/,
        );
        assert.match(message({ image: "ubuntu" }), /projects\/<project>\/global\/images\/family\/<family>.*omit it for Ubuntu 24\.04 LTS/);
        assert.match(message({ kmsKeyName: "k" }), /not a Cloud KMS key name.*omit it to use Google-managed encryption/);
        assert.match(message({ replaceNodes: ["Demo_0"] }), /not a node name; use a name from the plan/);
    });

    test("a node range that overlaps the pods", () => {
        const spec = makeSpec({ network: { podCidr: "10.0.0.0/14", serviceCidr: "10.96.0.0/12", nodeCidr: "10.0.0.0/16" } });
        assert.deepEqual(fields(rawGcp(), spec), ["kubeforge:network.nodeCidr"]);
    });

    test("a node range too small for a subnetwork", () => {
        const spec = makeSpec({ network: { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", nodeCidr: "10.0.0.0/29" } });
        assert.deepEqual(fields(rawGcp(), spec), ["kubeforge:network.nodeCidr"]);
    });

    test("every problem at once", () => {
        assert.equal(fields(rawGcp({ project: "X", region: "nowhere1", zones: "a", machineTypes: { worker: "big" } })).length, 4);
    });
});

describe("gcp config: helpers", () => {
    test("machine type and image per node", () => {
        const { config } = parseGcpConfig(
            rawGcp({ machineTypes: { controlPlane: "n2-standard-2", worker: "t2a-standard-4" } }),
            makeSpec(),
        );
        assert.ok(config);
        assert.equal(machineTypeFor(config, "control-plane"), "n2-standard-2");
        assert.equal(machineTypeFor(config, "worker"), "t2a-standard-4");
        assert.equal(machineTypeFor(config, "worker", "e2-medium"), "e2-medium");
        assert.equal(imageFor(config, "t2a-standard-4"), UBUNTU_2404_IMAGE.arm64, "Arm machines boot the arm64 family");
        assert.equal(imageFor(config, "n2-standard-2"), UBUNTU_2404_IMAGE.amd64);
        assert.equal(imageFor(config, "n2-standard-2", "windows"), WINDOWS_SERVER_2022_IMAGE);
    });

    test("bootstrap and image are ignored on running machines except those in replaceNodes", () => {
        const { config } = parseGcpConfig(rawGcp({ replaceNodes: ["demo-general-1"] }), makeSpec());
        assert.ok(config);
        const spec = makeSpec();
        const node = workerPlan(spec, spec.workerPools[0], 0, ZONES[0]);
        assert.deepEqual(machineChangePolicy(config, node), {
            ignoreChanges: ['metadata["user-data"]', "bootDisk.initializeParams.image"],
            replaceOnChanges: [],
        });
        assert.deepEqual(machineChangePolicy(config, { ...workerPlan(spec, spec.workerPools[0], 1, ZONES[0]), os: "windows" }), {
            ignoreChanges: [],
            replaceOnChanges: ['metadata["windows-startup-script-ps1"]', "bootDisk.initializeParams.image"],
        });
    });

    test("regions and zones", () => {
        assert.deepEqual(knownZones("us-central1"), ["us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"]);
        assert.equal(knownZones("mars-north1"), undefined);
        assert.equal(knownZones("constructor"), undefined, "no prototype keys");
        assert.equal(regionOfZone("europe-west1-b"), "europe-west1");
        assert.equal(regionOfZone("europe-west1"), undefined);
    });
});
