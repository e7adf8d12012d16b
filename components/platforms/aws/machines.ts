/**
 * One EC2 instance per NodePlan. Not an auto scaling group: every node has a stable identity (its
 * NodePlan name is the resource name) and the core drains it before Pulumi deletes it, which an ASG
 * replacing instances on its own would bypass.
 *
 * Choices worth knowing:
 * - IMDSv2 only (`httpTokens: required`) everywhere. Masters keep the PUT hop limit at 1, so no pod
 *   (only host-network ones such as the cloud controller) can read their user data, which holds the
 *   cluster CAs. Workers default to 2 (`workerMetadataHopLimit`): the EBS CSI controller and node
 *   pods need the instance role and metadata, and the controller cannot run with host networking.
 *   The price: a pod on a worker can read that worker's user data (bootstrap token, CA certificate,
 *   no keys) and the worker role (node + EBS CSI permissions). Block 169.254.169.254 with a network
 *   policy for untrusted namespaces, or set the hop limit to 1 and give the CSI driver its own
 *   credentials.
 * - User data is a Pulumi secret and only read at first boot, so it and `ami` are in `ignoreChanges`
 *   (with `userDataReplaceOnChange: false`): a changed rendering (rotated token, new script) or a new
 *   Ubuntu image in the SSM parameter must not stop and start, or replace, every machine at once.
 *   New nodes get the new ones; existing nodes are rolled by listing them, one or a few at a time, in
 *   `kubeforge:aws.replaceNodes` (see `machineChangePolicy`).
 * - The OS host name is the EC2 private DNS name (`hostnameType: ip-name`), the Kubernetes node name.
 * - Windows workers (never verified on a real instance here: nothing in CI runs Windows) get the
 *   `windowsAmi` image (Windows Server 2022 Full Base by default) and base64 of the plain PowerShell
 *   user data, which EC2Launch does not unzip; their node name, provider id and IP come from the
 *   platform's PowerShell IMDSv2 facts, since Windows keeps its own host name. Everything else (subnet,
 *   groups, worker role, hop limit, encrypted gp3 root disk, spot, tags) is as for Linux workers.
 * - Spot nodes use a one-time request, terminated on interruption. A persistent request would keep
 *   the instance through interruptions, but it outlives the instance Pulumi manages: destroying or
 *   replacing the node leaves the request behind and EC2 launches an unmanaged instance from it
 *   (hashicorp/terraform-provider-aws#38142). An interrupted node is recreated, same NodePlan name,
 *   by the next `pulumi up --refresh`; the CCM deletes the Node object of the terminated instance.
 */
import * as pulumi from "@pulumi/pulumi";
import { Instance } from "@pulumi/aws/ec2";
import { getParameterOutput } from "@pulumi/aws/ssm";
import type { ClusterSpec, NodePlan } from "../../core/types";
import type { MachineFacts, PlatformContext } from "../../platform-legacy";
import { type AwsConfig, amiSourceFor, instanceTypeFor, machineChangePolicy } from "./config";
import { awsUserData } from "./bootstrap";
import { API_PORT, type AwsEndpoint, attachMaster } from "./endpoint";
import type { AwsPrivateApiName } from "./dns";
import type { AwsIdentity } from "./identity";
import type { AwsNetwork } from "./network";
import type { AwsSecurityGroups } from "./security";
import { machineTags } from "./tags";

/** IMDS PUT hop limit on masters: host only. */
export const CONTROL_PLANE_HOP_LIMIT = 1;

/** Everything the machines hang off. */
export interface MachineDeps {
    /** Subnets per zone and the resources that must exist before boot. */
    network: AwsNetwork;
    /** Security groups to attach. */
    groups: AwsSecurityGroups;
    /** The API endpoint (target group for masters). */
    endpoint: AwsEndpoint;
    /** The API's private name: the bootstrap host and SANs, known before the load balancer exists. */
    apiName: AwsPrivateApiName;
    /** Instance profiles by role. */
    identity: AwsIdentity;
}

/**
 * Creates one instance per node (and, for masters, its target group attachment).
 * @param name - prefix of every resource name
 * @param ctx - the platform context (spec, nodes, bootstrap renderer, parent)
 * @param deps - network, security groups, endpoint, the API's private name and identity
 */
export function createMachines(name: string, ctx: PlatformContext<AwsConfig>, deps: MachineDeps): MachineFacts[] {
    const { spec, config, parent } = ctx;
    const amis = new Map<string, pulumi.Output<string>>();
    const amiFor = (instanceType: string, os: NodePlan["os"]): pulumi.Input<string> => {
        const source = amiSourceFor(config, instanceType, os);
        if ("id" in source) return source.id;
        let ami = amis.get(source.parameter);
        if (!ami) {
            // The provider marks the parameter's `value` secret, and an invoke result holding a secret is
            // secret as a whole; an AMI id from a public parameter is not, and must show in previews.
            ami = pulumi.unsecret(getParameterOutput({ name: source.parameter, region: config.region }, { parent }).insecureValue);
            amis.set(source.parameter, ami);
        }
        return ami;
    };

    // Plain strings, not the load balancer's Outputs: the instances (and their 30 s boot) must not wait
    // for the NLB. The certificate still verifies under the NLB's public name through the wildcard SAN.
    // One rendering per group of nodes that differ only by name (a pool in one zone), not per node.
    const userData = ctx.renderUserData(
        ctx.nodes,
        { host: deps.apiName.host, port: API_PORT, extraSans: deps.apiName.extraSans },
        awsUserData,
    );
    return ctx.nodes.map((node, i) => {
        const instance = createInstance(name, spec, config, node, ctx, deps, amiFor, userData[i]);
        const dependsOn: pulumi.Resource[] = [instance];
        if (node.role === "control-plane") dependsOn.push(attachMaster(name, config, deps.endpoint, node, instance, parent));
        return { node, machineId: instance.id, privateIp: instance.privateIp, dependsOn };
    });
}

function createInstance(
    name: string,
    spec: ClusterSpec,
    config: AwsConfig,
    node: NodePlan,
    ctx: PlatformContext<AwsConfig>,
    deps: MachineDeps,
    amiFor: (instanceType: string, os: NodePlan["os"]) => pulumi.Input<string>,
    userDataBase64: pulumi.Output<string>,
): Instance {
    const zone = deps.network.zones.find((z) => z.zone === node.failureDomain);
    if (!zone) {
        // checkNodes reports this before any resource exists; reaching it is a programming error.
        throw new Error(`node ${node.name} is placed in ${node.failureDomain}, which is not in kubeforge:aws.availabilityZones`);
    }
    const isMaster = node.role === "control-plane";
    const instanceType = instanceTypeFor(config, node.role, node.machineType);
    const tags = machineTags(spec, node);

    return new Instance(
        `${name}-${node.name}`,
        {
            region: config.region,
            ami: amiFor(instanceType, node.os),
            instanceType,
            availabilityZone: node.failureDomain,
            subnetId: zone.privateSubnetId,
            associatePublicIpAddress: false,
            vpcSecurityGroupIds: isMaster ? [deps.groups.nodes.id, deps.groups.controlPlane.id] : [deps.groups.nodes.id],
            iamInstanceProfile: isMaster ? deps.identity.controlPlaneProfile.name : deps.identity.workerProfile.name,
            keyName: config.keyName,
            metadataOptions: {
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: isMaster ? CONTROL_PLANE_HOP_LIMIT : config.workerMetadataHopLimit,
                instanceMetadataTags: "disabled",
            },
            privateDnsNameOptions: {
                hostnameType: "ip-name",
                enableResourceNameDnsARecord: false,
                enableResourceNameDnsAaaaRecord: false,
            },
            rootBlockDevice: {
                volumeType: "gp3",
                volumeSize: node.diskSizeGb,
                encrypted: true,
                kmsKeyId: config.ebsKmsKeyArn,
                deleteOnTermination: true,
                tags: { ...tags, Name: `${node.name}-root` },
            },
            instanceMarketOptions: node.spot
                ? { marketType: "spot", spotOptions: { spotInstanceType: "one-time", instanceInterruptionBehavior: "terminate" } }
                : undefined,
            userDataBase64,
            userDataReplaceOnChange: false,
            tags,
        },
        {
            parent: ctx.parent,
            // The zone and its short negative-caching SOA, so an early lookup of the API name is not
            // cached as NXDOMAIN for long; not the alias record, which waits for the load balancer.
            dependsOn: [...deps.network.ready, ...deps.identity.ready, ...deps.apiName.ready],
            ...machineChangePolicy(config, node.name),
        },
    );
}
