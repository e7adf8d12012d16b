/**
 * AWS policy adapter (found by the pack by folder name, default export): EC2 instances, launch templates, EBS volumes, security groups and their rules, subnets.
 * Handles every shape AWS offers for the same fact (inline security-group ingress as well as separate
 * rules, launch templates as well as instances), not only the ones kubeforge registers today, so a
 * user's own additions to the stack are judged too.
 */
import type { NodeRole } from "../../core/types";
import { LABELS } from "../../core/types";
import { emptyFacts } from "../../../policies/facts";
import type {
    BootstrapFact,
    DiskFact,
    IngressFact,
    MetadataFact,
    PlatformAdapter,
    ResourceFacts,
    ResourceView,
    TrafficSource,
} from "../../../policies/facts";
import { gunzipSync } from "node:zlib";
import { normaliseProtocol } from "../../../policies/net";
import { asArray, asNumber, asRecord, asString, asStringMap, asStrings, field, isTrue, isUnknown, keysOf } from "../../../policies/props";

/** Type tokens this adapter reads. */
export const AWS_TYPES = {
    instance: "aws:ec2/instance:Instance",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    volume: "aws:ebs/volume:Volume",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    subnet: "aws:ec2/subnet:Subnet",
    storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
    helmRelease: "kubernetes:helm.sh/v3:Release",
    helmChart: "kubernetes:helm.sh/v4:Chart",
    listener: "aws:lb/listener:Listener",
} as const;

/** EC2's user-data limit: 16 KB of what it stores, the gzip bytes of a cloud-config (never gzipped PowerShell). */
const USER_DATA_LIMIT_BYTES = 16_384;

/**
 * An instance's user data, decoded: `userDataBase64` holds gzip of a cloud-config (Linux) or the base64 of a
 * `<powershell>` script (Windows). Undefined when the plan does not show it (masked or unknown).
 */
function instanceBootstrap(props: Record<string, unknown>): BootstrapFact | undefined {
    const encoded = asString(field(props, "userDataBase64"));
    if (!encoded || encoded === "[secret]") return undefined;
    const bytes = Buffer.from(encoded, "base64");
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    let text: string;
    try {
        text = (gzipped ? gunzipSync(bytes) : bytes).toString("utf8");
    } catch {
        return undefined;
    }
    return {
        format: text.startsWith("#cloud-config") ? "cloud-config" : "powershell",
        text,
        sentBytes: bytes.length,
        limitBytes: USER_DATA_LIMIT_BYTES,
    };
}

/** Provisioners whose volumes are EBS volumes (the CSI driver, and the in-tree name older classes keep). */
const EBS_PROVISIONERS = ["ebs.csi.aws.com", "kubernetes.io/aws-ebs"];

const CLUSTER_TAG_PREFIX = "kubernetes.io/cluster/";

function roleOf(tags: Record<string, string>): NodeRole | undefined {
    const role = tags[LABELS.role];
    return role === "control-plane" || role === "worker" ? role : undefined;
}

/** A security group's role: its `kubeforge.io/role` tag, or kubeforge's `kubeforge.io/security-group: control-plane`. */
function groupRoleOf(tags: Record<string, string>): NodeRole | undefined {
    return roleOf(tags) ?? (tags["kubeforge.io/security-group"] === "control-plane" ? "control-plane" : undefined);
}

/** Tags: the known values, and every key (a key whose value is not known yet is still present). */
interface Tags {
    values: Record<string, string>;
    keys: string[];
}

function tagsOf(value: unknown): Tags {
    return { values: asStringMap(value), keys: keysOf(value) };
}

/** The cluster a resource's tags name: `kubeforge.io/cluster`, else the `kubernetes.io/cluster/<name>` key. */
function clusterOf(tags: Tags): string | undefined {
    const named = tags.values[LABELS.cluster];
    if (named) return named;
    const key = tags.keys.find((k) => k.startsWith(CLUSTER_TAG_PREFIX));
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
        endpointDisabled: asString(field(options, "httpEndpoint")) === "disabled",
        tokensRequired: asString(field(options, "httpTokens")) === "required",
        hopLimit: asNumber(field(options, "httpPutResponseHopLimit")),
        role,
        // Workers' hop limit is kubeforge:aws.workerMetadataHopLimit (config.ts); masters' is fixed at 1.
        hopLimitKey: role === "control-plane" ? undefined : "kubeforge:aws.workerMetadataHopLimit",
        fix: { tokens: 'set metadataOptions.httpTokens: "required"', hopLimit: "lower metadataOptions.httpPutResponseHopLimit" },
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

/** Sources from a list (or a single value) of ids or CIDRs; values not known yet become `unknown` sources. */
function sourcesFrom(value: unknown, make: (v: string) => TrafficSource): TrafficSource[] {
    if (value === undefined || value === null) return [];
    const values = isUnknown(value) ? [value] : Array.isArray(value) ? asArray(value) : [value];
    return values.flatMap((v): TrafficSource[] => (isUnknown(v) ? [{ kind: "unknown" }] : typeof v === "string" ? [make(v)] : []));
}

const cidr = (c: string): TrafficSource => ({ kind: "cidr", cidr: c });
const prefixList = (id: string): TrafficSource => ({ kind: "prefix-list", id });

/** A referenced group: `self` when it is the rule's own group, `unknown` while its id is not known. */
function referencedGroup(ref: unknown, group: string | undefined): TrafficSource[] {
    if (isUnknown(ref)) return [{ kind: "unknown" }];
    const id = asString(ref);
    if (!id) return [];
    return [id === group ? { kind: "self" } : { kind: "group", group: id }];
}

/** Inline `ingress[]` of a SecurityGroup (older style, still accepted by the provider). */
function inlineIngress(props: Record<string, unknown>): IngressFact[] {
    const group = asString(field(props, "id"));
    return asArray(field(props, "ingress")).flatMap((raw) => {
        const r = asRecord(raw);
        if (!r) return [];
        const protocol = normaliseProtocol(asString(field(r, "protocol")) ?? asNumber(field(r, "protocol")));
        const sources: TrafficSource[] = [
            ...sourcesFrom(field(r, "cidrBlocks"), cidr),
            ...sourcesFrom(field(r, "ipv6CidrBlocks"), cidr),
            ...sourcesFrom(field(r, "securityGroups"), (g) => (g === group ? { kind: "self" } : { kind: "group", group: g })),
            ...sourcesFrom(field(r, "prefixListIds"), prefixList),
            ...(isTrue(field(r, "self")) ? [{ kind: "self" as const }] : []),
        ];
        return [{ protocol, ...portsOf(protocol, field(r, "fromPort"), field(r, "toPort")), sources, group }];
    });
}

/** `aws.vpc.SecurityGroupIngressRule`: one source per rule. */
function vpcIngressRule(props: Record<string, unknown>): IngressFact[] {
    const protocol = normaliseProtocol(asString(field(props, "ipProtocol")) ?? asNumber(field(props, "ipProtocol")));
    const group = asString(field(props, "securityGroupId"));
    const sources: TrafficSource[] = [
        ...sourcesFrom(field(props, "cidrIpv4"), cidr),
        ...sourcesFrom(field(props, "cidrIpv6"), cidr),
        ...referencedGroup(field(props, "referencedSecurityGroupId"), group),
        ...sourcesFrom(field(props, "prefixListId"), prefixList),
    ];
    return [{ protocol, ...portsOf(protocol, field(props, "fromPort"), field(props, "toPort")), sources, group }];
}

/** `aws.ec2.SecurityGroupRule` of type ingress. */
function ec2SecurityGroupRule(props: Record<string, unknown>): IngressFact[] {
    if (asString(field(props, "type")) !== "ingress") return [];
    const protocol = normaliseProtocol(asString(field(props, "protocol")) ?? asNumber(field(props, "protocol")));
    const group = asString(field(props, "securityGroupId"));
    const sources: TrafficSource[] = [
        ...sourcesFrom(field(props, "cidrBlocks"), cidr),
        ...sourcesFrom(field(props, "ipv6CidrBlocks"), cidr),
        ...sourcesFrom(field(props, "prefixListIds"), prefixList),
        ...referencedGroup(field(props, "sourceSecurityGroupId"), group),
        ...(isTrue(field(props, "self")) ? [{ kind: "self" as const }] : []),
    ];
    return [{ protocol, ...portsOf(protocol, field(props, "fromPort"), field(props, "toPort")), sources, group }];
}

function instanceDisks(props: Record<string, unknown>): DiskFact[] {
    const root = asRecord(field(props, "rootBlockDevice"));
    const disks: DiskFact[] = [{ label: "root disk (rootBlockDevice)", encrypted: isTrue(field(root, "encrypted")) }];
    for (const raw of asArray(field(props, "ebsBlockDevices"))) {
        const d = asRecord(raw);
        disks.push({ label: `EBS volume ${asString(field(d, "deviceName")) ?? "(unnamed)"}`, encrypted: isTrue(field(d, "encrypted")) });
    }
    return disks;
}

function launchTemplateDisks(props: Record<string, unknown>): DiskFact[] {
    // Only explicit mappings are judged: without one the AMI's own snapshot settings apply.
    return asArray(field(props, "blockDeviceMappings")).flatMap((raw) => {
        const m = asRecord(raw);
        const ebs = asRecord(field(m, "ebs"));
        if (!ebs) return [];
        return [{ label: `block device ${asString(field(m, "deviceName")) ?? "(unnamed)"}`, encrypted: isTrue(field(ebs, "encrypted")) }];
    });
}

/** Tags of a launch template and of the instances it tags (tagSpecifications). */
function launchTemplateTags(props: Record<string, unknown>): Tags {
    const tags = tagsOf(field(props, "tags"));
    for (const raw of asArray(field(props, "tagSpecifications"))) {
        const spec = asRecord(raw);
        const type = field(spec, "resourceType");
        if (!spec || (type !== undefined && type !== "instance")) continue;
        const more = tagsOf(field(spec, "tags"));
        tags.values = { ...tags.values, ...more.values };
        tags.keys = [...new Set([...tags.keys, ...more.keys])];
    }
    return tags;
}

function launchTemplateGroups(props: Record<string, unknown>): string[] {
    const groups = [...asStrings(field(props, "vpcSecurityGroupIds")), ...asStrings(field(props, "securityGroupNames"))];
    for (const raw of asArray(field(props, "networkInterfaces"))) groups.push(...asStrings(field(raw, "securityGroups")));
    return groups;
}

/** A StorageClass of EBS volumes: persistent volumes are data disks too. */
function storageClassDisks(props: Record<string, unknown>): DiskFact[] {
    if (!EBS_PROVISIONERS.includes(asString(field(props, "provisioner")) ?? "")) return [];
    const name = asString(field(field(props, "metadata"), "name")) ?? "(unnamed)";
    return [
        {
            label: `StorageClass ${name}`,
            encrypted: isTrue(field(field(props, "parameters"), "encrypted")),
            fix: 'set parameters.encrypted: "true"',
        },
    ];
}

/** Storage classes the aws-ebs-csi-driver chart creates from its `storageClasses` value. */
function ebsChartDisks(props: Record<string, unknown>): DiskFact[] {
    const chart = asString(field(props, "chart")) ?? "";
    if (!/(^|\/)aws-ebs-csi-driver$/.test(chart)) return [];
    return asArray(field(field(props, "values"), "storageClasses")).map((sc) => ({
        label: `StorageClass ${asString(field(sc, "name")) ?? "(unnamed)"} (chart value storageClasses)`,
        encrypted: isTrue(field(field(sc, "parameters"), "encrypted")),
        fix: 'set the storage class\'s parameters.encrypted: "true" in the chart values',
    }));
}

function describeAws(resource: ResourceView): ResourceFacts {
    const facts = emptyFacts("aws");
    const props = resource.props;
    switch (resource.type) {
        case AWS_TYPES.instance: {
            const tags = tagsOf(field(props, "tags"));
            const role = roleOf(tags.values);
            const cluster = clusterOf(tags);
            facts.machine = {
                role,
                cluster,
                groups: [...asStrings(field(props, "vpcSecurityGroupIds")), ...asStrings(field(props, "securityGroups"))],
                node: tags.values[LABELS.node],
                failureDomain: asString(field(props, "availabilityZone")),
                bootstrap: instanceBootstrap(props),
            };
            facts.disks = instanceDisks(props);
            facts.metadata = metadataFrom(asRecord(field(props, "metadataOptions")), role);
            facts.tagging = { subject: "instance", cluster, present: tags.keys, required: requiredClusterTags(cluster, true) };
            break;
        }
        case AWS_TYPES.launchTemplate: {
            const tags = launchTemplateTags(props);
            const role = roleOf(tags.values);
            const cluster = clusterOf(tags);
            facts.machine = { role, cluster, groups: launchTemplateGroups(props) };
            facts.disks = launchTemplateDisks(props);
            facts.metadata = metadataFrom(asRecord(field(props, "metadataOptions")), role);
            // A template carries no node identity unless it says which cluster it serves.
            if (cluster)
                facts.tagging = { subject: "launch template", cluster, present: tags.keys, required: requiredClusterTags(cluster, true) };
            break;
        }
        case AWS_TYPES.volume:
            facts.disks = [{ label: "EBS volume", encrypted: isTrue(field(props, "encrypted")) }];
            break;
        case AWS_TYPES.securityGroup: {
            const tags = asStringMap(field(props, "tags"));
            facts.firewallGroup = { id: asString(field(props, "id")), role: groupRoleOf(tags) };
            facts.ingress = inlineIngress(props);
            break;
        }
        case AWS_TYPES.ingressRule:
            facts.ingress = vpcIngressRule(props);
            break;
        case AWS_TYPES.securityGroupRule:
            facts.ingress = ec2SecurityGroupRule(props);
            break;
        case AWS_TYPES.storageClass:
            facts.disks = storageClassDisks(props);
            break;
        case AWS_TYPES.helmRelease:
        case AWS_TYPES.helmChart:
            facts.disks = ebsChartDisks(props);
            break;
        case AWS_TYPES.listener: {
            // The NLB listener kubeforge tags as the API endpoint's; other listeners users add are not the API.
            const port = asNumber(field(props, "port"));
            if (asStringMap(field(props, "tags"))["kubeforge.io/endpoint"] === "api" && port !== undefined) facts.apiListener = { port };
            break;
        }
        case AWS_TYPES.subnet: {
            const tags = tagsOf(field(props, "tags"));
            const cluster = clusterOf(tags);
            // Only subnets that say they belong to a kubeforge cluster are held to its tagging.
            if (cluster) facts.tagging = { subject: "subnet", cluster, present: tags.keys, required: requiredClusterTags(cluster, false) };
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

export default awsAdapter;
