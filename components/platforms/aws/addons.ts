/**
 * In-cluster addons AWS needs: the cloud controller manager and the EBS CSI driver with a default
 * encrypted gp3 StorageClass. Pure data; the core installs them once the API answers.
 *
 * What each needs first (everything waits for the API; nothing else unless listed), so they install
 * side by side with the CNI where they can:
 * - the CCM needs nothing more: it runs on the masters with host networking and reaches the API
 *   under the endpoint name (not the `kubernetes` Service, which needs kube-proxy or Cilium), and it
 *   tolerates the not-ready and uninitialized taints nodes carry before the CNI and itself run;
 * - the EBS CSI driver needs nothing more either: its controller runs on the masters and its node
 *   DaemonSet on every other node, both with host networking, reaching the API under the endpoint
 *   name and tolerating not-ready nodes, so neither needs the CNI (see {@link ebsCsiValues}); it
 *   installs beside it.
 *
 * Versions, with where each was checked (docs/pins.md has the table):
 * - kubernetes/cloud-provider-aws chart `aws-cloud-controller-manager` 0.0.11: git tag
 *   `helm-chart-aws-cloud-controller-manager-0.0.11`, `charts/aws-cloud-controller-manager/Chart.yaml`
 *   (appVersion v1.35.0). Image `registry.k8s.io/provider-aws/cloud-controller-manager:v1.36.1`: git tag
 *   `v1.36.1` ("Release 1.36.1", 2026-07-15) of kubernetes/cloud-provider-aws; so the CCM matches the
 *   cluster's minor.
 * - kubernetes-sigs/aws-ebs-csi-driver chart `aws-ebs-csi-driver` 2.64.0 (driver v1.64.0): git tag
 *   `helm-chart-aws-ebs-csi-driver-2.64.0`, `charts/aws-ebs-csi-driver/Chart.yaml` and its CHANGELOG.md.
 */
import type { ClusterSpec } from "../../core/types";
import type { AddonSpec } from "../../platform";
import { CONTROL_PLANE_LABEL, UNINITIALIZED_TAINT, controlPlaneNodeSelector } from "../../kit/ccm";
import type { AwsConfig } from "./config";
import { CLOUD_CONFIG_DIR, CLOUD_CONFIG_PATH } from "./bootstrap";
import { privateApiHost } from "./names";
import { API_PORT } from "./endpoint";

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

const NOT_READY_TAINT = "node.kubernetes.io/not-ready";

/**
 * Tolerations of a controller that must run on the masters before the CNI and the CCM have run: the
 * kit's taints (kit/ccm.ts), in the order running AWS clusters have them in their chart values (the
 * kit's `controlPlanePlacement` orders them otherwise; adopting it would roll the CCM on every cluster).
 */
const EARLY_CONTROL_PLANE_TOLERATIONS = [
    { key: CONTROL_PLANE_LABEL, operator: "Exists", effect: "NoSchedule" },
    { key: UNINITIALIZED_TAINT, operator: "Exists", effect: "NoSchedule" },
    { key: NOT_READY_TAINT, operator: "Exists", effect: "NoSchedule" },
];

/**
 * The API server for host-network pods, instead of the `kubernetes` Service (which needs kube-proxy
 * or the CNI's replacement): the endpoint name every node already resolves, in the certificate's SANs.
 * @param spec - the cluster
 */
export function apiServerEnv(spec: ClusterSpec): Record<string, string>[] {
    return [
        { name: "KUBERNETES_SERVICE_HOST", value: privateApiHost(spec.name) },
        { name: "KUBERNETES_SERVICE_PORT", value: String(API_PORT) },
    ];
}

/**
 * Values of the cloud controller manager chart: a DaemonSet on the masters (host network, so it
 * reaches IMDS with hop limit 1), tolerating the control-plane, uninitialized and not-ready taints,
 * reaching the API under the endpoint name (so it needs neither the CNI nor kube-proxy), reading the
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
        env: apiServerEnv(spec),
        nodeSelector: { ...controlPlaneNodeSelector },
        tolerations: EARLY_CONTROL_PLANE_TOLERATIONS,
        extraVolumes: [{ name: "cloud-config", hostPath: { path: CLOUD_CONFIG_DIR, type: "Directory" } }],
        extraVolumeMounts: [{ name: "cloud-config", mountPath: CLOUD_CONFIG_DIR, readOnly: true }],
    };
}

/** Name of the EBS CSI controller Deployment the chart renders. */
export const EBS_CSI_CONTROLLER = "ebs-csi-controller";

/**
 * Values of the EBS CSI chart. The controller runs on the masters (their role carries the EBS CSI
 * policy) with host networking (patched in: the chart has no value for it, see
 * {@link ebsCsiControllerPatch}), so it reaches IMDS for credentials although every node's hop
 * limit is 1: no pod on the pod network can read any node's user data or role. It reaches the API
 * under the endpoint name, and its region is set so it needs IMDS only for credentials.
 *
 * The node DaemonSet runs on every node but the masters, on the host network (the chart's
 * `node.hostNetwork`), reaching the API under the endpoint name too and tolerating every taint (the
 * not-ready one included): it needs no CNI, so the driver installs beside it instead of after it.
 * Not on the masters: they run only the control plane, and the controller there already holds the
 * host port both bind for their liveness probe (9808, fixed in the chart). On the host network it
 * reaches its own node's IMDS, as any host process does (hop limit 1 keeps pods on the pod network out).
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
            // One replica per master at most (host ports), never more than the masters.
            replicaCount: Math.min(2, spec.controlPlane.count),
            env: apiServerEnv(spec),
            nodeSelector: { ...controlPlaneNodeSelector },
            tolerations: EARLY_CONTROL_PLANE_TOLERATIONS,
            affinity: {
                podAntiAffinity: {
                    // Host networking: two replicas on one master would want the same ports.
                    requiredDuringSchedulingIgnoredDuringExecution: [
                        {
                            labelSelector: { matchExpressions: [{ key: "app", operator: "In", values: [EBS_CSI_CONTROLLER] }] },
                            topologyKey: "kubernetes.io/hostname",
                        },
                    ],
                },
            },
        },
        node: {
            hostNetwork: true,
            env: apiServerEnv(spec),
            tolerateAllTaints: true,
            affinity: {
                nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [
                            {
                                matchExpressions: [
                                    // The chart's default, kept (setting `affinity` replaces it).
                                    { key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate", "auto", "hybrid"] },
                                    // Not on the masters: the controller holds the host port there.
                                    { key: CONTROL_PLANE_LABEL, operator: "DoesNotExist" },
                                ],
                            },
                        ],
                    },
                },
            },
        },
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
 * The controller's host networking, which the chart (2.64.0) has no value for: applied to the
 * Deployment it renders, once it is installed.
 */
export function ebsCsiControllerPatch(): { name: string; namespace: string; spec: Record<string, unknown> } {
    return {
        name: EBS_CSI_CONTROLLER,
        namespace: "kube-system",
        spec: { template: { spec: { hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" } } },
    };
}

/**
 * The addons, each with what it needs first (see the file comment).
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
            deploymentPatches: [ebsCsiControllerPatch()],
        },
    ];
}
