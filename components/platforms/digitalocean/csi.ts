/**
 * The DigitalOcean block storage CSI driver (`dobs.csi.digitalocean.com`), rendered as our own objects
 * from its release manifest, with kubeforge's own default StorageClass.
 *
 * Pinned to csi-digitalocean v4.16.0: `deploy/kubernetes/releases/csi-digitalocean-v4.16.0/driver.yaml`
 * in github.com/digitalocean/csi-digitalocean (commit 0711283, 2026-01-19, "Prepare release v4.16.0";
 * its README lists v4.16.0+ for Kubernetes 1.35). The sidecar images below are that manifest's.
 * KubeOne's image list names v4.17.0 with newer sidecars; its release manifest was not readable here,
 * so it is not pinned.
 *
 * Kept from upstream: the CSIDriver, the controller StatefulSet (provisioner, attacher, resizer,
 * plugin), the node DaemonSet (registrar, plugin, the init container that removes DigitalOcean's
 * volume automount udev rule), service accounts and RBAC, the token from Secret
 * `kube-system/digitalocean`.
 * Changed, and why:
 * - no StorageClasses or VolumeSnapshotClass from driver.yaml: kubeforge installs one default class;
 * - no snapshot support (csi-snapshotter sidecar, VolumeSnapshot CRDs, snapshot controller): left
 *   out, see README.md; install external-snapshotter to add it;
 * - the controller runs on the masters with host networking: the plugin reads the droplet id from the
 *   metadata service even in controller mode (`driver/driver.go` NewDriver), and the metadata guard
 *   keeps every pod-network pod away from 169.254.169.254; `--region` is passed so only the id is read;
 * - images pulled `IfNotPresent` (they are pinned), `alpine` pinned to a minor.
 */
import { TOKEN_SECRET } from "./identity";
import { type ControllerPlacement, controlPlanePlacement } from "../../kit/ccm";

/** Pinned images (csi-digitalocean v4.16.0 release manifest). */
export const CSI_IMAGES = {
    plugin: "docker.io/digitalocean/do-csi-plugin:v4.16.0",
    provisioner: "registry.k8s.io/sig-storage/csi-provisioner:v6.1.0",
    attacher: "registry.k8s.io/sig-storage/csi-attacher:v4.10.0",
    resizer: "registry.k8s.io/sig-storage/csi-resizer:v2.0.0",
    registrar: "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.15.0",
    /** Upstream uses the floating `alpine:3`; 3.23 is the minor KubeOne pins (`docker.io/library/alpine:3.23`). */
    alpine: "docker.io/library/alpine:3.23",
} as const;

/** The driver's name. */
export const CSI_DRIVER = "dobs.csi.digitalocean.com";
/** kubeforge's default StorageClass. */
export const DEFAULT_STORAGE_CLASS = "do-block-storage";

const NS = TOKEN_SECRET.namespace;
/** The controller on the masters; it waits for the CCM to initialise its node. */
function controllerPlacement(): ControllerPlacement {
    return controlPlanePlacement({ uninitialized: false });
}
const SOCKET_DIR = "/var/lib/csi/sockets/pluginproxy/";
const API_URL = "https://api.digitalocean.com/";

type Obj = Record<string, unknown>;

function role(name: string, rules: Obj[]): Obj {
    return { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name }, rules };
}

function binding(name: string, roleName: string, serviceAccount: string): Obj {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name },
        subjects: [{ kind: "ServiceAccount", name: serviceAccount, namespace: NS }],
        roleRef: { kind: "ClusterRole", name: roleName, apiGroup: "rbac.authorization.k8s.io" },
    };
}

const rule = (apiGroups: string[], resources: string[], verbs: string[]): Obj => ({ apiGroups, resources, verbs });

function sidecar(name: string, image: string, args: string[]): Obj {
    return {
        name,
        image,
        imagePullPolicy: "IfNotPresent",
        args: ["--csi-address=$(ADDRESS)", ...args],
        env: [{ name: "ADDRESS", value: `${SOCKET_DIR}csi.sock` }],
        volumeMounts: [{ name: "socket-dir", mountPath: SOCKET_DIR }],
    };
}

function controller(region: string): Obj[] {
    const placement = controllerPlacement();
    const labels = { app: "csi-do-controller", role: "csi-do" };
    const sa = "csi-do-controller-sa";
    const plugin = {
        name: "csi-do-plugin",
        image: CSI_IMAGES.plugin,
        imagePullPolicy: "IfNotPresent",
        args: [
            "--endpoint=$(CSI_ENDPOINT)",
            "--token=$(DIGITALOCEAN_ACCESS_TOKEN)",
            "--url=$(DIGITALOCEAN_API_URL)",
            `--region=${region}`,
            "--default-volumes-page-size=200",
        ],
        env: [
            { name: "CSI_ENDPOINT", value: `unix://${SOCKET_DIR}csi.sock` },
            { name: "DIGITALOCEAN_API_URL", value: API_URL },
            { name: "DIGITALOCEAN_ACCESS_TOKEN", valueFrom: { secretKeyRef: { name: TOKEN_SECRET.name, key: TOKEN_SECRET.key } } },
        ],
        volumeMounts: [{ name: "socket-dir", mountPath: SOCKET_DIR }],
    };
    return [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: sa, namespace: NS } },
        role("csi-do-provisioner-role", [
            rule([""], ["persistentvolumes"], ["get", "list", "watch", "create", "delete"]),
            rule([""], ["persistentvolumeclaims"], ["get", "list", "watch", "update"]),
            rule(["storage.k8s.io"], ["storageclasses"], ["get", "list", "watch"]),
            rule([""], ["events"], ["list", "watch", "create", "update", "patch"]),
            rule(["snapshot.storage.k8s.io"], ["volumesnapshots"], ["get", "list"]),
            rule(["snapshot.storage.k8s.io"], ["volumesnapshotcontents"], ["get", "list"]),
            rule(["storage.k8s.io"], ["csinodes"], ["get", "list", "watch"]),
            rule([""], ["nodes"], ["get", "list", "watch"]),
            rule(["storage.k8s.io"], ["volumeattachments"], ["get", "list", "watch"]),
        ]),
        binding("csi-do-provisioner-binding", "csi-do-provisioner-role", sa),
        role("csi-do-attacher-role", [
            rule([""], ["persistentvolumes"], ["get", "list", "watch", "update", "patch"]),
            rule([""], ["nodes"], ["get", "list", "watch"]),
            rule(["storage.k8s.io"], ["csinodes"], ["get", "list", "watch"]),
            rule(["storage.k8s.io"], ["volumeattachments"], ["get", "list", "watch", "update", "patch"]),
            rule(["storage.k8s.io"], ["volumeattachments/status"], ["patch"]),
        ]),
        binding("csi-do-attacher-binding", "csi-do-attacher-role", sa),
        role("csi-do-resizer-role", [
            rule([""], ["persistentvolumes"], ["get", "list", "watch", "update", "patch"]),
            rule([""], ["persistentvolumeclaims"], ["get", "list", "watch"]),
            rule([""], ["persistentvolumeclaims/status"], ["update", "patch"]),
            rule([""], ["events"], ["list", "watch", "create", "update", "patch"]),
        ]),
        binding("csi-do-resizer-binding", "csi-do-resizer-role", sa),
        {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: { name: "csi-do-controller", namespace: NS },
            spec: {
                serviceName: "csi-do",
                replicas: 1,
                selector: { matchLabels: { app: labels.app } },
                template: {
                    metadata: { labels, annotations: { "kubectl.kubernetes.io/default-container": "csi-do-plugin" } },
                    spec: {
                        priorityClassName: "system-cluster-critical",
                        serviceAccountName: sa,
                        hostNetwork: placement.hostNetwork,
                        dnsPolicy: "ClusterFirstWithHostNet",
                        nodeSelector: placement.nodeSelector,
                        tolerations: placement.tolerations,
                        containers: [
                            sidecar("csi-provisioner", CSI_IMAGES.provisioner, ["--default-fstype=ext4", "--v=5"]),
                            sidecar("csi-attacher", CSI_IMAGES.attacher, ["--v=5", "--reconcile-sync=30m", "--timeout=2m"]),
                            sidecar("csi-resizer", CSI_IMAGES.resizer, ["--timeout=30s", "--v=5", "--handle-volume-inuse-error=false"]),
                            plugin,
                        ],
                        volumes: [{ name: "socket-dir", emptyDir: {} }],
                    },
                },
            },
        },
    ];
}

function node(): Obj[] {
    const labels = { app: "csi-do-node", role: "csi-do" };
    const sa = "csi-do-node-sa";
    const pluginDir = `/var/lib/kubelet/plugins/${CSI_DRIVER}`;
    const hostPath = (name: string, path: string, type?: string): Obj => ({ name, hostPath: { path, ...(type ? { type } : {}) } });
    return [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: sa, namespace: NS } },
        role("csi-do-node-driver-registrar-role", [rule([""], ["events"], ["get", "list", "watch", "create", "update", "patch"])]),
        binding("csi-do-node-driver-registrar-binding", "csi-do-node-driver-registrar-role", sa),
        {
            apiVersion: "apps/v1",
            kind: "DaemonSet",
            metadata: { name: "csi-do-node", namespace: NS },
            spec: {
                selector: { matchLabels: { app: labels.app } },
                template: {
                    metadata: { labels, annotations: { "kubectl.kubernetes.io/default-container": "csi-do-plugin" } },
                    spec: {
                        priorityClassName: "system-node-critical",
                        serviceAccountName: sa,
                        hostNetwork: true,
                        // Every node, masters included, so a pod that tolerates a taint can mount its volume there too.
                        tolerations: [{ operator: "Exists" }],
                        initContainers: [
                            {
                                name: "automount-udev-deleter",
                                image: CSI_IMAGES.alpine,
                                imagePullPolicy: "IfNotPresent",
                                args: ["rm", "-f", "/etc/udev/rules.d/99-digitalocean-automount.rules"],
                                volumeMounts: [{ name: "udev-rules-dir", mountPath: "/etc/udev/rules.d/" }],
                            },
                        ],
                        containers: [
                            {
                                name: "csi-node-driver-registrar",
                                image: CSI_IMAGES.registrar,
                                imagePullPolicy: "IfNotPresent",
                                args: ["--v=5", "--csi-address=$(ADDRESS)", "--kubelet-registration-path=$(DRIVER_REG_SOCK_PATH)"],
                                env: [
                                    { name: "ADDRESS", value: "/csi/csi.sock" },
                                    { name: "DRIVER_REG_SOCK_PATH", value: `${pluginDir}/csi.sock` },
                                    { name: "KUBE_NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                                ],
                                volumeMounts: [
                                    { name: "plugin-dir", mountPath: "/csi/" },
                                    { name: "registration-dir", mountPath: "/registration/" },
                                ],
                            },
                            {
                                name: "csi-do-plugin",
                                image: CSI_IMAGES.plugin,
                                imagePullPolicy: "IfNotPresent",
                                args: ["--endpoint=$(CSI_ENDPOINT)", "--url=$(DIGITALOCEAN_API_URL)"],
                                env: [
                                    { name: "CSI_ENDPOINT", value: "unix:///csi/csi.sock" },
                                    { name: "DIGITALOCEAN_API_URL", value: API_URL },
                                ],
                                securityContext: { privileged: true, capabilities: { add: ["SYS_ADMIN"] }, allowPrivilegeEscalation: true },
                                volumeMounts: [
                                    { name: "plugin-dir", mountPath: "/csi" },
                                    { name: "pods-mount-dir", mountPath: "/var/lib/kubelet", mountPropagation: "Bidirectional" },
                                    { name: "device-dir", mountPath: "/dev" },
                                ],
                            },
                        ],
                        volumes: [
                            hostPath("registration-dir", "/var/lib/kubelet/plugins_registry/", "DirectoryOrCreate"),
                            hostPath("plugin-dir", pluginDir, "DirectoryOrCreate"),
                            hostPath("pods-mount-dir", "/var/lib/kubelet", "Directory"),
                            hostPath("device-dir", "/dev"),
                            hostPath("udev-rules-dir", "/etc/udev/rules.d/"),
                        ],
                    },
                },
            },
        },
    ];
}

/**
 * kubeforge's default StorageClass: ext4 volumes bound where the pod lands (a volume lives in the
 * region, any droplet there can attach it), expandable, deleted with their claim.
 */
export function defaultStorageClass(): Obj {
    return {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        provisioner: CSI_DRIVER,
        parameters: { "csi.storage.k8s.io/fstype": "ext4" },
        reclaimPolicy: "Delete",
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
    };
}

/**
 * Every object of the CSI driver and the default StorageClass, in apply order.
 * @param region - the region slug (`--region` of the controller)
 */
export function csiObjects(region: string): Obj[] {
    return [
        {
            apiVersion: "storage.k8s.io/v1",
            kind: "CSIDriver",
            metadata: { name: CSI_DRIVER },
            spec: { attachRequired: true, podInfoOnMount: true },
        },
        ...controller(region),
        ...node(),
        defaultStorageClass(),
    ];
}
