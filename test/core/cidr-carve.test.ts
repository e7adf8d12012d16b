/**
 * The allocation side of the address module (components/core/cidr.ts): carving sub-blocks, the per-zone
 * VPC layout, containment, and inclusive address ranges. Property tests over both families; the layout is
 * also compared with an independent model of the layout AWS stacks were planned with, so no planned
 * subnet moves.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
    MAX_VPC_PREFIX,
    MAX_ZONES,
    MIN_VPC_PREFIX,
    cidrContains,
    cidrRange,
    cidrSize,
    cidrsOverlap,
    formatCidr,
    hostCidr,
    layoutSubnets,
    lastAddress,
    networkAddress,
    parseCidr,
    parseIpv4Network,
    rangeContains,
    rangesOverlap,
    subnet,
    type Cidr,
} from "../../components/core/cidr";

/** An arbitrary block of either family, host bits possibly set. */
const anyCidr: fc.Arbitrary<Cidr> = fc.constantFrom(4, 6).chain((family) => {
    const bits = family === 4 ? 32 : 128;
    return fc
        .record({ address: fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }), prefix: fc.integer({ min: 0, max: bits }) })
        .map(({ address, prefix }): Cidr => ({ family: family as 4 | 6, address, prefix, bits }));
});

/** A block and a way to carve it: a longer prefix (at most 12 bits longer, so indices stay enumerable) and an index. */
const carving = anyCidr.chain((cidr) =>
    fc.integer({ min: cidr.prefix, max: Math.min(cidr.bits, cidr.prefix + 12) }).chain((newPrefix) =>
        fc.record({
            cidr: fc.constant(cidr),
            newPrefix: fc.constant(newPrefix),
            index: fc.integer({ min: 0, max: 2 ** (newPrefix - cidr.prefix) - 1 }),
        }),
    ),
);

/** An IPv4 network of a prefix the per-zone layout accepts, written as text. */
const vpcText = fc
    .record({ base: fc.integer({ min: 0, max: 0xffffffff }), prefix: fc.integer({ min: MIN_VPC_PREFIX, max: MAX_VPC_PREFIX }) })
    .map(({ base, prefix }) => formatCidr({ family: 4, address: BigInt(base), prefix, bits: 32 }));

/** Parses text known to be a block. */
function cidr(text: string): Cidr {
    const parsed = parseCidr(text);
    assert.ok(parsed.ok, `expected ${text} to parse`);
    return parsed.value;
}

describe("subnet: carving sub-blocks", () => {
    test("a sub-block lies in its block, has the asked prefix, and starts where its index says", () => {
        fc.assert(
            fc.property(carving, ({ cidr: block, newPrefix, index }) => {
                const sub = subnet(block, newPrefix, index);
                assert.equal(sub.prefix, newPrefix);
                assert.equal(sub.family, block.family);
                assert.ok(cidrContains(block, sub), `${formatCidr(sub)} outside ${formatCidr(block)}`);
                assert.equal(networkAddress(sub), networkAddress(block) + BigInt(index) * cidrSize(sub));
            }),
        );
    });

    test("different indices never overlap; neighbours touch", () => {
        fc.assert(
            fc.property(carving, fc.nat(), ({ cidr: block, newPrefix, index }, other) => {
                const count = 2 ** (newPrefix - block.prefix);
                const j = other % count;
                const a = subnet(block, newPrefix, index);
                const b = subnet(block, newPrefix, j);
                assert.equal(cidrsOverlap(a, b), index === j);
                if (index + 1 < count) assert.equal(lastAddress(a) + 1n, networkAddress(subnet(block, newPrefix, index + 1)));
            }),
        );
    });

    test("all sub-blocks of one prefix cover the block exactly", () => {
        fc.assert(
            fc.property(
                anyCidr.filter((c) => c.prefix <= c.bits - 4),
                fc.integer({ min: 0, max: 4 }),
                (block, extra) => {
                    const subs = Array.from({ length: 2 ** extra }, (_, i) => subnet(block, block.prefix + extra, i));
                    assert.equal(networkAddress(subs[0]), networkAddress(block));
                    assert.equal(lastAddress(subs[subs.length - 1]), lastAddress(block));
                    assert.equal(
                        subs.reduce((sum, s) => sum + cidrSize(s), 0n),
                        cidrSize(block),
                    );
                },
            ),
        );
    });

    test("there is no sub-block past the end, before the start, or of a shorter or impossible prefix", () => {
        const block = cidr("10.0.0.0/16");
        assert.throws(() => subnet(block, 18, 4), /^RangeError: no sub-block 4 of prefix 18 in 10\.0\.0\.0\/16$/);
        assert.throws(() => subnet(block, 18, -1), RangeError);
        assert.throws(() => subnet(block, 15, 0), RangeError);
        assert.throws(() => subnet(block, 33, 0), RangeError);
        assert.throws(() => subnet(block, 18, 1.5), RangeError);
        assert.equal(formatCidr(subnet(cidr("2001:db8::/32"), 48, 5)), "2001:db8:5::/48");
    });
});

describe("cidrContains", () => {
    test("agrees with the blocks' address spans", () => {
        fc.assert(
            fc.property(anyCidr, anyCidr, (a, b) => {
                const expected = a.family === b.family && networkAddress(a) <= networkAddress(b) && lastAddress(b) <= lastAddress(a);
                assert.equal(cidrContains(a, b), expected);
                if (expected) assert.ok(cidrsOverlap(a, b), "containment implies overlap");
            }),
        );
    });

    test("a block contains itself and its host addresses, never a block of the other family", () => {
        fc.assert(
            fc.property(anyCidr, fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (block, seed) => {
                assert.ok(cidrContains(block, block));
                const inside = networkAddress(block) + (seed % cidrSize(block));
                assert.ok(cidrContains(block, hostCidr(block.family, inside)));
                assert.ok(rangeContains(cidrRange(block), inside));
                const other: Cidr = block.family === 4 ? cidr("::/0") : cidr("0.0.0.0/0");
                assert.equal(cidrContains(other, block), false);
            }),
        );
    });
});

describe("address ranges", () => {
    test("two blocks' spans overlap exactly when the blocks do", () => {
        fc.assert(
            fc.property(anyCidr, anyCidr, (a, b) => {
                fc.pre(a.family === b.family);
                assert.equal(rangesOverlap(cidrRange(a), cidrRange(b)), cidrsOverlap(a, b));
            }),
        );
    });

    test("overlap of ranges is symmetric and agrees with a shared address", () => {
        const range = fc
            .tuple(fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max: 300n }))
            .map(([x, y]) => (x <= y ? { first: x, last: y } : { first: y, last: x }));
        fc.assert(
            fc.property(range, range, (a, b) => {
                let shared = false;
                for (let x = a.first; x <= a.last && !shared; x++) shared = rangeContains(b, x);
                assert.equal(rangesOverlap(a, b), shared);
                assert.equal(rangesOverlap(b, a), shared);
            }),
        );
    });

    test("a host block is one address wide", () => {
        assert.equal(formatCidr(hostCidr(4, 0xc0000201n)), "192.0.2.1/32");
        assert.equal(formatCidr(hostCidr(6, 1n)), "::1/128");
        assert.equal(cidrSize(hostCidr(6, 1n)), 1n);
    });
});

describe("parseIpv4Network", () => {
    test("round-trips every IPv4 network through formatCidr, spaces around it ignored", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), (base, prefix) => {
                const text = formatCidr({ family: 4, address: BigInt(base), prefix, bits: 32 });
                const parsed = parseIpv4Network(` ${text} `);
                assert.ok(parsed);
                assert.equal(formatCidr(parsed), text);
            }),
        );
    });

    test("refuses host bits, junk, a missing prefix and IPv6", () => {
        for (const text of ["10.0.0.1/16", "10.0.0.0/33", "256.0.0.0/8", "10.0.0.0", "2001:db8::/32", "ten/8", ""]) {
            assert.equal(parseIpv4Network(text), undefined, text);
        }
        assert.deepEqual(parseIpv4Network("0.0.0.0/0"), { family: 4, address: 0n, prefix: 0, bits: 32 });
    });
});

/**
 * The layout as AWS stacks were planned before the address modules merged, written independently with
 * 32-bit numbers: private subnet i is block i of prefix p+3; public subnet i is block i of prefix p+6
 * inside block 7.
 */
function modelLayout(vpc: string, zones: readonly string[]): { zone: string; privateCidr: string; publicCidr: string }[] {
    const [ip, prefixText] = vpc.split("/");
    const prefix = Number(prefixText);
    const base = ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const text = (n: number, p: number) => `${[24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".")}/${p}`;
    const privateSize = 2 ** (32 - (prefix + 3));
    const publicSize = 2 ** (32 - (prefix + 6));
    return zones.map((zone, i) => ({
        zone,
        privateCidr: text(base + i * privateSize, prefix + 3),
        publicCidr: text(base + 7 * privateSize + i * publicSize, prefix + 6),
    }));
}

describe("layoutSubnets: the per-zone VPC layout", () => {
    const zonesArb = fc.integer({ min: 0, max: MAX_ZONES }).map((n) => ["a", "b", "c", "d", "e", "f"].slice(0, n).map((z) => `zone-${z}`));

    test("plans the same subnets as the layout stacks were planned with", () => {
        fc.assert(fc.property(vpcText, zonesArb, (vpc, zones) => assert.deepEqual(layoutSubnets(vpc, zones), modelLayout(vpc, zones))));
    });

    test("subnets lie in the VPC and never overlap one another", () => {
        fc.assert(
            fc.property(vpcText, zonesArb, (vpc, zones) => {
                const block = parseIpv4Network(vpc)!;
                const subnets = layoutSubnets(vpc, zones)
                    .flatMap((z) => [z.privateCidr, z.publicCidr])
                    .map((s) => parseIpv4Network(s)!);
                for (const s of subnets) assert.ok(cidrContains(block, s), `${formatCidr(s)} outside ${vpc}`);
                for (let i = 0; i < subnets.length; i++)
                    for (let j = i + 1; j < subnets.length; j++)
                        assert.ok(!cidrsOverlap(subnets[i], subnets[j]), `${formatCidr(subnets[i])} overlaps ${formatCidr(subnets[j])}`);
            }),
        );
    });

    test("appending a zone never renumbers existing subnets", () => {
        fc.assert(
            fc.property(vpcText, fc.integer({ min: 1, max: MAX_ZONES - 1 }), (vpc, n) => {
                const zones = ["z1", "z2", "z3", "z4", "z5", "z6"];
                assert.deepEqual(layoutSubnets(vpc, zones.slice(0, n + 1)).slice(0, n), layoutSubnets(vpc, zones.slice(0, n)));
            }),
        );
    });

    test("a /16 gives /19 private and /22 public subnets", () => {
        const [a, b] = layoutSubnets("10.0.0.0/16", ["x", "y"]);
        assert.deepEqual(a, { zone: "x", privateCidr: "10.0.0.0/19", publicCidr: "10.0.224.0/22" });
        assert.deepEqual(b, { zone: "y", privateCidr: "10.0.32.0/19", publicCidr: "10.0.228.0/22" });
    });

    test("a range or a zone count outside the layout is refused with the same words as before", () => {
        assert.throws(
            () => layoutSubnets("10.0.0.0/8", ["a"]),
            /^RangeError: VPC CIDR 10\.0\.0\.0\/8 must be a network between \/16 and \/22$/,
        );
        assert.throws(() => layoutSubnets("10.0.0.0/23", ["a"]), /must be a network between \/16 and \/22/);
        assert.throws(() => layoutSubnets("10.0.0.1/16", ["a"]), /must be a network between/);
        assert.throws(
            () => layoutSubnets("10.0.0.0/16", ["1", "2", "3", "4", "5", "6", "7"]),
            /^RangeError: at most 6 zones fit the VPC layout$/,
        );
    });
});
