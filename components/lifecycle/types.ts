/**
 * The neutral records the Cluster registers, one per node and one per cluster, as dynamic resources.
 * They do real work (drain before delete, wait for the API), and their inputs are also the
 * platform-independent facts the policy pack checks, so control-plane policies are written once.
 *
 * Types as the engine (and a policy) sees them:
 * - `pulumi-nodejs:dynamic/kubeforge:NodeLifecycle` with inputs {@link NodeRecord}
 * - `pulumi-nodejs:dynamic/kubeforge:ApiReadiness` with inputs {@link ClusterRecord}
 */
import type { CniName, NodeRole, OsFamily, Taint } from "../core/types";

export const NODE_LIFECYCLE_TYPE = "pulumi-nodejs:dynamic/kubeforge:NodeLifecycle";
export const API_READINESS_TYPE = "pulumi-nodejs:dynamic/kubeforge:ApiReadiness";

/** Facts about one node, as rendered into its bootstrap. */
export interface NodeRecord {
    /** Cluster name. */
    cluster: string;
    /** Platform name (`aws`, `baremetal`, ...). */
    platform: string;
    /** NodePlan name (stable key). */
    node: string;
    role: NodeRole;
    pool: string;
    failureDomain: string;
    os: OsFamily;
    /** Kubelet version of this node. */
    kubernetesVersion: string;
    /** Taints registered with the node (masters: the control-plane taint). */
    taints: Taint[];
    labels: Record<string, string>;
    spot: boolean;
}

/** Facts about the whole cluster, as rendered into the control plane's configuration. */
export interface ClusterRecord {
    cluster: string;
    platform: string;
    /** Control-plane Kubernetes version. */
    kubernetesVersion: string;
    controlPlaneCount: number;
    /** Failure domains available to the masters. */
    failureDomains: string[];
    /** Secrets encryption at rest configured on the API server. */
    secretsEncryption: boolean;
    /** CIDRs that may reach the API endpoint, as the user configured them. */
    apiAllowedCidrs: string[];
    /** CIDRs that may reach SSH. */
    sshAllowedCidrs: string[];
    cni: CniName;
}
