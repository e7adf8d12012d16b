/**
 * kube-vip as a static pod on every master: it holds the API VIP (ARP, leader election through a
 * Lease). Rendered with `yaml`, uploaded to /etc/kubernetes/manifests before the bootstrap command runs.
 *
 * Since Kubernetes 1.29 kubeadm's admin.conf gets its rights from a ClusterRoleBinding that exists only
 * once `kubeadm init` has run, so on the init master kube-vip must use super-admin.conf until init
 * completes (kube-vip/kube-vip#684); the provider then switches it to admin.conf (`finalContent`). The
 * other masters join after the API answers and use admin.conf from the start. Pure: no Pulumi import.
 */
import { stringify } from "yaml";
import type { NodePlan } from "../../core/types";
import type { HostFile } from "../../../bootstrap/ssh/host";

/** Pinned kube-vip image (ghcr.io/kube-vip/kube-vip; v1.2.2 released 2026-08). */
export const KUBE_VIP_IMAGE = "ghcr.io/kube-vip/kube-vip:v1.2.2";

/** Where kubelet finds static pods. */
export const KUBE_VIP_MANIFEST_PATH = "/etc/kubernetes/manifests/kube-vip.yaml";

/** kube-vip settings. */
export interface KubeVipSettings {
    /** The VIP. */
    address: string;
    /** Interface to bind it to; kube-vip picks the default route's when absent. */
    interface?: string;
    /** API port. */
    port: number;
}

/**
 * The static pod manifest.
 *
 * @param settings - VIP, interface, port.
 * @param kubeconfig - the host path of the kubeconfig kube-vip uses.
 */
export function kubeVipManifest(
    settings: KubeVipSettings,
    kubeconfig: "/etc/kubernetes/admin.conf" | "/etc/kubernetes/super-admin.conf",
): string {
    const env: { name: string; value: string }[] = [
        { name: "vip_arp", value: "true" },
        { name: "port", value: String(settings.port) },
        ...(settings.interface ? [{ name: "vip_interface", value: settings.interface }] : []),
        { name: "vip_subnet", value: "32" },
        { name: "cp_enable", value: "true" },
        { name: "cp_namespace", value: "kube-system" },
        // Services get their addresses from MetalLB; kube-vip holds the API VIP only.
        { name: "svc_enable", value: "false" },
        { name: "vip_leaderelection", value: "true" },
        { name: "vip_leasename", value: "plndr-cp-lock" },
        { name: "vip_leaseduration", value: "5" },
        { name: "vip_renewdeadline", value: "3" },
        { name: "vip_retryperiod", value: "1" },
        { name: "address", value: settings.address },
    ];
    const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name: "kube-vip",
            namespace: "kube-system",
            labels: { "app.kubernetes.io/name": "kube-vip", "app.kubernetes.io/managed-by": "kubeforge" },
        },
        spec: {
            hostNetwork: true,
            // `kubernetes` must resolve to this master's own API server before the VIP exists.
            hostAliases: [{ ip: "127.0.0.1", hostnames: ["kubernetes"] }],
            containers: [
                {
                    name: "kube-vip",
                    image: KUBE_VIP_IMAGE,
                    imagePullPolicy: "IfNotPresent",
                    args: ["manager"],
                    env,
                    securityContext: { capabilities: { add: ["NET_ADMIN", "NET_RAW"], drop: ["ALL"] } },
                    volumeMounts: [{ name: "kubeconfig", mountPath: "/etc/kubernetes/admin.conf", readOnly: true }],
                },
            ],
            volumes: [{ name: "kubeconfig", hostPath: { path: kubeconfig, type: "File" } }],
        },
    };
    return stringify(pod);
}

/**
 * The kube-vip file for one master: super-admin.conf until the bootstrap completed on the init master,
 * admin.conf everywhere else. Workers get none.
 *
 * @param node - the node.
 * @param settings - VIP settings.
 */
export function kubeVipFiles(node: NodePlan, settings: KubeVipSettings): HostFile[] {
    if (node.role !== "control-plane") return [];
    const admin = kubeVipManifest(settings, "/etc/kubernetes/admin.conf");
    if (!node.initNode) return [{ path: KUBE_VIP_MANIFEST_PATH, content: admin, permissions: "0600" }];
    return [
        {
            path: KUBE_VIP_MANIFEST_PATH,
            content: kubeVipManifest(settings, "/etc/kubernetes/super-admin.conf"),
            finalContent: admin,
            permissions: "0600",
        },
    ];
}
