/**
 * The CNI as an addon ({@link AddonSpec}; its values wait for the endpoint), installed by {@link ClusterAddons} once the API
 * answers. Versions are pinned so `pulumi up` is reproducible.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AddonSpec } from "../platform";
import type { ClusterSpec } from "../core/types";

/** Cilium chart version (Kubespray v2.31.0 ships 1.19.3 for Kubernetes 1.36; source: docs/pins.md). */
export const CILIUM_VERSION = "1.19.3";
/** Tigera operator chart version for Calico (release v3.30.3; source: docs/pins.md). */
export const CALICO_VERSION = "v3.30.3";

/** Where the CNI's agents reach the API before Services work (no kube-proxy yet). */
export interface CniEndpoint {
    host: string;
    port: number;
}

/**
 * The CNI addon for a cluster, or none for `cni: none`.
 *
 * @param spec - the cluster
 * @param endpoint - the API endpoint (Cilium must reach the API without a Service when it replaces kube-proxy)
 * @param kubeProxyReplacement - true when kubeadm skips kube-proxy and Cilium replaces it
 */
export function cniAddons(spec: ClusterSpec, endpoint: pulumi.Input<CniEndpoint>, kubeProxyReplacement: boolean): AddonSpec[] {
    const api = pulumi.output(endpoint);
    switch (spec.cni) {
        case "cilium":
            return [
                {
                    kind: "helm",
                    name: "cilium",
                    chart: "cilium",
                    repository: "https://helm.cilium.io",
                    version: CILIUM_VERSION,
                    namespace: "kube-system",
                    values: api.apply((e) => ({
                        kubeProxyReplacement,
                        k8sServiceHost: e.host,
                        k8sServicePort: e.port,
                        ipam: { mode: "cluster-pool", operator: { clusterPoolIPv4PodCIDRList: [spec.network.podCidr] } },
                        // The cloud controllers do no routing: Cilium encapsulates between nodes.
                        routingMode: "tunnel",
                        tunnelProtocol: "vxlan",
                        operator: { replicas: Math.min(2, spec.controlPlane.count) },
                        hubble: { enabled: true, relay: { enabled: false }, ui: { enabled: false } },
                    })),
                },
            ];
        case "calico": {
            // Calico's operator guide for Windows nodes: the HNS dataplane for them, BGP off (Windows
            // supports the VXLAN pool only without it), the Service range and the API server address
            // (its Windows agents start before any Service works). Without Windows pools nothing changes.
            const windows = spec.workerPools.some((pool) => pool.os === "windows");
            return [
                {
                    kind: "helm",
                    name: "calico",
                    chart: "tigera-operator",
                    repository: "https://docs.tigera.io/calico/charts",
                    version: CALICO_VERSION,
                    namespace: "tigera-operator",
                    values: api.apply((e) => ({
                        installation: {
                            calicoNetwork: {
                                ipPools: [{ cidr: spec.network.podCidr, encapsulation: "VXLAN", natOutgoing: "Enabled" }],
                                ...(windows ? { windowsDataplane: "HNS", bgp: "Disabled" } : {}),
                            },
                            serviceCIDRs: [spec.network.serviceCidr],
                        },
                        kubernetesServiceEndpoint: { host: e.host, port: String(e.port) },
                    })),
                },
            ];
        }
        case "none":
            return [];
    }
}
