/**
 * Address checks of the bare-metal block: the Service address pool and the hosts' addresses against
 * the cluster's ranges and each other. The arithmetic is the core's address module (core/cidr.ts).
 */
import {
    cidrRange,
    cidrsOverlap,
    hostCidr,
    parseCidr,
    parseIp,
    rangeContains,
    rangesOverlap,
    type AddressRange,
    type Cidr,
} from "../../core/cidr";
import type { IssueList } from "../../core/fields";
import type { ClusterSpec } from "../../core/types";
import { BLOCK, type BaremetalEndpoint, type BaremetalHost } from "./config-types";

export type { AddressRange } from "../../core/cidr";

/** Parses a pool entry: `a.b.c.d/n` or `a.b.c.d-e.f.g.h`. */
export function parsePoolEntry(text: string): { ok: true; value: AddressRange } | { ok: false; error: string } {
    if (text.includes("/")) {
        const cidr = parseCidr(text);
        if (!cidr.ok) return cidr;
        if (cidr.value.family !== 4) return { ok: false, error: `"${text}" is IPv6; only IPv4 pools are supported` };
        return { ok: true, value: cidrRange(cidr.value) };
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

/** True when an IPv4 range shares an address with a block (pools are IPv4; an IPv6 block never does). */
function rangeOverlapsCidr(range: AddressRange, cidr: Cidr): boolean {
    return cidr.family === 4 && rangesOverlap(range, cidrRange(cidr));
}

/**
 * Checks that host addresses are unique and that the endpoint and the Service pool stay clear of the
 * hosts and of the cluster's ranges.
 *
 * @param hosts - the parsed inventory
 * @param endpoint - the parsed endpoint, if valid
 * @param pool - the parsed Service address pool
 * @param spec - the cluster (its pod, service and node ranges)
 * @param issues - where to record problems
 */
export function checkAddresses(
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
                if (rangeContains(p.range, vip.value.address))
                    issues.add(
                        `${BLOCK}.endpoint.vip`,
                        `${endpoint.address} is inside serviceAddressPool entry "${p.text}"; MetalLB would hand it to a Service. Take the VIP out of the pool`,
                    );
            }
            for (const c of cidrs) {
                if (c.cidr.family === 4 && rangeContains(cidrRange(c.cidr), vip.value.address)) {
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
            if (ip.ok && ip.value.family === 4 && rangeContains(p.range, ip.value.address))
                issues.add(
                    `${BLOCK}.serviceAddressPool`,
                    `"${p.text}" contains host ${h.name} (${h.address}); take the hosts' addresses out of the pool`,
                );
        }
    }
    for (const { h, ip } of hostAddresses) {
        if (!ip.ok) continue;
        for (const c of cidrs) {
            if (cidrsOverlap(hostCidr(ip.value.family, ip.value.address), c.cidr)) {
                issues.add(
                    `${BLOCK}.hosts`,
                    `host ${h.name} (${h.address}) is inside kubeforge:${c.field}; move the cluster's ${c.field === "network.podCidr" ? "pod" : "service"} range away from the hosts' network`,
                );
            }
        }
    }
}
