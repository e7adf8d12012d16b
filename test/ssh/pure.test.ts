/**
 * The SSH layer's pure parts: redaction, retry classification and backoff, host key parsing, the
 * upload script's byte-exactness (run by a local bash, no SSH).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { embeddedSecrets, makeRedactor, REDACTED } from "../../bootstrap/ssh/redact";
import { backoffDelay, isTransientConnectionError, withRetry } from "../../bootstrap/ssh/retry";
import { fingerprint, keyLine, parseHostKey } from "../../bootstrap/ssh/hostkey";
import { uploadPlan } from "../../bootstrap/ssh/payload";
import { SshError } from "../../bootstrap/ssh/errors";
import { appliedHash, parseProbe } from "../../bootstrap/ssh/host";

describe("redaction", () => {
    test("whole secrets, PEM lines, and values embedded in secret files are removed; armour lines stay", () => {
        const pem =
            "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\nAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefgh\n-----END PRIVATE KEY-----\n";
        const file = "apiVersion: v1\nclient-key-data: c2VjcmV0LWtleS1kYXRh\ntoken: abcdef.0123456789abcdef\n";
        const r = makeRedactor(["s3cr3t-password"], [pem, file]);
        const text = `pw=s3cr3t-password\nline MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----BEGIN PRIVATE KEY-----\nkey c2VjcmV0LWtleS1kYXRh join abcdef.0123456789abcdef`;
        const out = r.redact(text);
        for (const secret of [
            "s3cr3t-password",
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg",
            "c2VjcmV0LWtleS1kYXRh",
            "abcdef.0123456789abcdef",
        ]) {
            assert.ok(!out.includes(secret), secret);
        }
        assert.match(out, /-----BEGIN PRIVATE KEY-----/);
        assert.match(out, new RegExp(`pw=${REDACTED.replace(/[[\]]/g, "\\$&")}`));
    });

    test("never leaves a secret in any text it is embedded in", () => {
        fc.assert(
            fc.property(
                fc.string({ minLength: 8, maxLength: 40 }).filter((s) => s.trim().length >= 8),
                fc.string(),
                fc.string(),
                (secret, before, after) => {
                    const out = makeRedactor([secret]).redact(before + secret + after);
                    assert.ok(!out.includes(secret.trim()));
                },
            ),
            { numRuns: 200 },
        );
    });

    test("embeddedSecrets finds key-named values and bootstrap tokens only", () => {
        assert.deepEqual(embeddedSecrets("name: web\npassword = hunter2hunter2\n"), ["hunter2hunter2"]);
        assert.deepEqual(embeddedSecrets("plain text with nothing secret"), []);
    });
});

describe("retry", () => {
    test("connection-level failures are transient; command failures and refusals are not", () => {
        assert.ok(isTransientConnectionError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })));
        assert.ok(
            isTransientConnectionError(Object.assign(new Error("Timed out while waiting for handshake"), { level: "client-timeout" })),
        );
        assert.ok(isTransientConnectionError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })));
        assert.ok(!isTransientConnectionError(new SshError({ kind: "command", host: "h", step: "s", exitCode: 1 })));
        assert.ok(!isTransientConnectionError(new SshError({ kind: "host-key", host: "h", step: "connect" })));
        assert.ok(
            !isTransientConnectionError(
                Object.assign(new Error("All configured authentication methods failed"), { level: "client-authentication" }),
            ),
        );
    });

    test("backoff doubles up to the cap; attempts are bounded; a non-retryable error stops at once", async () => {
        const policy = { attempts: 6, baseDelayMs: 100, maxDelayMs: 350 };
        assert.deepEqual(
            [1, 2, 3, 4, 5].map((a) => backoffDelay(policy, a)),
            [0, 100, 200, 350, 350],
        );
        let calls = 0;
        await assert.rejects(
            withRetry(
                async () => {
                    calls++;
                    throw Object.assign(new Error("refused"), { code: "ECONNREFUSED" });
                },
                { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
            ),
        );
        assert.equal(calls, 3);
        calls = 0;
        await assert.rejects(
            withRetry(
                async () => {
                    calls++;
                    throw new SshError({ kind: "command", host: "h", step: "s", exitCode: 2 });
                },
                { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
            ),
        );
        assert.equal(calls, 1);
    });
});

describe("host keys", () => {
    test("parses key lines (with comment or known_hosts host field), refuses fragments, fingerprints like ssh-keygen", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kf-hostkey-"));
        try {
            execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "k")]);
            const line = fs.readFileSync(path.join(dir, "k.pub"), "utf8").trim();
            const parsed = parseHostKey(line);
            assert.ok(parsed);
            assert.equal(parsed.type, "ssh-ed25519");
            assert.deepEqual(parseHostKey(`192.0.2.1 ${line}`)?.blob, parsed.blob);
            const expected = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", path.join(dir, "k.pub")], { encoding: "utf8" }).split(
                " ",
            )[1];
            assert.equal(fingerprint(parsed.blob), expected);
            assert.equal(keyLine(parsed.blob), line.split(" ").slice(0, 2).join(" "));
            assert.equal(parseHostKey("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIDAxdnqt"), undefined, "type and blob disagree");
            assert.equal(parseHostKey("not a key"), undefined);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("upload (tar stream)", () => {
    test("writes arbitrary bytes exactly, with the mode, atomically (a local bash and tar)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kf-upload-"));
        try {
            fc.assert(
                fc.property(fc.uint8Array({ maxLength: 3000 }), fc.constantFrom("0600", "0644", "755"), (bytes, mode) => {
                    const target = path.join(dir, "sub dir", "file's name");
                    const plan = uploadPlan([{ path: target, content: Buffer.from(bytes), mode }]);
                    execFileSync("bash", ["-c", plan.script], { input: plan.archive });
                    assert.deepEqual(new Uint8Array(fs.readFileSync(target)), bytes);
                    assert.equal((fs.statSync(target).mode & 0o777).toString(8), mode.replace(/^0/, ""));
                    assert.deepEqual(fs.readdirSync(path.dirname(target)), ["file's name"]);
                }),
                { numRuns: 25 },
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    test("file contents never travel in the script: it stays the same size whatever the content", () => {
        const small = uploadPlan([{ path: "/etc/a", content: "x", mode: "0600" }], "n");
        const large = uploadPlan([{ path: "/etc/a", content: "y".repeat(200_000), mode: "0600" }], "n");
        assert.equal(small.script, large.script);
        assert.ok(!large.script.includes("yyyy"));
        assert.ok(large.archive.length >= 200_000);
        // Long paths go in the ustar prefix field; a path too long for it is refused naming it.
        const deep = `/${"d".repeat(60)}/${"e".repeat(60)}/f`;
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kf-upload-"));
        try {
            const target = path.join(tmp, deep);
            const plan = uploadPlan([{ path: target, content: "deep", mode: "0644" }]);
            execFileSync("bash", ["-c", plan.script], { input: plan.archive });
            assert.equal(fs.readFileSync(target, "utf8"), "deep");
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
        assert.throws(() => uploadPlan([{ path: `/${"x".repeat(300)}/f`, content: "", mode: "0600" }]), /too long for tar/);
        assert.throws(() => uploadPlan([{ path: "relative", content: "", mode: "0600" }]), /not an absolute file path/);
    });

    test("the applied hash depends on files and command, not on file order", () => {
        const a = { path: "/a", content: "1", permissions: "0644" };
        const b = { path: "/b", content: "2", permissions: "0600" };
        assert.equal(appliedHash([a, b], ["x"]), appliedHash([b, a], ["x"]));
        assert.notEqual(appliedHash([a, b], ["x"]), appliedHash([a, b], ["y"]));
        assert.notEqual(appliedHash([a, b], ["x"]), appliedHash([a, { ...b, permissions: "0644" }], ["x"]));
        assert.deepEqual(parseProbe(`${"a".repeat(64)}  /etc/x y\nmarker abc\n`), {
            hashes: new Map([["/etc/x y", "a".repeat(64)]]),
            marker: "abc",
        });
    });
});
