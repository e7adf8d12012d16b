/**
 * The `kubeforge:baremetal` block: an inventory of hosts the user already has, the API endpoint (a
 * kube-vip VIP or an external load balancer) and the bare-metal stand-ins for the cloud controller and
 * CSI (an address pool for LoadBalancer Services, local-path storage). Pure: no Pulumi import.
 */
import { cidrsOverlap, lastAddress, networkAddress, parseCidr, parseIp, type Cidr } from "../../core/cidr";
import { IssueList, isRecord, readArray, readBoolean, readChoice, readInteger, readObject, readString } from "../../core/fields";
import { dnsLabelError, labelValueError, nodeLabelKeyError } from "../../core/k8s-names";
import type { ClusterSpec, ConfigIssue, NodeRole } from "../../core/types";
import { parseHostKey } from "../../../bootstrap/ssh/hostkey";

/** One machine of the inventory. */
export interface BaremetalHost {
    /** The user's name for the host (messages and plan); its address when absent. */
    name: string;
    /** IPv4 address (or DNS name) kubeforge connects to, and the node's address. */
    address: string;
    /** SSH port. */
    port: number;
    /** Login user; commands run through `sudo -n` unless it is root. */
    user: string;
    /** SSH private key text: a Pulumi secret (host's own, or the block's `privateKey`). */
    privateKey: string;
    /** The host's public key line (`/etc/ssh/ssh_host_ed25519_key.pub`); absent only with trust-on-first-use. */
    hostKey?: string;
    /** Accept and record the key the host presents on first contact. */
    trustOnFirstUse: boolean;
    /** Failure domain in the user's words (rack, room, power feed). */
    failureDomain: string;
    /** What the host becomes. */
    role: NodeRole;
    /** Worker pool (`control-plane` for masters). */
    pool: string;
    /** Extra node labels for this host. */
    labels: Record<string, string>;
    /**
     * The node's ordinal in its pool (its name is `<cluster>-<pool>-<ordinal>`, `<cluster>-cp-<ordinal>`
     * for masters). Absent: the host's position among its pool's hosts. Write it down before removing a
     * host from the middle of a pool, so the hosts after it keep their names and are not rebuilt.
     */
    ordinal?: number;
}

/** Where the API answers. */
export type BaremetalEndpoint =
    | {
          /** A virtual IP held by kube-vip on the masters (ARP, leader election). */
          kind: "vip";
          /** The VIP (IPv4), on the masters' L2 network, unused by anything else. */
          address: string;
          /** Interface kube-vip binds the VIP to; kube-vip's own default-route choice when absent. */
          interface?: string;
      }
    | {
          /** A load balancer the user runs (HAProxy, F5...) forwarding TCP 6443 to every master. */
          kind: "loadBalancer";
          /** Its address or DNS name. */
          address: string;
      };

/** How LoadBalancer Services get addresses. */
export type ServiceLoadBalancer = "metallb" | "none";

/** The validated `kubeforge:baremetal` block. */
export interface BaremetalConfig {
    /** The inventory, in the order written (the order fixes node ordinals; append new hosts). */
    hosts: BaremetalHost[];
    /** API endpoint. */
    endpoint: BaremetalEndpoint;
    /** Addresses for LoadBalancer Services: CIDRs or `first-last` ranges. Empty: no Service LB. */
    serviceAddressPool: string[];
    /** The Service load balancer implementation (MetalLB in L2 mode by default). */
    serviceLoadBalancer: ServiceLoadBalancer;
    /** Default StorageClass provider. */
    storage: "local-path" | "none";
    /** Hosts bootstrapped at once. */
    concurrency: number;
    /** On removal, remove an unreachable host's Node and etcd member anyway (the host is not reset). */
    forceRemoveUnreachable: boolean;
}

/** Defaults. */
export const BAREMETAL_DEFAULTS = {
    port: 22,
    user: "root",
    concurrency: 10,
    storage: "local-path",
    serviceLoadBalancer: "metallb",
} as const;

const BLOCK = "baremetal";
const BLOCK_KEYS = [
    "hosts",
    "privateKey",
    "user",
    "endpoint",
    "serviceAddressPool",
    "serviceLoadBalancer",
    "storage",
    "concurrency",
    "forceRemoveUnreachable",
];
const HOST_KEYS = [
    "name",
    "address",
    "port",
    "user",
    "privateKey",
    "hostKey",
    "trustOnFirstUse",
    "failureDomain",
    "role",
    "pool",
    "labels",
    "ordinal",
];

/** An IPv4 range, inclusive. */
export interface AddressRange {
    /** First address. */
    first: bigint;
    /** Last address. */
    last: bigint;
}

/** Parses a pool entry: `a.b.c.d/n` or `a.b.c.d-e.f.g.h`. */
export function parsePoolEntry(text: string): { ok: true; value: AddressRange } | { ok: false; error: string } {
    if (text.includes("/")) {
        const cidr = parseCidr(text);
        if (!cidr.ok) return cidr;
        if (cidr.value.family !== 4) return { ok: false, error: `"${text}" is IPv6; only IPv4 pools are supported` };
        return { ok: true, value: { first: networkAddress(cidr.value), last: lastAddress(cidr.value) } };
    }
    const [a, b, extra] = text.split("-").map((s) => s.trim());
    if (b === undefined || extra !== undefined)
        return { ok: false, error: `"${text}" is neither a CIDR (192.0.2.240/28) nor a range (192.0.2.240-192.0.2.250)` };
    const first = parseIp(a);
    const last = parseIp(b);
    if (!first.ok) return first;
    if (!last.ok) return last;
    if (first.value.family !== 4 || last.value.family !== 4) return { ok: false, error: `"${text}": only IPv4 pools are supported` };
    if (first.value.address > last.value.address) return { ok: false, error: `"${text}" ends before it starts` };
    return { ok: true, value: { first: first.value.address, last: last.value.address } };
}

function inRange(address: bigint, range: AddressRange): boolean {
    return address >= range.first && address <= range.last;
}

function rangeOverlapsCidr(range: AddressRange, cidr: Cidr): boolean {
    return cidr.family === 4 && range.first <= lastAddress(cidr) && networkAddress(cidr) <= range.last;
}

function looksLikePublicKey(text: string): boolean {
    return /^(ssh-|ecdsa-sha2-|sk-)/.test(text.trim());
}

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
    const defaultUser = readString(block.user, `${BLOCK}.user`, issues) ?? BAREMETAL_DEFAULTS.user;
    const hosts = parseHosts(block.hosts, defaultKey, defaultUser, issues);

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
    checkInventoryAgainstSpec(hosts, spec, issues);

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

function parseHosts(value: unknown, defaultKey: string | undefined, defaultUser: string, issues: IssueList): BaremetalHost[] {
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

function checkAddresses(
    hosts: BaremetalHost[],
    endpoint: BaremetalEndpoint | undefined,
    pool: { text: string; range: AddressRange }[],
    spec: ClusterSpec,
    issues: IssueList,
): void {
    const seen = new Map<string, number>();
    hosts.forEach((h, i) => {
        const key = h.address.toLowerCase();
        const first = seen.get(key);
        if (first === undefined) {
            seen.set(key, i);
            return;
        }
        const other = hosts[first];
        const why =
            other.pool !== h.pool
                ? `a host can be in one pool only, but ${h.address} is listed in "${other.pool}" (hosts[${first}]) and "${h.pool}"`
                : `${h.address} is already hosts[${first}]`;
        issues.add(`${BLOCK}.hosts[${i}].address`, `${why}; list each machine once`);
    });
    const names = new Map<string, number>();
    hosts.forEach((h, i) => {
        const first = names.get(h.name);
        if (first !== undefined)
            issues.add(`${BLOCK}.hosts[${i}].name`, `"${h.name}" is already the name of hosts[${first}]; host names must be unique`);
        else names.set(h.name, i);
    });

    const cidrs: { field: string; cidr: Cidr }[] = [];
    for (const [field, text] of [
        ["network.podCidr", spec.network.podCidr],
        ["network.serviceCidr", spec.network.serviceCidr],
    ] as const) {
        const parsed = parseCidr(text);
        if (parsed.ok) cidrs.push({ field, cidr: parsed.value });
    }
    const hostAddresses = hosts.map((h) => ({ h, ip: parseIp(h.address) }));

    if (endpoint?.kind === "vip") {
        const vip = parseIp(endpoint.address);
        if (vip.ok) {
            for (const p of pool) {
                if (inRange(vip.value.address, p.range))
                    issues.add(
                        `${BLOCK}.endpoint.vip`,
                        `${endpoint.address} is inside serviceAddressPool entry "${p.text}"; MetalLB would hand it to a Service. Take the VIP out of the pool`,
                    );
            }
            for (const c of cidrs) {
                if (c.cidr.family === 4 && vip.value.address >= networkAddress(c.cidr) && vip.value.address <= lastAddress(c.cidr)) {
                    issues.add(
                        `${BLOCK}.endpoint.vip`,
                        `${endpoint.address} is inside kubeforge:${c.field} (${spec.network[c.field === "network.podCidr" ? "podCidr" : "serviceCidr"]}); pick an address on the hosts' network`,
                    );
                }
            }
            for (const { h, ip } of hostAddresses) {
                if (ip.ok && ip.value.address === vip.value.address)
                    issues.add(
                        `${BLOCK}.endpoint.vip`,
                        `${endpoint.address} is the address of host ${h.name}; the VIP must be a free address`,
                    );
            }
        }
    }
    for (const p of pool) {
        for (const c of cidrs) {
            if (rangeOverlapsCidr(p.range, c.cidr))
                issues.add(
                    `${BLOCK}.serviceAddressPool`,
                    `"${p.text}" overlaps kubeforge:${c.field}; Service addresses must be on the hosts' network, outside the cluster's own ranges`,
                );
        }
        for (const { h, ip } of hostAddresses) {
            if (ip.ok && ip.value.family === 4 && inRange(ip.value.address, p.range))
                issues.add(
                    `${BLOCK}.serviceAddressPool`,
                    `"${p.text}" contains host ${h.name} (${h.address}); take the hosts' addresses out of the pool`,
                );
        }
    }
    for (const { h, ip } of hostAddresses) {
        if (!ip.ok) continue;
        for (const c of cidrs) {
            if (
                cidrsOverlap(
                    {
                        family: ip.value.family,
                        address: ip.value.address,
                        prefix: ip.value.family === 4 ? 32 : 128,
                        bits: ip.value.family === 4 ? 32 : 128,
                    },
                    c.cidr,
                )
            ) {
                issues.add(
                    `${BLOCK}.hosts`,
                    `host ${h.name} (${h.address}) is inside kubeforge:${c.field}; move the cluster's ${c.field === "network.podCidr" ? "pod" : "service"} range away from the hosts' network`,
                );
            }
        }
    }
}

function checkInventoryAgainstSpec(hosts: BaremetalHost[], spec: ClusterSpec, issues: IssueList): void {
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
