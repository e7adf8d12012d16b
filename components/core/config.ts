/**
 * Parses and validates the `kubeforge:*` stack config into a {@link ClusterSpec}, every default filled
 * in and every problem reported at once. Pure: no Pulumi import, no I/O.
 */
import {
    childPath,
    fieldName,
    IssueList,
    isRecord,
    readArray,
    readBoolean,
    readChoice,
    readInteger,
    readObject,
    readString,
    readStringArray,
    checkKnownKeys,
    countOf,
    structuredTextMessage,
    yamlScalarHint,
} from "./fields";
import { cidrsOverlap, cidrSize, formatCidr, hostBitsSet, parseCidr, type Cidr } from "./cidr";
import { dnsLabelError, labelValueError, nodeLabelKeyError, splitTaintString, taintEffectError, taintKeyError } from "./k8s-names";
import { DEFAULT_BOOTSTRAP_TOKEN_HOURS, MAX_BOOTSTRAP_TOKEN_HOURS, MIN_BOOTSTRAP_TOKEN_HOURS } from "./token-window";
import { DEFAULT_KUBERNETES_VERSION, kubeletSkewError, resolveKubernetesVersion, type KubernetesVersion } from "./versions";
import type {
    AccessSpec,
    ClusterSpec,
    CniName,
    ConfigIssue,
    ControlPlaneSpec,
    NetworkSpec,
    OsFamily,
    SpreadPolicy,
    Taint,
    TaintEffect,
    WorkerPoolSpec,
} from "./types";

/** The raw config: keys of the `kubeforge` namespace, objects and arrays already JSON-parsed. */
export type RawConfig = Record<string, unknown>;

/** JSON type of each top-level key, as `Pulumi.yaml` declares it. */
export const CONFIG_KEY_TYPES = {
    name: "string",
    platform: "string",
    kubernetesVersion: "string",
    controlPlane: "object",
    workerPools: "array",
    failureDomains: "array",
    network: "object",
    cni: "string",
    access: "object",
    secretsEncryption: "boolean",
    tags: "object",
    lifecycle: "object",
} as const satisfies Record<string, "string" | "boolean" | "object" | "array">;

/** Every top-level key the core reads (platform blocks, `kubeforge:<platform>`, come on top). */
export const CONFIG_KEYS = Object.keys(CONFIG_KEY_TYPES) as (keyof typeof CONFIG_KEY_TYPES)[];

/** Defaults applied when a key is absent. */
export const DEFAULTS = {
    kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
    controlPlane: { count: 3, diskSizeGb: 50, spread: "required" as SpreadPolicy },
    worker: { os: "linux" as OsFamily, spot: false, diskSizeGb: 50 },
    network: { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", nodeCidr: "10.0.0.0/16" },
    cni: "cilium" as CniName,
    secretsEncryption: true,
    lifecycle: { drainOnDelete: true, drainTimeoutSeconds: 600, bootstrapTokenHours: DEFAULT_BOOTSTRAP_TOKEN_HOURS },
} as const;

/** Smallest root disk, GiB (kubelet image GC starts fighting below this with a few images). */
export const MIN_DISK_GB = 20;
/** Smallest Windows root disk, GiB (Windows Server's own minimum is 32). */
export const MIN_WINDOWS_DISK_GB = 32;
/** Longest cluster name: it prefixes every resource and node name. */
export const MAX_CLUSTER_NAME = 32;
/** Master counts etcd keeps quorum with (and more than 7 only slows writes). */
export const CONTROL_PLANE_COUNTS: readonly number[] = [1, 3, 5, 7];
/** Pool names that would collide with the masters' names or pool. */
export const RESERVED_POOL_NAMES: readonly string[] = ["control-plane", "cp"];
/** Node names are host names: one DNS label. */
const MAX_NODE_NAME = 63;
/** Per-node pod range the controller manager carves out (kubeadm defaults: /24 IPv4, /64 IPv6). */
const NODE_POD_MASK: Record<4 | 6, number> = { 4: 24, 6: 64 };
/** Largest service range the API server allocates from: 20 host bits (a /12 in IPv4, a /108 in IPv6). */
const MAX_SERVICE_HOST_BITS = 20;

const CONTROL_PLANE_KEYS = ["count", "machineType", "diskSizeGb", "spread", "os"];
const POOL_KEYS = ["name", "count", "machineType", "labels", "taints", "os", "spot", "diskSizeGb", "failureDomains", "kubernetesVersion"];
const NETWORK_KEYS = ["podCidr", "serviceCidr", "nodeCidr"];
const ACCESS_KEYS = ["apiAllowedCidrs", "sshAllowedCidrs", "sshPublicKeys"];
const TAINT_KEYS = ["key", "value", "effect"];
const LIFECYCLE_KEYS = ["drainOnDelete", "drainTimeoutSeconds", "bootstrapTokenHours"];
/** Shortest drain timeout: evictions with a pod's default 30 s grace period need at least this. */
const MIN_DRAIN_TIMEOUT_SECONDS = 60;
const SSH_KEY =
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,2}( .*)?$/;

/** Options of {@link parseClusterConfig}. */
export interface ParseOptions {
    /**
     * Names of every platform folder. A top-level key equal to one of them is that platform's block,
     * not a typo; `kubeforge:platform` must be one of them. When absent, only the chosen platform's
     * block is recognised and the platform name is not checked (the registry checks it).
     */
    platformNames?: readonly string[];
}

/** Result of {@link parseClusterConfig}. */
export interface ParseResult {
    /** The validated spec; undefined when there were issues. */
    spec?: ClusterSpec;
    /** Every problem found. */
    issues: ConfigIssue[];
}

/**
 * Validates the raw config and fills in defaults.
 *
 * @param raw - keys of the `kubeforge` namespace with objects and arrays JSON-parsed (see {@link readRawConfig})
 * @param options - platform names, to tell platform blocks from typos
 * @returns the spec when valid, and every issue found
 */
export function parseClusterConfig(raw: RawConfig, options: ParseOptions = {}): ParseResult {
    const { draft, issues } = draftClusterSpec(raw, options);
    return issues.length === 0 ? { spec: draft, issues } : { issues };
}

/**
 * Like {@link parseClusterConfig}, but always returns a complete spec: invalid or missing values are
 * replaced by defaults (or placeholders for required ones). Only for collecting a platform's issues
 * alongside the core's in one report; never build anything from a draft that has issues.
 *
 * @param raw - as for {@link parseClusterConfig}
 * @param options - as for {@link parseClusterConfig}
 */
export function draftClusterSpec(raw: RawConfig, options: ParseOptions = {}): { draft: ClusterSpec; issues: ConfigIssue[] } {
    const issues = new IssueList();

    const name = parseName(raw.name, issues);
    const platform = parsePlatform(raw.platform, issues, options.platformNames);
    const version = parseVersion(raw.kubernetesVersion, "kubernetesVersion", issues) ?? resolveDefaultVersion();
    const controlPlane = parseControlPlane(raw.controlPlane, issues);
    const cni = readChoice<CniName>(raw.cni, "cni", issues, ["cilium", "calico", "none"]) ?? DEFAULTS.cni;
    const failureDomains = parseFailureDomains(raw.failureDomains, issues);
    const workerPools = parseWorkerPools(raw.workerPools, issues, { clusterName: name, version, cni, failureDomains });
    const network = parseNetwork(raw.network, issues, controlPlane.count + workerPools.reduce((sum, p) => sum + p.count, 0));
    const access = parseAccess(raw.access, issues);
    const secretsEncryption = readBoolean(raw.secretsEncryption, "secretsEncryption", issues) ?? DEFAULTS.secretsEncryption;
    const tags = parseTags(raw.tags, issues);
    const lifecycle = parseLifecycle(raw.lifecycle, issues);

    const platformBlocks = new Set([...(options.platformNames ?? []), ...(platform ? [platform] : [])]);
    checkKnownKeys(raw, [...CONFIG_KEYS, ...platformBlocks], "", issues);

    const draft: ClusterSpec = {
        name: name ?? "cluster",
        kubernetesVersion: version.version,
        kubernetesMinor: version.minor,
        controlPlane,
        workerPools,
        failureDomains: failureDomains ?? [],
        network,
        cni,
        access,
        secretsEncryption,
        tags,
        lifecycle,
        platform: platform ?? "",
        platformConfig: undefined,
    };
    return { draft, issues: issues.items };
}

function resolveDefaultVersion(): KubernetesVersion {
    const resolved = resolveKubernetesVersion(DEFAULTS.kubernetesVersion);
    if (!resolved.ok) throw new Error(`kubeforge's own default version is invalid: ${resolved.error}`);
    return resolved.value;
}

function parseName(value: unknown, issues: IssueList): string | undefined {
    if (value === undefined || value === null) {
        issues.add("name", "is required; set a short DNS label that prefixes every resource, e.g. `pulumi config set kubeforge:name dev`");
        return undefined;
    }
    const name = readString(value, "name", issues);
    if (name === undefined) return undefined;
    const error = dnsLabelError(name, MAX_CLUSTER_NAME);
    if (error) {
        issues.add("name", `${error}; it prefixes every resource and node name`);
        return undefined;
    }
    return name;
}

function parsePlatform(value: unknown, issues: IssueList, platformNames: readonly string[] | undefined): string | undefined {
    const offered = platformNames?.length ? `: one of ${platformNames.join(", ")}` : " (a folder under components/platforms)";
    if (value === undefined || value === null) {
        issues.add("platform", `is required; name the platform to build on${offered}, e.g. \`pulumi config set kubeforge:platform aws\``);
        return undefined;
    }
    const platform = readString(value, "platform", issues);
    if (platform === undefined) return undefined;
    if (platformNames && !platformNames.includes(platform)) {
        issues.add("platform", `"${platform}" is not a platform kubeforge has; use one${offered}`);
        return undefined;
    }
    return platform;
}

function parseVersion(value: unknown, path: string, issues: IssueList): KubernetesVersion | undefined {
    if (typeof value === "number") {
        issues.add(path, `must be a string, not the number ${value}; ${yamlScalarHint(value)}`);
        return undefined;
    }
    const text = readString(value, path, issues);
    if (text === undefined) return undefined;
    const resolved = resolveKubernetesVersion(text);
    if (!resolved.ok) {
        issues.add(path, resolved.error);
        return undefined;
    }
    return resolved.value;
}

function parseControlPlane(value: unknown, issues: IssueList): ControlPlaneSpec {
    const spec: ControlPlaneSpec = {
        count: DEFAULTS.controlPlane.count,
        diskSizeGb: DEFAULTS.controlPlane.diskSizeGb,
        spread: DEFAULTS.controlPlane.spread,
    };
    const object = readObject(value, "controlPlane", issues);
    if (!object) return spec;
    checkKnownKeys(object, CONTROL_PLANE_KEYS, "controlPlane", issues);

    const count = readInteger(object.count, "controlPlane.count", issues, Number.MIN_SAFE_INTEGER);
    if (count !== undefined) {
        if (CONTROL_PLANE_COUNTS.includes(count)) spec.count = count;
        else if (count > 7) {
            issues.add("controlPlane.count", `is ${count}; more than 7 masters only slow etcd writes down, use 1, 3, 5 or 7`);
        } else {
            issues.add(
                "controlPlane.count",
                `is ${count}; etcd quorum needs an odd count of masters, use 1, 3, 5 or 7 (3 survives losing one)`,
            );
        }
    }
    const machineType = readString(object.machineType, "controlPlane.machineType", issues);
    if (machineType !== undefined) {
        if (machineType.trim() === "") issues.add("controlPlane.machineType", "is empty; remove it to use the platform's default size");
        else spec.machineType = machineType;
    }
    spec.diskSizeGb = readInteger(object.diskSizeGb, "controlPlane.diskSizeGb", issues, MIN_DISK_GB) ?? spec.diskSizeGb;
    spec.spread = readChoice<SpreadPolicy>(object.spread, "controlPlane.spread", issues, ["required", "preferred"]) ?? spec.spread;

    if (object.os !== undefined && object.os !== "linux") {
        issues.add(
            "controlPlane.os",
            `is ${JSON.stringify(object.os)}, but masters are always Linux (kubeadm's control plane and etcd do not run on Windows); remove controlPlane.os and put Windows nodes in a worker pool with os: windows`,
        );
    }
    return spec;
}

function parseFailureDomains(value: unknown, issues: IssueList): string[] | undefined {
    const domains = readStringArray(value, "failureDomains", issues);
    if (domains === undefined) return undefined;
    // Pulumi.yaml declares [] as the default (a declared key without one would be required), so an
    // empty list means the same as no list: every domain the platform offers.
    if (domains.length === 0) return undefined;
    checkDomainList(domains, "failureDomains", issues);
    return domains;
}

/** Domains become label values (`kubeforge.io/failure-domain`) and must be unique. */
function checkDomainList(domains: string[], path: string, issues: IssueList): void {
    const seen = new Set<string>();
    domains.forEach((domain, i) => {
        const error = domain === "" ? "is empty" : labelValueError(domain);
        if (error) issues.add(`${path}[${i}]`, `${error}; failure domain names become node label values`);
        if (seen.has(domain)) issues.add(`${path}[${i}]`, `"${domain}" is listed twice; list each failure domain once`);
        seen.add(domain);
    });
}

interface PoolContext {
    clusterName: string | undefined;
    version: KubernetesVersion;
    cni: CniName;
    failureDomains: string[] | undefined;
}

function parseWorkerPools(value: unknown, issues: IssueList, ctx: PoolContext): WorkerPoolSpec[] {
    const list = readArray(value, "workerPools", issues);
    if (!list) return [];
    const pools: WorkerPoolSpec[] = [];
    const names = new Map<string, number>();
    list.forEach((item, i) => {
        const { name, pool } = parseWorkerPool(item, `workerPools[${i}]`, issues, ctx);
        const previous = name === undefined ? undefined : names.get(name);
        if (previous !== undefined) {
            issues.add(`workerPools[${i}].name`, `"${name}" is already the name of workerPools[${previous}]; pool names must be unique`);
            return;
        }
        if (name !== undefined) names.set(name, i);
        if (pool) pools.push(pool);
    });
    return pools;
}

/** The pool when valid, and its name whenever it has one (for the uniqueness check). */
function parseWorkerPool(value: unknown, path: string, issues: IssueList, ctx: PoolContext): { name?: string; pool?: WorkerPoolSpec } {
    if (!isRecord(value)) {
        issues.add(path, "must be a map with at least name and count; write the pool as a YAML map");
        return {};
    }
    checkKnownKeys(value, POOL_KEYS, path, issues);
    const before = issues.items.length;

    const name = readString(value.name, `${path}.name`, issues);
    if (name === undefined && value.name === undefined)
        issues.add(`${path}.name`, "is required; give the pool a short DNS label such as workers");
    if (name !== undefined) {
        const error = dnsLabelError(name);
        if (error) issues.add(`${path}.name`, error);
        else if (RESERVED_POOL_NAMES.includes(name)) {
            issues.add(
                `${path}.name`,
                `"${name}" is reserved for the masters (their nodes are <cluster>-cp-<n>); choose another pool name`,
            );
        }
    }
    const count = readInteger(value.count, `${path}.count`, issues, 0);
    if (count === undefined && value.count === undefined)
        issues.add(`${path}.count`, "is required; set the number of nodes (0 keeps the pool empty)");
    if (name !== undefined && count !== undefined && ctx.clusterName !== undefined) {
        const longest = `${ctx.clusterName}-${name}-${Math.max(0, count - 1)}`;
        if (longest.length > MAX_NODE_NAME) {
            issues.add(
                `${path}.name`,
                `node names such as "${longest}" would be ${longest.length} characters, over the ${MAX_NODE_NAME} a host name allows; shorten the pool or cluster name`,
            );
        }
    }

    const os = readChoice<OsFamily>(value.os, `${path}.os`, issues, ["linux", "windows"]) ?? DEFAULTS.worker.os;
    if (os === "windows" && ctx.cni === "cilium") {
        issues.add(
            `${path}.os`,
            "is windows, but Cilium has no Windows support; set kubeforge:cni to calico (or none and bring your own) to run Windows workers",
        );
    }
    const machineType = readString(value.machineType, `${path}.machineType`, issues);
    if (machineType !== undefined && machineType.trim() === "")
        issues.add(`${path}.machineType`, "is empty; remove it to use the platform's default size");
    const minDisk = os === "windows" ? MIN_WINDOWS_DISK_GB : MIN_DISK_GB;
    const diskSizeGb = readInteger(value.diskSizeGb, `${path}.diskSizeGb`, issues, minDisk) ?? DEFAULTS.worker.diskSizeGb;
    const spot = readBoolean(value.spot, `${path}.spot`, issues) ?? DEFAULTS.worker.spot;
    const labels = parseLabels(value.labels, `${path}.labels`, issues);
    const taints = parseTaints(value.taints, `${path}.taints`, issues);

    let failureDomains = readStringArray(value.failureDomains, `${path}.failureDomains`, issues);
    if (failureDomains !== undefined) {
        if (failureDomains.length === 0) {
            issues.add(
                `${path}.failureDomains`,
                "is an empty list; remove it to use all of the cluster's failure domains, or list at least one",
            );
        }
        checkDomainList(failureDomains, `${path}.failureDomains`, issues);
        if (ctx.failureDomains)
            failureDomains.forEach((d, i) =>
                checkDomainOffered(d, ctx.failureDomains ?? [], `${path}.failureDomains[${i}]`, "kubeforge:failureDomains", issues),
            );
        if (failureDomains.length === 0) failureDomains = undefined;
    }

    let kubernetesVersion: string | undefined;
    const poolVersion = parseVersion(value.kubernetesVersion, `${path}.kubernetesVersion`, issues);
    if (poolVersion) {
        const skew = kubeletSkewError(poolVersion, ctx.version);
        if (skew) issues.add(`${path}.kubernetesVersion`, skew);
        else kubernetesVersion = poolVersion.version;
    }

    if (issues.items.length > before || name === undefined || count === undefined) return { name };
    const pool: WorkerPoolSpec = {
        name,
        count,
        ...(machineType !== undefined ? { machineType } : {}),
        labels,
        taints,
        os,
        spot,
        diskSizeGb,
        ...(failureDomains !== undefined ? { failureDomains } : {}),
        ...(kubernetesVersion !== undefined ? { kubernetesVersion } : {}),
    };
    return { name, pool };
}

/**
 * Records an issue when `domain` is not among `offered`.
 *
 * @param domain - the domain asked for
 * @param offered - the domains it must be one of
 * @param path - config path of the request
 * @param source - who offers the domains, for the message (`kubeforge:failureDomains`, `the aws platform`)
 * @param issues - where to record
 */
export function checkDomainOffered(domain: string, offered: readonly string[], path: string, source: string, issues: IssueList): void {
    if (!offered.includes(domain)) {
        issues.add(path, `"${domain}" is not one of the failure domains of ${source} (${offered.join(", ") || "none"}); use one of those`);
    }
}

function parseLabels(value: unknown, path: string, issues: IssueList): Record<string, string> {
    const object = readObject(value, path, issues);
    const labels: Record<string, string> = {};
    if (!object) return labels;
    for (const [key, raw] of Object.entries(object)) {
        const keyError = nodeLabelKeyError(key);
        if (keyError) {
            issues.add(childPath(path, key), keyError);
            continue;
        }
        if (typeof raw !== "string") {
            issues.add(childPath(path, key), `must be a string, not ${JSON.stringify(raw)}; quote the value (label values are strings)`);
            continue;
        }
        const valueError = labelValueError(raw);
        if (valueError) {
            issues.add(childPath(path, key), valueError);
            continue;
        }
        labels[key] = raw;
    }
    return labels;
}

function parseTaints(value: unknown, path: string, issues: IssueList): Taint[] {
    const list = readArray(value, path, issues);
    const taints: Taint[] = [];
    if (!list) return taints;
    const seen = new Map<string, number>();
    list.forEach((item, i) => {
        const taint = parseTaint(item, `${path}[${i}]`, issues);
        if (!taint) return;
        // The API server rejects two taints with the same key and effect.
        const identity = `${taint.key}:${taint.effect}`;
        const previous = seen.get(identity);
        if (previous !== undefined) {
            issues.add(`${path}[${i}]`, `repeats the key and effect of ${path}[${previous}] (${identity}); keep one of them`);
            return;
        }
        seen.set(identity, i);
        taints.push(taint);
    });
    return taints;
}

function parseTaint(value: unknown, path: string, issues: IssueList): Taint | undefined {
    let parts: { key: unknown; value?: unknown; effect: unknown };
    if (typeof value === "string") {
        const split = splitTaintString(value);
        if (!split) {
            issues.add(
                path,
                `"${value}" has no effect; write key=value:Effect or key:Effect (Effect is NoSchedule, PreferNoSchedule or NoExecute)`,
            );
            return undefined;
        }
        parts = split;
    } else if (isRecord(value)) {
        checkKnownKeys(value, TAINT_KEYS, path, issues);
        parts = { key: value.key, value: value.value, effect: value.effect };
    } else {
        issues.add(path, `${JSON.stringify(value)} is not a taint; write a map {key, value, effect} or a string key=value:Effect`);
        return undefined;
    }
    const before = issues.items.length;
    const key = readString(parts.key, `${path}.key`, issues);
    if (parts.key === undefined) issues.add(`${path}.key`, "is required; e.g. dedicated or example.com/gpu");
    else if (key !== undefined) {
        const error = taintKeyError(key);
        if (error) issues.add(`${path}.key`, error);
    }
    const taintValue = readString(parts.value, `${path}.value`, issues);
    if (taintValue !== undefined) {
        const error = labelValueError(taintValue);
        if (error) issues.add(`${path}.value`, error);
    }
    const effect = readString(parts.effect, `${path}.effect`, issues);
    if (parts.effect === undefined) issues.add(`${path}.effect`, "is required; use NoSchedule, PreferNoSchedule or NoExecute");
    else if (effect !== undefined) {
        const error = taintEffectError(effect);
        if (error) issues.add(`${path}.effect`, error);
    }
    if (issues.items.length > before || key === undefined || effect === undefined) return undefined;
    return { key, ...(taintValue ? { value: taintValue } : {}), effect: effect as TaintEffect };
}

/** A CIDR string checked to be a network address. */
function parseNetworkCidr(text: string | undefined, path: string, issues: IssueList): Cidr | undefined {
    if (text === undefined) return undefined;
    const parsed = parseCidr(text.trim());
    if (!parsed.ok) {
        issues.add(path, `${parsed.error}; write a network such as 10.0.0.0/16`);
        return undefined;
    }
    if (hostBitsSet(parsed.value)) {
        issues.add(path, `"${text}" has host bits set; write the network address ${formatCidr(parsed.value)}`);
        return undefined;
    }
    return parsed.value;
}

function parseNetwork(value: unknown, issues: IssueList, nodeCount: number): NetworkSpec {
    const spec: NetworkSpec = { ...DEFAULTS.network };
    const object = readObject(value, "network", issues) ?? {};
    checkKnownKeys(object, NETWORK_KEYS, "network", issues);
    const parsed: Partial<Record<keyof NetworkSpec, Cidr>> = {};
    for (const key of NETWORK_KEYS as (keyof NetworkSpec)[]) {
        const text =
            object[key] === undefined || object[key] === null ? DEFAULTS.network[key] : readString(object[key], `network.${key}`, issues);
        const cidr = parseNetworkCidr(text, `network.${key}`, issues);
        if (cidr && text !== undefined) {
            parsed[key] = cidr;
            spec[key] = text.trim();
        }
    }
    const keys = NETWORK_KEYS as (keyof NetworkSpec)[];
    for (let i = 0; i < keys.length; i++) {
        for (let j = i + 1; j < keys.length; j++) {
            const a = parsed[keys[i]];
            const b = parsed[keys[j]];
            if (a && b && cidrsOverlap(a, b)) {
                issues.add(
                    `network.${keys[j]}`,
                    `${spec[keys[j]]} overlaps ${fieldName(`network.${keys[i]}`)} (${spec[keys[i]]}); pod, service and node ranges must be disjoint, change one of them`,
                );
            }
        }
    }
    const { podCidr, serviceCidr } = parsed;
    if (podCidr && serviceCidr && podCidr.family !== serviceCidr.family) {
        issues.add(
            "network.serviceCidr",
            `is IPv${serviceCidr.family} but ${fieldName("network.podCidr")} is IPv${podCidr.family}; use one family for both`,
        );
    }
    if (serviceCidr) {
        const hostBits = serviceCidr.bits - serviceCidr.prefix;
        if (hostBits > MAX_SERVICE_HOST_BITS) {
            issues.add(
                "network.serviceCidr",
                `${spec.serviceCidr} is too large for the API server's allocator; use a /${serviceCidr.bits - MAX_SERVICE_HOST_BITS} or smaller (e.g. ${serviceCidr.family === 4 ? "10.96.0.0/12" : "fd00:10:96::/112"})`,
            );
        } else if (hostBits < 4) {
            issues.add(
                "network.serviceCidr",
                `${spec.serviceCidr} holds only ${cidrSize(serviceCidr)} addresses; kubeadm gives the 10th to cluster DNS, use at least a /${serviceCidr.bits - 4}`,
            );
        }
    }
    if (podCidr) {
        const nodeMask = NODE_POD_MASK[podCidr.family];
        const room = podCidr.prefix > nodeMask ? 0n : 1n << BigInt(nodeMask - podCidr.prefix);
        if (room < BigInt(nodeCount)) {
            issues.add(
                "network.podCidr",
                `${spec.podCidr} has room for ${countOf(Number(room), "node")} (a /${nodeMask} each) but the cluster has ${nodeCount}; use a larger range such as ${podCidr.family === 4 ? "10.244.0.0/16" : "fd00:10:244::/56"}`,
            );
        }
    }
    return spec;
}

function parseCidrList(value: unknown, path: string, issues: IssueList): string[] | undefined {
    const list = readStringArray(value, path, issues);
    if (list === undefined) return undefined;
    const out: string[] = [];
    list.forEach((text, i) => {
        if (parseNetworkCidr(text, `${path}[${i}]`, issues)) out.push(text.trim());
    });
    return out;
}

function parseAccess(value: unknown, issues: IssueList): AccessSpec {
    const access: AccessSpec = { apiAllowedCidrs: [], sshAllowedCidrs: [], sshPublicKeys: [] };
    const howToSetApi =
        "there is no safe default for who may reach the Kubernetes API; put your own address as a /32, e.g. " +
        "`pulumi config set --path 'kubeforge:access.apiAllowedCidrs[0]' 203.0.113.7/32` (curl -s https://checkip.amazonaws.com shows it)";
    const object = readObject(value, "access", issues);
    if (!object) {
        if (value === undefined || value === null) issues.add("access.apiAllowedCidrs", `is required; ${howToSetApi}`);
        return access;
    }
    checkKnownKeys(object, ACCESS_KEYS, "access", issues);
    const api = parseCidrList(object.apiAllowedCidrs, "access.apiAllowedCidrs", issues);
    if (object.apiAllowedCidrs === undefined || object.apiAllowedCidrs === null)
        issues.add("access.apiAllowedCidrs", `is required; ${howToSetApi}`);
    else if (Array.isArray(object.apiAllowedCidrs) && object.apiAllowedCidrs.length === 0)
        issues.add("access.apiAllowedCidrs", `is empty, so nobody could reach the API; ${howToSetApi}`);
    access.apiAllowedCidrs = api ?? [];
    access.sshAllowedCidrs = parseCidrList(object.sshAllowedCidrs, "access.sshAllowedCidrs", issues) ?? [];
    const keys = readStringArray(object.sshPublicKeys, "access.sshPublicKeys", issues) ?? [];
    keys.forEach((key, i) => {
        // The key itself is not echoed: it is long and says nothing the index does not.
        if (!SSH_KEY.test(key.trim())) {
            issues.add(
                `access.sshPublicKeys[${i}]`,
                "is not an OpenSSH public key line; paste the whole line of your ~/.ssh/id_ed25519.pub (type, base64 key, optional comment)",
            );
        }
    });
    access.sshPublicKeys = keys.map((k) => k.trim());
    return access;
}

function parseLifecycle(value: unknown, issues: IssueList): ClusterSpec["lifecycle"] {
    const lifecycle: ClusterSpec["lifecycle"] = { ...DEFAULTS.lifecycle };
    const object = readObject(value, "lifecycle", issues);
    if (!object) return lifecycle;
    checkKnownKeys(object, LIFECYCLE_KEYS, "lifecycle", issues);
    lifecycle.drainOnDelete = readBoolean(object.drainOnDelete, "lifecycle.drainOnDelete", issues) ?? lifecycle.drainOnDelete;
    lifecycle.drainTimeoutSeconds =
        readInteger(object.drainTimeoutSeconds, "lifecycle.drainTimeoutSeconds", issues, MIN_DRAIN_TIMEOUT_SECONDS) ??
        lifecycle.drainTimeoutSeconds;
    const tokenHours = readInteger(object.bootstrapTokenHours, "lifecycle.bootstrapTokenHours", issues, MIN_BOOTSTRAP_TOKEN_HOURS);
    if (tokenHours !== undefined && tokenHours > MAX_BOOTSTRAP_TOKEN_HOURS) {
        issues.add(
            "lifecycle.bootstrapTokenHours",
            `is ${tokenHours}; use at most ${MAX_BOOTSTRAP_TOKEN_HOURS} (30 days): whoever reads a worker's user data can register nodes while the token lives`,
        );
    } else if (tokenHours !== undefined) lifecycle.bootstrapTokenHours = tokenHours;
    return lifecycle;
}

function parseTags(value: unknown, issues: IssueList): Record<string, string> {
    const object = readObject(value, "tags", issues);
    const tags: Record<string, string> = {};
    if (!object) return tags;
    for (const [key, raw] of Object.entries(object)) {
        if (key.trim() === "" || key.length > 128) {
            issues.add(childPath("tags", key), "tag keys must be 1 to 128 characters; shorten it");
            continue;
        }
        if (key.startsWith("kubeforge.io/") || key.startsWith("kubernetes.io/cluster/")) {
            issues.add(
                childPath("tags", key),
                "is a tag kubeforge and the cloud controller set themselves; remove it or use your own prefix",
            );
            continue;
        }
        if (typeof raw !== "string") {
            issues.add(childPath("tags", key), `must be a string, not ${JSON.stringify(raw)}; quote the value`);
            continue;
        }
        if (raw.length > 256) {
            issues.add(childPath("tags", key), "is longer than 256 characters, more than most clouds accept; shorten it");
            continue;
        }
        tags[key] = raw;
    }
    return tags;
}

/** Where {@link readRawConfig} reads values: a getter, or every key and value at once. */
export type RawConfigSource = ((key: string) => string | undefined) | Readonly<Record<string, string>>;

/**
 * Turns Pulumi config values (always strings) into a {@link RawConfig}: object and array keys are
 * JSON-parsed, booleans read as booleans; malformed JSON becomes an issue. The chosen platform's
 * block (`kubeforge:<platform>`) is read too.
 *
 * @param source - a getter such as `(k) => config.get(k)` for `new pulumi.Config("kubeforge")`, or a
 *   record of every key (namespace stripped) and its value
 * @param keys - keys to read; defaults to the record's keys, or {@link CONFIG_KEYS} for a getter. Pass
 *   every key of the namespace so unknown keys can be reported.
 */
export function readRawConfig(source: RawConfigSource, keys?: readonly string[]): { raw: RawConfig; issues: ConfigIssue[] } {
    const get = typeof source === "function" ? source : (key: string) => source[key];
    const wanted = [...(keys ?? (typeof source === "function" ? CONFIG_KEYS : Object.keys(source)))];
    const issues = new IssueList();
    const raw: RawConfig = {};
    const read = (key: string): void => {
        const text = get(key);
        if (text === undefined) return;
        raw[key] = decodeValue(key, text, issues);
    };
    wanted.forEach(read);
    const platform = raw.platform;
    if (typeof platform === "string" && !(platform in raw)) read(platform);
    return { raw, issues: issues.items };
}

function decodeValue(key: string, text: string, issues: IssueList): unknown {
    const declared: string | undefined = (CONFIG_KEY_TYPES as Record<string, string>)[key];
    if (declared === "boolean") {
        if (text === "true") return true;
        if (text === "false") return false;
        return text;
    }
    const trimmed = text.trim();
    const looksStructured = trimmed.startsWith("{") || trimmed.startsWith("[");
    if (declared === "object" || declared === "array" || (declared === undefined && looksStructured)) {
        try {
            return JSON.parse(text) as unknown;
        } catch {
            issues.add(key, structuredTextMessage(text, declared === "array" ? "list" : "map"));
            return undefined;
        }
    }
    return text;
}
