/**
 * The AWS platform: a VPC across the listed zones, an internet-facing NLB in front of the masters
 * (named `api.<cluster>.kubeforge.internal` inside the VPC by a private hosted zone), one EC2 instance
 * per node in its zone's private subnet, IAM for the cloud controller and the EBS CSI driver. One file
 * per concern, in the skeleton every platform shares (docs/CONTRIBUTING.md); `bootstrap.ts` holds the
 * facts and the delivery the bootstrap needs, `dns.ts` the private API name, `checks.ts` the node checks.
 */
import type { Platform } from "../../platform";
import { AWS_TAG_LIMITS } from "./tags";
import { type AwsConfig, parseAwsConfig } from "./config";
import { AWS_DELIVERY, awsBootstrapFacts } from "./bootstrap";
import { createNetwork } from "./network";
import { createSecurityGroups } from "./firewall";
import { API_PORT, createEndpoint } from "./endpoint";
import { createPrivateApiName } from "./dns";
import { createIdentity } from "./identity";
import { type AwsInfrastructure, amiLookup, createMachine } from "./machines";
import { awsAddons } from "./addons";
import { awsOutputs } from "./outputs";
import { checkAwsNodes } from "./checks";

/** The validated `kubeforge:aws` block. */
export type { AwsConfig } from "./config";

const aws: Platform<AwsConfig, AwsInfrastructure> = {
    name: "aws",
    description: "AWS: VPC over the listed zones, NLB API endpoint, one EC2 instance per node, cloud-provider-aws and EBS CSI",
    delivery: AWS_DELIVERY,
    limits: {
        // The node name is the EC2 private DNS name; the NodePlan name only names resources (and the Name tag).
        machineNameMax: 255,
        // Windows keeps EC2's own computer name (EC2AMAZ-...); the node registers under its private DNS name.
        windowsNameMax: 15,
        shortensWindowsNames: true,
        tags: AWS_TAG_LIMITS,
    },
    parseConfig: (raw, spec) => parseAwsConfig(raw, spec),
    failureDomains: (config) => [...config.availabilityZones],
    bootstrapFacts: (config, spec) => awsBootstrapFacts(config, spec),
    checkNodes: (config, spec, nodes) => checkAwsNodes(config, spec, nodes),
    createInfrastructure(name, { spec, config, parent }): AwsInfrastructure {
        const network = createNetwork(name, spec, config, parent);
        const groups = createSecurityGroups(name, spec, config, network, parent);
        const loadBalancer = createEndpoint(name, spec, config, network, groups, parent);
        const apiName = createPrivateApiName(name, spec, config, network, loadBalancer, parent);
        const identity = createIdentity(name, spec, config, parent);
        return {
            // People and the readiness gate use the public name. Nodes join through the private one: a
            // plain string, so the instances (and their boot) do not wait for the load balancer; the
            // certificate still verifies under the public name through the wildcard SAN.
            endpoint: { host: loadBalancer.dnsName, port: API_PORT, nodeHost: apiName.host, extraSans: apiName.extraSans },
            addons: awsAddons(spec, config),
            outputs: awsOutputs(network, loadBalancer, apiName, groups),
            network,
            groups,
            loadBalancer,
            apiName,
            identity,
            amiFor: amiLookup(config, parent),
        };
    },
    createMachine,
};

/** The AWS platform, found by the core under `components/platforms/aws`. */
export default aws;
