/**
 * The private key check the bare-metal config runs before anything registers, on keys made by the real
 * `ssh-keygen` (plain, passphrase-protected, PEM) and on what users paste by mistake. Its messages
 * never hold the key.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { privateKeyProblem } from "../../bootstrap/ssh/privatekey";
import { keygen } from "./sshd";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kf-privkey-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A key made by ssh-keygen with the given extra arguments (passphrase, format). */
function made(name: string, args: string[]): string {
    const file = path.join(dir, name);
    execFileSync("ssh-keygen", ["-q", "-C", name, "-f", file, ...args]);
    return fs.readFileSync(file, "utf8");
}

describe("privateKeyProblem", () => {
    const plain = keygen(dir, "plain");
    const ecdsa = keygen(dir, "ecdsa", "ecdsa");

    test("real unencrypted keys pass: OpenSSH ed25519 and ecdsa, PEM RSA, PKCS#8", () => {
        assert.equal(privateKeyProblem(plain.privateKey), undefined);
        assert.equal(privateKeyProblem(ecdsa.privateKey), undefined);
        assert.equal(privateKeyProblem(made("pem", ["-t", "rsa", "-b", "2048", "-N", "", "-m", "PEM"])), undefined);
        assert.equal(privateKeyProblem(made("pkcs8", ["-t", "ecdsa", "-N", "", "-m", "PKCS8"])), undefined);
    });

    test("passphrase-protected keys are refused with the fix, in every format", () => {
        for (const [name, args] of [
            ["enc-openssh", ["-t", "ed25519", "-N", "secret-pass"]],
            ["enc-pem", ["-t", "rsa", "-b", "2048", "-N", "secret-pass", "-m", "PEM"]],
            ["enc-pkcs8", ["-t", "ecdsa", "-N", "secret-pass", "-m", "PKCS8"]],
        ] as const) {
            assert.match(privateKeyProblem(made(name, [...args])) ?? "", /passphrase-protected; .*ssh-keygen -p -N ''/, name);
        }
    });

    test("what users paste by mistake: nothing, a public key, a path, a certificate, a key cut short", () => {
        const cases: [string, RegExp][] = [
            ["  ", /is empty/],
            [plain.publicKey, /holds a public key/],
            ["~/.ssh/id_ed25519", /holds a file path, not a key; .*\$\(cat <file>\)/],
            ["/home/me/.ssh/id_rsa", /holds a file path/],
            ["C:\\Users\\me\\.ssh\\id_ed25519", /holds a file path/],
            ["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", /holds a CERTIFICATE block, not a private key/],
            [plain.privateKey.split("\n").slice(0, 3).join("\n"), /is cut short: the -----END OPENSSH PRIVATE KEY----- line is missing/],
            ["-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----", /not a readable OpenSSH key/],
        ];
        for (const [value, message] of cases) assert.match(privateKeyProblem(value) ?? "", message, value.slice(0, 30));
    });

    test("no message holds any line of the key", () => {
        const lines = plain.privateKey.split("\n").filter((l) => l.length > 8 && !l.startsWith("-----"));
        for (const value of [plain.privateKey.split("\n").slice(0, 3).join("\n"), made("enc2", ["-t", "ed25519", "-N", "pw"])]) {
            const message = privateKeyProblem(value) ?? "";
            for (const line of [...lines, ...value.split("\n").filter((l) => l.length > 8 && !l.startsWith("-----"))])
                assert.ok(!message.includes(line));
        }
    });
});
