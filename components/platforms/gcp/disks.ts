/**
 * Machine series facts that decide a node's disks and image, and the cluster's default StorageClass.
 * Pure.
 *
 * Compute Engine offers two block-storage families: Persistent Disk (`pd-*`) and Hyperdisk
 * (`hyperdisk-*`). The newest machine series (C4, C4A, C4D, N4, N4A, N4D, H4D, X4, M4, A4, A4X, and
 * every bare-metal `-metal` type) attach Hyperdisk only, while most older series (E2, N1, N2, N2D,
 * T2D, C2, C2D, M1–M3) attach Persistent Disk only; C3, C3D, Z3 and A3 attach both (Google's
 * "Machine series comparison" and "Hyperdisk: supported machine types", read 2026-12). A volume's
 * kind is fixed when it is created, so a default StorageClass can serve only machines of one kind:
 * a cluster whose worker pools need different kinds is refused (OpenShift's GCP PD CSI docs say the
 * same of mixed clusters).
 */

/** A block-storage family. */
export type DiskKind = "pd" | "hyperdisk";

/** Machine series that attach Hyperdisk only (no `pd-*` disk types). */
export const HYPERDISK_ONLY_SERIES: readonly string[] = ["c4", "c4a", "c4d", "n4", "n4a", "n4d", "h4d", "x4", "m4", "a4", "a4x"];

/** Machine series that attach both families (Persistent Disk is then the default). */
export const BOTH_KINDS_SERIES: readonly string[] = ["c3", "c3d", "z3", "a3"];

/** Arm (aarch64) machine series: Ubuntu has an arm64 image for them, Windows Server has none. */
export const ARM_SERIES: readonly string[] = ["t2a", "c4a", "n4a", "a4x"];

/** A Compute Engine machine type name: `e2-medium`, `n2-standard-4`, `n2-custom-4-16384`, `c3-standard-8-lssd`. */
export const MACHINE_TYPE_RE = /^[a-z][a-z0-9]*-[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * The series of a machine type: its first segment (`n2` for `n2-standard-4`).
 * @param machineType - a machine type name
 */
export function seriesOf(machineType: string): string {
    return machineType.split("-")[0];
}

/**
 * The disk kind a machine type attaches: `hyperdisk` for Hyperdisk-only series and bare metal, else `pd`.
 * @param machineType - a machine type name
 */
export function diskKindOf(machineType: string): DiskKind {
    return HYPERDISK_ONLY_SERIES.includes(seriesOf(machineType)) || machineType.endsWith("-metal") ? "hyperdisk" : "pd";
}

/**
 * True when the machine type can also attach the other kind (C3, C3D, Z3, A3 VMs).
 * @param machineType - a machine type name
 */
export function attachesBothKinds(machineType: string): boolean {
    return BOTH_KINDS_SERIES.includes(seriesOf(machineType)) && !machineType.endsWith("-metal");
}

/**
 * True for Arm machine types.
 * @param machineType - a machine type name
 */
export function isArmMachineType(machineType: string): boolean {
    return ARM_SERIES.includes(seriesOf(machineType));
}

/**
 * The boot disk type of a machine: the balanced type of its kind.
 * @param machineType - a machine type name
 */
export function bootDiskType(machineType: string): "pd-balanced" | "hyperdisk-balanced" {
    return diskKindOf(machineType) === "hyperdisk" ? "hyperdisk-balanced" : "pd-balanced";
}

/** A group of machines with one machine type, as the storage check sees it. */
export interface MachineGroup {
    /** Config field that sets the machine type, for messages (`kubeforge:workerPools[1].machineType`). */
    field: string;
    /** Pool name, for messages. */
    pool: string;
    /** The machine type. */
    machineType: string;
}

/** The cluster's storage choice, or why there is none. */
export type StorageChoice =
    { ok: true; kind: DiskKind; storageClassType: "pd-balanced" | "hyperdisk-balanced" } | { ok: false; field: string; message: string };

/**
 * The kind of the default StorageClass: the one every worker pool attaches (pools of C3/C3D/Z3/A3,
 * which attach both, go with the others). Masters are tainted and run no volumes, so only workers
 * decide; a cluster without workers takes the masters' kind. Mixed pools are refused, naming them.
 * @param workers - the worker pools' machine types
 * @param controlPlane - the masters' machine type group
 */
export function chooseStorage(workers: MachineGroup[], controlPlane: MachineGroup): StorageChoice {
    const groups = workers.length > 0 ? workers : [controlPlane];
    const strict = groups.filter((g) => !attachesBothKinds(g.machineType));
    const pd = strict.filter((g) => diskKindOf(g.machineType) === "pd");
    const hyper = strict.filter((g) => diskKindOf(g.machineType) === "hyperdisk");
    if (pd.length > 0 && hyper.length > 0) {
        const list = (gs: MachineGroup[]) => gs.map((g) => `${g.pool} (${g.machineType})`).join(", ");
        return {
            ok: false,
            field: hyper[0].field,
            message:
                `worker pools need different disk kinds: ${list(hyper)} attach Hyperdisk only, ${list(pd)} attach Persistent Disk only, ` +
                "and one default StorageClass cannot serve both; give every pool a series of one kind (e.g. all n2/e2, or all c4/n4; c3 attaches both)",
        };
    }
    const kind: DiskKind = hyper.length > 0 ? "hyperdisk" : "pd";
    return { ok: true, kind, storageClassType: kind === "hyperdisk" ? "hyperdisk-balanced" : "pd-balanced" };
}
