/**
 * Plausible outputs for the bare-metal resources under {@link PlanEngine}: what a HostBootstrap would
 * report after bootstrapping (the host key it saw, a marker hash). No SSH happens in a plan.
 *
 * A pool's size is its inventory of hosts, so a suite cannot resize a pool by its `count` alone: the
 * {@link PoolInventory} here adds an invented host (a documentation address, a fresh host key, the login
 * of its siblings, the pool's next ordinal) or removes the host of the pool's highest ordinal.
 */
import * as crypto from "node:crypto";
import { isRecord } from "../../core/fields";
import { mockEd25519HostKey, type PlatformMocks, type PoolInventory, type StackConfigValues } from "../../kit/mocks";
import { HOST_BOOTSTRAP_TYPE } from "../../../bootstrap/ssh/provider";
import { parsePoolEntry } from "./config-addresses";
import { BLOCK } from "./config-types";
import { parseIp, rangeContains } from "../../core/cidr";

/** The stack config key of the bare-metal block. */
const BLOCK_KEY = `kubeforge:${BLOCK}`;
/** The IPv4 documentation ranges (RFC 5737): invented hosts take their addresses from these only. */
const DOCUMENTATION_NETS = ["192.0.2", "198.51.100", "203.0.113"];

type RawHost = Record<string, unknown>;

/** The block and its host list, as the stack file writes them. */
function inventoryOf(config: StackConfigValues): { block: Record<string, unknown>; hosts: RawHost[] } {
    const block = config[BLOCK_KEY];
    if (!isRecord(block) || !Array.isArray(block.hosts)) throw new Error(`${BLOCK_KEY}.hosts is not a list of hosts`);
    return { block, hosts: block.hosts.filter(isRecord) };
}

/** The hosts of a worker pool with their ordinals (the one a host states, else its position in the pool). */
function poolMembers(hosts: readonly RawHost[], pool: string): { host: RawHost; ordinal: number }[] {
    return hosts
        .filter((h) => h.role !== "control-plane" && h.pool === pool)
        .map((host, position) => ({ host, ordinal: typeof host.ordinal === "number" ? host.ordinal : position }));
}

/** The first documentation address no host, endpoint or Service address pool entry uses, next to `near` when it is one. */
function freeAddress(block: Record<string, unknown>, hosts: readonly RawHost[], near: unknown): string {
    const taken = new Set(hosts.map((h) => String(h.address)));
    const endpoint = isRecord(block.endpoint) ? Object.values(block.endpoint).map(String) : [];
    for (const a of endpoint) taken.add(a);
    const pools = (Array.isArray(block.serviceAddressPool) ? block.serviceAddressPool : []).flatMap((e) => {
        const parsed = parsePoolEntry(String(e));
        return parsed.ok ? [parsed.value] : [];
    });
    const inPool = (address: string) => {
        const ip = parseIp(address);
        return ip.ok && pools.some((p) => rangeContains(p, ip.value.address));
    };
    const [, nearNet, nearOctet] = /^(\d+\.\d+\.\d+)\.(\d+)$/.exec(String(near)) ?? [];
    const nets = DOCUMENTATION_NETS.includes(nearNet) ? [nearNet, ...DOCUMENTATION_NETS.filter((n) => n !== nearNet)] : DOCUMENTATION_NETS;
    for (const net of nets) {
        const start = net === nearNet ? Number(nearOctet) + 1 : 1;
        for (let i = 0; i < 254; i++) {
            const address = `${net}.${((start - 1 + i) % 254) + 1}`;
            if (!taken.has(address) && !inPool(address)) return address;
        }
    }
    throw new Error("every documentation address (RFC 5737) is taken");
}

/** The config with `hosts` in place of the block's host list. */
function withHosts(config: StackConfigValues, block: Record<string, unknown>, hosts: RawHost[]): StackConfigValues {
    return { ...config, [BLOCK_KEY]: { ...block, hosts } };
}

const inventory: PoolInventory = {
    grow(config, pool) {
        const { block, hosts } = inventoryOf(config);
        const members = poolMembers(hosts, pool);
        const sibling = members.at(-1)?.host;
        if (!sibling) throw new Error(`pool "${pool}" has no host in ${BLOCK_KEY}.hosts to take the login (user, port, key) from`);
        const ordinal = Math.max(...members.map((m) => m.ordinal)) + 1;
        const names = new Set(hosts.map((h) => String(h.name ?? h.address)));
        let name = `${pool}-${ordinal}`;
        for (let k = 2; names.has(name); k++) name = `${pool}-${ordinal}-${k}`;
        const login = Object.fromEntries(["user", "port", "privateKey"].filter((k) => k in sibling).map((k) => [k, sibling[k]]));
        const added: RawHost = {
            name,
            address: freeAddress(block, hosts, sibling.address),
            ...login,
            failureDomain: sibling.failureDomain,
            role: "worker",
            pool,
            hostKey: mockEd25519HostKey(`${pool}/${name}`),
            // Once any host of the pool states its ordinal, every host must (placement.ts).
            ...(members.some((m) => typeof m.host.ordinal === "number") ? { ordinal } : {}),
        };
        return withHosts(config, block, [...hosts, added]);
    },
    shrink(config, pool) {
        const { block, hosts } = inventoryOf(config);
        const members = poolMembers(hosts, pool);
        if (members.length === 0) throw new Error(`pool "${pool}" has no host in ${BLOCK_KEY}.hosts to remove`);
        const last = members.reduce((a, b) => (b.ordinal > a.ordinal ? b : a)).host;
        return withHosts(
            config,
            block,
            hosts.filter((h) => h !== last),
        );
    },
};

const mocks: PlatformMocks = {
    outputs: {
        [HOST_BOOTSTRAP_TYPE]: (inputs, name) => ({
            hostKeySeen:
                typeof inputs.hostKey === "string" && inputs.hostKey
                    ? inputs.hostKey
                    : `ssh-ed25519 (recorded on first contact with ${name})`,
            appliedHash: crypto.createHash("sha256").update(name).digest("hex"),
        }),
    },
    inventory,
};

export default mocks;
