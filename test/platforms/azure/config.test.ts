/**
 * `kubeforge:azure`: defaults, every refusal naming its field and the fix, subnet carving (property
 * tests), size and image helpers. Pure: no mocks.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
    AVAILABILITY_SET_DOMAIN,
    UBUNTU_2404,
    UBUNTU_2404_ARM64,
    WINDOWS_SERVER_2022,
    azureFailureDomains,
    imageFor,
    isArmSize,
    parseAzureConfig,
    supportsPremium,
    vmSizeFor,
} from "../../../components/platforms/azure/config";
import { carveSubnets } from "../../../components/platforms/azure/config-network";
import { machineChangePolicy } from "../../../components/platforms/azure/machines";
import { cidrsOverlap, formatCidr, networkAddress, lastAddress, parseCidr } from "../../../components/core/cidr";
import { AZURE_LOCATIONS } from "../../../components/platforms/azure/regions";
import { makeSpec, rawAzure } from "./fixtures";

function fields(raw: unknown, spec = makeSpec()): string[] {
    const result = parseAzureConfig(raw, spec);
    assert.equal(result.config, undefined, "a config with issues must not come back parsed");
    for (const issue of result.issues) {
        assert.match(issue.field, /^kubeforge:(azure|network)(\.|\[|$)/, `issue field ${issue.field}`);
        assert.match(issue.message, /;|, /, `message of ${issue.field} should say what is wrong and how to fix it: ${issue.message}`);
    }
    return result.issues.map((i) => i.field);
}

function parsed(raw: unknown, spec = makeSpec()) {
    const { config, issues } = parseAzureConfig(raw, spec);
    assert.deepEqual(issues, []);
    assert.ok(config);
    return config;
}

describe("azure config: defaults", () => {
    test("a location alone gets zones, a created resource group and VNet, sizes and images", () => {
        const c = parsed(rawAzure());
        assert.equal(c.location, "eastus2");
        assert.deepEqual(c.zones, ["1", "2", "3"]);
        assert.deepEqual(azureFailureDomains(c), ["1", "2", "3"]);
        assert.deepEqual(c.resourceGroup, { kind: "new", name: "demo-rg" });
        assert.deepEqual(c.network, { kind: "new", cidr: "10.0.0.0/16", controlPlaneSubnet: "10.0.0.0/24", nodeSubnet: "10.0.128.0/17" });
        assert.deepEqual(c.vmSizes, { controlPlane: "Standard_D4s_v5", worker: "Standard_D4s_v5" });
        assert.equal(c.osDiskType, "Premium_LRS");
        assert.deepEqual(c.image, UBUNTU_2404);
        assert.deepEqual(c.windowsImage, WINDOWS_SERVER_2022);
        assert.equal(c.encryptionAtHost, false);
        assert.equal(c.diskEncryptionSetId, undefined);
    });

    test("an existing resource group and VNet", () => {
        const c = parsed(
            rawAzure({
                resourceGroup: { existing: "platform" },
                network: {
                    existingVnet: { resourceGroup: "net", name: "hub", controlPlaneSubnet: "cp", nodeSubnet: "nodes" },
                    egressCidrs: ["198.51.100.7/32"],
                },
            }),
        );
        assert.deepEqual(c.resourceGroup, { kind: "existing", name: "platform" });
        assert.deepEqual(c.network, {
            kind: "existing",
            resourceGroup: "net",
            name: "hub",
            controlPlaneSubnet: "cp",
            nodeSubnet: "nodes",
            egressCidrs: ["198.51.100.7/32"],
        });
    });

    test("a location without zones and spread: preferred gives the availability-set domain", () => {
        const spec = makeSpec({ controlPlane: { count: 3, diskSizeGb: 64, spread: "preferred" } });
        const c = parsed(rawAzure({ location: "westus" }), spec);
        assert.deepEqual(c.zones, []);
        assert.deepEqual(azureFailureDomains(c), [AVAILABILITY_SET_DOMAIN]);
    });

    test("an unlisted location is accepted with the escape hatch and explicit zones", () => {
        const c = parsed(rawAzure({ location: "marsnorth", allowUnlistedRegion: true, zones: ["1", "2"] }));
        assert.deepEqual(c.zones, ["1", "2"]);
        // Azure's first spelling of the escape hatch still works for the stacks that have it.
        assert.deepEqual(parsed(rawAzure({ location: "marsnorth", unlistedLocation: true, zones: ["1", "2"] })).zones, ["1", "2"]);
        assert.deepEqual(fields(rawAzure({ location: "marsnorth", unlistedLocation: true, allowUnlistedRegion: false, zones: ["1"] })), [
            "kubeforge:azure.unlistedLocation",
            "kubeforge:azure.location",
        ]);
        assert.deepEqual(fields(rawAzure({ location: "constructor" })), ["kubeforge:azure.location"]);
    });
});

describe("azure config: refusals name the field and the fix", () => {
    test("not a map, no location, unknown key", () => {
        assert.deepEqual(fields(undefined), ["kubeforge:azure"]);
        assert.deepEqual(fields({}), ["kubeforge:azure.location"]);
        assert.deepEqual(fields(rawAzure({ locaton: "x" })), ["kubeforge:azure.locaton"]);
    });

    test("an unknown location suggests the closest", () => {
        const { issues } = parseAzureConfig(rawAzure({ location: "eastus3" }), makeSpec());
        assert.equal(issues[0].field, "kubeforge:azure.location");
        assert.match(issues[0].message, /did you mean "eastus2?"/);
        assert.match(issues[0].message, /kubeforge:azure\.allowUnlistedRegion: true/);
    });

    test("zones the location lacks, unknown zones, duplicates", () => {
        assert.deepEqual(fields(rawAzure({ zones: ["1", "4", "1"] })), ["kubeforge:azure.zones[1]", "kubeforge:azure.zones[2]"]);
    });

    test("3 masters with spread: required in a location without zones: a clear refusal", () => {
        const { issues } = parseAzureConfig(rawAzure({ location: "westus" }), makeSpec());
        assert.equal(issues.length, 1);
        assert.equal(issues[0].field, "kubeforge:azure.zones");
        assert.match(issues[0].message, /westus has no availability zones/);
        assert.match(issues[0].message, /spread: preferred/);
    });

    test("bad sizes, disk type for a non-premium size, images, encryption set", () => {
        assert.deepEqual(fields(rawAzure({ vmSizes: { controlPlane: "m7i.large", gpu: "x" } })), [
            "kubeforge:azure.vmSizes.controlPlane",
            "kubeforge:azure.vmSizes.gpu",
        ]);
        assert.deepEqual(fields(rawAzure({ vmSizes: { worker: "Standard_D4_v5" } })), ["kubeforge:azure.vmSizes.worker"]);
        assert.deepEqual(fields(rawAzure({ osDiskType: "Standard_LRS" })), ["kubeforge:azure.osDiskType"]);
        assert.deepEqual(fields(rawAzure({ image: "ubuntu" })), ["kubeforge:azure.image"]);
        assert.deepEqual(fields(rawAzure({ diskEncryptionSetId: "des-1" })), ["kubeforge:azure.diskEncryptionSetId"]);
    });

    test("existing VNet: missing names, egress required, same subnet twice", () => {
        assert.deepEqual(fields(rawAzure({ network: { existingVnet: { name: "hub" } } })).sort(), [
            "kubeforge:azure.network.egressCidrs",
            "kubeforge:azure.network.existingVnet.controlPlaneSubnet",
            "kubeforge:azure.network.existingVnet.nodeSubnet",
            "kubeforge:azure.network.existingVnet.resourceGroup",
        ]);
        const same = {
            existingVnet: { resourceGroup: "n", name: "hub", controlPlaneSubnet: "a", nodeSubnet: "a" },
            egressCidrs: ["198.51.100.7/32"],
        };
        assert.deepEqual(fields(rawAzure({ network: same })), ["kubeforge:azure.network.existingVnet.nodeSubnet"]);
        assert.deepEqual(fields(rawAzure({ network: { egressCidrs: ["198.51.100.7/32"] } })), ["kubeforge:azure.network.egressCidrs"]);
    });

    test("a VNet range too small or with host bits is refused on network.nodeCidr", () => {
        const spec = makeSpec({ network: { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", nodeCidr: "10.0.0.0/26" } });
        assert.deepEqual(fields(rawAzure(), spec), ["kubeforge:network.nodeCidr"]);
    });

    test("replaceNodes must hold node names", () => {
        assert.deepEqual(fields(rawAzure({ replaceNodes: ["Demo_cp"] })), ["kubeforge:azure.replaceNodes[0]"]);
    });

    test("sizes, images, the encryption set and replaceNodes (the kit's readers) say the fix", () => {
        const message = (overrides: Record<string, unknown>) => parseAzureConfig(rawAzure(overrides), makeSpec()).issues[0]?.message ?? "";
        assert.match(
            message({ vmSizes: { worker: "m7i.large" } }),
            /`m7i.large` is not an Azure VM size; use one such as `Standard_D4s_v5`/,
        );
        assert.match(message({ vmSizes: { gpu: "x" } }), /is not a role; use `controlPlane` or `worker`/);
        assert.match(
            message({ image: "ubuntu" }),
            /`publisher:offer:sku:version`.*`Canonical:ubuntu-24_04-lts:server:latest`; omit it for Ubuntu 24\.04 LTS/,
        );
        assert.match(message({ windowsImage: "w" }), /omit it for Windows Server 2022/);
        assert.match(message({ diskEncryptionSetId: "des-1" }), /not a disk encryption set id.*omit it to use platform-managed keys/);
        assert.match(message({ replaceNodes: ["Demo_cp"] }), /is not a node name; use a name from the plan/);
    });
});

describe("azure config: subnets carved from the VNet", () => {
    test("property: both subnets inside the VNet, disjoint, control plane first", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 8, max: 24 }), (address, prefix) => {
                const vnet = parseCidr(
                    `${formatCidr({ family: 4, address: BigInt(address), prefix: 32, bits: 32 }).split("/")[0]}/${prefix}`,
                );
                assert.ok(vnet.ok);
                const net = { ...vnet.value, address: networkAddress(vnet.value) };
                const { controlPlane, nodes } = carveSubnets(net);
                const cp = parseCidr(controlPlane);
                const nd = parseCidr(nodes);
                assert.ok(cp.ok && nd.ok);
                for (const s of [cp.value, nd.value]) {
                    assert.ok(networkAddress(s) >= networkAddress(net) && lastAddress(s) <= lastAddress(net));
                }
                assert.equal(cidrsOverlap(cp.value, nd.value), false);
                assert.ok(cp.value.prefix >= 24 || cp.value.prefix === prefix + 2);
                assert.equal(nd.value.prefix, prefix + 1);
            }),
        );
    });
});

describe("azure config: helpers", () => {
    test("sizes: premium and arm features", () => {
        assert.equal(supportsPremium("Standard_D4s_v5"), true);
        assert.equal(supportsPremium("Standard_D4ds_v5"), true);
        assert.equal(supportsPremium("Standard_D4_v5"), false);
        assert.equal(isArmSize("Standard_D4ps_v5"), true);
        assert.equal(isArmSize("Standard_D4as_v5"), false);
    });

    test("role sizes and images (arm64 twin for the default image only)", () => {
        const c = parsed(rawAzure({ vmSizes: { worker: "Standard_D8s_v5" } }));
        assert.equal(vmSizeFor(c, "control-plane"), "Standard_D4s_v5");
        assert.equal(vmSizeFor(c, "worker"), "Standard_D8s_v5");
        assert.equal(vmSizeFor(c, "worker", "Standard_E4s_v5"), "Standard_E4s_v5");
        assert.deepEqual(imageFor(c, "Standard_D4ps_v5", "linux"), UBUNTU_2404_ARM64);
        assert.deepEqual(imageFor(c, "Standard_D4s_v5", "windows"), WINDOWS_SERVER_2022);
        const pinned = parsed(rawAzure({ image: "Canonical:ubuntu-24_04-lts:server:24.04.202611010" }));
        assert.equal(imageFor(pinned, "Standard_D4ps_v5", "linux").version, "24.04.202611010");
    });

    test("customData and image are ignored on running VMs except those in replaceNodes", () => {
        const c = parsed(rawAzure({ replaceNodes: ["demo-general-1"] }));
        const rolled = ["osProfile.customData", "storageProfile.imageReference"];
        assert.deepEqual(machineChangePolicy(c, "demo-general-0"), { ignoreChanges: rolled, replaceOnChanges: [] });
        assert.deepEqual(machineChangePolicy(c, "demo-general-1"), { ignoreChanges: [], replaceOnChanges: rolled });
    });

    test("every known location offers three zones or none", () => {
        for (const [name, zones] of Object.entries(AZURE_LOCATIONS)) {
            assert.ok(zones.length === 0 || zones.join() === "1,2,3", name);
        }
    });
});
