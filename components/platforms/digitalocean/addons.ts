/**
 * In-cluster addons DigitalOcean needs, in install order: the token Secret, the cloud controller
 * manager (it removes the uninitialized taint nodes start with), the block storage CSI driver with
 * kubeforge's default StorageClass, and the metadata guard (pods off 169.254.169.254: the droplet
 * metadata service hands any pod the droplet's user data, which carries the join token, and on
 * masters the cluster CAs). Every addon that reads the metadata service (CCM, both CSI parts) runs on
 * the host network, which the guard never selects.
 */
import type * as pulumi from "@pulumi/pulumi";
import { metadataGuardAddons } from "../../addons/metadataGuard";
import type { ClusterSpec } from "../../core/types";
import type { AddonSpec } from "../../platform";
import { ccmObjects } from "./ccm";
import { csiObjects } from "./csi";
import { tokenSecretObject } from "./identity";

/**
 * The addons.
 * @param spec - the cluster (its CNI, for the guard)
 * @param region - the region slug
 * @param vpcId - the cluster's VPC
 * @param token - the API token, secret
 */
export function digitalOceanAddons(
    spec: ClusterSpec,
    region: string,
    vpcId: pulumi.Input<string>,
    token: pulumi.Output<string>,
): AddonSpec[] {
    return [
        { kind: "manifest", name: "digitalocean-token", objects: [tokenSecretObject(token)] },
        { kind: "manifest", name: "digitalocean-cloud-controller-manager", objects: ccmObjects(region, vpcId) },
        { kind: "manifest", name: "csi-digitalocean", objects: csiObjects(region) },
        ...metadataGuardAddons(spec.cni),
    ];
}
