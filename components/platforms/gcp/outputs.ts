/**
 * Stack outputs the GCP platform adds: names and addresses people look up in the console. No secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import type { GcpEndpoint } from "./endpoint";
import type { GcpIdentity } from "./identity";
import type { GcpNetwork } from "./network";

/**
 * The platform's extra outputs.
 * @param network - the network
 * @param endpoint - the API endpoint
 * @param identity - the service accounts
 */
export function gcpOutputs(network: GcpNetwork, endpoint: GcpEndpoint, identity: GcpIdentity): Record<string, pulumi.Output<unknown>> {
    return {
        network: pulumi.output(network.networkName),
        subnetwork: pulumi.output(network.subnetworkName),
        natAddresses: pulumi.all(network.egressCidrs),
        apiAddress: endpoint.ip,
        apiForwardingRule: endpoint.forwardingRule.name,
        apiSecurityPolicy: endpoint.securityPolicy.name,
        controlPlaneServiceAccount: identity.controlPlane.email,
        workerServiceAccount: identity.worker.email,
    };
}
