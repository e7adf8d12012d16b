/**
 * The `kubeforge:gcp` config block: shape, defaults and validation. Pure: no Pulumi import, no Google
 * API call (zones come from the known-regions data in `regions.ts`, images are resolved by Compute
 * Engine when an instance is created).
 *
 * ```yaml
 * kubeforge:gcp:
 *   project: my-project-123
 *   region: europe-west1
 *   zones: [europe-west1-b, europe-west1-c, europe-west1-d]
 *   network: {}                                   # create a custom-mode VPC + subnetwork from network.nodeCidr
 *   # network: { existingNetwork: shared-vpc, existingSubnetwork: nodes-ew1, networkProject: host-project }
 *   machineTypes: { controlPlane: n2-standard-2, worker: n2-standard-4 }
 *   image: projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-amd64
 *   windowsImage: projects/windows-cloud/global/images/family/windows-2022
 *   kmsKeyName: projects/kms-project/locations/europe-west1/keyRings/k8s/cryptoKeys/disks   # optional CMEK
 *   replaceNodes: []
 * ```
 */
import type { ClusterSpec, ConfigIssue } from "../../core/types";
import { IssueList, checkKnownKeys, isRecord, readString } from "../../core/fields";
import {
    type MachineTypes,
    type ImageReaderOptions,
    type ImageSource,
    machineTypeFor as kitMachineTypeFor,
    readAllowUnlisted,
    readImage,
    readMachineTypes,
    readNodeList,
    readRegion,
    readResourceId,
    readZones,
} from "../../kit/readers";
import { MACHINE_TYPE_RE, isArmMachineType } from "./disks";
import { type ExistingNetwork, type NewNetwork, PROJECT_ID_RE, readNetwork } from "./config-network";

export { type ExistingNetwork, type NewNetwork, PROJECT_ID_RE, RESOURCE_NAME_RE } from "./config-network";
import { KNOWN_ZONES, REGION_RE, regionOfZone } from "./regions";

/** Canonical's Ubuntu 24.04 LTS image families in the public `ubuntu-os-cloud` project. */
export const UBUNTU_2404_IMAGE = {
    amd64: "projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-amd64",
    arm64: "projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-arm64",
} as const;

/** Google's Windows Server 2022 Datacenter image family (Desktop Experience) in `windows-cloud`. */
export const WINDOWS_SERVER_2022_IMAGE = "projects/windows-cloud/global/images/family/windows-2022";

/** Machine type used when neither the pool nor `machineTypes` names one. */
export const DEFAULT_MACHINE_TYPE = "n2-standard-2";

/** The validated `kubeforge:gcp` block, with every default filled in. */
export interface GcpConfig {
    /** Project id every resource is created in. */
    project: string;
    /** Region, e.g. `europe-west1`. */
    region: string;
    /** Zones in config order: the platform's failure domains. */
    zones: string[];
    /** The network. */
    network: NewNetwork | ExistingNetwork;
    /** Default machine types by role (a pool's or the control plane's `machineType` wins). */
    machineTypes: MachineTypes;
    /**
     * Image of Linux nodes: an image or image-family path. `perArchitecture`: the default Ubuntu
     * family, switched to its arm64 twin for Arm machine types.
     */
    image: { path: string; perArchitecture: boolean };
    /** Image of Windows workers (Windows Server 2022 by default). */
    windowsImage: string;
    /** Cloud KMS key for boot disks and volumes (CMEK); Google-managed encryption when absent. */
    kmsKeyName?: string;
    /** NodePlan names whose machines are rebuilt when their image or bootstrap rendering changed. */
    replaceNodes: string[];
    /** Accept regions and zones missing from `regions.ts` (newer than kubeforge). */
    allowUnlistedRegion: boolean;
}

const KNOWN_KEYS = [
    "project",
    "region",
    "zones",
    "network",
    "machineTypes",
    "image",
    "windowsImage",
    "kmsKeyName",
    "replaceNodes",
    "allowUnlistedRegion",
] as const;

const IMAGE_ID_RE = /^projects\/[a-z][-a-z0-9.:]*[a-z0-9]\/global\/images\/[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const IMAGE_FAMILY_RE = /^projects\/[a-z][-a-z0-9.:]*[a-z0-9]\/global\/images\/family\/[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const KMS_KEY_RE = /^projects\/([^/]+)\/locations\/([a-z0-9-]+)\/keyRings\/[A-Za-z0-9_-]{1,63}\/cryptoKeys\/[A-Za-z0-9_-]{1,63}$/;

/** The region and zone readers' view of GCP: its known regions, and the shape checks that come before the list. */
const REGIONS = {
    platform: "gcp",
    known: KNOWN_ZONES,
    example: "europe-west1",
    refuse: (text: string): string | undefined => {
        if (REGION_RE.test(text)) return undefined;
        const zoneRegion = regionOfZone(text);
        return `is not a region name; ${zoneRegion ? `\`${text}\` looks like a zone; use its region \`${zoneRegion}\`` : "use a region name such as `europe-west1`"}`;
    },
};

/**
 * Validates and defaults the `kubeforge:gcp` block. Every problem is returned at once, each with a
 * `kubeforge:gcp.<path>` field.
 * @param raw - the block as read from the stack config
 * @param spec - the validated cluster (node, pod and service ranges)
 */
export function parseGcpConfig(raw: unknown, spec: ClusterSpec): { config?: GcpConfig; issues: ConfigIssue[] } {
    const issues = new IssueList();
    if (!isRecord(raw)) {
        issues.add("gcp", "the gcp block is missing or not a map; add `kubeforge:gcp:` with at least `project`, `region` and `zones`");
        return { issues: issues.items };
    }
    checkKnownKeys(raw, KNOWN_KEYS, "gcp", issues);

    const allowUnlistedRegion = readAllowUnlisted(raw, "gcp", issues);
    const project = readProject(raw.project, issues);
    const region = readRegion(raw.region, "gcp.region", allowUnlistedRegion, REGIONS, issues);
    const zones = readZones(raw.zones, "gcp.zones", allowUnlistedRegion, zoneOptions(region), issues);
    const network = readNetwork(raw.network, spec, issues);
    const machineTypes = readMachineTypes(
        raw.machineTypes,
        "gcp.machineTypes",
        {
            defaults: { controlPlane: DEFAULT_MACHINE_TYPE, worker: DEFAULT_MACHINE_TYPE },
            pattern: MACHINE_TYPE_RE,
            example: "n2-standard-4",
            what: "a Compute Engine machine type",
        },
        issues,
    );
    const image = readImage(raw.image, "gcp.image", imageOptions(UBUNTU_2404_IMAGE.amd64, "Ubuntu 24.04 LTS"), issues);
    const windowsImage = readImage(
        raw.windowsImage,
        "gcp.windowsImage",
        imageOptions(WINDOWS_SERVER_2022_IMAGE, "Windows Server 2022"),
        issues,
    );
    const kmsKeyName = readKmsKey(raw.kmsKeyName, region, issues);
    const replaceNodes = readNodeList(raw.replaceNodes, "gcp.replaceNodes", issues);

    if (issues.items.length > 0 || !project || !region || !network) return { issues: issues.items };
    return {
        issues: [],
        config: {
            project,
            region,
            zones,
            network,
            machineTypes,
            image: { path: imagePath(image), perArchitecture: raw.image === undefined || raw.image === null },
            windowsImage: imagePath(windowsImage),
            kmsKeyName,
            replaceNodes,
            allowUnlistedRegion,
        },
    };
}

function readProject(value: unknown, issues: IssueList): string | undefined {
    const text = readString(value, "gcp.project", issues);
    if (text === undefined) {
        if (value === undefined || value === null)
            issues.add("gcp.project", "is required; set it to the id of the project the cluster lives in, such as `my-project-123`");
        return undefined;
    }
    if (!PROJECT_ID_RE.test(text)) {
        issues.add(
            "gcp.project",
            `\`${text}\` is not a project id; use the id (6-30 lower-case letters, digits and hyphens, starting with a letter), not the display name or number, e.g. \`my-project-123\``,
        );
        return undefined;
    }
    return text;
}

/**
 * Zones are checked against the region's known zones by the kit; a zone of another region is refused
 * even with `allowUnlistedRegion` (Compute Engine would refuse it at create time).
 */
function zoneOptions(region: string | undefined) {
    return {
        ...REGIONS,
        region,
        defaultToKnown: false,
        refuse: (zone: string): string | undefined =>
            region && regionOfZone(zone) !== region
                ? `zone \`${zone}\` is not in region \`${region}\`; use a zone of that region such as \`${(KNOWN_ZONES[region] ?? [`${region}-a`])[0]}\``
                : undefined,
    };
}

/** An image path: a fixed image (`.../images/<name>`) or an image family, looked up when the instance is created. */
function imageOptions(fallback: string, fallbackName: string): ImageReaderOptions {
    return {
        idPattern: IMAGE_ID_RE,
        lookupPattern: IMAGE_FAMILY_RE,
        fallback: { kind: "lookup", reference: fallback },
        fallbackName,
        examples: { id: "projects/<project>/global/images/<image>", lookup: "projects/<project>/global/images/family/<family>" },
    };
}

function imagePath(source: ImageSource): string {
    return source.kind === "id" ? source.id : source.reference;
}

function readKmsKey(value: unknown, region: string | undefined, issues: IssueList): string | undefined {
    const text = readResourceId(
        value,
        "gcp.kmsKeyName",
        {
            pattern: KMS_KEY_RE,
            what: "Cloud KMS key name (no version)",
            example: "projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>",
            whenAbsent: "use Google-managed encryption",
        },
        issues,
    );
    const location = text === undefined ? undefined : KMS_KEY_RE.exec(text)?.[2];
    if (region && location !== undefined && location !== region && location !== "global") {
        issues.add(
            "gcp.kmsKeyName",
            `the key is in \`${location}\`; Compute Engine disks in \`${region}\` need a key in \`${region}\` or \`global\``,
        );
        return undefined;
    }
    return text;
}

/**
 * The machine type of a node: its own `machineType`, else the role default.
 * @param config - the gcp config
 * @param role - the node's role
 * @param machineType - the node's `machineType`, if any
 */
export function machineTypeFor(config: GcpConfig, role: "control-plane" | "worker", machineType?: string): string {
    return kitMachineTypeFor({ role, machineType }, config.machineTypes);
}

/**
 * The image a node boots: `windowsImage` for Windows workers, else `image` (Ubuntu's arm64 family for
 * Arm machine types when it is the default).
 * @param config - the gcp config
 * @param machineType - the node's machine type
 * @param os - the node's operating system
 */
export function imageFor(config: GcpConfig, machineType: string, os: "linux" | "windows" = "linux"): string {
    if (os === "windows") return config.windowsImage;
    if (config.image.perArchitecture && isArmMachineType(machineType)) return UBUNTU_2404_IMAGE.arm64;
    return config.image.path;
}
