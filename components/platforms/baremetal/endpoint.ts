/**
 * The API endpoint on bare metal: a kube-vip VIP the masters hold (kubevip.ts renders its static pod),
 * or the user's own load balancer. Either way an address the config names, on 6443.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ApiEndpoint } from "../../platform";
import type { BaremetalConfig } from "./config";

/** API server port. */
export const API_PORT = 6443;

/**
 * The endpoint: the configured address, also a SAN of the API server certificate.
 *
 * @param config - the validated block
 */
export function baremetalEndpoint(config: BaremetalConfig): ApiEndpoint {
    const address = config.endpoint.address;
    return { host: pulumi.output(address), port: API_PORT, extraSans: [address] };
}
