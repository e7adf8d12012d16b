/**
 * The Compute Engine Persistent Disk CSI driver (`pd.csi.storage.gke.io`), rendered by us from the
 * upstream kustomize bases (kubernetes-sigs/gcp-compute-persistent-disk-csi-driver
 * `deploy/kubernetes/base/{controller,node_linux,node_windows}` and the `overlays/stable-master`
 * image list, read at the v1.26.4 tag and master of 2026-08). Pure data.
 *
 * Departures from upstream, and why:
 * - No `cloud-sa` Secret and no `GOOGLE_APPLICATION_CREDENTIALS`: the controller runs on the masters
 *   with host networking and takes the master's service-account token from the metadata server. No
 *   key file exists anywhere, and workers need no Compute permission at all.
 * - No `csi-snapshotter` sidecar: it needs the VolumeSnapshot CRDs and snapshot controller, which
 *   kubeforge does not install; without them the sidecar only logs errors.
 * - No `taint-controller` container and no `--enable-data-cache`: they serve GKE node features
 *   (startup taints, Local SSD data cache) this cluster does not use.
 * - Two controller replicas when there are three or more masters (the sidecars elect a leader).
 */
import type { ClusterSpec } from "../../core/types";
import { type ControllerPlacement, controlPlanePlacement } from "../../kit/ccm";
import type { K8sObject } from "./ccm";

/**
 * Images, as upstream's `deploy/kubernetes/images/stable-master/image.yaml` pins them on master
 * (commit a15c583b, PR #2343, 2026-06-11: "v1.26.0 (latest release, promoted to registry.k8s.io)"),
 * and as KubeOne pins them (`pkg/templates/images/images.go`). The sidecars come from
 * kubernetes-csi's sig-storage registry.
 */
export const CSI_IMAGES = {
    driver: "registry.k8s.io/cloud-provider-gcp/gcp-compute-persistent-disk-csi-driver:v1.26.0",
    provisioner: "registry.k8s.io/sig-storage/csi-provisioner:v6.0.0",
    attacher: "registry.k8s.io/sig-storage/csi-attacher:v4.8.1",
    resizer: "registry.k8s.io/sig-storage/csi-resizer:v2.0.0",
    registrar: "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.13.0",
} as const;

/** The driver's name (StorageClass `provisioner`). */
export const PD_CSI_DRIVER = "pd.csi.storage.gke.io";
/** Namespace of the driver, as upstream's kustomization. */
export const CSI_NAMESPACE = "gce-pd-csi-driver";

const CONTROLLER_SA = "csi-gce-pd-controller-sa";
const NODE_SA = "csi-gce-pd-node-sa";
const NODE_SA_WIN = "csi-gce-pd-node-sa-win";
const APP = { app: "gcp-compute-persistent-disk-csi-driver" };
/** The controller on the masters (they hold the identity); it waits for the CCM to initialise its node. */
function controllerPlacement(): ControllerPlacement {
    return controlPlanePlacement({ uninitialized: false });
}

function rule(apiGroups: string[], resources: string[], verbs: string[]): Record<string, unknown> {
    return { apiGroups, resources, verbs };
}

/** ClusterRoles of the controller's sidecars (upstream `cluster_setup.yaml`, snapshotter and PSP roles left out). */
export const CSI_CLUSTER_ROLES: Record<string, Record<string, unknown>[]> = {
    "csi-gce-pd-provisioner-role": [
        rule([""], ["persistentvolumes"], ["get", "list", "watch", "create", "delete"]),
        rule([""], ["persistentvolumeclaims"], ["get", "list", "watch", "update"]),
        rule(["storage.k8s.io"], ["storageclasses"], ["get", "list", "watch"]),
        rule(["storage.k8s.io"], ["volumeattributesclasses"], ["get", "list", "watch"]),
        rule([""], ["events"], ["list", "watch", "create", "update", "patch"]),
        rule(["storage.k8s.io"], ["csinodes"], ["get", "list", "watch"]),
        rule([""], ["nodes"], ["get", "list", "watch"]),
        rule(["snapshot.storage.k8s.io"], ["volumesnapshots"], ["get", "list"]),
        rule(["snapshot.storage.k8s.io"], ["volumesnapshotcontents"], ["get", "list"]),
        rule(["storage.k8s.io"], ["volumeattachments"], ["get", "list", "watch"]),
    ],
    "csi-gce-pd-attacher-role": [
        rule([""], ["persistentvolumes"], ["get", "list", "watch", "update", "patch"]),
        rule([""], ["nodes"], ["get", "list", "watch"]),
        rule(["storage.k8s.io"], ["csinodes"], ["get", "list", "watch"]),
        rule(["storage.k8s.io"], ["volumeattachments"], ["get", "list", "watch", "update", "patch"]),
        rule(["storage.k8s.io"], ["volumeattachments/status"], ["patch"]),
    ],
    "csi-gce-pd-resizer-role": [
        rule([""], ["persistentvolumes"], ["get", "list", "watch", "update", "patch"]),
        rule([""], ["persistentvolumeclaims"], ["get", "list", "watch"]),
        rule([""], ["persistentvolumeclaims/status"], ["update", "patch"]),
        rule(["storage.k8s.io"], ["volumeattributesclasses"], ["get", "list", "watch"]),
        rule([""], ["events"], ["list", "watch", "create", "update", "patch"]),
        rule([""], ["pods"], ["get", "list", "watch"]),
    ],
    // The node plugin reads its Node (labels) at start.
    "csi-gce-pd-node-role": [rule([""], ["nodes"], ["get", "list"])],
};

const labels = { "app.kubernetes.io/name": "gcp-compute-persistent-disk-csi-driver", "app.kubernetes.io/part-of": "kubeforge" };

function meta(name: string, namespaced = true): Record<string, unknown> {
    return { name, ...(namespaced ? { namespace: CSI_NAMESPACE } : {}), labels };
}

function binding(name: string, role: string, sa: string): K8sObject {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: meta(name, false),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
        subjects: [{ kind: "ServiceAccount", name: sa, namespace: CSI_NAMESPACE }],
    };
}

const namespaceEnv = { name: "PDCSI_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } };
const nodeNameEnv = { name: "KUBE_NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } };
const socketMount = { name: "socket-dir", mountPath: "/csi" };

function sidecar(name: string, image: string, port: number, extra: string[]): Record<string, unknown> {
    return {
        name,
        image,
        args: [
            "--v=2",
            "--csi-address=/csi/csi.sock",
            `--http-endpoint=:${port}`,
            "--leader-election",
            "--leader-election-namespace=$(PDCSI_NAMESPACE)",
            ...extra,
        ],
        env: [namespaceEnv],
        ports: [{ containerPort: port, name: "http-endpoint", protocol: "TCP" }],
        livenessProbe: {
            httpGet: { path: "/healthz/leader-election", port: "http-endpoint" },
            initialDelaySeconds: 10,
            timeoutSeconds: 10,
            periodSeconds: 20,
            failureThreshold: 1,
        },
        volumeMounts: [socketMount],
    };
}

/**
 * The controller Deployment: on the masters, host network (metadata-server credentials).
 * @param replicas - how many controllers
 */
export function csiController(replicas: number): K8sObject {
    const placement = controllerPlacement();
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: meta("csi-gce-pd-controller"),
        spec: {
            replicas,
            selector: { matchLabels: { ...APP, component: "controller" } },
            template: {
                metadata: { labels: { ...APP, component: "controller" } },
                spec: {
                    hostNetwork: placement.hostNetwork,
                    serviceAccountName: CONTROLLER_SA,
                    priorityClassName: "system-cluster-critical",
                    nodeSelector: { "kubernetes.io/os": "linux", ...placement.nodeSelector },
                    tolerations: placement.tolerations,
                    affinity: {
                        podAntiAffinity: {
                            preferredDuringSchedulingIgnoredDuringExecution: [
                                {
                                    weight: 100,
                                    podAffinityTerm: {
                                        labelSelector: { matchLabels: { ...APP, component: "controller" } },
                                        topologyKey: "topology.kubernetes.io/zone",
                                    },
                                },
                            ],
                        },
                    },
                    containers: [
                        sidecar("csi-provisioner", CSI_IMAGES.provisioner, 22011, [
                            "--feature-gates=Topology=true",
                            "--timeout=250s",
                            "--extra-create-metadata",
                            "--default-fstype=ext4",
                            "--controller-publish-readonly=true",
                        ]),
                        sidecar("csi-attacher", CSI_IMAGES.attacher, 22012, [
                            "--timeout=250s",
                            "--default-fstype=ext4",
                            "--max-grpc-log-length=10000",
                        ]),
                        sidecar("csi-resizer", CSI_IMAGES.resizer, 22013, ["--handle-volume-inuse-error=false"]),
                        {
                            name: "gce-pd-driver",
                            image: CSI_IMAGES.driver,
                            command: ["/gce-pd-csi-driver"],
                            args: [
                                "--v=2",
                                "--endpoint=unix:/csi/csi.sock",
                                "--run-node-service=false",
                                "--supports-dynamic-iops-provisioning=hyperdisk-balanced,hyperdisk-extreme",
                                "--supports-dynamic-throughput-provisioning=hyperdisk-balanced,hyperdisk-throughput,hyperdisk-ml",
                            ],
                            volumeMounts: [socketMount],
                        },
                    ],
                    volumes: [{ name: "socket-dir", emptyDir: {} }],
                },
            },
        },
    };
}

function hostPath(name: string, path: string, type?: string): Record<string, unknown> {
    return { name, hostPath: type ? { path, type } : { path } };
}

/** A node-plugin DaemonSet: the registrar beside the driver, on every node of one OS, every taint tolerated. */
function nodeDaemonSet(
    name: string,
    os: "linux" | "windows",
    serviceAccountName: string,
    containers: { csiAddress: string; registrationPath: string; driver: Record<string, unknown> },
    volumes: Record<string, unknown>[],
): K8sObject {
    const component = os === "linux" ? "node" : "node-windows";
    return {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: meta(name),
        spec: {
            selector: { matchLabels: { ...APP, component } },
            updateStrategy: { type: "RollingUpdate" },
            template: {
                metadata: { labels: { ...APP, component } },
                spec: {
                    // Windows pods cannot use the host network; the Linux plugin reads the metadata server.
                    ...(os === "linux" ? { hostNetwork: true } : {}),
                    serviceAccountName,
                    priorityClassName: "system-node-critical",
                    nodeSelector: { "kubernetes.io/os": os },
                    tolerations: [{ operator: "Exists" }],
                    containers: [
                        {
                            name: "csi-driver-registrar",
                            image: CSI_IMAGES.registrar,
                            args: [
                                "--v=2",
                                `--csi-address=${containers.csiAddress}`,
                                `--kubelet-registration-path=${containers.registrationPath}`,
                            ],
                            env: [nodeNameEnv],
                            volumeMounts: [
                                { name: "plugin-dir", mountPath: "/csi" },
                                { name: "registration-dir", mountPath: "/registration" },
                            ],
                        },
                        { name: "gce-pd-driver", image: CSI_IMAGES.driver, command: ["/gce-pd-csi-driver"], ...containers.driver },
                    ],
                    volumes,
                },
            },
        },
    };
}

/** The Linux node DaemonSet (upstream `node_linux`, without the data cache). */
export function csiNodeLinux(): K8sObject {
    const mounts = [
        { name: "kubelet-plugin-dir", mountPath: "/var/lib/kubelet/plugins/kubernetes.io/csi", mountPropagation: "Bidirectional" },
        { name: "kubelet-pods", mountPath: "/var/lib/kubelet/pods", mountPropagation: "Bidirectional" },
        { name: "plugin-dir", mountPath: "/csi" },
        { name: "device-dir", mountPath: "/dev" },
        { name: "udev-rules-etc", mountPath: "/etc/udev" },
        { name: "udev-rules-lib", mountPath: "/lib/udev" },
        { name: "udev-socket", mountPath: "/run/udev" },
        { name: "sys", mountPath: "/sys" },
        { name: "lib-modules", mountPath: "/lib/modules", readOnly: true },
    ];
    return nodeDaemonSet(
        "csi-gce-pd-node",
        "linux",
        NODE_SA,
        {
            csiAddress: "/csi/csi.sock",
            registrationPath: `/var/lib/kubelet/plugins/${PD_CSI_DRIVER}/csi.sock`,
            driver: {
                args: ["--v=2", "--endpoint=unix:/csi/csi.sock", "--run-controller-service=false", "--node-name=$(KUBE_NODE_NAME)"],
                securityContext: { privileged: true },
                env: [nodeNameEnv],
                volumeMounts: mounts,
            },
        },
        [
            hostPath("registration-dir", "/var/lib/kubelet/plugins_registry/", "Directory"),
            hostPath("kubelet-pods", "/var/lib/kubelet/pods"),
            hostPath("kubelet-plugin-dir", "/var/lib/kubelet/plugins/kubernetes.io/csi", "DirectoryOrCreate"),
            hostPath("plugin-dir", `/var/lib/kubelet/plugins/${PD_CSI_DRIVER}/`, "DirectoryOrCreate"),
            hostPath("device-dir", "/dev", "Directory"),
            hostPath("udev-rules-etc", "/etc/udev", "Directory"),
            hostPath("udev-rules-lib", "/lib/udev", "Directory"),
            hostPath("udev-socket", "/run/udev", "Directory"),
            hostPath("sys", "/sys", "Directory"),
            hostPath("lib-modules", "/lib/modules", "Directory"),
        ],
    );
}

/** The Windows node DaemonSet (upstream `node_windows`): talks to the host through csi-proxy's named pipes. */
export function csiNodeWindows(): K8sObject {
    const pipes = ["csi-proxy-volume-v1", "csi-proxy-filesystem-v1", "csi-proxy-disk-v1"];
    return nodeDaemonSet(
        "csi-gce-pd-node-win",
        "windows",
        NODE_SA_WIN,
        {
            csiAddress: "unix://C:\\csi\\csi.sock",
            registrationPath: `C:\\var\\lib\\kubelet\\plugins\\${PD_CSI_DRIVER}\\csi.sock`,
            driver: {
                args: ["--v=2", "--endpoint=unix:/csi/csi.sock", "--run-controller-service=false"],
                volumeMounts: [
                    {
                        name: "kubelet-plugin-dir",
                        mountPath: "C:\\var\\lib\\kubelet\\plugins\\kubernetes.io\\csi",
                        mountPropagation: "None",
                    },
                    { name: "kubelet-pods", mountPath: "C:\\var\\lib\\kubelet\\pods", mountPropagation: "None" },
                    { name: "plugin-dir", mountPath: "C:\\csi" },
                    ...pipes.map((p) => ({ name: p, mountPath: `\\\\.\\pipe\\${p}` })),
                ],
            },
        },
        [
            ...pipes.map((p) => hostPath(p, `\\\\.\\pipe\\${p}`, "")),
            hostPath("registration-dir", "\\var\\lib\\kubelet\\plugins_registry", "Directory"),
            hostPath("kubelet-pods", "\\var\\lib\\kubelet\\pods"),
            hostPath("kubelet-plugin-dir", "\\var\\lib\\kubelet\\plugins\\kubernetes.io\\csi", "DirectoryOrCreate"),
            hostPath("plugin-dir", `\\var\\lib\\kubelet\\plugins\\${PD_CSI_DRIVER}`, "DirectoryOrCreate"),
        ],
    );
}

/**
 * Every object of the driver, in apply order.
 * @param spec - the cluster (master count, Windows pools)
 */
export function csiObjects(spec: ClusterSpec): K8sObject[] {
    const windows = spec.workerPools.some((p) => p.os === "windows");
    const objects: K8sObject[] = [
        {
            apiVersion: "v1",
            kind: "Namespace",
            // The node plugin is privileged and mounts host paths.
            metadata: { name: CSI_NAMESPACE, labels: { ...labels, "pod-security.kubernetes.io/enforce": "privileged" } },
        },
        { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(CONTROLLER_SA) },
        { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(NODE_SA) },
        ...(windows ? [{ apiVersion: "v1", kind: "ServiceAccount", metadata: meta(NODE_SA_WIN) }] : []),
        ...Object.entries(CSI_CLUSTER_ROLES).map(([name, rules]) => ({
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: meta(name, false),
            rules,
        })),
        binding("csi-gce-pd-controller-provisioner-binding", "csi-gce-pd-provisioner-role", CONTROLLER_SA),
        binding("csi-gce-pd-controller-attacher-binding", "csi-gce-pd-attacher-role", CONTROLLER_SA),
        binding("csi-gce-pd-resizer-binding", "csi-gce-pd-resizer-role", CONTROLLER_SA),
        binding("csi-gce-pd-node", "csi-gce-pd-node-role", NODE_SA),
        ...(windows ? [binding("csi-gce-pd-node-win", "csi-gce-pd-node-role", NODE_SA_WIN)] : []),
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: meta("csi-gce-pd-leaderelection-role"),
            rules: [rule(["coordination.k8s.io"], ["leases"], ["get", "watch", "list", "delete", "update", "create"])],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: meta("csi-gce-pd-controller-leaderelection-binding"),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "csi-gce-pd-leaderelection-role" },
            subjects: [{ kind: "ServiceAccount", name: CONTROLLER_SA, namespace: CSI_NAMESPACE }],
        },
        {
            apiVersion: "storage.k8s.io/v1",
            kind: "CSIDriver",
            metadata: { name: PD_CSI_DRIVER, labels },
            spec: { attachRequired: true, podInfoOnMount: false },
        },
        csiController(spec.controlPlane.count >= 3 ? 2 : 1),
        csiNodeLinux(),
        ...(windows ? [csiNodeWindows()] : []),
    ];
    return objects;
}
