/**
 * Parses and validates the `kubeforge:*` stack config into a {@link ClusterSpec}, every default filled
 * in and every problem reported at once. Pure: no Pulumi import, no I/O.
 */
import { IssueList, readBoolean, readChoice, readInteger, readObject, readString, checkKnownKeys, childPath } from "./fields";
import { dnsLabelError } from "./k8s-names";
import { resolveKubernetesVersion, type KubernetesVersion } from "./versions";
import type { ClusterSpec, CniName, ConfigIssue, ControlPlaneSpec, SpreadPolicy } from "./types";
import {
    CONFIG_KEYS,
    CONTROL_PLANE_COUNTS,
    CONTROL_PLANE_KEYS,
    DEFAULTS,
    LIFECYCLE_KEYS,
    MAX_CLUSTER_NAME,
    MIN_DISK_GB,
    MIN_DRAIN_TIMEOUT_SECONDS,
    type RawConfig,
} from "./config-keys";
import { MAX_BOOTSTRAP_TOKEN_HOURS, MIN_BOOTSTRAP_TOKEN_HOURS } from "./token-window";
import { checkDomainOffered, parseFailureDomains, parseVersion, parseWorkerPools } from "./config-pools";
import { parseAccess, parseNetwork } from "./config-network";

export {
    CONFIG_KEY_TYPES,
    CONFIG_KEYS,
    CONTROL_PLANE_COUNTS,
    DEFAULTS,
    MAX_CLUSTER_NAME,
    MIN_DISK_GB,
    MIN_WINDOWS_DISK_GB,
    RESERVED_POOL_NAMES,
    type RawConfig,
} from "./config-keys";
export { readRawConfig, type RawConfigSource } from "./config-raw";
export { checkDomainOffered };

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
