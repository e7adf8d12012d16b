/**
 * The GCP cloud-controller-manager, rendered by us: cloud-provider-gcp publishes no Helm chart (its
 * issue #874 closed unmerged), only a kustomize package whose `args: []` "must be replaced by
 * tooling" (`deploy/packages/default/manifest.yaml`). Pure data.
 *
 * What it is built from (read 2026-12 in the upstream repositories):
 * - kubernetes/cloud-provider-gcp `deploy/packages/default/manifest.yaml` and
 *   `deploy/cloud-node-controller-role.yaml` (ServiceAccount, RBAC, a control-plane DaemonSet with
 *   host network and the uninitialized / not-ready / control-plane tolerations);
 * - kubermatic/kubeone `addons/ccm-gcp/ccm-gcp.yaml` (the args below, and the RBAC rules it adds:
 *   `services/status` patch, `configmaps` create, `nodes` delete);
 * - the image's own `Dockerfile` at the pinned tag: the binary is `/cloud-controller-manager` (it is
 *   also the entrypoint; images built by ko before v33 were not, hence the explicit `command`).
 *
 * Credentials: none are mounted. The DaemonSet runs on the host network, so the Google client library
 * reads the master's service-account token from the metadata server (Application Default
 * Credentials), which the metadata guard keeps from pods without host networking.
 */
import type { ClusterSpec } from "../../core/types";
import { type ControllerPlacement, controlPlanePlacement } from "../../kit/ccm";

/**
 * The CCM image. v36.0.7 is the kubernetes/cloud-provider-gcp tag for Kubernetes 1.36 (scheme
 * `v<minor>.<k8s patch>.<ccm patch>`, `docs/RELEASE.md`) promoted to registry.k8s.io by
 * kubernetes/k8s.io PR #9515 (2026-05-21, "Image promotion for cloud-provider-gcp v36.0.3 / v36.0.4 /
 * v36.0.7"), and the tag KubeOne pins (`pkg/templates/images/images.go`). Later v36 git tags exist;
 * a tag is usable only once promoted, so bump only to a tag listed in k8s.io
 * `registry.k8s.io/images/k8s-staging-cloud-provider-gcp/images.yaml`.
 */
export const CCM_IMAGE = "registry.k8s.io/cloud-provider-gcp/cloud-controller-manager:v36.0.7";

/** Where the bootstrap writes gce.conf on every master (a directory, mounted read-only into the CCM). */
export const CLOUD_CONFIG_DIR = "/etc/kubernetes/cloud-config";
/** The cloud config file (`--cloud-config`). */
export const CLOUD_CONFIG_PATH = `${CLOUD_CONFIG_DIR}/gce.conf`;

/** Kubernetes object as plain data. */
export type K8sObject = Record<string, unknown>;

const NAMESPACE = "kube-system";
const SA = "cloud-controller-manager";
/** The CCM on the masters, as upstream's DaemonSet places it: it also tolerates not-ready nodes (no CNI yet). */
function controllerPlacement(): ControllerPlacement {
    return controlPlanePlacement({ alsoTolerate: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoSchedule" }] });
}

/**
 * The CCM's command-line arguments. Route and node-IPAM controllers are off: the CNI (Cilium or
 * Calico, overlay mode) allocates pod addresses and routes them, so no VPC routes and no
 * `canIpForward` are needed.
 * @param clusterName - the cluster name (names the load balancers and firewall rules the CCM creates)
 */
export function ccmArgs(clusterName: string): string[] {
    return [
        "--cloud-provider=gce",
        `--cloud-config=${CLOUD_CONFIG_PATH}`,
        `--cluster-name=${clusterName}`,
        "--allocate-node-cidrs=false",
        "--configure-cloud-routes=false",
        "--controllers=*,-node-ipam-controller,-node-route-controller",
        "--leader-elect=true",
        // The secure port answers the liveness probe on loopback only (the pod shares the host's network).
        "--bind-address=127.0.0.1",
        "--v=2",
    ];
}

function rule(apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]): Record<string, unknown> {
    return resourceNames ? { apiGroups, resources, resourceNames, verbs } : { apiGroups, resources, verbs };
}

/** The CCM's ClusterRole rules: upstream's `system:cloud-controller-manager` plus what KubeOne adds. */
export const CCM_RULES: Record<string, unknown>[] = [
    rule(["", "events.k8s.io"], ["events"], ["create", "patch", "update"]),
    rule(["coordination.k8s.io"], ["leases"], ["create", "get", "list", "watch", "update"]),
    rule(["coordination.k8s.io"], ["leases"], ["get", "update"], ["cloud-controller-manager"]),
    rule([""], ["endpoints", "serviceaccounts", "services"], ["create", "get", "update"]),
    rule([""], ["nodes"], ["get", "update", "patch", "delete"]),
    rule([""], ["namespaces"], ["get"]),
    rule([""], ["nodes/status", "services/status"], ["patch", "update"]),
    rule([""], ["secrets"], ["create", "delete", "get", "update"]),
    rule(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
    rule(["*"], ["*"], ["list", "watch"]),
    rule([""], ["serviceaccounts/token"], ["create"]),
    rule([""], ["configmaps"], ["create"]),
];

/** gce.conf settings, as the CCM reads them (`[global]` of `providers/gce/gce.go` `ConfigGlobal`). */
export interface GceConfSettings {
    /** Project of the instances and load balancers. */
    projectId: string;
    /** Project of the network when it is a Shared VPC host project. */
    networkProjectId?: string;
    /** Network name. */
    networkName: string;
    /** Subnetwork name (internal load balancers take their addresses from it). */
    subnetworkName: string;
    /** Network tag on every node: the target of the firewall rules the CCM opens for Services. */
    nodeTag: string;
    /** Prefix of every instance name (the cluster name). */
    nodeInstancePrefix: string;
    /** True when the nodes span several zones: the CCM then manages every zone of the region. */
    multizone: boolean;
}

/**
 * The text of gce.conf (gcfg / INI syntax).
 * @param s - the settings
 */
export function gceConf(s: GceConfSettings): string {
    const lines = ["[global]", `project-id = ${s.projectId}`];
    if (s.networkProjectId) lines.push(`network-project-id = ${s.networkProjectId}`);
    lines.push(
        `network-name = ${s.networkName}`,
        `subnetwork-name = ${s.subnetworkName}`,
        `node-tags = ${s.nodeTag}`,
        `node-instance-prefix = ${s.nodeInstancePrefix}`,
    );
    if (s.multizone) lines.push("multizone = true");
    return lines.join("\n") + "\n";
}

/**
 * Every object of the CCM, in apply order.
 * @param spec - the cluster
 */
export function ccmObjects(spec: ClusterSpec): K8sObject[] {
    const labels = { "app.kubernetes.io/name": "gcp-cloud-controller-manager", "app.kubernetes.io/part-of": "kubeforge" };
    const sa = { kind: "ServiceAccount", name: SA, namespace: NAMESPACE };
    const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), labels });
    return [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(SA, NAMESPACE) },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: meta("system:cloud-controller-manager"),
            rules: CCM_RULES,
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: meta("system:cloud-controller-manager"),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:cloud-controller-manager" },
            subjects: [sa],
        },
        {
            // Reads the API server's client-CA configmap to authenticate its own secure port's callers.
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: meta("cloud-controller-manager:apiserver-authentication-reader", NAMESPACE),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "extension-apiserver-authentication-reader" },
            subjects: [sa],
        },
        ccmDaemonSet(spec, labels),
    ];
}

function ccmDaemonSet(spec: ClusterSpec, labels: Record<string, string>): K8sObject {
    const placement = controllerPlacement();
    const selector = { "app.kubernetes.io/name": "gcp-cloud-controller-manager" };
    return {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: "cloud-controller-manager", namespace: NAMESPACE, labels },
        spec: {
            selector: { matchLabels: selector },
            updateStrategy: { type: "RollingUpdate" },
            template: {
                metadata: { labels: { ...labels, tier: "control-plane" } },
                spec: {
                    serviceAccountName: SA,
                    hostNetwork: placement.hostNetwork,
                    priorityClassName: "system-cluster-critical",
                    nodeSelector: { ...placement.nodeSelector, "kubernetes.io/os": "linux" },
                    tolerations: placement.tolerations,
                    containers: [
                        {
                            name: "cloud-controller-manager",
                            image: CCM_IMAGE,
                            imagePullPolicy: "IfNotPresent",
                            command: ["/cloud-controller-manager"],
                            args: ccmArgs(spec.name),
                            env: [
                                // The local API server: no Service routing is needed before the CNI runs.
                                { name: "KUBERNETES_SERVICE_HOST", value: "127.0.0.1" },
                                { name: "KUBERNETES_SERVICE_PORT", value: "6443" },
                            ],
                            livenessProbe: {
                                httpGet: { host: "127.0.0.1", path: "/healthz", port: 10258, scheme: "HTTPS" },
                                initialDelaySeconds: 15,
                                periodSeconds: 10,
                                timeoutSeconds: 15,
                                failureThreshold: 3,
                            },
                            resources: { requests: { cpu: "200m", memory: "64Mi" } },
                            volumeMounts: [{ name: "cloud-config", mountPath: CLOUD_CONFIG_DIR, readOnly: true }],
                        },
                    ],
                    volumes: [{ name: "cloud-config", hostPath: { path: CLOUD_CONFIG_DIR, type: "Directory" } }],
                },
            },
        },
    };
}
