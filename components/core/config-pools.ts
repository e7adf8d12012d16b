/**
 * Parsers for the worker pools (`kubeforge:workerPools`) and the failure domains they may use.
 */
import {
    childPath,
    type IssueList,
    isRecord,
    readArray,
    readBoolean,
    readChoice,
    readInteger,
    readObject,
    readString,
    readStringArray,
    checkKnownKeys,
} from "./fields";
import { dnsLabelError, labelValueError, nodeLabelKeyError, splitTaintString, taintEffectError, taintKeyError } from "./k8s-names";
import { kubeletSkewError, resolveKubernetesVersion, type KubernetesVersion } from "./versions";
import type { CniName, OsFamily, Taint, TaintEffect, WorkerPoolSpec } from "./types";
import { DEFAULTS, MAX_NODE_NAME, MIN_DISK_GB, MIN_WINDOWS_DISK_GB, POOL_KEYS, RESERVED_POOL_NAMES, TAINT_KEYS } from "./config-keys";

/**
 * Reads a Kubernetes version string (`1.33` or `1.33.2`).
 *
 * @param value - the raw value
 * @param path - config path, for messages
 * @param issues - where to record problems
 */
export function parseVersion(value: unknown, path: string, issues: IssueList): KubernetesVersion | undefined {
    if (typeof value === "number") {
        issues.add(path, `must be a string; quote it ("${value}") so YAML does not read it as a number (1.30 would become 1.3)`);
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

/**
 * Reads `kubeforge:failureDomains`; an empty list means every domain the platform offers.
 *
 * @param value - the raw value
 * @param issues - where to record problems
 */
export function parseFailureDomains(value: unknown, issues: IssueList): string[] | undefined {
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

/** What a pool is checked against. */
export interface PoolContext {
    clusterName: string | undefined;
    version: KubernetesVersion;
    cni: CniName;
    failureDomains: string[] | undefined;
}

/**
 * Reads `kubeforge:workerPools`.
 *
 * @param value - the raw list
 * @param issues - where to record problems
 * @param ctx - cluster facts the pools are checked against
 */
export function parseWorkerPools(value: unknown, issues: IssueList, ctx: PoolContext): WorkerPoolSpec[] {
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
