/**
 * The one address module of kubeforge: IPv4 / IPv6 addresses, CIDR blocks and inclusive address
 * ranges; parsing, formatting, overlap and containment, carving sub-blocks, and the per-zone subnet
 * layout of a created VPC. Every platform and the core's own range checks use it. Addresses are held
 * as `bigint`s so both families share one code path. Pure: no Pulumi, no network.
 */

/** Address family. */
export type IpFamily = 4 | 6;

/** A parsed CIDR block. */
export interface Cidr {
    /** Address family. */
    family: IpFamily;
    /** The address as written (host bits included), as an integer. */
    address: bigint;
    /** Prefix length. */
    prefix: number;
    /** Total bits of the family: 32 or 128. */
    bits: number;
}

/** Result of parsing: the value, or why it could not be parsed. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const IPV4_PART = /^(0|[1-9][0-9]{0,2})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Parses a dotted-quad IPv4 address (no leading zeros, which some parsers read as octal). */
function parseIpv4(text: string): bigint | undefined {
    const parts = text.split(".");
    if (parts.length !== 4) return undefined;
    let value = 0n;
    for (const part of parts) {
        if (!IPV4_PART.test(part)) return undefined;
        const octet = Number(part);
        if (octet > 255) return undefined;
        value = (value << 8n) | BigInt(octet);
    }
    return value;
}

/** Parses an IPv6 address, with `::` compression and an optional embedded IPv4 tail. */
function parseIpv6(text: string): bigint | undefined {
    const halves = text.split("::");
    if (halves.length > 2) return undefined;
    const toGroups = (part: string): number[] | undefined => {
        if (part === "") return [];
        const pieces = part.split(":");
        const groups: number[] = [];
        for (let i = 0; i < pieces.length; i++) {
            const piece = pieces[i];
            if (i === pieces.length - 1 && piece.includes(".")) {
                const v4 = parseIpv4(piece);
                if (v4 === undefined) return undefined;
                groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
            } else if (IPV6_GROUP.test(piece)) {
                groups.push(parseInt(piece, 16));
            } else {
                return undefined;
            }
        }
        return groups;
    };
    const head = toGroups(halves[0]);
    const tail = halves.length === 2 ? toGroups(halves[1]) : [];
    if (head === undefined || tail === undefined) return undefined;
    // An embedded IPv4 address is only valid at the very end.
    if (halves.length === 2 && halves[0].includes(".")) return undefined;
    const missing = 8 - head.length - tail.length;
    if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
    const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
    return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses an IPv4 or IPv6 address. */
export function parseIp(text: string): Parsed<{ family: IpFamily; address: bigint }> {
    const v4 = parseIpv4(text);
    if (v4 !== undefined) return { ok: true, value: { family: 4, address: v4 } };
    if (text.includes(":")) {
        const v6 = parseIpv6(text);
        if (v6 !== undefined) return { ok: true, value: { family: 6, address: v6 } };
    }
    return { ok: false, error: `"${text}" is not an IPv4 or IPv6 address` };
}

/**
 * Parses `address/prefix`. Host bits may be set here (see {@link hostBitsSet}); callers that need a
 * network address check that separately so the message can say which address was meant.
 */
export function parseCidr(text: string): Parsed<Cidr> {
    const slash = text.indexOf("/");
    if (slash < 0) return { ok: false, error: `"${text}" has no prefix length (write it as address/prefix, e.g. 10.0.0.0/16)` };
    const ip = parseIp(text.slice(0, slash));
    if (!ip.ok) return { ok: false, error: `"${text}": ${ip.error}` };
    const prefixText = text.slice(slash + 1);
    const bits = ip.value.family === 4 ? 32 : 128;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
        return { ok: false, error: `"${text}" has an invalid prefix length (0-${bits} for IPv${ip.value.family})` };
    }
    return { ok: true, value: { family: ip.value.family, address: ip.value.address, prefix: Number(prefixText), bits } };
}

/** Mask of the host part of a CIDR. */
function hostMask(cidr: Cidr): bigint {
    return (1n << BigInt(cidr.bits - cidr.prefix)) - 1n;
}

/** First address of the block (host bits cleared). */
export function networkAddress(cidr: Cidr): bigint {
    return cidr.address & ~hostMask(cidr);
}

/** Last address of the block. */
export function lastAddress(cidr: Cidr): bigint {
    return networkAddress(cidr) | hostMask(cidr);
}

/** True when the address has bits set below the prefix (e.g. `10.0.0.1/16`). */
export function hostBitsSet(cidr: Cidr): boolean {
    return (cidr.address & hostMask(cidr)) !== 0n;
}

/** Number of addresses in the block. */
export function cidrSize(cidr: Cidr): bigint {
    return 1n << BigInt(cidr.bits - cidr.prefix);
}

/** True when two blocks of the same family share at least one address. Different families never overlap. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    if (a.family !== b.family) return false;
    return networkAddress(a) <= lastAddress(b) && networkAddress(b) <= lastAddress(a);
}

/** Formats an address of the given family in canonical text (IPv6 per RFC 5952, `::` for the longest zero run). */
export function formatIp(family: IpFamily, address: bigint): string {
    if (family === 4) {
        return [24n, 16n, 8n, 0n].map((shift) => String((address >> shift) & 0xffn)).join(".");
    }
    const groups = Array.from({ length: 8 }, (_, i) => Number((address >> BigInt(112 - 16 * i)) & 0xffffn));
    let bestStart = -1;
    let bestLength = 0;
    for (let i = 0; i < 8;) {
        if (groups[i] !== 0) {
            i++;
            continue;
        }
        let j = i;
        while (j < 8 && groups[j] === 0) j++;
        if (j - i > bestLength && j - i >= 2) {
            bestStart = i;
            bestLength = j - i;
        }
        i = j;
    }
    const hex = groups.map((g) => g.toString(16));
    if (bestStart < 0) return hex.join(":");
    return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/** The block written with its network address (host bits cleared), e.g. `10.0.0.0/16` for `10.0.0.1/16`. */
export function formatCidr(cidr: Cidr): string {
    return `${formatIp(cidr.family, networkAddress(cidr))}/${cidr.prefix}`;
}

/**
 * Parses an IPv4 network as a provider takes it: `a.b.c.d/p` (surrounding spaces ignored) with no host
 * bits set (AWS, GCP and Azure reject `10.0.0.1/16`). Undefined for anything else, IPv6 included.
 *
 * @param text - the CIDR as written in the config
 */
export function parseIpv4Network(text: string): Cidr | undefined {
    const parsed = parseCidr(text.trim());
    if (!parsed.ok || parsed.value.family !== 4 || hostBitsSet(parsed.value)) return undefined;
    return parsed.value;
}

/**
 * True when `inner` lies entirely inside `outer` (same family, at least as long a prefix, overlapping).
 *
 * @param outer - the enclosing block
 * @param inner - the block to test
 */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
    return inner.family === outer.family && inner.prefix >= outer.prefix && cidrsOverlap(outer, inner);
}

/**
 * The `index`-th sub-block of prefix `newPrefix` inside `cidr`, counted from its network address (like
 * Terraform's `cidrsubnet`). Both families.
 *
 * @param cidr - the enclosing block
 * @param newPrefix - prefix of the sub-blocks, at least `cidr.prefix` and at most the family's bits
 * @param index - which sub-block, from 0
 * @throws RangeError when there is no such sub-block (a bug in the caller's layout: configs are checked first)
 */
export function subnet(cidr: Cidr, newPrefix: number, index: number): Cidr {
    const extra = newPrefix - cidr.prefix;
    if (!Number.isInteger(index) || extra < 0 || newPrefix > cidr.bits || index < 0 || BigInt(index) >= 1n << BigInt(extra)) {
        throw new RangeError(`no sub-block ${index} of prefix ${newPrefix} in ${formatCidr(cidr)}`);
    }
    const address = networkAddress(cidr) + (BigInt(index) << BigInt(cidr.bits - newPrefix));
    return { family: cidr.family, address, prefix: newPrefix, bits: cidr.bits };
}

/** Most zones a created VPC can hold with the per-zone layout ({@link layoutSubnets}). */
export const MAX_ZONES = 6;
/** Widest VPC prefix the per-zone layout accepts. */
export const MIN_VPC_PREFIX = 16;
/** Narrowest VPC prefix the per-zone layout accepts (a /22 still gives /28 public subnets). */
export const MAX_VPC_PREFIX = 22;

/** The subnets of one zone. */
export interface ZoneSubnets {
    /** Zone name, e.g. `us-east-1a`. */
    zone: string;
    /** Node subnet (no public addresses; egress through NAT). */
    privateCidr: string;
    /** Load balancer and NAT subnet. */
    publicCidr: string;
}

/**
 * Lays out one private and one public subnet per zone inside a VPC of prefix `p`
 * ({@link MIN_VPC_PREFIX} ≤ p ≤ {@link MAX_VPC_PREFIX}): the range is cut into 8 blocks of prefix
 * `p+3`. Blocks 0–5 are the private (node) subnets, one per zone in the order the zones are listed,
 * so appending a zone never renumbers an existing subnet. Block 6 is spare. Block 7 is cut again into
 * 8 public subnets of prefix `p+6` (load balancers and NAT gateways need few addresses).
 *
 * @param vpcCidr - the VPC range, an IPv4 network
 * @param zones - the zones, at most {@link MAX_ZONES}, in config order
 * @throws RangeError when the range or the number of zones does not fit the layout
 */
export function layoutSubnets(vpcCidr: string, zones: readonly string[]): ZoneSubnets[] {
    const vpc = parseIpv4Network(vpcCidr);
    if (!vpc || vpc.prefix < MIN_VPC_PREFIX || vpc.prefix > MAX_VPC_PREFIX) {
        throw new RangeError(`VPC CIDR ${vpcCidr} must be a network between /${MIN_VPC_PREFIX} and /${MAX_VPC_PREFIX}`);
    }
    if (zones.length > MAX_ZONES) throw new RangeError(`at most ${MAX_ZONES} zones fit the VPC layout`);
    const publicBlock = subnet(vpc, vpc.prefix + 3, 7);
    return zones.map((zone, i) => ({
        zone,
        privateCidr: formatCidr(subnet(vpc, vpc.prefix + 3, i)),
        publicCidr: formatCidr(subnet(publicBlock, vpc.prefix + 6, i)),
    }));
}

/**
 * An inclusive range of addresses of one family (the caller knows which): a pool written
 * `192.0.2.240-192.0.2.250`, or the span of a CIDR block ({@link cidrRange}).
 */
export interface AddressRange {
    /** First address. */
    first: bigint;
    /** Last address. */
    last: bigint;
}

/**
 * The addresses a block spans, network to last address.
 *
 * @param cidr - the block
 */
export function cidrRange(cidr: Cidr): AddressRange {
    return { first: networkAddress(cidr), last: lastAddress(cidr) };
}

/**
 * True when `address` lies in `range`.
 *
 * @param range - the range
 * @param address - an address of the range's family
 */
export function rangeContains(range: AddressRange, address: bigint): boolean {
    return address >= range.first && address <= range.last;
}

/**
 * True when the two ranges (of the same family) share at least one address.
 *
 * @param a - one range
 * @param b - the other
 */
export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
    return a.first <= b.last && b.first <= a.last;
}

/**
 * The block of exactly one address: a /32 (IPv4) or /128 (IPv6).
 *
 * @param family - the address family
 * @param address - the address
 */
export function hostCidr(family: IpFamily, address: bigint): Cidr {
    const bits = family === 4 ? 32 : 128;
    return { family, address, prefix: bits, bits };
}
