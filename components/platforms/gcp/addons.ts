/**
 * In-cluster addons GCP needs, in install order: the cloud-controller-manager (it removes the
 * uninitialized taint every node starts with), the PD CSI driver with the default StorageClass, and
 * the metadata guard (pods off the metadata server unless on the host network). Pure data; the core
 * installs them once the API answers.
 */
import type { ClusterSpec } from "../../core/types";
import type { AddonSpec } from "../../platform";
import { metadataGuardAddons } from "../../addons/metadataGuard";
import { type K8sObject, ccmObjects } from "./ccm";
import { PD_CSI_DRIVER, csiObjects } from "./csi";
import type { GcpConfig } from "./config";
import { type StorageChoice, chooseStorage } from "./disks";
import { machineGroups } from "./checks";

/**
 * The default StorageClass: balanced disks of the kind the workers attach, bound where the pod lands
 * (zonal disks), expandable, encrypted with the CMEK key when one is set (Google encrypts every disk
 * at rest in any case).
 * @param kind - the storage choice (see `chooseStorage`)
 * @param kmsKeyName - the CMEK key, if any
 */
export function defaultStorageClass(kind: Extract<StorageChoice, { ok: true }>, kmsKeyName?: string): K8sObject {
    const parameters: Record<string, string> = { type: kind.storageClassType };
    if (kmsKeyName) parameters["disk-encryption-kms-key"] = kmsKeyName;
    return {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: {
            name: kind.storageClassType,
            labels: { "app.kubernetes.io/part-of": "kubeforge" },
            annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
        },
        provisioner: PD_CSI_DRIVER,
        parameters,
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Delete",
    };
}

/**
 * The addons, in install order.
 * @param spec - the cluster
 * @param config - the gcp config
 */
export function gcpAddons(spec: ClusterSpec, config: GcpConfig): AddonSpec[] {
    const groups = machineGroups(spec, config);
    const storage = chooseStorage(groups.workers, groups.controlPlane);
    // checkNodes refuses mixed clusters before any resource exists; reaching this is a programming error.
    if (!storage.ok) throw new Error(`${storage.field}: ${storage.message}`);
    return [
        { kind: "manifest", name: "gcp-cloud-controller-manager", objects: ccmObjects(spec) },
        { kind: "manifest", name: "gcp-pd-csi-driver", objects: [...csiObjects(spec), defaultStorageClass(storage, config.kmsKeyName)] },
        ...metadataGuardAddons(spec.cni),
    ];
}
