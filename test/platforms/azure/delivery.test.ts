/**
 * Azure's declared delivery: customData holds at most 65,535 bytes once base64-decoded (the gzip bytes of
 * a Linux cloud-config, the script of a Windows worker), which is the same bound as 87,380 base64
 * characters; the kit's encoder enforces it from the declaration. Pure: no mocks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { base64Length, encodeForDelivery, type UserDataForm } from "../../../components/kit/delivery";
import { AZURE_DELIVERY, CUSTOM_DATA_LIMIT_BYTES } from "../../../components/platforms/azure/bootstrap";
import azure from "../../../components/platforms/azure";

const linux = AZURE_DELIVERY.linux as UserDataForm;
const windows = AZURE_DELIVERY.windows as UserDataForm;

/** Text gzip cannot shrink much: a deterministic pseudo-random stream, base64-encoded. */
function incompressible(bytes: number): string {
    const out = Buffer.alloc(bytes);
    let x = 0x2545f491;
    for (let i = 0; i < bytes; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        out[i] = x & 0xff;
    }
    return out.toString("base64");
}

test("the platform declares customData's 65,535 decoded bytes for Linux (after gzip) and Windows (the script)", () => {
    assert.equal(CUSTOM_DATA_LIMIT_BYTES, 65535);
    assert.deepEqual(AZURE_DELIVERY.linux, {
        format: "cloud-config",
        encoding: "gzip+base64",
        limit: { bytes: 65535, measured: "compressed" },
    });
    assert.deepEqual(AZURE_DELIVERY.windows, {
        format: "powershell",
        wrapper: "none",
        encoding: "base64",
        limit: { bytes: 65535, measured: "text" },
    });
    assert.equal(azure.delivery, AZURE_DELIVERY);
    assert.equal(azure.limits.windowsNameMax, 15);
    assert.equal(azure.limits.tags?.maxCount, 50);
});

test("65,535 decoded bytes and 87,380 base64 characters are the same limit", () => {
    assert.equal(base64Length(CUSTOM_DATA_LIMIT_BYTES), 87380);
    fc.assert(fc.property(fc.integer({ min: 0, max: 200_000 }), (n) => n <= CUSTOM_DATA_LIMIT_BYTES === base64Length(n) <= 87380));
});

test("Windows: a 65,535-byte script is sent as plain base64; one byte more fails naming the node and the limit", () => {
    const script = "#".repeat(CUSTOM_DATA_LIMIT_BYTES);
    const ok = encodeForDelivery(script, windows, "demo-win-0");
    assert.equal(Buffer.from(ok.value, "base64").toString("utf8"), script);
    assert.equal(ok.value.length, 87380);
    assert.throws(
        () => encodeForDelivery(script + "#", windows, "demo-win-0"),
        /node demo-win-0 is 65536 bytes as text, over the platform's limit of 65535 bytes/,
    );
});

test("Linux: the cloud-config is gzipped then base64; a document whose gzip exceeds 65,535 bytes fails", () => {
    const doc = `#cloud-config\nwrite_files:\n${"  - path: /etc/x\n    content: hello\n".repeat(2000)}`;
    const ok = encodeForDelivery(doc, linux, "demo-cp-0");
    assert.equal(gunzipSync(Buffer.from(ok.value, "base64")).toString("utf8"), doc);
    assert.ok(doc.length > CUSTOM_DATA_LIMIT_BYTES, "the document itself may exceed the limit: only the gzip counts");
    assert.throws(
        () => encodeForDelivery(`#cloud-config\n# ${incompressible(100_000)}\n`, linux, "demo-cp-0"),
        /node demo-cp-0 is \d+ bytes after gzip, over the platform's limit of 65535 bytes/,
    );
});
