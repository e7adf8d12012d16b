/**
 * Checks of the neutral `kubeforge:access` lists against what a platform's network can carry. Pure.
 */
import type { ClusterSpec, ConfigIssue } from "../core/types";

/**
 * Refuses IPv6 ranges in `access.apiAllowedCidrs` / `access.sshAllowedCidrs` on a platform whose network and
 * API load balancer are IPv4-only, one issue per range at its index.
 *
 * @param spec - the cluster
 * @param network - what is IPv4-only, for the message (e.g. `aws VPC`, `gcp network`)
 * @param issues - where the problems go
 */
export function checkIpv4OnlyAccess(spec: ClusterSpec, network: string, issues: ConfigIssue[]): void {
    for (const list of ["apiAllowedCidrs", "sshAllowedCidrs"] as const) {
        spec.access[list].forEach((cidr, i) => {
            if (cidr.includes(":")) {
                issues.push({
                    field: `kubeforge:access.${list}[${i}]`,
                    message: `is an IPv6 range, but the ${network} and API load balancer are IPv4-only; remove it or list the IPv4 ranges of those clients`,
                });
            }
        });
    }
}
