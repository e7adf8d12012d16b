/**
 * The `kubeforge:baremetal` block: an inventory of hosts the user already has, the API endpoint (a
 * kube-vip VIP or an external load balancer) and the bare-metal stand-ins for the cloud controller and
 * CSI (an address pool for LoadBalancer Services, local-path storage). Pure: no Pulumi import.
 */
import { IssueList, readArray, readBoolean, readChoice, readInteger, readObject, readString } from "../../core/fields";
import { parseIp } from "../../core/cidr";
import type { ClusterSpec, ConfigIssue } from "../../core/types";
import {
    BAREMETAL_DEFAULTS,
    BLOCK,
    BLOCK_KEYS,
    type BaremetalConfig,
    type BaremetalEndpoint,
    type ServiceLoadBalancer,
} from "./config-types";
import { checkAddresses, parsePoolEntry, type AddressRange } from "./config-addresses";
import { checkInventoryAgainstSpec, parseHosts, userProblem } from "./config-hosts";
import { privateKeyProblem } from "../../../bootstrap/ssh/privatekey";

export {
    BAREMETAL_DEFAULTS,
    type BaremetalConfig,
    type BaremetalEndpoint,
    type BaremetalHost,
    type ServiceLoadBalancer,
} from "./config-types";
export { parsePoolEntry, type AddressRange } from "./config-addresses";

/**
 * Validates and defaults the block. Every problem is collected.
 *
 * @param raw - the `kubeforge:baremetal` value as parsed from the stack config.
 * @param spec - the cluster (pools, CIDRs) the inventory must realise.
 */
export function parseBaremetalConfig(raw: unknown, spec: ClusterSpec): { config?: BaremetalConfig; issues: ConfigIssue[] } {
    const issues = new IssueList();
    if (raw === undefined || raw === null) {
        issues.add(
            BLOCK,
            "is required on the baremetal platform; list your hosts under kubeforge:baremetal.hosts (see stacks/Pulumi.baremetal.yaml)",
        );
        return { issues: issues.items };
    }
    const block = readObject(raw, BLOCK, issues);
    if (!block) return { issues: issues.items };
    for (const key of Object.keys(block)) {
        if (!BLOCK_KEYS.includes(key)) issues.add(`${BLOCK}.${key}`, `is not a baremetal setting; use one of ${BLOCK_KEYS.join(", ")}`);
    }

    const defaultKey = readString(block.privateKey, `${BLOCK}.privateKey`, issues);
    const keyProblem = defaultKey === undefined ? undefined : privateKeyProblem(defaultKey);
    if (keyProblem) issues.add(`${BLOCK}.privateKey`, keyProblem);
    const defaultUser = readString(block.user, `${BLOCK}.user`, issues) ?? BAREMETAL_DEFAULTS.user;
    const userIssue = userProblem(defaultUser);
    if (userIssue) issues.add(`${BLOCK}.user`, userIssue);
    const { hosts, dropped } = parseHosts(block.hosts, defaultKey, defaultUser, issues, written(block.privateKey));

    const endpoint = parseEndpoint(block.endpoint, issues);
    const pool = parsePool(block.serviceAddressPool, issues);
    const serviceLoadBalancer =
        readChoice<ServiceLoadBalancer>(block.serviceLoadBalancer, `${BLOCK}.serviceLoadBalancer`, issues, ["metallb", "none"]) ??
        BAREMETAL_DEFAULTS.serviceLoadBalancer;
    if (serviceLoadBalancer === "metallb" && block.serviceAddressPool === undefined) {
        issues.add(
            `${BLOCK}.serviceAddressPool`,
            'is required for LoadBalancer Services; give free addresses on the hosts\' network (e.g. ["192.0.2.240/28"]) or set serviceLoadBalancer: none',
        );
    }
    const storage =
        readChoice<"local-path" | "none">(block.storage, `${BLOCK}.storage`, issues, ["local-path", "none"]) ?? BAREMETAL_DEFAULTS.storage;
    const concurrency = readInteger(block.concurrency, `${BLOCK}.concurrency`, issues, 1) ?? BAREMETAL_DEFAULTS.concurrency;
    const forceRemoveUnreachable = readBoolean(block.forceRemoveUnreachable, `${BLOCK}.forceRemoveUnreachable`, issues) ?? false;

    checkAddresses(hosts, endpoint, pool, spec, issues);
    checkInventoryAgainstSpec(hosts, spec, issues, dropped);

    if (issues.items.length > 0 || !endpoint) return { issues: issues.items };
    return {
        config: {
            hosts,
            endpoint,
            serviceAddressPool: pool.map((p) => p.text),
            serviceLoadBalancer,
            storage,
            concurrency,
            forceRemoveUnreachable,
        },
        issues: [],
    };
}

function written(value: unknown): boolean {
    return value !== undefined && value !== null;
}

function parseEndpoint(value: unknown, issues: IssueList): BaremetalEndpoint | undefined {
    const path = `${BLOCK}.endpoint`;
    if (value === undefined || value === null) {
        issues.add(
            path,
            "is required; give { vip: <free address on the masters' network> } for kube-vip, or { loadBalancer: <address> } for your own TCP load balancer on 6443",
        );
        return undefined;
    }
    const block = readObject(value, path, issues);
    if (!block) return undefined;
    const vip = readString(block.vip, `${path}.vip`, issues);
    const lb = readString(block.loadBalancer, `${path}.loadBalancer`, issues);
    const iface = readString(block.interface, `${path}.interface`, issues);
    for (const key of Object.keys(block)) {
        if (!["vip", "loadBalancer", "interface"].includes(key))
            issues.add(`${path}.${key}`, "is not an endpoint setting; use vip (+ interface) or loadBalancer");
    }
    // A vip or loadBalancer of the wrong type was reported by its reader; "needs exactly one" would be wrong.
    if (!written(block.vip) && !written(block.loadBalancer)) {
        issues.add(path, "needs exactly one of vip or loadBalancer");
        return undefined;
    }
    if (vip === undefined && lb === undefined) return undefined;
    if ((vip === undefined) === (lb === undefined)) {
        issues.add(path, "needs exactly one of vip or loadBalancer");
        return undefined;
    }
    if (vip !== undefined) {
        const ip = parseIp(vip);
        if (!ip.ok || ip.value.family !== 4) {
            issues.add(`${path}.vip`, `"${vip}" is not an IPv4 address; kube-vip needs a free IPv4 address on the masters' network`);
            return undefined;
        }
        if (iface !== undefined && !/^[A-Za-z0-9_.:-]{1,15}$/.test(iface))
            issues.add(`${path}.interface`, `"${iface}" is not a network interface name (e.g. eth0, bond0)`);
        return { kind: "vip", address: vip, interface: iface };
    }
    if (iface !== undefined) issues.add(`${path}.interface`, "applies to a vip only; remove it");
    return { kind: "loadBalancer", address: lb! };
}

function parsePool(value: unknown, issues: IssueList): { text: string; range: AddressRange }[] {
    const path = `${BLOCK}.serviceAddressPool`;
    if (value === undefined || value === null) return [];
    // One range as plain text is taken as a list of one; several in one text (`a, b` or `a b`) is a list
    // written as a string: say so in YAML terms rather than failing to parse it as one range.
    if (typeof value === "string" && /[,\s]/.test(value.trim())) {
        const items = value.split(/[,\s]+/).filter(Boolean);
        issues.add(
            path,
            `must be a list, not the text "${value}"; write it as a YAML list, [${items.join(", ")}] or one \`- ${items[0]}\` a line`,
        );
        return [];
    }
    const list = typeof value === "string" ? [value] : (readArray(value, path, issues) ?? []);
    const out: { text: string; range: AddressRange }[] = [];
    list.forEach((item, i) => {
        const text = readString(item, `${path}[${i}]`, issues);
        if (text === undefined) return;
        const parsed = parsePoolEntry(text);
        if (!parsed.ok) issues.add(`${path}[${i}]`, `${parsed.error}; write a CIDR or a first-last range of free addresses`);
        else out.push({ text, range: parsed.value });
    });
    out.forEach((a, i) =>
        out.slice(i + 1).forEach((b) => {
            if (a.range.first <= b.range.last && b.range.first <= a.range.last)
                issues.add(path, `entries "${a.text}" and "${b.text}" overlap; list each address once`);
        }),
    );
    return out;
}
