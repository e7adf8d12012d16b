/**
 * Config readers every cloud needs, on top of core/fields.ts: zones (failure domains), machine types
 * per role, an image by id or by lookup, node-name lists (`replaceNodes`), ids of existing network
 * resources. Each records issues at a path under the `kubeforge` namespace (e.g. `gcp.zones[1]`) with
 * the fix in the message. Pure.
 */
import { readArray, readBoolean, readObject, readString, type IssueList } from "../core/fields";
import type { NodePlan } from "../core/types";
import { ALLOW_UNLISTED_REGION_KEY, checkKnownRegion, checkKnownZone, type KnownRegions } from "./regions";

const NODE_NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Options of {@link readRegion}. */
export interface RegionReaderOptions {
    /** Platform name (`kubeforge:<platform>` block). */
    platform: string;
    /** Regions and zones the platform knows (data in the platform folder). */
    known: KnownRegions;
    /** An example region for messages, e.g. `europe-west4`. */
    example: string;
    /**
     * A platform's own check of a name, run before the known-list check (a region's shape, a closed
     * region): the message to record (what is wrong; the fix), or undefined when the name passes.
     */
    refuse?: (name: string) => string | undefined;
}

/**
 * Reads `kubeforge:<platform>.allowUnlistedRegion` (default false).
 *
 * @param block - the platform's block
 * @param platform - the platform name
 * @param issues - where to record
 */
export function readAllowUnlisted(block: Record<string, unknown>, platform: string, issues: IssueList): boolean {
    return readBoolean(block[ALLOW_UNLISTED_REGION_KEY], `${platform}.${ALLOW_UNLISTED_REGION_KEY}`, issues) ?? false;
}

/**
 * Reads a required region and checks it against the known list (escape hatch:
 * `kubeforge:<platform>.allowUnlistedRegion: true`).
 *
 * @param value - the raw value
 * @param path - config path, e.g. `gcp.region`
 * @param allowUnlisted - the escape hatch's value ({@link readAllowUnlisted})
 * @param options - platform, known regions, example
 * @param issues - where to record
 */
export function readRegion(
    value: unknown,
    path: string,
    allowUnlisted: boolean,
    options: RegionReaderOptions,
    issues: IssueList,
): string | undefined {
    if (value === undefined || value === null) {
        issues.add(path, `is required; set the region the cluster lives in, e.g. \`${options.example}\``);
        return undefined;
    }
    const region = readString(value, path, issues)?.trim();
    if (region === undefined) return undefined;
    if (region === "") {
        issues.add(path, `is empty; set the region the cluster lives in, e.g. \`${options.example}\``);
        return undefined;
    }
    const refused = options.refuse?.(region);
    if (refused !== undefined) {
        issues.add(path, refused);
        return undefined;
    }
    return checkKnownRegion(region, path, { platform: options.platform, known: options.known, allowUnlisted }, issues) ? region : undefined;
}

/** Options of {@link readZones} (`refuse` checks each zone). */
export interface ZoneReaderOptions extends RegionReaderOptions {
    /** The validated region (zones are checked against its known zones); undefined skips the check. */
    region: string | undefined;
    /** Whether the list may be absent (then every known zone of the region, in listed order). */
    defaultToKnown: boolean;
}

/**
 * Reads a list of zones (the platform's failure domains): non-empty, unique, each a known zone of the
 * region unless unlisted regions are allowed.
 *
 * @param value - the raw list
 * @param path - config path, e.g. `gcp.zones`
 * @param allowUnlisted - the escape hatch's value
 * @param options - region, known zones, whether an absent list means every known zone
 * @param issues - where to record
 */
export function readZones(value: unknown, path: string, allowUnlisted: boolean, options: ZoneReaderOptions, issues: IssueList): string[] {
    const knownZones = options.region === undefined ? undefined : options.known[options.region];
    if (value === undefined || value === null) {
        if (options.defaultToKnown && knownZones && knownZones.length > 0) return [...knownZones];
        // The example region's own zones when the region is not known yet (GCP's europe-west1 has no zone -a).
        const exampleZones = knownZones ?? options.known[options.example];
        const example = exampleZones?.slice(0, 3).join(", ") ?? `${options.example}-a, ${options.example}-b, ${options.example}-c`;
        issues.add(path, `is required; list the zones to spread nodes over, e.g. [${example}] (three spread the masters)`);
        return [];
    }
    const list = readArray(value, path, issues);
    if (list === undefined) return [];
    if (list.length === 0) issues.add(path, "is an empty list; list at least one zone (three spread the masters)");
    const zones: string[] = [];
    list.forEach((item, i) => {
        const itemPath = `${path}[${i}]`;
        const zone = readString(item, itemPath, issues)?.trim();
        if (zone === undefined) return;
        const refused = zone === "" ? undefined : options.refuse?.(zone);
        if (zone === "") issues.add(itemPath, "is empty; write a zone name");
        else if (refused !== undefined) issues.add(itemPath, refused);
        else if (zones.includes(zone)) issues.add(itemPath, `\`${zone}\` is listed twice; list each zone once`);
        else if (
            options.region === undefined ||
            checkKnownZone(zone, options.region, itemPath, { platform: options.platform, known: options.known, allowUnlisted }, issues)
        )
            zones.push(zone);
    });
    return zones;
}

/** Default machine types by role. */
export interface MachineTypes {
    /** Masters' type unless `controlPlane.machineType` says otherwise. */
    controlPlane: string;
    /** Workers' type unless the pool's `machineType` says otherwise. */
    worker: string;
}

/** Options of {@link readMachineTypes}. */
export interface MachineTypeReaderOptions {
    /** Defaults when the block or a role is absent. */
    defaults: MachineTypes;
    /** What a valid type looks like (checked on the block and on every pool's `machineType`). */
    pattern: RegExp;
    /** An example for messages, e.g. `Standard_D4s_v5`. */
    example: string;
    /** What a type is called on the platform, for messages: `an Azure VM size` (default `a machine type here`). */
    what?: string;
}

/**
 * Reads a `{ controlPlane, worker }` block of default machine types (e.g. `kubeforge:aws.instanceTypes`).
 *
 * @param value - the raw block
 * @param path - config path, e.g. `azure.vmSizes`
 * @param options - defaults, pattern, example
 * @param issues - where to record
 */
export function readMachineTypes(value: unknown, path: string, options: MachineTypeReaderOptions, issues: IssueList): MachineTypes {
    const types = { ...options.defaults };
    const block = readObject(value, path, issues);
    if (!block) return types;
    for (const [key, raw] of Object.entries(block)) {
        if (key !== "controlPlane" && key !== "worker") {
            issues.add(`${path}.${key}`, "is not a role; use `controlPlane` or `worker`");
            continue;
        }
        const text = readString(raw, `${path}.${key}`, issues);
        if (text === undefined) continue;
        if (!options.pattern.test(text))
            issues.add(
                `${path}.${key}`,
                `\`${text}\` is not ${options.what ?? "a machine type here"}; use one such as \`${options.example}\``,
            );
        else types[key] = text;
    }
    return types;
}

/**
 * The machine type of a node: its own (`controlPlane.machineType` or the pool's `machineType`), else
 * the role default.
 *
 * @param node - the node
 * @param defaults - the platform's defaults by role
 */
export function machineTypeFor(node: Pick<NodePlan, "role" | "machineType">, defaults: MachineTypes): string {
    return node.machineType ?? (node.role === "control-plane" ? defaults.controlPlane : defaults.worker);
}

/** Where a machine image comes from: a fixed id, or a lookup (SSM parameter, image family, slug) resolved at create time. */
export type ImageSource = { kind: "id"; id: string } | { kind: "lookup"; reference: string };

/** Options of {@link readImage}. */
export interface ImageReaderOptions {
    /** What a fixed image id looks like (`ami-...`, a GCP self link, a DigitalOcean numeric id). */
    idPattern: RegExp;
    /** What a lookup reference looks like (an SSM path, `projects/<p>/global/images/family/<f>`, a slug). */
    lookupPattern: RegExp;
    /** Used when the value is absent. */
    fallback: ImageSource;
    /** Says what the fallback is, for messages: `Ubuntu 24.04 LTS`. */
    fallbackName: string;
    /** Examples of both forms, for messages. */
    examples: { id: string; lookup: string };
}

/**
 * Reads an image: an id, or a reference looked up when resources are created.
 *
 * @param value - the raw value
 * @param path - config path, e.g. `aws.ami`
 * @param options - accepted forms and fallback
 * @param issues - where to record
 */
export function readImage(value: unknown, path: string, options: ImageReaderOptions, issues: IssueList): ImageSource {
    if (value === undefined || value === null) return options.fallback;
    const text = readString(value, path, issues)?.trim();
    if (text === undefined) return options.fallback;
    if (options.idPattern.test(text)) return { kind: "id", id: text };
    if (options.lookupPattern.test(text)) return { kind: "lookup", reference: text };
    issues.add(
        path,
        `must be an image id (\`${options.examples.id}\`) or a reference such as \`${options.examples.lookup}\`; omit it for ${options.fallbackName}`,
    );
    return options.fallback;
}

/**
 * Reads a list of node names (`replaceNodes`-style: machines to rebuild on the next `pulumi up`),
 * deduplicated. Whether each names a planned node is checked later (`checkNodeList`), once nodes are placed.
 *
 * @param value - the raw list
 * @param path - config path, e.g. `aws.replaceNodes`
 * @param issues - where to record
 */
export function readNodeList(value: unknown, path: string, issues: IssueList): string[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
        issues.add(path, "is not a list; list node names such as `[demo-cp-0]`, one or a few at a time");
        return [];
    }
    const names: string[] = [];
    value.forEach((n: unknown, i: number) => {
        if (typeof n !== "string" || !NODE_NAME_RE.test(n)) {
            issues.add(`${path}[${i}]`, "is not a node name; use a name from the plan such as `demo-general-0`");
        } else if (!names.includes(n)) names.push(n);
    });
    return names;
}

/**
 * Checks every listed node name is a planned node.
 *
 * @param names - the list read by {@link readNodeList}
 * @param nodes - the placed nodes
 * @param path - config path of the list
 * @param issues - where to record
 */
export function checkNodeList(names: readonly string[], nodes: readonly Pick<NodePlan, "name">[], path: string, issues: IssueList): void {
    const planned = new Set(nodes.map((n) => n.name));
    const example = nodes.length > 0 ? ` such as \`${nodes[0].name}\`` : "";
    names.forEach((n, i) => {
        if (!planned.has(n))
            issues.add(`${path}[${i}]`, `\`${n}\` is not a node of this cluster; use a name from the plan${example}, or remove it`);
    });
}

/** How a machine reacts to a new image or bootstrap rendering (see {@link replaceNodesPolicy}). */
export interface MachineChangePolicy {
    /** Machine inputs kept at their value from creation. */
    ignoreChanges: string[];
    /** Machine inputs whose change rebuilds the machine. */
    replaceOnChanges: string[];
}

/**
 * What a `replaceNodes` list means for one machine. User data and image are read only when a machine
 * is created, so a new rendering (a rotated token, a new script) or a new image must not touch running
 * machines all at once: the inputs carrying them are ignored, except on the listed nodes, which are
 * rebuilt (drained first by the core) when either changed.
 *
 * @param replaceNodes - the list read by {@link readNodeList}
 * @param nodeName - the NodePlan name
 * @param rolled - the provider's inputs that carry the bootstrap and the image (`userData`, `image`)
 */
export function replaceNodesPolicy(replaceNodes: readonly string[], nodeName: string, rolled: readonly string[]): MachineChangePolicy {
    return replaceNodes.includes(nodeName)
        ? { ignoreChanges: [], replaceOnChanges: [...rolled] }
        : { ignoreChanges: [...rolled], replaceOnChanges: [] };
}

/** Options of {@link readResourceId}. */
export interface ResourceIdOptions {
    /** What a valid id looks like. */
    pattern: RegExp;
    /** What it is, for messages: `VPC id`, `subnet resource id`. */
    what: string;
    /** An example, e.g. `vpc-0123456789abcdef0`. */
    example: string;
    /** What omitting it means, for messages (default `let kubeforge create one`; a key id: `use platform-managed keys`). */
    whenAbsent?: string;
}

/**
 * Reads the optional id of an existing resource (a VPC, VNet, subnet, network) the cluster joins.
 *
 * @param value - the raw value
 * @param path - config path, e.g. `azure.existingVnetId`
 * @param options - pattern and wording
 * @param issues - where to record
 */
export function readResourceId(value: unknown, path: string, options: ResourceIdOptions, issues: IssueList): string | undefined {
    if (value === undefined || value === null) return undefined;
    const text = readString(value, path, issues)?.trim();
    if (text === undefined) return undefined;
    if (!options.pattern.test(text)) {
        issues.add(
            path,
            `is not a ${options.what}; give one such as \`${options.example}\`, or omit it to ${options.whenAbsent ?? "let kubeforge create one"}`,
        );
        return undefined;
    }
    return text;
}
