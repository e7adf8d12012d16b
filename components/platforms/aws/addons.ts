/**
 * In-cluster addons AWS needs: the cloud controller manager and the EBS CSI driver with a default
 * encrypted gp3 StorageClass. Pure data; the core installs them once the API answers.
 *
 * Versions (read 2026-11 from the upstream repositories):
 * - kubernetes/cloud-provider-aws chart `aws-cloud-controller-manager` 0.0.11 (tag
 *   helm-chart-aws-cloud-controller-manager-0.0.11, appVersion v1.35.0), image pinned to the v1.36.1
 *   release so the CCM matches the cluster's minor.
 * - kubernetes-sigs/aws-ebs-csi-driver chart `aws-ebs-csi-driver` 2.64.0 (driver v1.64.0).
 */
import type { ClusterSpec } from "../../core/types";
import type { AddonSpec } from "../../platform";
import type { AwsConfig } from "./config";
import { CLOUD_CONFIG_DIR, CLOUD_CONFIG_PATH } from "./bootstrap";

/** The cloud controller manager chart. */
export const CCM_CHART = {
    chart: "aws-cloud-controller-manager",
    repository: "https://kubernetes.github.io/cloud-provider-aws",
    version: "0.0.11",
    image: "registry.k8s.io/provider-aws/cloud-controller-manager",
    imageTag: "v1.36.1",
} as const;

/** The EBS CSI driver chart. */
export const EBS_CSI_CHART = {
    chart: "aws-ebs-csi-driver",
    repository: "https://kubernetes-sigs.github.io/aws-ebs-csi-driver",
    version: "2.64.0",
} as const;

/** Name of the default StorageClass. */
export const DEFAULT_STORAGE_CLASS = "gp3-encrypted";

const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";
const UNINITIALIZED_TAINT = "node.cloudprovider.kubernetes.io/uninitialized";

/**
 * Values of the cloud controller manager chart: a DaemonSet on the masters (host network, so it
 * reaches IMDS with hop limit 1), tolerating the control-plane and uninitialized taints, reading the
 * cloud config the bootstrap wrote on every master.
 * @param spec - the cluster
 */
export function ccmValues(spec: ClusterSpec): Record<string, unknown> {
    return {
        image: { repository: CCM_CHART.image, tag: CCM_CHART.imageTag },
        hostNetworking: true,
        args: [
            "--v=2",
            "--cloud-provider=aws",
            `--cloud-config=${CLOUD_CONFIG_PATH}`,
            `--cluster-name=${spec.name}`,
            // The CNI (Cilium, Calico) routes pod traffic; the CCM must not write VPC routes.
            "--configure-cloud-routes=false",
        ],
        nodeSelector: { [CONTROL_PLANE_LABEL]: "" },
        tolerations: [
            { key: UNINITIALIZED_TAINT, value: "true", effect: "NoSchedule" },
            { key: CONTROL_PLANE_LABEL, operator: "Exists", effect: "NoSchedule" },
        ],
        extraVolumes: [{ name: "cloud-config", hostPath: { path: CLOUD_CONFIG_DIR, type: "Directory" } }],
        extraVolumeMounts: [{ name: "cloud-config", mountPath: CLOUD_CONFIG_DIR, readOnly: true }],
    };
}

/**
 * Values of the EBS CSI chart. The controller runs on workers only (required node affinity): they
 * carry the EBS CSI policy and a hop limit that lets pods reach it. Its region is set so it needs
 * IMDS only for credentials. The node DaemonSet runs everywhere; on masters (hop limit 1) it falls
 * back to Kubernetes metadata (provider ID and topology labels set by the CCM).
 * @param spec - the cluster
 * @param config - the aws config
 */
export function ebsCsiValues(spec: ClusterSpec, config: AwsConfig): Record<string, unknown> {
    const parameters: Record<string, string> = { type: "gp3", encrypted: "true" };
    if (config.ebsKmsKeyArn) parameters.kmsKeyId = config.ebsKmsKeyArn;
    return {
        controller: {
            region: config.region,
            k8sTagClusterId: spec.name,
            extraVolumeTags: { ...spec.tags, "kubeforge.io/cluster": spec.name },
            affinity: {
                nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [{ matchExpressions: [{ key: CONTROL_PLANE_LABEL, operator: "DoesNotExist" }] }],
                    },
                },
                podAntiAffinity: {
                    preferredDuringSchedulingIgnoredDuringExecution: [
                        {
                            weight: 100,
                            podAffinityTerm: {
                                labelSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["ebs-csi-controller"] }] },
                                topologyKey: "topology.kubernetes.io/zone",
                            },
                        },
                    ],
                },
            },
        },
        node: { tolerateAllTaints: true },
        storageClasses: [
            {
                name: DEFAULT_STORAGE_CLASS,
                annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
                volumeBindingMode: "WaitForFirstConsumer",
                reclaimPolicy: "Delete",
                allowVolumeExpansion: true,
                parameters,
            },
        ],
    };
}

/**
 * The addons, in install order (the CCM first: it removes the uninitialized taint nodes start with).
 * @param spec - the cluster
 * @param config - the aws config
 */
export function awsAddons(spec: ClusterSpec, config: AwsConfig): AddonSpec[] {
    return [
        {
            kind: "helm",
            name: "aws-cloud-controller-manager",
            chart: CCM_CHART.chart,
            repository: CCM_CHART.repository,
            version: CCM_CHART.version,
            namespace: "kube-system",
            values: ccmValues(spec),
        },
        {
            kind: "helm",
            name: "aws-ebs-csi-driver",
            chart: EBS_CSI_CHART.chart,
            repository: EBS_CSI_CHART.repository,
            version: EBS_CSI_CHART.version,
            namespace: "kube-system",
            values: ebsCsiValues(spec, config),
        },
    ];
}
