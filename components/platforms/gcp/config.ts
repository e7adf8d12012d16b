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
import { IssueList, checkKnownKeys, isRecord, readBoolean, readObject, readString, readStringArray } from "../../core/fields";
import { MACHINE_TYPE_RE, isArmMachineType } from "./disks";
import { type ExistingNetwork, type NewNetwork, PROJECT_ID_RE, readNetwork } from "./config-network";

export { type ExistingNetwork, type NewNetwork, PROJECT_ID_RE, RESOURCE_NAME_RE } from "./config-network";
import { KNOWN_REGIONS, REGION_RE, knownZones, regionOfZone } from "./regions";

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
    machineTypes: { controlPlane: string; worker: string };
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

const IMAGE_RE = /^projects\/[a-z][-a-z0-9.:]*[a-z0-9]\/global\/images\/(family\/)?[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const KMS_KEY_RE = /^projects\/([^/]+)\/locations\/([a-z0-9-]+)\/keyRings\/[A-Za-z0-9_-]{1,63}\/cryptoKeys\/[A-Za-z0-9_-]{1,63}$/;
const NODE_NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

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

    const allowUnlistedRegion = readBoolean(raw.allowUnlistedRegion, "gcp.allowUnlistedRegion", issues) ?? false;
    const project = readProject(raw.project, issues);
    const region = readRegion(raw.region, allowUnlistedRegion, issues);
    const zones = readZones(raw.zones, region, allowUnlistedRegion, issues);
    const network = readNetwork(raw.network, spec, issues);
    const machineTypes = readMachineTypes(raw.machineTypes, issues);
    const image = readImage(raw.image, "image", "Ubuntu 24.04 LTS", issues);
    const windowsImage = readImage(raw.windowsImage, "windowsImage", "Windows Server 2022", issues);
    const kmsKeyName = readKmsKey(raw.kmsKeyName, region, issues);
    const replaceNodes = readReplaceNodes(raw.replaceNodes, issues);

    if (issues.items.length > 0 || !project || !region || !network) return { issues: issues.items };
    return {
        issues: [],
        config: {
            project,
            region,
            zones,
            network,
            machineTypes,
            image: image === undefined ? { path: UBUNTU_2404_IMAGE.amd64, perArchitecture: true } : { path: image, perArchitecture: false },
            windowsImage: windowsImage ?? WINDOWS_SERVER_2022_IMAGE,
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

function readRegion(value: unknown, allowUnknown: boolean, issues: IssueList): string | undefined {
    const text = readString(value, "gcp.region", issues);
    if (text === undefined) {
        if (value === undefined || value === null)
            issues.add("gcp.region", "is required; set it to the region the cluster lives in, such as `europe-west1`");
        return undefined;
    }
    if (!REGION_RE.test(text)) {
        const zoneRegion = regionOfZone(text);
        const hint = zoneRegion
            ? `\`${text}\` looks like a zone; use its region \`${zoneRegion}\``
            : "use a region name such as `europe-west1`";
        issues.add("gcp.region", `is not a region name; ${hint}`);
        return undefined;
    }
    if (!allowUnknown && knownZones(text) === undefined) {
        issues.add(
            "gcp.region",
            `\`${text}\` is not a region kubeforge knows (${Object.keys(KNOWN_REGIONS).length} known); check the spelling, or set kubeforge:gcp.allowUnlistedRegion: true for a region newer than kubeforge`,
        );
        return undefined;
    }
    return text;
}

function readZones(value: unknown, region: string | undefined, allowUnknown: boolean, issues: IssueList): string[] {
    const list = readStringArray(value, "gcp.zones", issues);
    const reported = list === undefined && value !== undefined && value !== null;
    if (reported) return [];
    if (list === undefined || list.length === 0) {
        const example = region
            ? (knownZones(region) ?? [`${region}-a`]).slice(0, 3).join(", ")
            : "europe-west1-b, europe-west1-c, europe-west1-d";
        issues.add("gcp.zones", `must list at least one zone, e.g. \`[${example}]\`; three zones spread the masters`);
        return [];
    }
    const zones: string[] = [];
    list.forEach((zone, i) => {
        const path = `gcp.zones[${i}]`;
        const known = region ? knownZones(region) : undefined;
        if (region && regionOfZone(zone) !== region) {
            issues.add(
                path,
                `zone \`${zone}\` is not in region \`${region}\`; use a zone of that region such as \`${(known ?? [`${region}-a`])[0]}\``,
            );
        } else if (known && !known.includes(zone) && !allowUnknown) {
            issues.add(
                path,
                `\`${region}\` has no zone \`${zone}\`; use one of ${known.join(", ")} (or kubeforge:gcp.allowUnlistedRegion: true for a new zone)`,
            );
        } else if (zones.includes(zone)) {
            issues.add(path, `zone \`${zone}\` is listed twice; list each zone once`);
        } else {
            zones.push(zone);
        }
    });
    return zones;
}

function readMachineTypes(value: unknown, issues: IssueList): GcpConfig["machineTypes"] {
    const types = { controlPlane: DEFAULT_MACHINE_TYPE, worker: DEFAULT_MACHINE_TYPE };
    const block = readObject(value, "gcp.machineTypes", issues);
    if (block === undefined) return types;
    checkKnownKeys(block, ["controlPlane", "worker"], "gcp.machineTypes", issues);
    for (const role of ["controlPlane", "worker"] as const) {
        const text = readString(block[role], `gcp.machineTypes.${role}`, issues);
        if (text === undefined) continue;
        if (!MACHINE_TYPE_RE.test(text))
            issues.add(`gcp.machineTypes.${role}`, `\`${text}\` is not a Compute Engine machine type; use one such as \`n2-standard-4\``);
        else types[role] = text;
    }
    return types;
}

function readImage(value: unknown, key: "image" | "windowsImage", fallback: string, issues: IssueList): string | undefined {
    const text = readString(value, `gcp.${key}`, issues);
    if (text === undefined) return undefined;
    if (!IMAGE_RE.test(text)) {
        issues.add(
            `gcp.${key}`,
            `\`${text}\` is not an image path; write \`projects/<project>/global/images/<image>\` or \`projects/<project>/global/images/family/<family>\`, or omit it for ${fallback}`,
        );
        return undefined;
    }
    return text;
}

function readKmsKey(value: unknown, region: string | undefined, issues: IssueList): string | undefined {
    const text = readString(value, "gcp.kmsKeyName", issues);
    if (text === undefined) return undefined;
    const m = KMS_KEY_RE.exec(text);
    if (!m) {
        issues.add(
            "gcp.kmsKeyName",
            "is not a Cloud KMS key name; write `projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>` (no version), or omit it for Google-managed encryption",
        );
        return undefined;
    }
    if (region && m[2] !== region && m[2] !== "global") {
        issues.add(
            "gcp.kmsKeyName",
            `the key is in \`${m[2]}\`; Compute Engine disks in \`${region}\` need a key in \`${region}\` or \`global\``,
        );
        return undefined;
    }
    return text;
}

function readReplaceNodes(value: unknown, issues: IssueList): string[] {
    const list = readStringArray(value, "gcp.replaceNodes", issues) ?? [];
    const out: string[] = [];
    list.forEach((name, i) => {
        if (!NODE_NAME_RE.test(name))
            issues.add(`gcp.replaceNodes[${i}]`, "is not a node name; use a name from the plan such as `demo-general-0`");
        else if (!out.includes(name)) out.push(name);
    });
    return out;
}

/**
 * The machine type of a node: its own `machineType`, else the role default.
 * @param config - the gcp config
 * @param role - the node's role
 * @param machineType - the node's `machineType`, if any
 */
export function machineTypeFor(config: GcpConfig, role: "control-plane" | "worker", machineType?: string): string {
    return machineType ?? (role === "control-plane" ? config.machineTypes.controlPlane : config.machineTypes.worker);
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
