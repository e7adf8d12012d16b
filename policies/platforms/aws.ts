/**
 * AWS adapter: EC2 instances, launch templates, EBS volumes, security groups and their rules, subnets.
 * Handles every shape AWS offers for the same fact (inline security-group ingress as well as separate
 * rules, launch templates as well as instances), not only the ones kubeforge registers today, so a
 * user's own additions to the stack are judged too.
 */
import type { NodeRole } from "../../components/core/types";
import { LABELS } from "../../components/core/types";
import { emptyFacts } from "../facts";
import type { DiskFact, IngressFact, MetadataFact, PlatformAdapter, ResourceFacts, ResourceView, TrafficSource } from "../facts";
import { normaliseProtocol } from "../net";
import { asArray, asNumber, asRecord, asString, asStringMap, asStrings, isTrue } from "../props";

/** Type tokens this adapter reads. */
export const AWS_TYPES = {
    instance: "aws:ec2/instance:Instance",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    volume: "aws:ebs/volume:Volume",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    subnet: "aws:ec2/subnet:Subnet",
} as const;

const CLUSTER_TAG_PREFIX = "kubernetes.io/cluster/";

function roleOf(tags: Record<string, string>): NodeRole | undefined {
    const role = tags[LABELS.role];
    return role === "control-plane" || role === "worker" ? role : undefined;
}

/** A security group's role: its `kubeforge.io/role` tag, or kubeforge's `kubeforge.io/security-group: control-plane`. */
function groupRoleOf(tags: Record<string, string>): NodeRole | undefined {
    return roleOf(tags) ?? (tags["kubeforge.io/security-group"] === "control-plane" ? "control-plane" : undefined);
}

/** The cluster a resource's tags name: `kubeforge.io/cluster`, else the `kubernetes.io/cluster/<name>` key. */
function clusterOf(tags: Record<string, string>): string | undefined {
    const named = tags[LABELS.cluster];
    if (named) return named;
    const key = Object.keys(tags).find((k) => k.startsWith(CLUSTER_TAG_PREFIX));
    return key ? key.slice(CLUSTER_TAG_PREFIX.length) : undefined;
}

/** The cloud controller finds a cluster's resources by `kubernetes.io/cluster/<name>`; kubeforge by its role tag. */
function requiredClusterTags(cluster: string | undefined, withRole: boolean): string[] {
    const keys = [cluster ? `${CLUSTER_TAG_PREFIX}${cluster}` : `${CLUSTER_TAG_PREFIX}<cluster>`];
    return withRole ? [...keys, LABELS.role] : keys;
}

function metadataFrom(options: Record<string, unknown> | undefined, role: NodeRole | undefined): MetadataFact {
    // AWS defaults: endpoint enabled, tokens optional (unless the AMI says otherwise), hop limit 1.
    return {
        endpointDisabled: asString(options?.httpEndpoint) === "disabled",
        tokensRequired: asString(options?.httpTokens) === "required",
        hopLimit: asNumber(options?.httpPutResponseHopLimit),
        role,
    };
}

function portsOf(protocol: string, from: unknown, to: unknown): { fromPort: number; toPort: number } {
    // Protocol -1 means every port whatever the numbers say (AWS stores 0/0 or -1/-1 for it).
    if (protocol === "all") return { fromPort: 0, toPort: 65535 };
    const f = asNumber(from);
    const t = asNumber(to);
    if (f === undefined || f < 0) return { fromPort: 0, toPort: 65535 };
    return { fromPort: f, toPort: t === undefined || t < 0 ? f : t };
}

function cidrSources(v4: unknown, v6: unknown): TrafficSource[] {
    return [...asStrings(v4), ...asStrings(v6)].map((cidr) => ({ kind: "cidr" as const, cidr }));
}

/** Inline `ingress[]` of a SecurityGroup (older style, still accepted by the provider). */
function inlineIngress(props: Record<string, unknown>): IngressFact[] {
    const group = asString(props.id);
    return asArray(props.ingress).flatMap((raw) => {
        const r = asRecord(raw);
        if (!r) return [];
        const protocol = normaliseProtocol(asString(r.protocol) ?? asNumber(r.protocol));
        const sources: TrafficSource[] = [
            ...cidrSources(r.cidrBlocks, r.ipv6CidrBlocks),
            ...asStrings(r.securityGroups).map((g) => ({ kind: "group" as const, group: g })),
            ...asStrings(r.prefixListIds).map((id) => ({ kind: "prefix-list" as const, id })),
            ...(isTrue(r.self) ? [{ kind: "self" as const }] : []),
        ];
        return [{ protocol, ...portsOf(protocol, r.fromPort, r.toPort), sources, group }];
    });
}

/** `aws.vpc.SecurityGroupIngressRule`: one source per rule. */
function vpcIngressRule(props: Record<string, unknown>): IngressFact[] {
    const protocol = normaliseProtocol(asString(props.ipProtocol) ?? asNumber(props.ipProtocol));
    const sources: TrafficSource[] = [...cidrSources(props.cidrIpv4 ? [props.cidrIpv4] : [], props.cidrIpv6 ? [props.cidrIpv6] : [])];
    const ref = asString(props.referencedSecurityGroupId);
    const group = asString(props.securityGroupId);
    if (ref) sources.push(ref === group ? { kind: "self" } : { kind: "group", group: ref });
    const prefixList = asString(props.prefixListId);
    if (prefixList) sources.push({ kind: "prefix-list", id: prefixList });
    return [{ protocol, ...portsOf(protocol, props.fromPort, props.toPort), sources, group }];
}

/** `aws.ec2.SecurityGroupRule` of type ingress. */
function ec2SecurityGroupRule(props: Record<string, unknown>): IngressFact[] {
    if (asString(props.type) !== "ingress") return [];
    const protocol = normaliseProtocol(asString(props.protocol) ?? asNumber(props.protocol));
    const group = asString(props.securityGroupId);
    const sources: TrafficSource[] = [
        ...cidrSources(props.cidrBlocks, props.ipv6CidrBlocks),
        ...asStrings(props.prefixListIds).map((id) => ({ kind: "prefix-list" as const, id })),
    ];
    const ref = asString(props.sourceSecurityGroupId);
    if (ref) sources.push(ref === group ? { kind: "self" } : { kind: "group", group: ref });
    if (isTrue(props.self)) sources.push({ kind: "self" });
    return [{ protocol, ...portsOf(protocol, props.fromPort, props.toPort), sources, group }];
}

function instanceDisks(props: Record<string, unknown>): DiskFact[] {
    const root = asRecord(props.rootBlockDevice);
    const disks: DiskFact[] = [{ label: "root disk (rootBlockDevice)", encrypted: isTrue(root?.encrypted) }];
    for (const raw of asArray(props.ebsBlockDevices)) {
        const d = asRecord(raw);
        disks.push({ label: `EBS volume ${asString(d?.deviceName) ?? "(unnamed)"}`, encrypted: isTrue(d?.encrypted) });
    }
    return disks;
}

function launchTemplateDisks(props: Record<string, unknown>): DiskFact[] {
    // Only explicit mappings are judged: without one the AMI's own snapshot settings apply.
    return asArray(props.blockDeviceMappings).flatMap((raw) => {
        const m = asRecord(raw);
        const ebs = asRecord(m?.ebs);
        if (!ebs) return [];
        return [{ label: `block device ${asString(m?.deviceName) ?? "(unnamed)"}`, encrypted: isTrue(ebs.encrypted) }];
    });
}

/** Tags of a launch template and of the instances it tags (tagSpecifications). */
function launchTemplateTags(props: Record<string, unknown>): Record<string, string> {
    const tags = { ...asStringMap(props.tags) };
    for (const raw of asArray(props.tagSpecifications)) {
        const spec = asRecord(raw);
        if (spec && (spec.resourceType === undefined || spec.resourceType === "instance")) Object.assign(tags, asStringMap(spec.tags));
    }
    return tags;
}

function launchTemplateGroups(props: Record<string, unknown>): string[] {
    const groups = [...asStrings(props.vpcSecurityGroupIds), ...asStrings(props.securityGroupNames)];
    for (const raw of asArray(props.networkInterfaces)) groups.push(...asStrings(asRecord(raw)?.securityGroups));
    return groups;
}

function describeAws(resource: ResourceView): ResourceFacts {
    const facts = emptyFacts("aws");
    const props = resource.props;
    switch (resource.type) {
        case AWS_TYPES.instance: {
            const tags = asStringMap(props.tags);
            const role = roleOf(tags);
            const cluster = clusterOf(tags);
            facts.machine = { role, cluster, groups: [...asStrings(props.vpcSecurityGroupIds), ...asStrings(props.securityGroups)] };
            facts.disks = instanceDisks(props);
            facts.metadata = metadataFrom(asRecord(props.metadataOptions), role);
            facts.tagging = { subject: "instance", cluster, present: Object.keys(tags), required: requiredClusterTags(cluster, true) };
            break;
        }
        case AWS_TYPES.launchTemplate: {
            const tags = launchTemplateTags(props);
            const role = roleOf(tags);
            const cluster = clusterOf(tags);
            facts.machine = { role, cluster, groups: launchTemplateGroups(props) };
            facts.disks = launchTemplateDisks(props);
            facts.metadata = metadataFrom(asRecord(props.metadataOptions), role);
            // A template carries no node identity unless it says which cluster it serves.
            if (cluster) facts.tagging = { subject: "launch template", cluster, present: Object.keys(tags), required: requiredClusterTags(cluster, true) };
            break;
        }
        case AWS_TYPES.volume:
            facts.disks = [{ label: "EBS volume", encrypted: isTrue(props.encrypted) }];
            break;
        case AWS_TYPES.securityGroup: {
            const tags = asStringMap(props.tags);
            facts.firewallGroup = { id: asString(props.id), role: groupRoleOf(tags) };
            facts.ingress = inlineIngress(props);
            break;
        }
        case AWS_TYPES.ingressRule:
            facts.ingress = vpcIngressRule(props);
            break;
        case AWS_TYPES.securityGroupRule:
            facts.ingress = ec2SecurityGroupRule(props);
            break;
        case AWS_TYPES.subnet: {
            const tags = asStringMap(props.tags);
            const cluster = clusterOf(tags);
            // Only subnets that say they belong to a kubeforge cluster are held to its tagging.
            if (cluster) facts.tagging = { subject: "subnet", cluster, present: Object.keys(tags), required: requiredClusterTags(cluster, false) };
            break;
        }
    }
    return facts;
}

/** The AWS adapter. */
export const awsAdapter: PlatformAdapter = {
    platform: "aws",
    claims: (type) => (Object.values(AWS_TYPES) as string[]).includes(type),
    describe: describeAws,
};
