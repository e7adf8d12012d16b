/**
 * Bare metal has no network to create: the hosts are already on the user's network. What the platform
 * decides about addressing is the node IP: when every host is given by IP, kubelet's `--node-ip` is
 * pinned to it (a VIP on a master must never become its node IP). Pure.
 */
import { parseIp } from "../../core/cidr";
import type { BaremetalConfig } from "./config";

/** Where each host's own address is written, for kubelet's `--node-ip`. */
export const NODE_IP_FILE = "/etc/kubeforge/node-ip";

/**
 * True when every host is given by IP, so the node IP can be pinned to it.
 *
 * @param config - the validated block
 */
export function hostsHaveIps(config: BaremetalConfig): boolean {
    return config.hosts.every((h) => parseIp(h.address).ok);
}
