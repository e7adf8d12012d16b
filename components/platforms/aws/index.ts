/**
 * The AWS platform: a VPC across the listed zones, an internet-facing NLB in front of the masters
 * (named `api.<cluster>.kubeforge.internal` inside the VPC by a private hosted zone),
 * one EC2 instance per node in its zone's private subnet, IAM for the cloud controller and the EBS
 * CSI driver. Split by concern, one file each (config, network, security, endpoint, dns,
 * machines, bootstrap facts, addons, outputs).
 */
import type { Platform, PlatformContext, PlatformOutputs } from "../../platform-legacy";
import { type AwsConfig, parseAwsConfig } from "./config";
import { awsBootstrapFacts } from "./bootstrap";
import { createNetwork } from "./network";
import { createSecurityGroups } from "./security";
import { API_PORT, createEndpoint } from "./endpoint";
import { createPrivateApiName } from "./dns";
import { createIdentity } from "./identity";
import { createMachines } from "./machines";
import { awsAddons } from "./addons";
import { awsOutputs } from "./outputs";
import { checkAwsNodes } from "./checks";

/** The validated `kubeforge:aws` block. */
export type { AwsConfig } from "./config";

const aws: Platform<AwsConfig> = {
    name: "aws",
    description: "AWS: VPC over the listed zones, NLB API endpoint, one EC2 instance per node, cloud-provider-aws and EBS CSI",
    parseConfig: (raw, spec) => parseAwsConfig(raw, spec),
    failureDomains: (config) => [...config.availabilityZones],
    bootstrapFacts: (config, spec) => awsBootstrapFacts(config, spec),
    checkNodes: (config, spec, nodes) => checkAwsNodes(config, spec, nodes),
    create(name: string, ctx: PlatformContext<AwsConfig>): PlatformOutputs {
        const { spec, config, parent } = ctx;
        const network = createNetwork(name, spec, config, parent);
        const groups = createSecurityGroups(name, spec, config, network, parent);
        const endpoint = createEndpoint(name, spec, config, network, groups, parent);
        const apiName = createPrivateApiName(name, spec, config, network, endpoint, parent);
        const identity = createIdentity(name, spec, config, parent);
        const machines = createMachines(name, ctx, { network, groups, endpoint, apiName, identity });
        return {
            // People and the readiness gate use the public name; nodes use the private one (apiName).
            endpointHost: endpoint.dnsName,
            endpointPort: API_PORT,
            machines,
            addons: awsAddons(spec, config),
            extraOutputs: awsOutputs(network, endpoint, apiName, groups),
        };
    },
};

/** The AWS platform, found by the core under `components/platforms/aws`. */
export default aws;
