/**
 * The `kubeforge:azure` config block: shape, defaults and validation. Pure: no Pulumi import, no
 * Azure call (the subscription comes from the provider's own config at `pulumi up`).
 *
 * ```yaml
 * kubeforge:azure:
 *   location: eastus2
 *   zones: ["1", "2", "3"]              # default: every zone the location offers; [] = availability set
 *   resourceGroup: demo-k8s             # created (default <cluster>-rg); or { existing: my-rg }
 *   network: {}                         # VNet = kubeforge:network.nodeCidr, subnets carved from it
 *   # network: { existingVnet: { resourceGroup, name, controlPlaneSubnet, nodeSubnet }, egressCidrs: [...] }
 *   vmSizes: { controlPlane: Standard_D4s_v5, worker: Standard_D4s_v5 }
 *   osDiskType: Premium_LRS
 *   image: Canonical:ubuntu-24_04-lts:server:latest
 *   windowsImage: MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition:latest
 *   diskEncryptionSetId: /subscriptions/.../diskEncryptionSets/...   # optional customer-managed key
 *   encryptionAtHost: false
 *   replaceNodes: []
 * ```
 */
import type { ClusterSpec, ConfigIssue } from "../../core/types";
import { IssueList, checkKnownKeys, isRecord, readBoolean, readChoice, readString, readStringArray } from "../../core/fields";
import { type MachineTypes, machineTypeFor, readImage, readMachineTypes, readNodeList, readResourceId } from "../../kit/readers";
import { closestMatch } from "../../core/suggest";
import { AZURE_LOCATIONS } from "./regions";
import { ALLOW_UNLISTED_REGION_KEY } from "../../kit/regions";
import { type AzureNetworkConfig, parseNetwork } from "./config-network";

export type { AzureNetworkConfig } from "./config-network";

/** A marketplace image: `publisher:offer:sku:version`. */
export interface ImageRef {
    /** Publisher, e.g. `Canonical`. */
    publisher: string;
    /** Offer, e.g. `ubuntu-24_04-lts`. */
    offer: string;
    /** SKU, e.g. `server` (Gen2). */
    sku: string;
    /** Version, or `latest` (resolved by Azure when the VM is created). */
    version: string;
}

/** Canonical's Ubuntu 24.04 LTS, Gen2 (`server`; `server-gen1` is for Gen1-only sizes). */
export const UBUNTU_2404: ImageRef = { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" };
/** Its arm64 twin, for Ampere (`p`) sizes. */
export const UBUNTU_2404_ARM64: ImageRef = { ...UBUNTU_2404, sku: "server-arm64" };
/** Windows Server 2022 Datacenter Azure Edition (Gen2). */
export const WINDOWS_SERVER_2022: ImageRef = {
    publisher: "MicrosoftWindowsServer",
    offer: "WindowsServer",
    sku: "2022-datacenter-azure-edition",
    version: "latest",
};

/** VM size used when neither the pool nor `vmSizes` names one. */
export const DEFAULT_VM_SIZE = "Standard_D4s_v5";
/** OS disk types kubeforge accepts (etcd wants SSDs; Premium needs an `s` size). */
export const OS_DISK_TYPES = ["Premium_LRS", "StandardSSD_LRS", "Premium_ZRS", "StandardSSD_ZRS"] as const;
/** OS disk type. */
export type OsDiskType = (typeof OS_DISK_TYPES)[number];

/** The resource group every cluster resource lives in. */
export interface ResourceGroupConfig {
    /** `new`: kubeforge creates it (and deletes it with the stack); `existing`: it must exist. */
    kind: "new" | "existing";
    /** Its name. */
    name: string;
}

/** The validated `kubeforge:azure` block, every default filled in. */
export interface AzureConfig {
    /** Azure location (region), e.g. `eastus2`. */
    location: string;
    /** Zones used, in order: the failure domains; empty for an availability set. */
    zones: string[];
    /** The cluster's resource group. */
    resourceGroup: ResourceGroupConfig;
    /** The VNet and subnets. */
    network: AzureNetworkConfig;
    /** Default VM sizes by role (a pool's or the control plane's `machineType` wins). */
    vmSizes: MachineTypes;
    /** OS disk type of every node. */
    osDiskType: OsDiskType;
    /** Image of Linux nodes. */
    image: ImageRef;
    /** True when `image` is the default (switched to arm64 for `p` sizes). */
    defaultImage: boolean;
    /** Image of Windows workers. */
    windowsImage: ImageRef;
    /** Disk encryption set (customer-managed key) for OS disks and PVs; platform keys when absent. */
    diskEncryptionSetId?: string;
    /** Encrypt temp disks and caches at the host too (needs the subscription feature EncryptionAtHost). */
    encryptionAtHost: boolean;
    /** Node names whose VMs are rebuilt when their image or bootstrap rendering changed. */
    replaceNodes: string[];
}

const KNOWN_KEYS = [
    "location",
    ALLOW_UNLISTED_REGION_KEY,
    "unlistedLocation",
    "zones",
    "resourceGroup",
    "network",
    "vmSizes",
    "osDiskType",
    "image",
    "windowsImage",
    "diskEncryptionSetId",
    "encryptionAtHost",
    "replaceNodes",
];

/** A VM size: `Standard_<family><vCPUs>[-<constrained>]<features>[_<extra>]_v<n>`, e.g. `Standard_D4ds_v5`. */
export const VM_SIZE_RE = /^(Standard|Basic)_[A-Z]+[0-9]+(-[0-9]+)?[a-z]*(_[A-Za-z0-9]+)*$/;
/** One part of an image URN (`publisher:offer:sku:version`). */
const IMAGE_PART = "[A-Za-z0-9][A-Za-z0-9._-]*";
const RG_NAME_RE = /^[-\w.()]{1,89}[-\w()]$/;
const DES_ID_RE =
    /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w.()]+\/providers\/Microsoft\.Compute\/diskEncryptionSets\/[-\w]+$/;

/**
 * The feature letters of a VM size (`ds` in `Standard_D4ds_v5`): `s` premium storage, `p` Arm, `a` AMD.
 * @param size - a VM size
 */
export function sizeFeatures(size: string): string {
    return /^[A-Za-z]+_[A-Z]+[0-9]+(?:-[0-9]+)?([a-z]*)/.exec(size)?.[1] ?? "";
}

/** True for Ampere Altra (arm64) sizes, e.g. `Standard_D4ps_v5`. */
export function isArmSize(size: string): boolean {
    return sizeFeatures(size).includes("p");
}

/** True when the size can take Premium SSDs (its features include `s`). */
export function supportsPremium(size: string): boolean {
    return sizeFeatures(size).includes("s");
}

/**
 * Reads an image URN with the kit's image reader: a pinned version is a fixed image, `latest` is looked
 * up by Azure when the VM is created.
 */
function parseImage(value: unknown, path: string, issues: IssueList, fallback: ImageRef, fallbackName: string): ImageRef {
    const source = readImage(
        value,
        path,
        {
            idPattern: new RegExp(`^${IMAGE_PART}:${IMAGE_PART}:${IMAGE_PART}:(?!latest$)${IMAGE_PART}$`),
            lookupPattern: new RegExp(`^${IMAGE_PART}:${IMAGE_PART}:${IMAGE_PART}:latest$`),
            fallback: { kind: "lookup", reference: urn(fallback) },
            fallbackName,
            examples: { id: "publisher:offer:sku:version", lookup: urn(fallback) },
        },
        issues,
    );
    const [publisher, offer, sku, version] = (source.kind === "id" ? source.id : source.reference).split(":");
    return { publisher, offer, sku, version };
}

/** `publisher:offer:sku:version`. */
export function urn(image: ImageRef): string {
    return `${image.publisher}:${image.offer}:${image.sku}:${image.version}`;
}

function parseLocation(raw: Record<string, unknown>, issues: IssueList): { location?: string; offered: readonly string[] } {
    const location = readString(raw.location, "azure.location", issues);
    // `allowUnlistedRegion` is the escape hatch's name on every cloud; `unlistedLocation`, Azure's first
    // spelling, keeps working for the stacks that have it.
    const allow = readBoolean(raw[ALLOW_UNLISTED_REGION_KEY], `azure.${ALLOW_UNLISTED_REGION_KEY}`, issues);
    const older = readBoolean(raw.unlistedLocation, "azure.unlistedLocation", issues);
    if (allow !== undefined && older !== undefined && allow !== older) {
        issues.add(
            "azure.unlistedLocation",
            `says ${older} but kubeforge:azure.${ALLOW_UNLISTED_REGION_KEY} says ${allow}; keep only allowUnlistedRegion`,
        );
    }
    const unlisted = allow ?? older ?? false;
    if (location === undefined) {
        if (raw.location === undefined || raw.location === null)
            issues.add("azure.location", "is required; set the Azure region the cluster lives in, such as `eastus2`");
        return { offered: [] };
    }
    if (!/^[a-z][a-z0-9]+$/.test(location)) {
        issues.add(
            "azure.location",
            `"${location}" is not an Azure location name; use the short form such as \`eastus2\` (no spaces, lower case)`,
        );
        return { offered: [] };
    }
    // Own keys only: `constructor` is not a location.
    const known = Object.hasOwn(AZURE_LOCATIONS, location) ? AZURE_LOCATIONS[location] : undefined;
    if (known === undefined && !unlisted) {
        const guess = closestMatch(location, Object.keys(AZURE_LOCATIONS));
        issues.add(
            "azure.location",
            `"${location}" is not a location kubeforge knows${guess ? `; did you mean "${guess}"?` : ""} ` +
                `If it is a new Azure region, set kubeforge:azure.${ALLOW_UNLISTED_REGION_KEY}: true and list its zones in kubeforge:azure.zones`,
        );
        return { offered: [] };
    }
    return { location, offered: known ?? ["1", "2", "3"] };
}

function parseZones(
    raw: Record<string, unknown>,
    location: string | undefined,
    offered: readonly string[],
    spec: ClusterSpec,
    issues: IssueList,
): string[] {
    const listed = readStringArray(raw.zones, "azure.zones", issues);
    const zones: string[] = [];
    if (listed === undefined) zones.push(...offered);
    listed?.forEach((zone, i) => {
        const path = `azure.zones[${i}]`;
        if (!["1", "2", "3"].includes(zone)) issues.add(path, `"${zone}" is not an Azure zone; zones are "1", "2" and "3" (quoted)`);
        else if (location && !offered.includes(zone))
            issues.add(
                path,
                `${location} offers ${offered.length ? `zones ${offered.join(", ")}` : "no availability zones"}; remove "${zone}"`,
            );
        else if (zones.includes(zone)) issues.add(path, `zone "${zone}" is listed twice; list each zone once`);
        else zones.push(zone);
    });
    const spread = spec.controlPlane.spread ?? "required";
    if (location && zones.length === 0 && spread === "required" && spec.controlPlane.count > 1) {
        issues.add(
            "azure.zones",
            `${offered.length ? "is empty" : `${location} has no availability zones`}, so ${spec.controlPlane.count} masters cannot spread over zones; ` +
                "use a zonal location such as eastus2, or set kubeforge:controlPlane.spread: preferred to place them in an availability set (2 fault domains)",
        );
    }
    return zones;
}

function parseResourceGroup(value: unknown, spec: ClusterSpec, issues: IssueList): ResourceGroupConfig | undefined {
    if (value === undefined || value === null) return { kind: "new", name: `${spec.name}-rg` };
    if (typeof value === "string") {
        if (!RG_NAME_RE.test(value)) {
            issues.add(
                "azure.resourceGroup",
                `"${value}" is not a resource group name; use letters, digits, - _ . ( ), at most 90 characters, not ending in .`,
            );
            return undefined;
        }
        return { kind: "new", name: value };
    }
    if (isRecord(value)) {
        checkKnownKeys(value, ["existing"], "azure.resourceGroup", issues);
        const name = readString(value.existing, "azure.resourceGroup.existing", issues);
        if (name !== undefined && RG_NAME_RE.test(name)) return { kind: "existing", name };
        issues.add("azure.resourceGroup.existing", "must name an existing resource group, e.g. `{ existing: platform-rg }`");
        return undefined;
    }
    issues.add("azure.resourceGroup", "must be a name to create (`demo-k8s`) or `{ existing: <name> }`; omit it for `<cluster>-rg`");
    return undefined;
}

/**
 * Validates and defaults the `kubeforge:azure` block. Every problem is returned at once, each with a
 * `kubeforge:azure.<path>` field.
 * @param raw - the block as read from the stack config
 * @param spec - the cluster (node CIDR, masters, name)
 */
export function parseAzureConfig(raw: unknown, spec: ClusterSpec): { config?: AzureConfig; issues: ConfigIssue[] } {
    const issues = new IssueList();
    if (!isRecord(raw)) {
        issues.add("azure", "is missing or not a map; add `kubeforge:azure:` with at least `location` (e.g. eastus2)");
        return { issues: issues.items };
    }
    checkKnownKeys(raw, KNOWN_KEYS, "azure", issues);
    const { location, offered } = parseLocation(raw, issues);
    const zones = parseZones(raw, location, offered, spec, issues);
    const resourceGroup = parseResourceGroup(raw.resourceGroup, spec, issues);
    const network = parseNetwork(raw.network, spec, issues);
    const vmSizes = readMachineTypes(
        raw.vmSizes,
        "azure.vmSizes",
        {
            defaults: { controlPlane: DEFAULT_VM_SIZE, worker: DEFAULT_VM_SIZE },
            pattern: VM_SIZE_RE,
            example: DEFAULT_VM_SIZE,
            what: "an Azure VM size",
        },
        issues,
    );
    const osDiskType = readChoice(raw.osDiskType, "azure.osDiskType", issues, OS_DISK_TYPES) ?? "Premium_LRS";
    if (osDiskType.startsWith("Premium")) {
        for (const role of ["controlPlane", "worker"] as const) {
            if (!supportsPremium(vmSizes[role]))
                issues.add(
                    `azure.vmSizes.${role}`,
                    `${vmSizes[role]} cannot take ${osDiskType} disks (no \`s\` in its features); use an \`s\` size such as Standard_D4s_v5, or set azure.osDiskType: StandardSSD_LRS`,
                );
        }
    }
    const image = parseImage(raw.image, "azure.image", issues, UBUNTU_2404, "Ubuntu 24.04 LTS");
    const windowsImage = parseImage(raw.windowsImage, "azure.windowsImage", issues, WINDOWS_SERVER_2022, "Windows Server 2022");
    const diskEncryptionSetId = readResourceId(
        raw.diskEncryptionSetId,
        "azure.diskEncryptionSetId",
        {
            pattern: DES_ID_RE,
            what: "disk encryption set id",
            example: "/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Compute/diskEncryptionSets/<name>",
            whenAbsent: "use platform-managed keys",
        },
        issues,
    );
    const encryptionAtHost = readBoolean(raw.encryptionAtHost, "azure.encryptionAtHost", issues) ?? false;
    const replaceNodes = readNodeList(raw.replaceNodes, "azure.replaceNodes", issues);

    if (issues.items.length > 0 || !location || !resourceGroup || !network) return { issues: issues.items };
    return {
        issues: [],
        config: {
            location,
            zones,
            resourceGroup,
            network,
            vmSizes,
            osDiskType,
            image,
            defaultImage: raw.image === undefined || raw.image === null,
            windowsImage,
            diskEncryptionSetId,
            encryptionAtHost,
            replaceNodes,
        },
    };
}

/** The one failure domain of a cluster without zones: its availability set. */
export const AVAILABILITY_SET_DOMAIN = "availability-set";

/**
 * The failure domains a config offers: its zones, or the availability set.
 * @param config - the azure config
 */
export function azureFailureDomains(config: AzureConfig): string[] {
    return config.zones.length > 0 ? [...config.zones] : [AVAILABILITY_SET_DOMAIN];
}

/**
 * The VM size of a node: its own `machineType`, else the role default.
 * @param config - the azure config
 * @param role - the node's role
 * @param machineType - the node's `machineType`, if any
 */
export function vmSizeFor(config: AzureConfig, role: "control-plane" | "worker", machineType?: string): string {
    return machineTypeFor({ role, machineType }, config.vmSizes);
}

/**
 * The image of a node: `windowsImage` for Windows, else `image` (its arm64 twin for `p` sizes when it is the default).
 * @param config - the azure config
 * @param size - the node's VM size
 * @param os - the node's OS
 */
export function imageFor(config: AzureConfig, size: string, os: "linux" | "windows"): ImageRef {
    if (os === "windows") return config.windowsImage;
    return config.defaultImage && isArmSize(size) ? UBUNTU_2404_ARM64 : config.image;
}
