import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { parse } from "yaml";
import { renderNodeBootstrap } from "../../bootstrap/render";
import { renderCloudInit, encodeUserData, AWS_USER_DATA_LIMIT_BYTES } from "../../bootstrap/cloudinit";
import { toYaml } from "../../bootstrap/yaml";
import type { BootstrapFile, NodeBootstrap } from "../../bootstrap/types";
import { cloudInitSchemaErrors } from "../helpers/validators";
import { input, masterPki, noneFacts, type NodeKind } from "./fixtures";

const pki = masterPki();

describe("cloud-init user data", () => {
    for (const kind of ["init", "control-plane", "worker"] as NodeKind[]) {
        for (const fileEncoding of ["plain", "gz+b64"] as const)
            test(`${kind} (${fileEncoding}): passes cloud-init schema and carries every file and the command`, async () => {
                const b = renderNodeBootstrap(input(kind, { pki }));
                const text = renderCloudInit(b, { fileEncoding });
                assert.ok(text.startsWith("#cloud-config\n"));
                assert.deepEqual(await cloudInitSchemaErrors(text), []);
                const doc = parse(text) as {
                    write_files: { path: string; encoding?: string; content: string; permissions: string }[];
                    runcmd: string[][];
                };
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
        assert.throws(
            () => encodeUserData(text, 1000),
            (e: Error) => {
                assert.match(e.message, /demo-cp-0/);
                assert.match(e.message, /1000 bytes/);
                assert.ok(!e.message.includes(pki.caKey!.slice(40, 80)));
                return true;
            },
        );
        assert.throws(() => encodeUserData("x".repeat(10), 1, "named-node"), /named-node/);
    });
});

/** The cloud-config as one `toYaml` of the whole document: what renderCloudInit must equal byte for byte. */
function wholeDocument(b: NodeBootstrap, gz: boolean): string {
    const config = {
        write_files: b.files.map((f) => ({
            path: f.path,
            ...(gz
                ? { encoding: "gz+b64", content: gzipSync(Buffer.from(f.content, "utf8"), { level: 9 }).toString("base64") }
                : { content: f.content }),
            owner: "root:root",
            permissions: f.permissions,
        })),
        runcmd: [b.command],
    };
    return `#cloud-config\n# kubeforge node: ${b.nodeName}\n${toYaml(config)}`;
}

describe("cloud-config written item by item", () => {
    for (const kind of ["init", "control-plane", "worker"] as NodeKind[]) {
        for (const gz of [false, true])
            test(`${kind}${gz ? " (gz+b64)" : ""}: equals the whole document, also when its items come from the cache`, () => {
                const b = renderNodeBootstrap(input(kind, { pki }));
                const expected = wholeDocument(b, gz);
                assert.equal(renderCloudInit(b, { fileEncoding: gz ? "gz+b64" : "plain" }), expected);
                assert.equal(renderCloudInit(b, { fileEncoding: gz ? "gz+b64" : "plain" }), expected);
            });
    }

    test("property: any files, commands and names give the whole document byte for byte", () => {
        // Contents that make a YAML emitter choose: block or quoted, indentation indicators, chomping
        // (no, one or several final newlines), leading spaces, document markers, YAML 1.1 booleans.
        const tricky = fc.constantFrom(
            "",
            " ",
            "\n",
            "\n\n",
            "yes",
            "0644",
            "---",
            "...",
            "- a",
            "a: b",
            "#x",
            " lead",
            "trail ",
            "\t",
            "é",
            "\r\n",
            "'",
            '"',
            "\\",
            "|",
            ">",
        );
        const text = fc
            .array(fc.oneof(tricky, fc.string({ maxLength: 12 }), fc.constant("line\n")), { maxLength: 8 })
            .map((parts) => parts.join(""));
        const file: fc.Arbitrary<BootstrapFile> = fc.record({
            path: fc.oneof(
                fc.constantFrom("/etc/a.conf", "/opt/kubeforge/lib/x.sh"),
                text.map((t) => `/tmp/${t}`),
            ),
            content: fc.oneof(text, fc.constantFrom("#!/bin/bash\nset -euo pipefail\n", "  indented first\nthen\n")),
            permissions: fc.constantFrom("0644", "0600", "0755"),
            secret: fc.boolean(),
        });
        const bootstrap: fc.Arbitrary<NodeBootstrap> = fc.record({
            nodeName: fc.constantFrom("n-0", "ip-10-0-1-2.ec2.internal"),
            files: fc.array(file, { maxLength: 6 }),
            command: fc.array(text, { minLength: 1, maxLength: 3 }),
            containsSecrets: fc.boolean(),
        });
        fc.assert(
            fc.property(fc.array(bootstrap, { minLength: 1, maxLength: 3 }), fc.boolean(), (nodes, gz) => {
                // Several nodes in a row share items, so later ones are served from the cache.
                for (const b of nodes) assert.equal(renderCloudInit(b, { fileEncoding: gz ? "gz+b64" : "plain" }), wholeDocument(b, gz));
            }),
            { numRuns: 300 },
        );
    });
});
