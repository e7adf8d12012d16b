/**
 * The API's names, known before any resource exists. Pure.
 *
 * Nodes reach the API under a private name (`api.<cluster>.kubeforge.internal`, an alias of the NLB in
 * a private hosted zone), so their user data no longer waits for the load balancer's DNS name, which
 * exists only once the NLB does (≈ 3 minutes). People and the readiness gate keep using the NLB's
 * public name; the API server certificate covers both.
 */
import { partitionOf } from "./config";

/** Parent domain of every cluster's private zone. `.internal` is reserved by ICANN for private use (2024). */
export const PRIVATE_ZONE_SUFFIX = "kubeforge.internal";

/**
 * The cluster's private hosted zone, e.g. `demo.kubeforge.internal`.
 * @param clusterName - the cluster name (a DNS label, checked by the core)
 */
export function privateZoneName(clusterName: string): string {
    return `${clusterName}.${PRIVATE_ZONE_SUFFIX}`;
}

/**
 * The API's private host name, what every node's bootstrap (kubeadm `controlPlaneEndpoint`) uses.
 * @param clusterName - the cluster name
 */
export function privateApiHost(clusterName: string): string {
    return `api.${privateZoneName(clusterName)}`;
}

/**
 * A SAN matching any network load balancer's public name in the region
 * (`<name>-<hash>.elb.<region>.amazonaws.com`; `.com.cn` in the China partition), so the certificate
 * can be rendered before the NLB exists.
 * @param region - the AWS region
 */
export function loadBalancerWildcardSan(region: string): string {
    const suffix = partitionOf(region) === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
    return `*.elb.${region}.${suffix}`;
}

/**
 * Extra SANs of the API server certificate. The wildcard is safe: only clients that trust this
 * cluster's own CA (kubeconfigs, kubelets, the readiness gate) accept the certificate at all, and its
 * key never leaves the masters, so no other load balancer in the region can present it; the wildcard
 * only lets our NLB's name, unknown when the certificate is rendered, verify.
 * @param clusterName - the cluster name
 * @param region - the AWS region
 */
export function apiServerExtraSans(clusterName: string, region: string): string[] {
    return [loadBalancerWildcardSan(region), privateApiHost(clusterName)];
}
