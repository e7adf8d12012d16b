/**
 * The comparison's per-platform knowledge, as data: `components/platforms/<name>/compare.yaml` holds a
 * price table (every row with its source and retrieval date), the mapping from plan resources to what
 * they cost, a latency table (every row with its source) and what the platform gives or refuses.
 * Adding a platform adds that file; nothing in the comparison's code names a platform.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { parse } from "yaml";
import { COMPARE_DATA_SCHEMA, type PHASES } from "./schema";

/** Kinds of cost the comparison breaks a bill into. */
export type CostKind = "machine" | "loadBalancer" | "nat" | "publicAddress" | "disk";

/** One machine type's price in one region. */
export interface MachinePrice {
    /** Provider region (`us-east-1`, `eastus2`, `europe-west1`, `fra1`). */
    region: string;
    /** Machine type in the provider's words. */
    type: string;
    /** `linux` (default) or `windows` (licence included). */
    os?: "linux" | "windows";
    /** Virtual CPUs. */
    vcpu: number;
    /** Memory, GiB. */
    memoryGiB: number;
    /** List price on demand, per hour. */
    onDemandHourly: number;
    /** A typical spot / preemptible price per hour, when known: always an estimate. */
    spotHourly?: number;
    /** Cap on billed hours a month for this row (DigitalOcean: 672). */
    billableHoursCap?: number;
    /** Where the price comes from. */
    source: string;
    /** When it was read (YYYY-MM-DD). */
    retrieved: string;
    /** What the row does or does not include. */
    note?: string;
}

/** The price of one non-machine thing (load balancer, NAT gateway, public address, disk). */
export interface UnitPrice {
    kind: Exclude<CostKind, "machine">;
    region: string;
    /** Variant (`network` load balancer, `gp3` disk); any variant when absent. */
    sku?: string;
    /** Per hour, for things billed by time. */
    hourly?: number;
    /** Per month, for things billed monthly (DigitalOcean load balancers). */
    monthly?: number;
    /** Per GB-month, for disks. */
    perGbMonth?: number;
    /** Disks billed by tier (Azure managed disks): the smallest tier holding the size applies. */
    tiers?: { maxGb: number; monthly: number }[];
    /** `machine`: the hourly price is per machine of the plan (GCP Cloud NAT), up to `maxHourly`. */
    per?: "machine";
    maxHourly?: number;
    note?: string;
    source: string;
    retrieved: string;
}

/** The managed Kubernetes offer's control-plane fee, for reference only. */
export interface ManagedFee {
    name: string;
    hourly?: number;
    monthly?: number;
    note?: string;
    source: string;
    retrieved: string;
}

/** A value read from a resource's inputs at a dotted path (`rootBlockDevice.volumeSize`). */
export type InputPath = string;

/** How one resource type of a plan turns into cost items. */
export interface ResourceCost {
    /** Exact type token. */
    type: string;
    kind: CostKind;
    /** Machines: the input holding the machine type. */
    machineType?: InputPath;
    /** Machines: what to call the machine when no input names a type (`host` on bare metal). */
    defaultMachineType?: string;
    /** Machines: spot when the input at `path` equals `equals`. */
    spot?: { path: InputPath; equals: string | boolean };
    /**
     * Machines: a public IPv4 address of their own when the input at `path` equals `equals` (AWS bills
     * every public IPv4 address, an instance's automatic one as much as an Elastic IP).
     */
    publicAddress?: { path: InputPath; equals: string | boolean };
    /** Machines: disks that come with the machine. */
    disks?: { sizeGb?: InputPath; sku?: InputPath; defaultSku?: string; defaultSizeGb?: number }[];
    /** Other kinds: the input holding the variant, and a default. */
    sku?: InputPath;
    defaultSku?: string;
    /** Disks: the input holding the size. */
    sizeGb?: InputPath;
}

/**
 * Where a bring-up phase sits (the bench's phases): {@link PHASES}. `dns` is the nodes' private name
 * service: their bootstrap waits for it before it looks up the API name (the model adds that
 * dependency: physical.ts).
 */
export type Phase = (typeof PHASES)[number];

/** One latency row as written in the data. */
export interface LatencyData {
    type?: string;
    /** A regular expression over the type token, instead of `type`. */
    typePattern?: string;
    /** A regular expression the resource name must match. */
    name?: string;
    seconds: number;
    phase: Phase;
    source: string;
}

/** Something a platform gives or refuses. */
export interface Capability {
    gives: boolean;
    detail: string;
}

/** What the platform offers a cluster, beyond cost and time. */
export interface Fit {
    /** What a failure domain is there (what spreading masters protects against). */
    failureDomains: string;
    cloudController: Capability;
    csi: Capability;
    loadBalancerServices: Capability;
    windows: Capability;
    spot: Capability;
    privateNodes: Capability;
}

/** A platform's comparison data file. */
export interface PlatformData {
    platform: string;
    currency: string;
    /** Hours in a month the prices are multiplied by (730: 8760 / 12). */
    hoursPerMonth: number;
    /** Path in the platform's config block holding the region; absent: the platform has no regions. */
    regionFrom?: string;
    /** A note shown with the cost (bare metal: the hardware is yours). */
    costNote?: string;
    machines: MachinePrice[];
    prices: UnitPrice[];
    managedControlPlane?: ManagedFee;
    resources: ResourceCost[];
    latency: LatencyData[];
    fit: Fit;
}

/** Where the platform folders are. */
export const PLATFORMS_ROOT = path.resolve(__dirname, "..", "..", "components", "platforms");

/** The data file of a platform. */
export function dataFile(platform: string, root: string = PLATFORMS_ROOT): string {
    return path.join(root, platform, "compare.yaml");
}

const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile<PlatformData>(
    COMPARE_DATA_SCHEMA,
);

/**
 * Parses and checks a data file's text. Throws naming the file and every offending row.
 *
 * @param file - the file's path, for messages
 * @param text - its YAML
 */
export function parsePlatformData(file: string, text: string): PlatformData {
    const doc = parse(text) as unknown;
    if (!validate(doc)) {
        const problems = (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
        throw new Error(`${file}: not a valid comparison data file:\n  ${problems.join("\n  ")}`);
    }
    const bad: string[] = [];
    doc.latency.forEach((row, i) => {
        if ((row.type === undefined) === (row.typePattern === undefined)) bad.push(`/latency/${i} needs exactly one of type, typePattern`);
        for (const pattern of [row.typePattern, row.name]) {
            if (pattern === undefined) continue;
            try {
                new RegExp(pattern);
            } catch {
                bad.push(`/latency/${i} has an invalid regular expression ${JSON.stringify(pattern)}`);
            }
        }
    });
    if (bad.length > 0) throw new Error(`${file}: ${bad.join("; ")}`);
    return doc;
}

const cache = new Map<string, PlatformData | undefined>();

/**
 * A platform's comparison data, or undefined when its folder has no `compare.yaml`.
 *
 * @param platform - the platform's folder name
 * @param root - where the platform folders are
 */
export function loadPlatformData(platform: string, root: string = PLATFORMS_ROOT): PlatformData | undefined {
    const file = dataFile(platform, root);
    if (!cache.has(file)) {
        cache.set(file, fs.existsSync(file) ? parsePlatformData(file, fs.readFileSync(file, "utf8")) : undefined);
    }
    return cache.get(file);
}

/** Platforms whose folder carries comparison data (whether or not the platform itself exists yet). */
export function platformsWithData(root: string = PLATFORMS_ROOT): string[] {
    if (!fs.existsSync(root)) return [];
    return fs
        .readdirSync(root, { withFileTypes: true })
        .filter((e) => e.isDirectory() && fs.existsSync(dataFile(e.name, root)))
        .map((e) => e.name)
        .sort();
}

/** The value at a dotted path of an object (`a.b.c`), or undefined. */
export function valueAt(value: unknown, dotted: string): unknown {
    let cur: unknown = value;
    for (const part of dotted.split(".")) {
        if (typeof cur !== "object" || cur === null) return undefined;
        cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
}
