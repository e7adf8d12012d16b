/**
 * Redaction before the cut: the kept output tail and the errors built from it never show a secret,
 * not even in part, wherever the secret straddles the cut (issue 16). Pure: no SSH.
 *
 * Threshold: secrets here are drawn from the base64 alphabet and the surrounding output from an
 * alphabet disjoint from it, so any base64 character left in a tail (once the `[redacted]` markers are
 * taken out) came from a secret. A tail cut at its start shows none at all. A stream that stopped in the
 * middle of printing a secret (a dropped connection) may end with fewer than MIN_EDGE_PIECE (4)
 * characters of it: below that a piece of base64 carries under 24 bits, and blanking every 1-3
 * character word at the end of every output that happens to begin some secret would hide real errors.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { makeRedactor, MIN_EDGE_PIECE, REDACTED } from "../../bootstrap/ssh/redact";
import { OutputTail } from "../../bootstrap/ssh/output";
import { SshError } from "../../bootstrap/ssh/errors";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const NOISE = " \n.,:;!?()<>@#%&*_-é~";

const secretArb = fc.oneof(
    fc.string({ unit: fc.constantFrom(...B64), minLength: 8, maxLength: 120 }),
    // PEM-like: several lines of one key.
    fc
        .array(fc.string({ unit: fc.constantFrom(...B64), minLength: 8, maxLength: 64 }), { minLength: 2, maxLength: 5 })
        .map((lines) => lines.join("\n")),
);
const noiseArb = fc.string({ unit: fc.constantFrom(...NOISE), maxLength: 400 });

/** Base64 runs left once the markers (and a marker cut at the tail's front) are taken out. */
function leftovers(text: string): string[] {
    const withoutMarkers = text
        .split(REDACTED)
        .join(" ")
        .replace(/^…\S*?\]/, " ");
    return withoutMarkers.split(/[^A-Za-z0-9+/]+/).filter(Boolean);
}

/** The stream: noise and secrets interleaved, secrets whole, sometimes back to back. */
const streamArb = fc
    .tuple(fc.array(secretArb, { minLength: 1, maxLength: 3 }), fc.array(fc.tuple(noiseArb, fc.nat(5)), { minLength: 1, maxLength: 8 }))
    .map(([secrets, parts]) => ({ secrets, text: parts.map(([noise, i]) => noise + (i < secrets.length ? secrets[i] : "")).join("") }));

function chunks(text: string, sizes: number[]): Buffer[] {
    const bytes = Buffer.from(text);
    const out: Buffer[] = [];
    let at = 0;
    for (let i = 0; at < bytes.length; i++) {
        const n = Math.max(1, sizes[i % sizes.length] ?? 1);
        out.push(bytes.subarray(at, at + n));
        at += n;
    }
    return out;
}

describe("output tail: redact, then cut", () => {
    test("no character of a secret shows in a tail cut anywhere, in any chunking", () => {
        fc.assert(
            fc.property(
                streamArb,
                fc.integer({ min: 8, max: 300 }),
                fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1 }),
                ({ secrets, text }, limit, sizes) => {
                    const tail = new OutputTail(limit, makeRedactor(secrets));
                    for (const chunk of chunks(text, sizes)) tail.push(chunk);
                    const kept = tail.text();
                    assert.deepEqual(leftovers(kept), [], `tail ${JSON.stringify(kept)}`);
                    assert.ok(kept.length <= limit + 1);
                },
            ),
            { numRuns: 400 },
        );
    });

    test("a stream that stops mid-secret shows fewer than MIN_EDGE_PIECE characters of it", () => {
        fc.assert(
            fc.property(streamArb, fc.integer({ min: 8, max: 300 }), fc.nat(), fc.nat(97), ({ secrets, text }, limit, stopSeed, size) => {
                const stop = stopSeed % (text.length + 1);
                const tail = new OutputTail(limit, makeRedactor(secrets));
                for (const chunk of chunks(text.slice(0, stop), [size + 1])) tail.push(chunk);
                for (const run of leftovers(tail.text(true)))
                    assert.ok(run.length < MIN_EDGE_PIECE, `${run} in ${JSON.stringify(tail.text(true))}`);
            }),
            { numRuns: 400 },
        );
    });

    test("a stop just after a secret's piece that began inside the dropped head shows none of it", () => {
        // Found by the property above (seed 1765191514): the piece starts before the head the cut drops.
        const text = "               AAAAAAAAA8AA      AAAAAAAAA8";
        const tail = new OutputTail(8, makeRedactor(["AAAAAAAAA8AA", "AAAAAAAAAA"]));
        for (let i = 0; i < text.length; i += 8) tail.push(Buffer.from(text.slice(i, i + 8)));
        assert.deepEqual(leftovers(tail.text(true)), []);
    });

    test("an error built from a tail shows no secret either", () => {
        fc.assert(
            fc.property(streamArb, fc.integer({ min: 8, max: 200 }), ({ secrets, text }, limit) => {
                const tail = new OutputTail(limit, makeRedactor(secrets));
                tail.push(Buffer.from(text));
                const err = new SshError({ kind: "command", host: "h", step: "s", exitCode: 1, outputTail: tail.text() });
                const body = err.message.slice(err.message.indexOf("---\n") + 4);
                if (err.message.includes("---\n")) assert.deepEqual(leftovers(body), []);
            }),
            { numRuns: 200 },
        );
    });

    test("kubeadm's join line with its token across the 4096-character cut (the case issue 16 saw)", () => {
        const token = "abcdef.0123456789abcdef";
        const redactor = makeRedactor([], [`token: ${token}\n`]);
        for (let pad = 4050; pad < 4120; pad++) {
            const tail = new OutputTail(4096, redactor);
            const output =
                `${"x".repeat(pad)} kubeadm join api:6443 --token ${token} --discovery-token-ca-cert-hash sha256:00\n` + "y".repeat(4040);
            for (let i = 0; i < output.length; i += 1000) tail.push(Buffer.from(output.slice(i, i + 1000)));
            const kept = tail.text();
            for (let n = MIN_EDGE_PIECE; n <= 16; n++) {
                for (let at = 0; at + n <= 16; at++)
                    assert.ok(!kept.includes("0123456789abcdef".slice(at, at + n)), `pad ${pad}: part of the token shows`);
            }
        }
    });

    test("two secrets printed back to back are both hidden, whatever they share", () => {
        const a = "abcdefgh12";
        const b = "12345678zz";
        assert.equal(makeRedactor([a, b]).redact(`<${"abcdefgh12345678zz"}>`), `<${REDACTED}>`);
        assert.equal(makeRedactor([a, b]).redact(`${a} and ${b}`), `${REDACTED} and ${REDACTED}`);
    });
});
