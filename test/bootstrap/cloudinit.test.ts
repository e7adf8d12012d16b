import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import { renderNodeBootstrap } from "../../bootstrap/render";
import { renderCloudInit, encodeUserData, AWS_USER_DATA_LIMIT_BYTES } from "../../bootstrap/cloudinit";
import { cloudInitSchemaErrors } from "../helpers/validators";
import { input, masterPki, noneFacts, type NodeKind } from "./fixtures";

const pki = masterPki();

describe("cloud-init user data", () => {
    for (const kind of ["init", "control-plane", "worker"] as NodeKind[]) {
        for (const fileEncoding of ["plain", "gz+b64"] as const) test(`${kind} (${fileEncoding}): passes cloud-init schema and carries every file and the command`, async () => {
            const b = renderNodeBootstrap(input(kind, { pki }));
            const text = renderCloudInit(b, { fileEncoding });
            assert.ok(text.startsWith("#cloud-config\n"));
            assert.deepEqual(await cloudInitSchemaErrors(text), []);
            const doc = parse(text) as { write_files: { path: string; encoding?: string; content: string; permissions: string }[]; runcmd: string[][] };
            assert.equal(doc.write_files.length, b.files.length);
            for (const [i, f] of b.files.entries()) {
                const w = doc.write_files[i];
                assert.equal(w.path, f.path);
                assert.equal(w.permissions, f.permissions);
                if (fileEncoding === "gz+b64") {
                    assert.equal(w.encoding, "gz+b64");
                    assert.equal(gunzipSync(Buffer.from(w.content, "base64")).toString("utf8"), f.content);
                } else {
                    assert.equal(w.encoding, undefined);
                    assert.equal(w.content, f.content);
                }
            }
            assert.deepEqual(doc.runcmd, [b.command]);
        });
    }
    test("the schema check can fail", async () => {
        assert.notDeepEqual(await cloudInitSchemaErrors("#cloud-config\nwrite_files: 7\n"), []);
    });
    test("Windows bootstraps are refused", () => {
        assert.throws(() => renderCloudInit(renderNodeBootstrap(input("windows", { pki }))), /PowerShell/);
    });
});

describe("user data size", () => {
    test("the largest master fits AWS's 16 KB after gzip (real ECDSA P-256 keys)", (t) => {
        // The init master carries the most: three CAs with keys, the SA pair, init + join configs,
        // encryption config, audit policy, a platform cloud config and every script.
        const sizes: Record<string, number> = {};
        for (const kind of ["init", "control-plane", "worker"] as NodeKind[]) {
            const b = renderNodeBootstrap(input(kind, { pki }));
            const text = renderCloudInit(b);
            const perFile = encodeUserData(renderCloudInit(b, { fileEncoding: "gz+b64" })).bytes;
            t.diagnostic(`${kind}: ${perFile} bytes gzipped with gz+b64 files`);
            const { bytes, base64 } = encodeUserData(text, AWS_USER_DATA_LIMIT_BYTES);
            assert.equal(gunzipSync(Buffer.from(base64, "base64")).toString("utf8"), text);
            sizes[kind] = bytes;
            t.diagnostic(`${kind}: ${text.length} bytes cloud-config, ${bytes} bytes gzipped (limit ${AWS_USER_DATA_LIMIT_BYTES})`);
        }
        assert.ok(sizes.init <= AWS_USER_DATA_LIMIT_BYTES);
        assert.ok(sizes.worker < sizes.init);
    });
    test("over the limit: a clear error naming the node and the limit", () => {
        const text = renderCloudInit(renderNodeBootstrap(input("init", { pki, facts: noneFacts() })));
        assert.throws(() => encodeUserData(text, 1000), (e: Error) => {
            assert.match(e.message, /demo-cp-0/);
            assert.match(e.message, /1000 bytes/);
            assert.ok(!e.message.includes(pki.caKey!.slice(40, 80)));
            return true;
        });
        assert.throws(() => encodeUserData("x".repeat(10), 1, "named-node"), /named-node/);
    });
});
