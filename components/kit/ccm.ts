/**
 * Placement scaffolding for cloud controllers and CSI controllers: they run on the masters (where the
 * cloud identity is, and before any worker is initialised), so they need the control-plane node
 * selector, tolerations for the control-plane and `uninitialized` taints, and usually host networking
 * (the CCM must run before the CNI is up on a fresh node, and reaches the metadata service from the
 * host). Chart value layouts differ, so these are the pieces; each platform's `addons.ts` puts them
 * where its chart expects them. Pure.
 */

/** The label kubeadm puts on masters. */
export const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";
/** The taint kubelet puts on nodes until the cloud controller initialised them (`--cloud-provider=external`). */
export const UNINITIALIZED_TAINT = "node.cloudprovider.kubernetes.io/uninitialized";

/** A pod toleration as Kubernetes writes it. */
export interface Toleration {
    /** Taint key. */
    key: string;
    /** `Exists` or `Equal` (default `Equal`). */
    operator?: "Exists" | "Equal";
    /** Taint value, with `Equal`. */
    value?: string;
    /** Effect tolerated; every effect when absent. */
    effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Node selector: masters only. */
export const controlPlaneNodeSelector: Readonly<Record<string, string>> = { [CONTROL_PLANE_LABEL]: "" };

/** Tolerations of a controller on the masters: the control-plane taint, and `uninitialized` (it must run before any node is initialised). */
export const controlPlaneTolerations: readonly Toleration[] = [
    { key: UNINITIALIZED_TAINT, value: "true", effect: "NoSchedule" },
    { key: CONTROL_PLANE_LABEL, operator: "Exists", effect: "NoSchedule" },
];
const [UNINITIALIZED_TOLERATION, CONTROL_PLANE_TOLERATION] = controlPlaneTolerations;

/** Placement of a controller on the masters. */
export interface ControllerPlacement {
    /** Masters only. */
    nodeSelector: Record<string, string>;
    /** Control-plane and uninitialized taints. */
    tolerations: Toleration[];
    /** Host networking (no CNI needed, metadata service reachable with hop limit 1). */
    hostNetwork: boolean;
}

/** Options of {@link controlPlanePlacement}. */
export interface PlacementOptions {
    /** Host networking (default true: CCMs must run before the CNI; CSI controllers may not need it). */
    hostNetwork?: boolean;
    /**
     * Tolerate the `uninitialized` taint (default true: a CCM must, it lifts the taint). A CSI
     * controller that needs its node initialised first (zone labels, provider id) says false.
     */
    uninitialized?: boolean;
    /**
     * More tolerations a controller's upstream manifest carries (`node.kubernetes.io/not-ready`,
     * `CriticalAddonsOnly`), placed between the `uninitialized` and the control-plane tolerations as
     * upstream writes them, so a platform's rendered manifest keeps its order.
     */
    alsoTolerate?: readonly Toleration[];
}

/**
 * Placement of a cloud controller manager or a CSI controller on the masters.
 *
 * @param options - host networking, whether `uninitialized` is tolerated, extra tolerations
 */
export function controlPlanePlacement(options: PlacementOptions = {}): ControllerPlacement {
    const tolerations = [
        ...(options.uninitialized === false ? [] : [UNINITIALIZED_TOLERATION]),
        ...(options.alsoTolerate ?? []),
        CONTROL_PLANE_TOLERATION,
    ];
    return {
        nodeSelector: { ...controlPlaneNodeSelector },
        tolerations: tolerations.map((t) => ({ ...t })),
        hostNetwork: options.hostNetwork ?? true,
    };
}

/** Required node affinity that keeps a pod OFF the masters (a controller that needs worker credentials). */
export function workersOnlyAffinity(): Record<string, unknown> {
    return {
        nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: CONTROL_PLANE_LABEL, operator: "DoesNotExist" }] }],
            },
        },
    };
}
