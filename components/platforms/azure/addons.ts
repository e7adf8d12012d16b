/**
 * In-cluster addons Azure needs: the cloud config Secret, cloud-provider-azure (cloud-controller-
 * manager + cloud-node-manager), the azuredisk CSI driver, a default StorageClass and the metadata
 * guard. Pure data over the few values only known once resources exist (ids, the identity's client id).
 *
 * Pins, each checked in the upstream repository (mirrors of 2026-08-19 and 2026-08-22):
 * - chart `cloud-provider-azure` 1.36.0: kubernetes-sigs/cloud-provider-azure `helm/repo/index.yaml`
 *   (newest entry, created 2026-05-14, digest f332f19b…). The chart picks its image from
 *   `.Capabilities.KubeVersion` (1.36 gives v1.36.0); the tags are set here instead, per minor, from the
 *   newest release tags: v1.36.5 (2026-08-10), v1.35.8 and v1.34.13 (2026-07-29).
 * - chart `azuredisk-csi-driver` 1.34.5: kubernetes-sigs/azuredisk-csi-driver `charts/index.yaml`
 *   (appVersion 1.34.5, digest b40c3bc9…; the index also lists v2.0.0-beta.6, never taken here),
 *   driver image `mcr.microsoft.com/oss/v2/kubernetes-csi/azuredisk-csi:v1.34.5` (its values.yaml).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ClusterSpec } from "../../core/types";
import type { AddonSpec } from "../../platform";
import { AZURE_WIRESERVER, INSTANCE_METADATA, metadataGuardAddons } from "../../addons/metadataGuard";
import type { AzureConfig } from "./config";

/** cloud-provider-azure: chart, repository, images. */
export const CCM_CHART = {
    chart: "cloud-provider-azure",
    repository: "https://raw.githubusercontent.com/kubernetes-sigs/cloud-provider-azure/master/helm/repo",
    version: "1.36.0",
    /** The `v2` path the chart itself uses from Kubernetes 1.32 on. */
    imageRepository: "mcr.microsoft.com/oss/v2/kubernetes",
    /** CCM and CNM tag per Kubernetes minor (the same tag for both). */
    imageTags: { "1.34": "v1.34.13", "1.35": "v1.35.8", "1.36": "v1.36.5" } as Readonly<Record<string, string>>,
} as const;

/** azuredisk CSI driver: chart, repository, driver image tag. */
export const DISK_CSI_CHART = {
    chart: "azuredisk-csi-driver",
    repository: "https://raw.githubusercontent.com/kubernetes-sigs/azuredisk-csi-driver/master/charts",
    version: "1.34.5",
    imageTag: "v1.34.5",
} as const;

/** The Secret both read their cloud config from (`kube-system/azure-cloud-provider`, key `cloud-config`). */
export const CLOUD_CONFIG_SECRET = { name: "azure-cloud-provider", namespace: "kube-system", key: "cloud-config" } as const;
/** Name of the default StorageClass. */
export const DEFAULT_STORAGE_CLASS = "managed-csi";

/** What the cloud config needs that only exists once resources do. */
export interface CloudConfigFacts {
    /** Tenant of the subscription. */
    tenantId: string;
    /** Subscription id. */
    subscriptionId: string;
    /** The cluster's resource group. */
    resourceGroup: string;
    /** The VNet's name and resource group. */
    vnetName: string;
    /** Resource group of the VNet (differs for an existing VNet). */
    vnetResourceGroup: string;
    /** The workers' subnet (internal Service load balancers go there). */
    subnetName: string;
    /** The workers' network security group (the CCM opens Service ports in it). */
    securityGroupName: string;
    /** The user-assigned identity's client id (not its resource id). */
    identityClientId: string;
}

/**
 * The cloud config (azure.json) as cloud-provider-azure and the CSI driver read it, written as CAPZ
 * writes it, for standalone VMs with a user-assigned identity.
 * @param spec - the cluster
 * @param config - the azure config
 * @param facts - ids known once resources exist
 */
export function cloudConfig(spec: ClusterSpec, config: AzureConfig, facts: CloudConfigFacts): Record<string, unknown> {
    return {
        cloud: "AzurePublicCloud",
        tenantId: facts.tenantId,
        subscriptionId: facts.subscriptionId,
        resourceGroup: facts.resourceGroup,
        location: config.location,
        vnetName: facts.vnetName,
        vnetResourceGroup: facts.vnetResourceGroup,
        subnetName: facts.subnetName,
        securityGroupName: facts.securityGroupName,
        securityGroupResourceGroup: facts.resourceGroup,
        // Every node is a standalone compute.VirtualMachine (no scale set): the availability-set /
        // standalone code path, which makes no VMSS list calls.
        vmType: "standard",
        // Basic was retired 2025-09-30; the default is already standard, written out anyway.
        loadBalancerSku: "standard",
        // Service load balancers are named after the cluster (`--cluster-name`); the API's is not.
        loadBalancerName: spec.name,
        maximumLoadBalancerRuleCount: 250,
        excludeMasterFromStandardLB: true,
        useManagedIdentityExtension: true,
        userAssignedIdentityID: facts.identityClientId,
        useInstanceMetadata: true,
    };
}

/**
 * Values of the cloud-provider-azure chart: the CCM on masters (host network: it reaches IMDS for
 * its identity) reading the Secret, no route or node-CIDR controllers (the CNI tunnels), the CNM on
 * every node (Linux and Windows) with explicit image tags.
 * @param spec - the cluster
 */
export function ccmValues(spec: ClusterSpec): Record<string, unknown> {
    const tag = CCM_CHART.imageTags[spec.kubernetesMinor];
    if (tag === undefined) throw new Error(`no cloud-provider-azure image pinned for Kubernetes ${spec.kubernetesMinor}`);
    return {
        infra: { clusterName: spec.name },
        cloudControllerManager: {
            imageRepository: CCM_CHART.imageRepository,
            imageTag: tag,
            // Empty file: the config comes from the Secret (dynamic reloading picks up changes).
            cloudConfig: "",
            enableDynamicReloading: "true",
            cloudConfigSecretName: CLOUD_CONFIG_SECRET.name,
            allocateNodeCidrs: "false",
            configureCloudRoutes: "false",
            clusterCIDR: spec.network.podCidr,
            replicas: Math.min(2, spec.controlPlane.count),
        },
        cloudNodeManager: { imageRepository: CCM_CHART.imageRepository, imageTag: tag },
    };
}

/**
 * Values of the azuredisk chart: the controller on masters (host network, the only nodes with the
 * identity), nodes reading zone and size from the labels the CNM sets (no cloud call from workers,
 * which carry no identity), Windows nodes only when a Windows pool exists.
 * @param spec - the cluster
 */
export function diskCsiValues(spec: ClusterSpec): Record<string, unknown> {
    return {
        image: { azuredisk: { tag: DISK_CSI_CHART.imageTag } },
        controller: {
            runOnControlPlane: true,
            replicas: Math.min(2, spec.controlPlane.count),
            cloudConfigSecretName: CLOUD_CONFIG_SECRET.name,
            cloudConfigSecretNamespace: CLOUD_CONFIG_SECRET.namespace,
            hostNetwork: true,
        },
        node: { cloudConfigSecretName: CLOUD_CONFIG_SECRET.name, cloudConfigSecretNamespace: CLOUD_CONFIG_SECRET.namespace },
        linux: { enabled: true, getNodeInfoFromLabels: true },
        windows: { enabled: spec.workerPools.some((p) => p.os === "windows"), getNodeInfoFromLabels: true },
    };
}

/**
 * The default StorageClass: zone-redundant SSDs for a zonal cluster (a pod's disk follows it to
 * another zone), LRS in an availability set; bound when the pod is scheduled; encrypted at rest
 * (Azure always encrypts managed disks; with a disk encryption set, with the customer's key).
 * @param config - the azure config
 */
export function storageClass(config: AzureConfig): Record<string, unknown> {
    const parameters: Record<string, string> = {
        skuName: config.zones.length > 0 ? "StandardSSD_ZRS" : "StandardSSD_LRS",
        // No SAS download URL for a volume's data, and no public access to it (driver-parameters.md).
        networkAccessPolicy: "DenyAll",
        publicNetworkAccess: "Disabled",
    };
    if (config.diskEncryptionSetId) {
        parameters.diskEncryptionSetID = config.diskEncryptionSetId;
        parameters.diskEncryptionType = "EncryptionAtRestWithCustomerKey";
    }
    return {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        provisioner: "disk.csi.azure.com",
        parameters,
        reclaimPolicy: "Delete",
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
    };
}

/**
 * The addons, in install order: the Secret, the CCM (it lifts the uninitialized taint), the CSI
 * driver, the StorageClass, then the metadata guard (IMDS and the WireServer closed to pods).
 * @param spec - the cluster
 * @param config - the azure config
 * @param facts - ids known once resources exist
 */
export function azureAddons(spec: ClusterSpec, config: AzureConfig, facts: pulumi.Output<CloudConfigFacts>): AddonSpec[] {
    const secret = facts.apply((f) => ({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: CLOUD_CONFIG_SECRET.name, namespace: CLOUD_CONFIG_SECRET.namespace },
        type: "Opaque",
        stringData: { [CLOUD_CONFIG_SECRET.key]: JSON.stringify(cloudConfig(spec, config, f), null, 2) },
    }));
    return [
        { kind: "manifest", name: "azure-cloud-config", objects: [pulumi.secret(secret)] },
        {
            kind: "helm",
            name: "cloud-provider-azure",
            chart: CCM_CHART.chart,
            repository: CCM_CHART.repository,
            version: CCM_CHART.version,
            namespace: "kube-system",
            values: ccmValues(spec),
        },
        {
            kind: "helm",
            name: "azuredisk-csi-driver",
            chart: DISK_CSI_CHART.chart,
            repository: DISK_CSI_CHART.repository,
            version: DISK_CSI_CHART.version,
            namespace: "kube-system",
            values: diskCsiValues(spec),
        },
        { kind: "manifest", name: "azure-storage-class", objects: [storageClass(config)] },
        ...metadataGuardAddons(spec.cni, [INSTANCE_METADATA, AZURE_WIRESERVER]),
    ];
}
