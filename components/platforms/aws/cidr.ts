/**
 * IPv4 CIDR arithmetic for the VPC layout. Pure: no Pulumi, no network.
 *
 * Layout of a VPC of prefix `p` (16 ≤ p ≤ 22): the range is cut into 8 blocks of prefix `p+3`.
 * Blocks 0–5 are the private (node) subnets, one per zone in the order the zones are listed, so
 * appending a zone never renumbers an existing subnet. Block 6 is spare. Block 7 is cut again into 8
 * public subnets of prefix `p+6` (load balancer and NAT gateways need few addresses).
 */

/** A parsed IPv4 CIDR. */
export interface Ipv4Cidr {
    /** Network address as an unsigned 32-bit integer. */
    base: number;
    /** Prefix length, 0–32. */
    prefix: number;
}

/** Most zones a created VPC can hold with the layout above. */
export const MAX_ZONES = 6;
/** Smallest and largest VPC prefix the layout accepts (a /22 still gives /28 public subnets). */
export const MIN_VPC_PREFIX = 16;
/** Largest VPC prefix the layout accepts. */
export const MAX_VPC_PREFIX = 22;

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Parses `a.b.c.d/p`; undefined when malformed or when host bits are set (AWS rejects those).
 * @param text - the CIDR as written in the config
 */
export function parseCidr(text: string): Ipv4Cidr | undefined {
    const m = CIDR_RE.exec(text.trim());
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return undefined;
    const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    if ((base & ~maskOf(prefix)) >>> 0 !== 0) return undefined;
    return { base, prefix };
}

function maskOf(prefix: number): number {
    return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/**
 * Formats a CIDR as `a.b.c.d/p`.
 * @param cidr - the CIDR
 */
export function formatCidr(cidr: Ipv4Cidr): string {
    const b = cidr.base;
    return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${cidr.prefix}`;
}

/**
 * The `index`-th sub-block of prefix `newPrefix` inside `cidr` (like Terraform's `cidrsubnet`).
 * @param cidr - the enclosing block
 * @param newPrefix - prefix of the sub-blocks, at least `cidr.prefix`
 * @param index - which sub-block, from 0
 */
export function subnet(cidr: Ipv4Cidr, newPrefix: number, index: number): Ipv4Cidr {
    const bits = newPrefix - cidr.prefix;
    if (bits < 0 || newPrefix > 32 || index < 0 || index >= 2 ** bits) {
        throw new RangeError(`no sub-block ${index} of prefix ${newPrefix} in ${formatCidr(cidr)}`);
    }
    return { base: (cidr.base + index * 2 ** (32 - newPrefix)) >>> 0, prefix: newPrefix };
}

/**
 * True when the two ranges share at least one address.
 * @param a - one range
 * @param b - the other
 */
export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
    const shorter = Math.min(a.prefix, b.prefix);
    const mask = maskOf(shorter);
    return (a.base & mask) >>> 0 === (b.base & mask) >>> 0;
}

/**
 * True when `inner` lies entirely inside `outer`.
 * @param outer - the enclosing range
 * @param inner - the range to test
 */
export function contains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
    return inner.prefix >= outer.prefix && overlaps(outer, inner);
}

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
 * Lays out one private and one public subnet per zone inside the VPC (see the module comment).
 * @param vpcCidr - the VPC range, prefix between {@link MIN_VPC_PREFIX} and {@link MAX_VPC_PREFIX}
 * @param zones - the zones, at most {@link MAX_ZONES}, in config order
 */
export function layoutSubnets(vpcCidr: string, zones: string[]): ZoneSubnets[] {
    const vpc = parseCidr(vpcCidr);
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
