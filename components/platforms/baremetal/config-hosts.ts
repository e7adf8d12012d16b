/**
 * The `kubeforge:baremetal.hosts` inventory: each host parsed, then the whole list checked against the
 * cluster spec (one host per master, hosts per pool).
 */
import {
    type IssueList,
    childPath,
    isRecord,
    readArray,
    readBoolean,
    readChoice,
    readInteger,
    readObject,
    readString,
} from "../../core/fields";
import { dnsLabelError, labelValueError, nodeLabelKeyError } from "../../core/k8s-names";
import type { ClusterSpec, NodeRole } from "../../core/types";
import { hostKeyProblem } from "../../../bootstrap/ssh/hostkey";
import { privateKeyProblem } from "../../../bootstrap/ssh/privatekey";
import { isIP } from "node:net";
import { BAREMETAL_DEFAULTS, BLOCK, HOST_KEYS, type BaremetalHost } from "./config-types";

/**
 * Reads the host list.
 *
 * @param value - the raw list
 * @param defaultKey - the block's `privateKey`, used by hosts without their own
 * @param defaultUser - the block's `user`
 * @param issues - where to record problems
 * @param defaultKeyGiven - the block's `privateKey` was written (even if invalid, reported already): a host
 *   without its own is then not also reported as missing one
 * @returns the hosts read whole, and how many entries were dropped for a problem already reported (the
 *   counts against the spec are not checked then: they would blame the other hosts)
 */
export function parseHosts(
    value: unknown,
    defaultKey: string | undefined,
    defaultUser: string,
    issues: IssueList,
    defaultKeyGiven = defaultKey !== undefined,
): { hosts: BaremetalHost[]; dropped: number } {
    const path = `${BLOCK}.hosts`;
    if (value === undefined || value === null) {
        issues.add(path, "is required; list each machine with address, failureDomain, role (and pool for workers), hostKey");
        return { hosts: [], dropped: 0 };
    }
    const list = readArray(value, path, issues);
    // Not a list (reported): how many hosts of each kind there are is unknown, so no count is checked.
    if (list === undefined) return { hosts: [], dropped: 1 };
    // A value written with the wrong type was reported by its reader: "is required" would be a second,
    // wrong message about the same key.
    const written = (v: unknown) => v !== undefined && v !== null;
    const hosts: BaremetalHost[] = [];
    const missingKey: number[] = [];
    let dropped = 0;
    list.forEach((item, i) => {
        const at = `${path}[${i}]`;
        if (!isRecord(item)) {
            issues.add(
                at,
                "must be a map with address, failureDomain, role, hostKey...; write each host as `- address: ...` with its keys indented under it",
            );
            return;
        }
        for (const key of Object.keys(item)) {
            if (!HOST_KEYS.includes(key)) issues.add(`${at}.${key}`, `is not a host setting; use one of ${HOST_KEYS.join(", ")}`);
        }
        const address = readString(item.address, `${at}.address`, issues);
        if (address === undefined && !written(item.address))
            issues.add(`${at}.address`, "is required; give the address kubeforge connects to over SSH");
        else if (address !== undefined) {
            const problem = hostAddressProblem(address);
            if (problem) issues.add(`${at}.address`, problem.replace("{port}", `kubeforge:baremetal.hosts[${i}].port`));
        }
        const name = readString(item.name, `${at}.name`, issues) ?? address ?? `host-${i}`;
        const port = readInteger(item.port, `${at}.port`, issues, 1) ?? BAREMETAL_DEFAULTS.port;
        if (port > 65535) issues.add(`${at}.port`, `is ${port}; a TCP port is at most 65535`);
        const user = readString(item.user, `${at}.user`, issues) ?? defaultUser;
        const userIssue = userProblem(user);
        if (userIssue && written(item.user)) issues.add(`${at}.user`, userIssue);
        const ownKey = readString(item.privateKey, `${at}.privateKey`, issues);
        const privateKey = ownKey ?? defaultKey;
        // The shared key is checked once, by the block's reader; a host's own here.
        const keyProblem = ownKey === undefined ? undefined : privateKeyProblem(ownKey);
        if (keyProblem) issues.add(`${at}.privateKey`, keyProblem);
        else if (!privateKey && !written(item.privateKey) && !defaultKeyGiven) missingKey.push(i);
        const hostKey = readString(item.hostKey, `${at}.hostKey`, issues);
        const trustOnFirstUse = readBoolean(item.trustOnFirstUse, `${at}.trustOnFirstUse`, issues) ?? false;
        const hostKeyIssue = hostKey === undefined ? undefined : hostKeyProblem(hostKey);
        if (hostKeyIssue)
            issues.add(
                `${at}.hostKey`,
                `${hostKeyIssue}; paste the whole line of the host's /etc/ssh/ssh_host_ed25519_key.pub (e.g. \`ssh-ed25519 AAAA...\`)`,
            );
        if (hostKey === undefined && !written(item.hostKey) && !trustOnFirstUse && typeof (item.trustOnFirstUse ?? false) === "boolean") {
            issues.add(
                `${at}.hostKey`,
                "is required so kubeforge can tell this host from an impostor; paste its /etc/ssh/ssh_host_ed25519_key.pub (or `ssh-keyscan -t ed25519 <address>` checked out of band), or set trustOnFirstUse: true to record the first key seen",
            );
        }
        const failureDomain = readString(item.failureDomain, `${at}.failureDomain`, issues);
        if (failureDomain === undefined) {
            if (!written(item.failureDomain))
                issues.add(
                    `${at}.failureDomain`,
                    "is required; name the rack, room or power feed the host shares with others (e.g. rack-a)",
                );
        } else {
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
        } else if (role === "worker" && pool === undefined && !written(item.pool)) {
            issues.add(`${at}.pool`, "is required for a worker; name one of kubeforge:workerPools");
        }
        const labels: Record<string, string> = {};
        const rawLabels = readObject(item.labels, `${at}.labels`, issues) ?? {};
        for (const [key, v] of Object.entries(rawLabels)) {
            const at2 = childPath(`${at}.labels`, key);
            const keyError = nodeLabelKeyError(key);
            if (keyError) issues.add(`${at}.labels`, `key "${key}": ${keyError}`);
            // A number or true/false is what YAML made of an unquoted value, not necessarily what was
            // written (`1.30` is 1.3, `0755` may be 493, `yes` is true): never turned back into text.
            const text = readString(v, at2, issues);
            if (text === undefined) {
                if (!written(v)) issues.add(at2, 'has no value; give one (a label value may be empty: write "")');
                continue;
            }
            const valueError = labelValueError(text);
            if (valueError) issues.add(at2, valueError);
            else labels[key] = text;
        }
        const ordinal = readInteger(item.ordinal, `${at}.ordinal`, issues, 0);
        if (address === undefined || failureDomain === undefined || role === undefined || pool === undefined) {
            dropped++;
            return;
        }
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
    // Without the shared key, one message at the key the user would write, not one per host.
    const setKey =
        "store the SSH private key as a secret, e.g. `pulumi config set --secret --path 'kubeforge:baremetal.privateKey' \"$(cat ~/.ssh/id_ed25519)\"`";
    if (missingKey.length > 0 && missingKey.length === list.length)
        issues.add(`${BLOCK}.privateKey`, `is required (no host has its own privateKey); ${setKey}`);
    else
        for (const i of missingKey)
            issues.add(
                `${path}[${i}].privateKey`,
                `is missing and kubeforge:baremetal.privateKey is not set; give this host its own, or ${setKey}`,
            );
    // An entry that is not a map was dropped too.
    return { hosts, dropped: dropped + list.filter((item) => !isRecord(item)).length };
}

/**
 * Checks the inventory realises the spec: one host per master, enough hosts per pool.
 *
 * @param hosts - the parsed inventory
 * @param spec - the cluster
 * @param issues - where to record problems
 * @param dropped - host entries dropped for a problem already reported: the counts and the spread are not
 *   checked (a missing host would be blamed on the pool, not on the entry that has the problem)
 */
export function checkInventoryAgainstSpec(hosts: BaremetalHost[], spec: ClusterSpec, issues: IssueList, dropped = 0): void {
    const masters = hosts.filter((h) => h.role === "control-plane");
    const counted = dropped === 0;
    if (counted && masters.length !== spec.controlPlane.count) {
        issues.add(
            `${BLOCK}.hosts`,
            `has ${masters.length} control-plane host${masters.length === 1 ? "" : "s"} but kubeforge:controlPlane.count is ${spec.controlPlane.count}; ` +
                "list exactly one host per master (or change the count)",
        );
    }
    const spread = spec.controlPlane.spread ?? "required";
    const masterDomains = new Set(masters.map((m) => m.failureDomain));
    const needed = Math.min(spec.controlPlane.count, 3);
    if (counted && spread === "required" && masters.length === spec.controlPlane.count && masterDomains.size < needed) {
        issues.add(
            `${BLOCK}.hosts`,
            `the ${masters.length} control-plane hosts are in ${masterDomains.size} failure domain${masterDomains.size === 1 ? "" : "s"} (${[...masterDomains].join(", ")}), ` +
                `but controlPlane.spread: required needs ${needed}; put the masters in different racks/rooms, or set kubeforge:controlPlane.spread to preferred`,
        );
    }
    spec.workerPools.forEach((pool, p) => {
        const members = hosts.filter((h) => h.role === "worker" && h.pool === pool.name);
        if (counted && members.length !== pool.count) {
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

/**
 * What is wrong with a login user name, or undefined: empty, or holding whitespace, `@` or `:` (a
 * `user@host` pasted whole) cannot be an account on the host.
 *
 * @param user - as the user wrote it
 */
export function userProblem(user: string): string | undefined {
    if (user === "") return 'is empty; give the login user (e.g. "kubeforge"), or remove the key for the default';
    if (/[\s:@]/.test(user))
        return `is "${user}", which cannot be a login name (no spaces, @ or :); give the account name alone (e.g. "kubeforge")`;
    return undefined;
}

/**
 * What is wrong with a host address, or undefined: it must be an IPv4 address (four octets of 0-255),
 * an IPv6 address (without brackets) or a DNS name. A `:port` suffix is named as such; `{port}` in
 * the message stands for the key the port belongs in.
 *
 * @param address - as the user wrote it.
 */
export function hostAddressProblem(address: string): string | undefined {
    if (isIP(address)) return ipAddressProblem(address);
    const withPort = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d+)$/.exec(address);
    if (withPort) {
        return `is \`${address}\`, an address with a port; write the address alone (\`${withPort[1] ?? withPort[2]}\`) and put ${withPort[3]} in {port}`;
    }
    if (/^\[.*\]$/.test(address) && isIP(address.slice(1, -1)))
        return `is \`${address}\`; write the IPv6 address without brackets (\`${address.slice(1, -1)}\`)`;
    if (/^[\d.]+$/.test(address)) {
        const octets = address.split(".");
        const bad = octets.find((o) => o === "" || Number(o) > 255 || (o.length > 1 && o.startsWith("0")));
        if (octets.length !== 4) return `is not an IPv4 address: ${octets.length} parts instead of 4`;
        return `is not an IPv4 address: ${bad === undefined ? "bad octet" : `octet \`${bad}\``} ${bad !== undefined && Number(bad) > 255 ? "is over 255" : "is not a number 0-255 without leading zeros"}`;
    }
    if (address.includes(":")) return "is not a valid IPv6 address; check the groups (at most one `::`, hex digits)";
    const name = address.endsWith(".") ? address.slice(0, -1) : address;
    const labelOk = (l: string) => /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(l);
    if (address.trim() !== address) return "has spaces around it; write the address alone";
    if (name.length > 253 || !name.split(".").every(labelOk))
        return "is neither an IP address nor a DNS name (labels of letters, digits and inner hyphens, at most 63 characters each)";
    return undefined;
}

/** An IP address no host has: unspecified (connecting to it reaches this machine), broadcast, multicast. */
function ipAddressProblem(address: string): string | undefined {
    const v6 = address.includes(":");
    if (v6 ? /^[0:]+$/.test(address) : address === "0.0.0.0")
        return `is the unspecified address \`${address}\` (it reaches the machine running pulumi, not a host); give the host's own address`;
    if (!v6 && address === "255.255.255.255") return "is the broadcast address; give the host's own address";
    const first = v6 ? address.toLowerCase() : address.split(".")[0];
    if (v6 ? first.startsWith("ff") : Number(first) >= 224 && Number(first) <= 239)
        return `is a multicast address (\`${address}\`); give the host's own address`;
    return undefined;
}
