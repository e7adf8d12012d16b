/**
 * The `kubeforge:aws` config block: shape, defaults and validation. Pure: no Pulumi import, no AWS
 * call (zones are listed explicitly, the AMI parameter is resolved only when resources are created).
 *
 * ```yaml
 * kubeforge:aws:
 *   region: us-east-1
 *   availabilityZones: [us-east-1a, us-east-1b, us-east-1c]
 *   vpc: { cidr: 10.0.0.0/16, natGateways: perZone }   # or { existingVpcId, subnetIds: {<zone>: {public, private}} }
 *   topology: private       # or public: nodes in the public subnets with public IPv4, no NAT gateway
 *   instanceTypes: { controlPlane: m7i.large, worker: m7i.large }
 *   ami: /aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id   # or ami-0123...
 *   windowsAmi: /aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base      # Windows pools only
 *   keyName: ops            # optional EC2 key pair
 *   ebsKmsKeyArn: arn:aws:kms:us-east-1:111122223333:key/...   # optional CMK for root disks and PVs
 *   workerMetadataHopLimit: 1
 * ```
 */
import type { ClusterSpec, ConfigIssue } from "../../core/types";
import { IssueList, isRecord } from "../../core/fields";
import { ALLOW_UNLISTED_REGION_KEY, checkKnownRegion } from "../../kit/regions";
import { type MachineChangePolicy, replaceNodesPolicy } from "../../kit/readers";
import { KNOWN_REGIONS } from "./regions";
import { parseTopology, parseVpc, type ExistingVpc, type NewVpc, type Topology } from "./config-vpc";

export type { ExistingVpc, ExistingZoneSubnets, NewVpc } from "./config-vpc";

/** Canonical's public SSM parameters for the current Ubuntu 24.04 LTS (Noble) gp3 AMIs. */
export const UBUNTU_2404_AMI_PARAMETER = {
    amd64: "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
    arm64: "/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id",
} as const;

/**
 * Amazon's public SSM parameter for the current Windows Server 2022 "Full Base" (English) AMI, the
 * image of Windows worker pools unless `windowsAmi` says otherwise. x86_64 only: EC2 has no Windows
 * image for Graviton.
 */
export const WINDOWS_SERVER_2022_AMI_PARAMETER = "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base";

/** Instance type used when neither the pool nor `instanceTypes` names one. */
export const DEFAULT_INSTANCE_TYPE = "m7i.large";

/** Where the machine image comes from. */
export type AmiSource =
    /** A fixed AMI id. */
    | { kind: "id"; id: string }
    /**
     * An SSM parameter holding an AMI id, read when resources are created. `perArchitecture`: the
     * default Ubuntu parameter, switched to its arm64 twin for Graviton instance types.
     */
    | { kind: "ssm"; parameter: string; perArchitecture: boolean };

/** The validated `kubeforge:aws` block, with every default filled in. */
export interface AwsConfig {
    /** AWS region, e.g. `us-east-1`; set on every regional resource. */
    region: string;
    /** ARN partition derived from the region (`aws`, `aws-cn`, `aws-us-gov`). */
    partition: string;
    /** Zones in config order: the platform's failure domains. */
    availabilityZones: string[];
    /** The network. */
    vpc: NewVpc | ExistingVpc;
    /** Where the nodes live: private subnets behind NAT (default) or public subnets (see `parseTopology`). */
    topology: Topology;
    /** Default instance types by role (a pool's or the control plane's `machineType` wins). */
    instanceTypes: { controlPlane: string; worker: string };
    /** Machine image of Linux nodes. */
    ami: AmiSource;
    /** Machine image of Windows workers (Windows Server 2022 Full Base by default). */
    windowsAmi: AmiSource;
    /** EC2 key pair name for the admin user, if any (SSH keys from `access.sshPublicKeys` work too). */
    keyName?: string;
    /** KMS key for root volumes and the default StorageClass; AWS's EBS default key when absent. */
    ebsKmsKeyArn?: string;
    /**
     * IMDSv2 PUT response hop limit on workers. 2 lets pods (the EBS CSI driver) reach the instance
     * role; 1 keeps IMDS on the host only (then the CSI controller needs another credential source).
     */
    workerMetadataHopLimit: number;
    /**
     * NodePlan names whose machines are rebuilt when their image or bootstrap rendering changed.
     * Every other machine keeps the image and user data it was created with (see {@link machineChangePolicy}).
     */
    replaceNodes: string[];
}

const KNOWN_KEYS = [
    "region",
    "availabilityZones",
    "vpc",
    "topology",
    "instanceTypes",
    "ami",
    "windowsAmi",
    "keyName",
    "ebsKmsKeyArn",
    "ipv6",
    "workerMetadataHopLimit",
    "replaceNodes",
    ALLOW_UNLISTED_REGION_KEY,
];
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ZONE_SUFFIX_RE = /^(-[a-z0-9]+)*[a-z]$/;
const AMI_ID_RE = /^ami-[0-9a-f]{8,17}$/;
const SSM_PATH_RE = /^\/[A-Za-z0-9_.\-/]+$/;
/** An EC2 instance type name, e.g. `m7i.large`, `m7i-flex.xlarge`. */
export const INSTANCE_TYPE_RE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const KMS_ARN_RE = /^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const KEY_NAME_RE = /^[\x20-\x7e]{1,255}$/;

/**
 * The ARN partition of a region.
 * @param region - an AWS region name
 */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

/**
 * True for Graviton (arm64) instance types: `a1`, or a family whose generation digit is followed by
 * `g` and optional feature letters (`m7g`, `c7gn`, `t4g`, `r8gd`, `g5g`).
 * @param instanceType - e.g. `m7g.large`
 */
export function isArmInstanceType(instanceType: string): boolean {
    const family = instanceType.split(".")[0];
    return family === "a1" || /^[a-z]+\d+g[a-z]*$/.test(family);
}

/**
 * Validates and defaults the `kubeforge:aws` block. Every problem is returned at once, each with a
 * `kubeforge:aws.<path>` field.
 * @param raw - the block as read from the stack config (a YAML object)
 * @param spec - the validated cluster (for the node CIDR and address ranges)
 */
export function parseAwsConfig(raw: unknown, spec: ClusterSpec): { config?: AwsConfig; issues: ConfigIssue[] } {
    const issues: ConfigIssue[] = [];
    const issue = (path: string, message: string) => issues.push({ field: `kubeforge:aws${path ? "." + path : ""}`, message });

    if (!isRecord(raw)) {
        issue("", "the aws block is missing or not an object; add `kubeforge:aws:` with at least `region` and `availabilityZones`");
        return { issues };
    }
    for (const key of Object.keys(raw)) {
        if (!KNOWN_KEYS.includes(key)) issue(key, `unknown setting; known settings are ${KNOWN_KEYS.join(", ")}`);
    }

    // region
    let region = "";
    if (typeof raw.region !== "string" || !REGION_RE.test(raw.region)) {
        issue("region", "is missing or not an AWS region name; set it to the region the cluster lives in, such as `us-east-1`");
    } else {
        region = raw.region;
        const allowUnlisted = raw[ALLOW_UNLISTED_REGION_KEY];
        if (allowUnlisted !== undefined && typeof allowUnlisted !== "boolean") {
            issue(ALLOW_UNLISTED_REGION_KEY, "must be true or false (unquoted); true lets a region newer than kubeforge's list through");
        }
        const known = new IssueList();
        checkKnownRegion(region, "aws.region", { platform: "aws", known: KNOWN_REGIONS, allowUnlisted: allowUnlisted === true }, known);
        issues.push(...known.items);
    }

    // zones
    const zones: string[] = [];
    if (!Array.isArray(raw.availabilityZones) || raw.availabilityZones.length === 0) {
        issue("availabilityZones", "must list at least one zone, e.g. `[us-east-1a, us-east-1b, us-east-1c]`; three spread the masters");
    } else {
        raw.availabilityZones.forEach((zone: unknown, i: number) => {
            const path = `availabilityZones[${i}]`;
            if (typeof zone !== "string" || zone.length === 0) {
                issue(path, "must be a zone name; write one such as `us-east-1a`");
            } else if (region && !(zone.startsWith(region) && ZONE_SUFFIX_RE.test(zone.slice(region.length)))) {
                issue(path, `zone \`${zone}\` is not in region \`${region}\`; use a zone of that region such as \`${region}a\``);
            } else if (zones.includes(zone)) {
                issue(path, `zone \`${zone}\` is listed twice; list each zone once`);
            } else {
                zones.push(zone);
            }
        });
    }

    const vpc = parseVpc(raw.vpc, zones, spec, issue);
    const topology = parseTopology(raw.topology, vpc, issue);

    // instance types
    const instanceTypes = { controlPlane: DEFAULT_INSTANCE_TYPE, worker: DEFAULT_INSTANCE_TYPE };
    if (raw.instanceTypes !== undefined) {
        if (!isRecord(raw.instanceTypes)) {
            issue("instanceTypes", "must be an object; write `{ controlPlane: m7i.large, worker: m7i.large }`");
        } else {
            for (const key of Object.keys(raw.instanceTypes)) {
                const value = raw.instanceTypes[key];
                if (key !== "controlPlane" && key !== "worker") {
                    issue(`instanceTypes.${key}`, "unknown role; use `controlPlane` or `worker`");
                } else if (typeof value !== "string" || !INSTANCE_TYPE_RE.test(value)) {
                    issue(`instanceTypes.${key}`, "is not an EC2 instance type; use one such as `m7i.large`");
                } else {
                    instanceTypes[key] = value;
                }
            }
        }
    }

    // ami, windowsAmi: an AMI id or an SSM parameter path; absent, the default image.
    const amiSource = (key: "ami" | "windowsAmi", fallback: AmiSource, fallbackName: string): AmiSource => {
        const value = raw[key];
        if (value === undefined) return fallback;
        if (typeof value === "string" && AMI_ID_RE.test(value)) return { kind: "id", id: value };
        if (typeof value === "string" && SSM_PATH_RE.test(value)) return { kind: "ssm", parameter: value, perArchitecture: false };
        issue(
            key,
            `must be an AMI id (\`ami-0123456789abcdef0\`) or an SSM parameter path starting with \`/\`; omit it for ${fallbackName}`,
        );
        return fallback;
    };
    const ami = amiSource("ami", { kind: "ssm", parameter: UBUNTU_2404_AMI_PARAMETER.amd64, perArchitecture: true }, "Ubuntu 24.04 LTS");
    const windowsAmi = amiSource(
        "windowsAmi",
        { kind: "ssm", parameter: WINDOWS_SERVER_2022_AMI_PARAMETER, perArchitecture: false },
        "Windows Server 2022 Full Base",
    );

    // optional scalars
    let keyName: string | undefined;
    if (raw.keyName !== undefined) {
        if (typeof raw.keyName !== "string" || !KEY_NAME_RE.test(raw.keyName)) {
            issue(
                "keyName",
                "is not a valid EC2 key pair name; give the name of a key pair in the region (printable ASCII, up to 255 characters), or omit it",
            );
        } else keyName = raw.keyName;
    }
    let ebsKmsKeyArn: string | undefined;
    if (raw.ebsKmsKeyArn !== undefined) {
        if (typeof raw.ebsKmsKeyArn !== "string" || !KMS_ARN_RE.test(raw.ebsKmsKeyArn)) {
            issue(
                "ebsKmsKeyArn",
                "is not a KMS key ARN; give a key ARN (not an alias) such as `arn:aws:kms:us-east-1:111122223333:key/<id>`, or omit it for the EBS default key",
            );
        } else if (region && raw.ebsKmsKeyArn.split(":")[3] !== region) {
            issue("ebsKmsKeyArn", `the key is in region \`${raw.ebsKmsKeyArn.split(":")[3]}\`; EBS needs a key in \`${region}\``);
        } else ebsKmsKeyArn = raw.ebsKmsKeyArn;
    }
    if (raw.ipv6 !== undefined && raw.ipv6 !== false) {
        issue("ipv6", "IPv6 / dual-stack is not supported on aws yet; remove the setting or set it to false");
    }
    let workerMetadataHopLimit = 1;
    if (raw.workerMetadataHopLimit !== undefined) {
        const v = raw.workerMetadataHopLimit;
        if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 64) {
            issue(
                "workerMetadataHopLimit",
                "must be a whole number from 1 to 64; keep 1 (the default): only host processes then reach IMDS, and the policy pack refuses more unless its maxWorkerHopLimit is raised",
            );
        } else workerMetadataHopLimit = v;
    }

    const replaceNodes: string[] = [];
    if (raw.replaceNodes !== undefined) {
        if (!Array.isArray(raw.replaceNodes)) {
            issue("replaceNodes", "is not a list; list node names such as `[demo-cp-0]`, one or a few at a time");
        } else {
            raw.replaceNodes.forEach((n: unknown, i: number) => {
                if (typeof n !== "string" || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n)) {
                    issue(`replaceNodes[${i}]`, "is not a node name; use a name from the plan such as `demo-general-0`");
                } else if (!replaceNodes.includes(n)) replaceNodes.push(n);
            });
        }
    }

    if (issues.length > 0 || !vpc) return { issues };
    return {
        issues,
        config: {
            region,
            partition: partitionOf(region),
            availabilityZones: zones,
            vpc,
            topology,
            instanceTypes,
            ami,
            windowsAmi,
            keyName,
            ebsKmsKeyArn,
            workerMetadataHopLimit,
            replaceNodes,
        },
    };
}

/**
 * The instance type of a node: its own `machineType`, else the role default.
 * @param config - the aws config
 * @param role - the node's role
 * @param machineType - the node's `machineType`, if any
 */
export function instanceTypeFor(config: AwsConfig, role: "control-plane" | "worker", machineType?: string): string {
    return machineType ?? (role === "control-plane" ? config.instanceTypes.controlPlane : config.instanceTypes.worker);
}

/**
 * The SSM parameter or fixed id the image of a node comes from: `windowsAmi` for Windows workers,
 * else `ami` (Ubuntu's arm64 twin for Graviton types when it is the default).
 * @param config - the aws config
 * @param instanceType - the node's instance type
 * @param os - the node's operating system
 */
export function amiSourceFor(
    config: AwsConfig,
    instanceType: string,
    os: "linux" | "windows" = "linux",
): { parameter: string } | { id: string } {
    if (os === "windows")
        return config.windowsAmi.kind === "id" ? { id: config.windowsAmi.id } : { parameter: config.windowsAmi.parameter };
    const ami = config.ami;
    if (ami.kind === "id") return { id: ami.id };
    if (ami.perArchitecture && isArmInstanceType(instanceType)) return { parameter: UBUNTU_2404_AMI_PARAMETER.arm64 };
    return { parameter: ami.parameter };
}

/**
 * User data is read only at first boot and the AMI only at launch, so a changed rendering (a new
 * script, a rotated token) or a new image in the SSM parameter must not touch running machines: with
 * an in-place update AWS would stop and start every one of them at once. They are ignored, except on
 * the nodes listed in `replaceNodes`, which are rebuilt (new instance first, then the old one drained
 * and deleted) when either changed. `pulumi up --replace` alone would not do: the engine reuses the
 * old value of an ignored input, so the rebuilt machine would boot the old rendering.
 * @param config - the aws config
 * @param nodeName - the NodePlan name
 */
export function machineChangePolicy(config: AwsConfig, nodeName: string): MachineChangePolicy {
    return replaceNodesPolicy(config.replaceNodes, nodeName, ["ami", "userDataBase64"]);
}
