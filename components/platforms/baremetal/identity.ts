/**
 * Bare metal runs no cloud controller and no cloud CSI driver (MetalLB and local-path-provisioner stand
 * in: see addons.ts), so there is no cloud identity to create: no role, no token. The only credentials
 * are the SSH keys of the inventory (`kubeforge:baremetal.hosts[*].privateKey`), kept secret end to end
 * by machines.ts. The bootstrap facts say the same to kubelet: `cloudProvider: "none"`.
 */
import type { PlatformBootstrapFacts } from "../../platform";
import type { BaremetalConfig } from "./config";
import { hostsHaveIps, NODE_IP_FILE } from "./network";

/**
 * What the bootstrap must know: no cloud provider; the node IP pinned to the inventory address when
 * every host is given by IP.
 *
 * @param config - the validated block
 */
export function baremetalBootstrapFacts(config: BaremetalConfig): PlatformBootstrapFacts {
    return {
        cloudProvider: "none",
        // A host whose bootstrap failed is rerun by the next `pulumi up`, with the token that run minted.
        expiredTokenRemedy: "that run also reruns this host's bootstrap with the new token: nothing to replace",
        ...(hostsHaveIps(config) ? { nodeIpCommand: `cat ${NODE_IP_FILE}` } : {}),
    };
}
