/**
 * The Google Cloud permissions of the cluster's two service accounts, as data. Pure.
 *
 * Only the masters' account holds Compute permissions: the cloud-controller-manager and the PD CSI
 * controller run there, on the host network, and take its token from the metadata server. Workers'
 * account gets no role at all (pods on workers cannot reach the metadata server anyway: the metadata
 * guard), so a compromised worker holds nothing in the project. Predefined roles would be far broader
 * (`roles/compute.loadBalancerAdmin` + `roles/compute.securityAdmin` for the CCM,
 * `roles/compute.storageAdmin` for the driver, whose own setup script even adds `roles/editor`), so
 * both components get a custom role of exactly these permissions.
 */

/**
 * The cloud-controller-manager: OpenShift's tested minimal list for the GCP CCM (its
 * `openshift-gcp-ccm` CredentialsRequest: addresses, firewalls, forwarding rules, health checks,
 * instance groups, instances get/use, regional backend services, target pools, zones list), plus what
 * the same calls need that the list leaves to other grants: the `*.use` / `*.useReadOnly` checks when a
 * forwarding rule, target pool or backend service references another resource, the network's
 * `updatePolicy` to create firewall rules, reading the operations it waits on, and listing instances
 * and forwarding rules (node and Service reconciliation).
 */
export const CCM_PERMISSIONS: readonly string[] = [
    "compute.addresses.create",
    "compute.addresses.delete",
    "compute.addresses.get",
    "compute.addresses.list",
    "compute.addresses.use",
    "compute.firewalls.create",
    "compute.firewalls.delete",
    "compute.firewalls.get",
    "compute.firewalls.update",
    "compute.forwardingRules.create",
    "compute.forwardingRules.delete",
    "compute.forwardingRules.get",
    "compute.forwardingRules.list",
    "compute.globalOperations.get",
    "compute.healthChecks.create",
    "compute.healthChecks.delete",
    "compute.healthChecks.get",
    "compute.healthChecks.update",
    "compute.healthChecks.useReadOnly",
    "compute.httpHealthChecks.create",
    "compute.httpHealthChecks.delete",
    "compute.httpHealthChecks.get",
    "compute.httpHealthChecks.update",
    "compute.httpHealthChecks.useReadOnly",
    "compute.instanceGroups.create",
    "compute.instanceGroups.delete",
    "compute.instanceGroups.get",
    "compute.instanceGroups.update",
    "compute.instanceGroups.use",
    "compute.instances.get",
    "compute.instances.list",
    "compute.instances.use",
    "compute.networks.updatePolicy",
    "compute.regionBackendServices.create",
    "compute.regionBackendServices.delete",
    "compute.regionBackendServices.get",
    "compute.regionBackendServices.update",
    "compute.regionBackendServices.use",
    "compute.regionOperations.get",
    "compute.subnetworks.use",
    "compute.targetPools.addInstance",
    "compute.targetPools.create",
    "compute.targetPools.delete",
    "compute.targetPools.get",
    "compute.targetPools.removeInstance",
    "compute.targetPools.use",
    "compute.zoneOperations.get",
    "compute.zones.list",
];

/**
 * The PD CSI controller: the driver's own custom role
 * (`deploy/gcp-compute-persistent-disk-csi-driver-custom-role.yaml`: instances get / attachDisk /
 * detachDisk, disks get) plus, instead of the
 * `roles/compute.storageAdmin` its setup script grants, the disk operations the controller performs
 * (create, delete, resize, label, update for Hyperdisk IOPS/throughput) and the operations and zones
 * it reads. No snapshot permission: kubeforge installs no snapshotter.
 */
export const PD_CSI_PERMISSIONS: readonly string[] = [
    "compute.disks.create",
    "compute.disks.delete",
    "compute.disks.get",
    "compute.disks.list",
    "compute.disks.resize",
    "compute.disks.setLabels",
    "compute.disks.update",
    "compute.disks.use",
    "compute.instances.attachDisk",
    "compute.instances.detachDisk",
    "compute.instances.get",
    "compute.regionOperations.get",
    "compute.regions.get",
    "compute.zoneOperations.get",
    "compute.zones.get",
    "compute.zones.list",
];

/**
 * Attaching a disk to an instance that runs as a service account needs `iam.serviceAccounts.actAs`
 * on that account: the masters' account gets `roles/iam.serviceAccountUser` on the two node accounts
 * only (the driver's docs: "preferably scoped to the node service accounts"), not on the project.
 */
export const SERVICE_ACCOUNT_USER_ROLE = "roles/iam.serviceAccountUser";

/** OAuth scope of every instance: access is decided by IAM alone (Google's recommendation). */
export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/**
 * A service account id (6-30 characters, lower case, a letter first) for a cluster and a role suffix:
 * `<cluster>-<suffix>`, the cluster name cut to fit.
 * @param clusterName - the cluster name (a DNS label starting with a letter, checked on gcp)
 * @param suffix - `cp` or `node`
 */
export function serviceAccountId(clusterName: string, suffix: "cp" | "node"): string {
    const room = 30 - suffix.length - 1;
    const base = clusterName.slice(0, room).replace(/-+$/, "");
    return `${base.length >= 1 ? base : "k"}-${suffix}`.padEnd(6, "0");
}

/**
 * A custom role id for a cluster (`[a-zA-Z0-9_.]`, 3-64 characters). A deleted custom role keeps its id
 * for 37 days, so the caller appends a random suffix: recreating a cluster of the same name must work.
 * @param clusterName - the cluster name
 * @param component - `ccm` or `pdcsi`
 * @param suffix - a random hex suffix
 */
export function customRoleId(clusterName: string, component: "ccm" | "pdcsi", suffix: string): string {
    return `kubeforge_${clusterName.replace(/-/g, "_")}_${component}_${suffix}`.slice(0, 64);
}
