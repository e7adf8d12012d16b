/**
 * Azure addons as data: pinned charts with explicit image tags, the chart values that become the
 * CCM's `--controllers=*,-cloud-node --cluster-name --configure-cloud-routes=false`, the cloud config,
 * the default StorageClass and the order of installation. Pure (the one Output is resolved here).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
    CCM_CHART,
    CLOUD_CONFIG_SECRET,
    DISK_CSI_CHART,
    azureAddons,
    ccmValues,
    cloudConfig,
    diskCsiValues,
    storageClass,
    type CloudConfigFacts,
} from "../../../components/platforms/azure/addons";
import { parseAzureConfig } from "../../../components/platforms/azure/config";
import { makeSpec, rawAzure } from "./fixtures";

const FACTS: CloudConfigFacts = {
    tenantId: "00000000-0000-0000-0000-0000000000aa",
    subscriptionId: "00000000-0000-0000-0000-0000000000bb",
    resourceGroup: "demo-rg",
    vnetName: "demo-vnet",
    vnetResourceGroup: "demo-rg",
    subnetName: "demo-nodes",
    securityGroupName: "demo-nodes",
    identityClientId: "00000000-0000-0000-0000-0000000000cc",
};

function config(raw = rawAzure(), spec = makeSpec()) {
    const { config: c } = parseAzureConfig(raw, spec);
    assert.ok(c);
    return c;
}

describe("azure addons", () => {
    test("pins are exact versions, never a beta", () => {
        assert.match(CCM_CHART.version, /^\d+\.\d+\.\d+$/);
        assert.match(DISK_CSI_CHART.version, /^\d+\.\d+\.\d+$/);
        for (const minor of ["1.34", "1.35", "1.36"])
            assert.match(CCM_CHART.imageTags[minor], new RegExp(`^v${minor.replace(".", "\\.")}\\.\\d+$`));
    });

    test("CCM and CNM image tags follow the cluster minor, set explicitly (the chart cannot see the cluster when rendered offline)", () => {
        for (const [minor, tag] of Object.entries(CCM_CHART.imageTags)) {
            const v = ccmValues(makeSpec({ kubernetesMinor: minor, kubernetesVersion: `${minor}.1` }));
            const ccm = v.cloudControllerManager as Record<string, unknown>;
            const cnm = v.cloudNodeManager as Record<string, unknown>;
            assert.equal(ccm.imageTag, tag);
            assert.equal(cnm.imageTag, tag);
            assert.equal(ccm.imageRepository, "mcr.microsoft.com/oss/v2/kubernetes");
        }
        assert.throws(() => ccmValues(makeSpec({ kubernetesMinor: "1.30" })), /no cloud-provider-azure image/);
    });

    test("CCM: cluster name, no cloud routes or node CIDRs, config from the Secret", () => {
        const v = ccmValues(makeSpec());
        assert.deepEqual(v.infra, { clusterName: "demo" });
        const ccm = v.cloudControllerManager as Record<string, unknown>;
        assert.equal(ccm.configureCloudRoutes, "false");
        assert.equal(ccm.allocateNodeCidrs, "false");
        assert.equal(ccm.cloudConfig, "");
        assert.equal(ccm.enableDynamicReloading, "true");
        assert.equal(ccm.cloudConfigSecretName, CLOUD_CONFIG_SECRET.name);
        // The chart itself renders `--controllers=*,-cloud-node`: the CNM DaemonSet initialises nodes.
        assert.equal(ccm.controllers, undefined);
    });

    test("cloud config: the identity's client id, standalone VMs, standard load balancers, not named kubernetes", () => {
        const c = cloudConfig(makeSpec(), config(), FACTS);
        assert.equal(c.userAssignedIdentityID, FACTS.identityClientId);
        assert.equal(c.useManagedIdentityExtension, true);
        assert.equal(c.vmType, "standard");
        assert.equal(c.loadBalancerSku, "standard");
        assert.equal(c.loadBalancerName, "demo");
        assert.notEqual(c.loadBalancerName, "kubernetes");
        assert.equal(c.location, "eastus2");
    });

    test("CSI: controller on masters with host network, nodes from labels, Windows only with a Windows pool", () => {
        const v = diskCsiValues(makeSpec());
        assert.deepEqual(v.image, { azuredisk: { tag: DISK_CSI_CHART.imageTag } });
        assert.equal((v.controller as Record<string, unknown>).runOnControlPlane, true);
        assert.equal((v.controller as Record<string, unknown>).hostNetwork, true);
        assert.equal((v.windows as Record<string, unknown>).enabled, false);
        const spec = makeSpec();
        spec.workerPools.push({ name: "win", count: 1, labels: {}, taints: [], os: "windows", spot: false, diskSizeGb: 128 });
        assert.equal((diskCsiValues(spec).windows as Record<string, unknown>).enabled, true);
    });

    test("StorageClass: default, ZRS when zonal, LRS in an availability set, WaitForFirstConsumer, customer key when given", () => {
        const zonal = storageClass(config());
        assert.equal((zonal.parameters as Record<string, string>).skuName, "StandardSSD_ZRS");
        assert.equal(zonal.volumeBindingMode, "WaitForFirstConsumer");
        assert.equal(
            (zonal.metadata as { annotations: Record<string, string> }).annotations["storageclass.kubernetes.io/is-default-class"],
            "true",
        );
        const spec = makeSpec({ controlPlane: { count: 3, diskSizeGb: 64, spread: "preferred" } });
        const flat = storageClass(config(rawAzure({ location: "westus" }), spec));
        assert.equal((flat.parameters as Record<string, string>).skuName, "StandardSSD_LRS");
        const des =
            "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/keys/providers/Microsoft.Compute/diskEncryptionSets/k8s";
        const cmk = storageClass(config(rawAzure({ diskEncryptionSetId: des })));
        assert.equal((cmk.parameters as Record<string, string>).diskEncryptionSetID, des);
    });

    test("install order: Secret, CCM, CSI, StorageClass, metadata guard; the Secret stays secret", async () => {
        const addons = azureAddons(makeSpec(), config(), pulumi.output(FACTS));
        assert.deepEqual(
            addons.map((a) => a.name),
            ["azure-cloud-config", "cloud-provider-azure", "azuredisk-csi-driver", "azure-storage-class", "metadata-guard"],
        );
        const first = addons[0];
        assert.equal(first.kind, "manifest");
        if (first.kind !== "manifest") return;
        const secret = pulumi.output(first.objects[0]);
        assert.equal(await (secret as unknown as { isSecret: Promise<boolean> }).isSecret, true);
        const guard = addons[4];
        assert.ok(guard.kind === "manifest" && JSON.stringify(guard.objects).includes("168.63.129.16/32"));
    });
});
