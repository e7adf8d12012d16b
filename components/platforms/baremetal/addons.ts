/**
 * The bare-metal stand-ins for a cloud controller and CSI driver: MetalLB (L2 mode) hands out the
 * user's address pool to LoadBalancer Services; local-path-provisioner gives a default StorageClass
 * on each node's disk. Versions pinned so `pulumi up` is reproducible. Pure: no Pulumi import.
 */
import type { AddonSpec } from "../../platform";
import type { BaremetalConfig } from "./config";

/** MetalLB chart (https://metallb.github.io/metallb), pinned. */
export const METALLB_CHART = { repository: "https://metallb.github.io/metallb", chart: "metallb", version: "0.15.2" } as const;

/**
 * local-path-provisioner chart. Rancher publishes the chart only inside its git repository; this is
 * the containeroo packaging of it (https://charts.containeroo.ch), pinned.
 */
export const LOCAL_PATH_CHART = {
    repository: "https://charts.containeroo.ch",
    chart: "local-path-provisioner",
    version: "0.0.30",
} as const;

/** Namespace MetalLB runs in. */
export const METALLB_NAMESPACE = "metallb-system";

/**
 * The addons for a config, each with what it needs first: MetalLB's controller and the
 * local-path provisioner run on the pod network (they need the CNI); the pool objects are MetalLB's
 * CRDs, served by MetalLB's webhook (they need MetalLB). Otherwise they install side by side.
 *
 * @param config - the validated block.
 */
export function baremetalAddons(config: BaremetalConfig): AddonSpec[] {
    const addons: AddonSpec[] = [];
    if (config.serviceLoadBalancer === "metallb" && config.serviceAddressPool.length > 0) {
        addons.push({
            kind: "helm",
            name: "metallb",
            chart: METALLB_CHART.chart,
            repository: METALLB_CHART.repository,
            version: METALLB_CHART.version,
            namespace: METALLB_NAMESPACE,
            needs: { cni: true },
            values: {
                // The speaker must also run on masters, where the control-plane taint would keep it off.
                speaker: { tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }] },
            },
        });
        addons.push({
            kind: "manifest",
            name: "metallb-pool",
            needs: { addons: ["metallb"] },
            objects: [
                {
                    apiVersion: "metallb.io/v1beta1",
                    kind: "IPAddressPool",
                    metadata: { name: "kubeforge", namespace: METALLB_NAMESPACE },
                    spec: { addresses: [...config.serviceAddressPool], autoAssign: true },
                },
                {
                    apiVersion: "metallb.io/v1beta1",
                    kind: "L2Advertisement",
                    metadata: { name: "kubeforge", namespace: METALLB_NAMESPACE },
                    spec: { ipAddressPools: ["kubeforge"] },
                },
            ],
        });
    }
    if (config.storage === "local-path") {
        addons.push({
            kind: "helm",
            name: "local-path",
            chart: LOCAL_PATH_CHART.chart,
            repository: LOCAL_PATH_CHART.repository,
            version: LOCAL_PATH_CHART.version,
            namespace: "local-path-storage",
            needs: { cni: true },
            values: {
                storageClass: { create: true, defaultClass: true, name: "local-path", reclaimPolicy: "Delete" },
                nodePathMap: [{ node: "DEFAULT_PATH_FOR_NON_LISTED_NODES", paths: ["/var/lib/kubeforge/local-path"] }],
            },
        });
    }
    return addons;
}
