import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { cidrSize, cidrsOverlap, formatCidr, formatIp, hostBitsSet, parseCidr, parseIp, type Cidr } from "../../components/core/cidr";

function cidr(text: string): Cidr {
    const parsed = parseCidr(text);
    assert.ok(parsed.ok, `expected ${text} to parse`);
    return parsed.value;
}

describe("parseIp", () => {
    test("reads IPv4 dotted quads", () => {
        const parsed = parseIp("10.244.1.255");
        assert.ok(parsed.ok);
        assert.equal(parsed.value.family, 4);
        assert.equal(parsed.value.address, (10n << 24n) + (244n << 16n) + (1n << 8n) + 255n);
    });

    test("reads IPv6 with :: compression and an embedded IPv4 tail", () => {
        const cases: [string, bigint][] = [
            ["::", 0n],
            ["::1", 1n],
            ["2001:db8::", 0x20010db8n << 96n],
            ["fe80::1:2", (0xfe80n << 112n) + (1n << 16n) + 2n],
            ["::ffff:1.2.3.4", (0xffffn << 32n) + 0x01020304n],
            ["1:2:3:4:5:6:7:8", 0x00010002000300040005000600070008n],
            ["1:2:3:4:5:6:1.2.3.4", 0x00010002000300040005000601020304n],
            ["ABCD::", 0xabcdn << 112n],
        ];
        for (const [text, value] of cases) {
            const parsed = parseIp(text);
            assert.ok(parsed.ok, text);
            assert.equal(parsed.value.family, 6, text);
            assert.equal(parsed.value.address, value, text);
        }
    });

    test("rejects malformed addresses", () => {
        for (const text of [
            "",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "01.2.3.4",
            "1.2.3.-1",
            "a.b.c.d",
            "1::2::3",
            "12345::",
            ":1::",
            "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9",
            "1.2.3.4::",
            "::g",
            "1:2:3:4:5:6:7:1.2.3.4",
        ]) {
            assert.equal(parseIp(text).ok, false, text);
        }
    });

    test("formatting then parsing gives the same address (IPv4 and IPv6)", () => {
        fc.assert(
            fc.property(fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), (address) => {
                const parsed = parseIp(formatIp(4, address));
                return parsed.ok && parsed.value.family === 4 && parsed.value.address === address;
            }),
        );
        // Many zero groups, so :: compression is exercised.
        const group = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
        fc.assert(
            fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
                const address = groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
                const text = formatIp(6, address);
                const parsed = parseIp(text);
                return parsed.ok && parsed.value.family === 6 && parsed.value.address === address && !text.includes(":::");
            }),
        );
    });

    test("IPv6 text is canonical (RFC 5952: longest zero run compressed, lower case)", () => {
        assert.equal(formatIp(6, 0x20010db8000000000000000000000001n), "2001:db8::1");
        assert.equal(formatIp(6, 0x20010db8000000010000000000000001n), "2001:db8:0:1::1");
        assert.equal(formatIp(6, 0x00010000000100000000000000000001n), "1:0:1::1");
        assert.equal(formatIp(6, 0n), "::");
    });
});

describe("parseCidr", () => {
    test("reads both families and their prefix", () => {
        assert.deepEqual(cidr("10.0.0.0/16"), { family: 4, address: 10n << 24n, prefix: 16, bits: 32 });
        assert.deepEqual(cidr("fd00::/8"), { family: 6, address: 0xfdn << 120n, prefix: 8, bits: 128 });
        assert.equal(cidr("0.0.0.0/0").prefix, 0);
        assert.equal(cidr("::/128").prefix, 128);
    });

    test("rejects a missing or out-of-range prefix", () => {
        for (const text of [
            "10.0.0.0",
            "10.0.0.0/",
            "10.0.0.0/33",
            "10.0.0.0/-1",
            "10.0.0.0/08",
            "10.0.0.0/1a",
            "::/129",
            "x/8",
            "10.0.0.0/16/2",
        ]) {
            assert.equal(parseCidr(text).ok, false, text);
        }
    });

    test("host bits are detected and the network form is offered", () => {
        assert.equal(hostBitsSet(cidr("10.0.0.1/16")), true);
        assert.equal(formatCidr(cidr("10.0.0.1/16")), "10.0.0.0/16");
        assert.equal(hostBitsSet(cidr("10.0.0.0/16")), false);
        assert.equal(hostBitsSet(cidr("10.0.0.1/32")), false);
        assert.equal(hostBitsSet(cidr("2001:db8::1/64")), true);
        assert.equal(formatCidr(cidr("2001:db8::1/64")), "2001:db8::/64");
    });

    test("size is 2^(bits - prefix)", () => {
        assert.equal(cidrSize(cidr("10.96.0.0/12")), 1048576n);
        assert.equal(cidrSize(cidr("fd00::/112")), 65536n);
    });
});

describe("cidrsOverlap", () => {
    test("known cases", () => {
        assert.equal(cidrsOverlap(cidr("10.244.0.0/16"), cidr("10.96.0.0/12")), false);
        assert.equal(cidrsOverlap(cidr("10.96.0.0/12"), cidr("10.100.0.0/16")), true);
        assert.equal(cidrsOverlap(cidr("10.0.0.0/8"), cidr("10.244.0.0/16")), true);
        assert.equal(cidrsOverlap(cidr("10.0.0.0/16"), cidr("10.1.0.0/16")), false);
        assert.equal(cidrsOverlap(cidr("0.0.0.0/0"), cidr("192.168.1.0/24")), true);
        assert.equal(cidrsOverlap(cidr("fd00::/64"), cidr("fd00::1:0/112")), true);
        assert.equal(cidrsOverlap(cidr("fd00::/64"), cidr("fd00:0:0:1::/64")), false);
        assert.equal(cidrsOverlap(cidr("::/0"), cidr("10.0.0.0/8")), false, "families never overlap");
    });

    test("agrees with 'one contains the other' (prefixes equal up to the shorter length)", () => {
        for (const bits of [32, 128]) {
            const block = fc.record({
                address: fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }),
                prefix: fc.integer({ min: 0, max: bits }),
            });
            fc.assert(
                fc.property(block, block, (a, b) => {
                    const family = bits === 32 ? 4 : 6;
                    const x: Cidr = { family, bits, ...a };
                    const y: Cidr = { family, bits, ...b };
                    const shift = BigInt(bits - Math.min(a.prefix, b.prefix));
                    const expected = a.address >> shift === b.address >> shift;
                    return cidrsOverlap(x, y) === expected && cidrsOverlap(y, x) === expected;
                }),
            );
        }
    });

    test("adjacent blocks do not overlap, a block overlaps itself", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 32 }), fc.bigInt({ min: 0n, max: (1n << 32n) - 2n }), (prefix, seed) => {
                const size = 1n << BigInt(32 - prefix);
                const start = (seed / size) * size;
                if (start + size > (1n << 32n) - 1n) return true;
                const a: Cidr = { family: 4, bits: 32, prefix, address: start };
                const b: Cidr = { family: 4, bits: 32, prefix, address: start + size };
                return !cidrsOverlap(a, b) && cidrsOverlap(a, a);
            }),
        );
    });
});
