/**
 * One EC2 instance per NodePlan. Not an auto scaling group: every node has a stable identity (its
 * NodePlan name is the resource name) and the core drains it before Pulumi deletes it, which an ASG
 * replacing instances on its own would bypass.
 *
 * Choices worth knowing:
 * - IMDSv2 only (`httpTokens: required`) and a PUT hop limit of 1 on every node, masters and
 *   workers: only host-network processes reach IMDS, so no pod can read any node's user data (the
 *   masters' holds the cluster CAs, a worker's its bootstrap token) or role. What needs the
 *   metadata runs on the host network: the CCM and the EBS CSI controller on the masters (their role
 *   carries both policies, see identity.ts and addons.ts); the EBS CSI node pods take their metadata
 *   from Kubernetes instead.
 * - User data is a Pulumi secret and only read at first boot, so it and `ami` are in `ignoreChanges`
 *   (with `userDataReplaceOnChange: false`): a changed rendering (rotated token, new script) or a new
 *   Ubuntu image in the SSM parameter must not stop and start, or replace, every machine at once.
 *   New nodes get the new ones; existing nodes are rolled by listing them, one or a few at a time, in
 *   `kubeforge:aws.replaceNodes` (see `machineChangePolicy`).
 * - The OS host name is the EC2 private DNS name (`hostnameType: ip-name`), the Kubernetes node name.
 * - Windows workers (never verified on a real instance here: nothing in CI runs Windows) get the
 *   `windowsAmi` image (Windows Server 2022 Full Base by default) and base64 of the plain PowerShell
 *   user data, which EC2Launch does not unzip (the delivery index.ts declares); their node name, provider id and IP come from the
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
import { SecurityGroupIngressRule } from "@pulumi/aws/vpc";
import { getParameterOutput } from "@pulumi/aws/ssm";
import type { NodePlan } from "../../core/types";
import type { DeliveredBootstrap, MachineContext, MachineFacts, PlatformInfrastructure } from "../../platform";
import { type AwsConfig, amiSourceFor, instanceTypeFor, machineChangePolicy } from "./config";
import { type AwsEndpoint, attachMaster } from "./endpoint";
import type { AwsPrivateApiName } from "./dns";
import type { AwsIdentity } from "./identity";
import type { AwsNetwork } from "./network";
import type { AwsSecurityGroups } from "./firewall";
import { machineTags, resourceTags } from "./tags";
import { API_PORT } from "../../kit/firewall";

/**
 * The name a node's machine resources had before they were named after the node alone: the
 * platform's prefix (the cluster name) in front of a node name that already starts with it.
 * @param prefix - the resource-name prefix the platform was given
 * @param node - the node
 */
export function formerMachineName(prefix: string, node: NodePlan): string {
    return `${prefix}-${node.name}`;
}

/** IMDS PUT hop limit on masters: host only. */
export const CONTROL_PLANE_HOP_LIMIT = 1;

/** Default IMDS PUT hop limit on workers: host only as well (`workerMetadataHopLimit`). */
export const WORKER_HOP_LIMIT = 1;

/** What the AWS infrastructure gives its machines. */
export interface AwsInfrastructure extends PlatformInfrastructure {
    /** Subnets per zone and the resources that must exist before boot. */
    network: AwsNetwork;
    /** Security groups to attach. */
    groups: AwsSecurityGroups;
    /** The load balancer (target group for masters). */
    loadBalancer: AwsEndpoint;
    /** The API's private name: the bootstrap host and SANs, known before the load balancer exists. */
    apiName: AwsPrivateApiName;
    /** Instance profiles by role. */
    identity: AwsIdentity;
    /** The image of an instance type and OS (SSM parameters read once per parameter). */
    amiFor(instanceType: string, os: NodePlan["os"]): pulumi.Input<string>;
}

/**
 * The image lookup the machines share: a fixed id, or an SSM parameter read once per parameter.
 *
 * @param config - the aws config
 * @param parent - parent of the invokes
 */
export function amiLookup(config: AwsConfig, parent: pulumi.Resource): AwsInfrastructure["amiFor"] {
    const amis = new Map<string, pulumi.Output<string>>();
    return (instanceType, os) => {
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
}

/**
 * Creates one instance for `node` (and, for a master, its target group attachment).
 *
 * @param name - prefix of every resource name
 * @param node - the node
 * @param bootstrap - its user data, as the platform declared it (gzip+base64 cloud-config, or base64 PowerShell)
 * @param ctx - spec, config, the infrastructure and the parent
 */
export function createMachine(
    name: string,
    node: NodePlan,
    bootstrap: DeliveredBootstrap,
    ctx: MachineContext<AwsConfig, AwsInfrastructure>,
): MachineFacts {
    if (bootstrap.kind !== "user-data") throw new Error(`node ${node.name}: aws takes user data, not ${bootstrap.kind}`);
    const zone = nodeZone(node, ctx.infrastructure);
    const instance = createInstance(name, node, zone, ctx, bootstrap.value);
    const dependsOn: pulumi.Resource[] = [instance];
    if (zone.nodePublicIp) dependsOn.push(admitPublicNode(node, instance, ctx));
    if (node.role === "control-plane") {
        dependsOn.push(attachMaster(name, ctx.config, ctx.infrastructure.loadBalancer, node, instance, ctx.parent));
    }
    return { machineId: instance.id, privateIp: instance.privateIp, dependsOn };
}

/** One zone of the network. */
type AwsZone = AwsInfrastructure["network"]["zones"][number];

/** The node's zone of the network; checkNodes reported a node outside the zones before any resource existed. */
function nodeZone(node: NodePlan, deps: AwsInfrastructure): AwsZone {
    const zone = deps.network.zones.find((z) => z.zone === node.failureDomain);
    // Reaching this is a programming error: checkNodes reports it before any resource exists.
    if (!zone) throw new Error(`node ${node.name} is placed in ${node.failureDomain}, which is not in kubeforge:aws.availabilityZones`);
    return zone;
}

/**
 * `topology: public`: the private API name resolves to the internet-facing load balancer, which a public
 * node reaches from its own address, not from a NAT gateway's (there is none): admit that address, /32.
 */
function admitPublicNode(node: NodePlan, instance: Instance, ctx: MachineContext<AwsConfig, AwsInfrastructure>): SecurityGroupIngressRule {
    const ruleName = `${node.name}-api`;
    return new SecurityGroupIngressRule(
        ruleName,
        {
            region: ctx.config.region,
            securityGroupId: ctx.infrastructure.groups.apiEndpoint.id,
            cidrIpv4: pulumi.interpolate`${instance.publicIp}/32`,
            ipProtocol: "tcp",
            fromPort: API_PORT,
            toPort: API_PORT,
            description: `Kubernetes API from ${node.name}'s public address (topology: public)`,
            tags: resourceTags(ctx.spec, ruleName),
        },
        { parent: ctx.parent },
    );
}

function createInstance(
    name: string,
    node: NodePlan,
    zone: AwsZone,
    ctx: MachineContext<AwsConfig, AwsInfrastructure>,
    userDataBase64: pulumi.Output<string>,
): Instance {
    const { spec, config, infrastructure: deps } = ctx;
    const isMaster = node.role === "control-plane";
    const instanceType = instanceTypeFor(config, node.role, node.machineType);
    const tags = machineTags(spec, node);

    return new Instance(
        node.name,
        {
            region: config.region,
            ami: deps.amiFor(instanceType, node.os),
            instanceType,
            availabilityZone: node.failureDomain,
            subnetId: zone.nodeSubnetId,
            associatePublicIpAddress: zone.nodePublicIp,
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
            // Linux nodes do not wait for the private zone: their bootstrap asks the zone itself whether
            // the API name may be looked up yet (endpointNameCommand in bootstrap.ts), while it installs packages.
            // Windows nodes wait for the zone and its short negative-caching SOA, so their first lookup
            // of the name cannot be cached as NXDOMAIN for long (their bootstrap has no such probe).
            // Never the alias record, which waits for the load balancer.
            dependsOn: [...deps.network.ready, ...deps.identity.ready, ...(node.os === "windows" ? deps.apiName.ready : [])],
            // Named after the node alone (`demo-cp-0`, which already carries the cluster's name); the
            // name stacks made before had (`demo-demo-cp-0`) is an alias, so no machine is replaced.
            aliases: [{ name: formerMachineName(name, node) }],
            ...machineChangePolicy(config, node.name),
        },
    );
}
