/**
 * The `kubeforge:baremetal.hosts` inventory: each host parsed, then the whole list checked against the
 * cluster spec (one host per master, hosts per pool).
 */
import { type IssueList, isRecord, readArray, readBoolean, readChoice, readInteger, readObject, readString } from "../../core/fields";
import { dnsLabelError, labelValueError, nodeLabelKeyError } from "../../core/k8s-names";
import type { ClusterSpec, NodeRole } from "../../core/types";
import { parseHostKey } from "../../../bootstrap/ssh/hostkey";
import { BAREMETAL_DEFAULTS, BLOCK, HOST_KEYS, type BaremetalHost } from "./config-types";

function looksLikePublicKey(text: string): boolean {
    return /^(ssh-|ecdsa-sha2-|sk-)/.test(text.trim());
}

/**
 * Reads the host list.
 *
 * @param value - the raw list
 * @param defaultKey - the block's `privateKey`, used by hosts without their own
 * @param defaultUser - the block's `user`
 * @param issues - where to record problems
 */
export function parseHosts(value: unknown, defaultKey: string | undefined, defaultUser: string, issues: IssueList): BaremetalHost[] {
    const path = `${BLOCK}.hosts`;
    if (value === undefined || value === null) {
        issues.add(path, "is required; list each machine with address, failureDomain, role (and pool for workers), hostKey");
        return [];
    }
    const list = readArray(value, path, issues) ?? [];
    const hosts: BaremetalHost[] = [];
    list.forEach((item, i) => {
        const at = `${path}[${i}]`;
        if (!isRecord(item)) {
            issues.add(at, "must be a map with address, failureDomain, role, hostKey...");
            return;
        }
        for (const key of Object.keys(item)) {
            if (!HOST_KEYS.includes(key)) issues.add(`${at}.${key}`, `is not a host setting; use one of ${HOST_KEYS.join(", ")}`);
        }
        const address = readString(item.address, `${at}.address`, issues);
        if (address === undefined) issues.add(`${at}.address`, "is required; give the address kubeforge connects to over SSH");
        const name = readString(item.name, `${at}.name`, issues) ?? address ?? `host-${i}`;
        const port = readInteger(item.port, `${at}.port`, issues, 1) ?? BAREMETAL_DEFAULTS.port;
        if (port > 65535) issues.add(`${at}.port`, `is ${port}; a TCP port is at most 65535`);
        const user = readString(item.user, `${at}.user`, issues) ?? defaultUser;
        const privateKey = readString(item.privateKey, `${at}.privateKey`, issues) ?? defaultKey;
        if (!privateKey) {
            issues.add(
                `${at}.privateKey`,
                "is missing and kubeforge:baremetal.privateKey is not set; store the SSH private key as a secret, e.g. `pulumi config set --secret --path 'kubeforge:baremetal.privateKey' \"$(cat ~/.ssh/id_ed25519)\"`",
            );
        } else if (looksLikePublicKey(privateKey)) {
            issues.add(`${at}.privateKey`, "holds a public key; give the private key (the file without .pub), as a secret");
        }
        const hostKey = readString(item.hostKey, `${at}.hostKey`, issues);
        const trustOnFirstUse = readBoolean(item.trustOnFirstUse, `${at}.trustOnFirstUse`, issues) ?? false;
        if (hostKey !== undefined && !parseHostKey(hostKey)) {
            issues.add(
                `${at}.hostKey`,
                "is not an SSH public key line; paste the host's /etc/ssh/ssh_host_ed25519_key.pub (e.g. `ssh-ed25519 AAAA...`)",
            );
        }
        if (hostKey === undefined && !trustOnFirstUse) {
            issues.add(
                `${at}.hostKey`,
                "is required so kubeforge can tell this host from an impostor; paste its /etc/ssh/ssh_host_ed25519_key.pub (or `ssh-keyscan -t ed25519 <address>` checked out of band), or set trustOnFirstUse: true to record the first key seen",
            );
        }
        const failureDomain = readString(item.failureDomain, `${at}.failureDomain`, issues);
        if (failureDomain === undefined)
            issues.add(`${at}.failureDomain`, "is required; name the rack, room or power feed the host shares with others (e.g. rack-a)");
        else {
            const error = dnsLabelError(failureDomain);
            if (error) issues.add(`${at}.failureDomain`, `${error}; it becomes the node's topology.kubernetes.io/zone label`);
        }
        const role = readChoice<NodeRole>(item.role, `${at}.role`, issues, ["control-plane", "worker"]);
        if (role === undefined && item.role === undefined) issues.add(`${at}.role`, 'is required; use "control-plane" or "worker"');
        let pool = readString(item.pool, `${at}.pool`, issues);
        if (role === "control-plane") {
            if (pool !== undefined && pool !== "control-plane")
                issues.add(`${at}.pool`, `is "${pool}" but the host is a control-plane host; remove pool or make the host a worker`);
            pool = "control-plane";
        } else if (role === "worker" && pool === undefined) {
            issues.add(`${at}.pool`, "is required for a worker; name one of kubeforge:workerPools");
        }
        const labels: Record<string, string> = {};
        const rawLabels = readObject(item.labels, `${at}.labels`, issues) ?? {};
        for (const [key, v] of Object.entries(rawLabels)) {
            const keyError = nodeLabelKeyError(key);
            if (keyError) issues.add(`${at}.labels`, `key "${key}": ${keyError}`);
            const text = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
            if (text === undefined) issues.add(`${at}.labels`, `value of "${key}" must be a string`);
            else {
                const valueError = labelValueError(text);
                if (valueError) issues.add(`${at}.labels`, `value of "${key}": ${valueError}`);
                else labels[key] = text;
            }
        }
        const ordinal = readInteger(item.ordinal, `${at}.ordinal`, issues, 0);
        if (address === undefined || failureDomain === undefined || role === undefined || pool === undefined) return;
        hosts.push({
            name,
            address,
            port,
            user,
            privateKey: privateKey ?? "",
            hostKey,
            trustOnFirstUse,
            failureDomain,
            role,
            pool,
            labels,
            ...(ordinal === undefined ? {} : { ordinal }),
        });
    });
    return hosts;
}

/**
 * Checks the inventory realises the spec: one host per master, enough hosts per pool.
 *
 * @param hosts - the parsed inventory
 * @param spec - the cluster
 * @param issues - where to record problems
 */
export function checkInventoryAgainstSpec(hosts: BaremetalHost[], spec: ClusterSpec, issues: IssueList): void {
    const masters = hosts.filter((h) => h.role === "control-plane");
    if (masters.length !== spec.controlPlane.count) {
        issues.add(
            `${BLOCK}.hosts`,
            `has ${masters.length} control-plane host${masters.length === 1 ? "" : "s"} but kubeforge:controlPlane.count is ${spec.controlPlane.count}; ` +
                "list exactly one host per master (or change the count)",
        );
    }
    const spread = spec.controlPlane.spread ?? "required";
    const masterDomains = new Set(masters.map((m) => m.failureDomain));
    const needed = Math.min(spec.controlPlane.count, 3);
    if (spread === "required" && masters.length === spec.controlPlane.count && masterDomains.size < needed) {
        issues.add(
            `${BLOCK}.hosts`,
            `the ${masters.length} control-plane hosts are in ${masterDomains.size} failure domain${masterDomains.size === 1 ? "" : "s"} (${[...masterDomains].join(", ")}), ` +
                `but controlPlane.spread: required needs ${needed}; put the masters in different racks/rooms, or set kubeforge:controlPlane.spread to preferred`,
        );
    }
    spec.workerPools.forEach((pool, p) => {
        const members = hosts.filter((h) => h.role === "worker" && h.pool === pool.name);
        if (members.length !== pool.count) {
            issues.add(
                `${BLOCK}.hosts`,
                `pool "${pool.name}" has ${members.length} host${members.length === 1 ? "" : "s"} but kubeforge:workerPools[${p}].count is ${pool.count}; list one host per node (or change the count)`,
            );
        }
        if (pool.failureDomains) {
            for (const h of members) {
                if (!pool.failureDomains.includes(h.failureDomain)) {
                    issues.add(
                        `${BLOCK}.hosts`,
                        `host ${h.name} is in ${h.failureDomain}, which kubeforge:workerPools[${p}].failureDomains (${pool.failureDomains.join(", ")}) does not allow; move it or widen the pool's list`,
                    );
                }
            }
        }
        if (pool.os !== "linux") {
            issues.add(`workerPools[${p}].os`, "Windows workers are not supported on baremetal yet; use `os: linux` for this pool");
        }
    });
    hosts.forEach((h, i) => {
        if (h.role === "worker" && !spec.workerPools.some((p) => p.name === h.pool)) {
            issues.add(
                `${BLOCK}.hosts[${i}].pool`,
                `"${h.pool}" is not a worker pool; use one of ${spec.workerPools.map((p) => p.name).join(", ") || "(none: add kubeforge:workerPools)"}`,
            );
        }
    });
}
