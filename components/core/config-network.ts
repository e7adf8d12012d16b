/**
 * Parsers for the cluster's address ranges (`kubeforge:network`) and who may reach it (`kubeforge:access`).
 */
import { fieldName, type IssueList, readObject, readString, readStringArray, checkKnownKeys } from "./fields";
import { cidrsOverlap, cidrSize, formatCidr, hostBitsSet, parseCidr, type Cidr } from "./cidr";
import type { AccessSpec, NetworkSpec } from "./types";
import { ACCESS_KEYS, DEFAULTS, MAX_SERVICE_HOST_BITS, NETWORK_KEYS, NODE_POD_MASK, SSH_KEY } from "./config-keys";

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

/**
 * Reads `kubeforge:network`: the three ranges, disjoint, one family, sized for the cluster.
 *
 * @param value - the raw value
 * @param issues - where to record problems
 * @param nodeCount - how many nodes the pod range must hold
 */
export function parseNetwork(value: unknown, issues: IssueList, nodeCount: number): NetworkSpec {
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
                `${spec.podCidr} has room for ${room} nodes (a /${nodeMask} each) but the cluster has ${nodeCount}; use a larger range such as ${podCidr.family === 4 ? "10.244.0.0/16" : "fd00:10:244::/56"}`,
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

/**
 * Reads `kubeforge:access`.
 *
 * @param value - the raw value
 * @param issues - where to record problems
 */
export function parseAccess(value: unknown, issues: IssueList): AccessSpec {
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
