/**
 * Host public keys as the user writes them (`ssh-ed25519 AAAA... comment`, the line in
 * `/etc/ssh/ssh_host_ed25519_key.pub`), compared by their key blob, and shown as OpenSSH's SHA256
 * fingerprints in messages.
 */
import * as crypto from "node:crypto";

/** A parsed public key line. */
export interface HostPublicKey {
    /** Algorithm name, e.g. `ssh-ed25519`. */
    type: string;
    /** The key blob (base64-decoded second field). */
    blob: Buffer;
}

/**
 * Parses a public key line; undefined when it is not one. Accepts an optional known_hosts-style host
 * field in front (`host ssh-ed25519 AAAA...`).
 *
 * @param line - the key line.
 */
export function parseHostKey(line: string): HostPublicKey | undefined {
    const fields = line.trim().split(/\s+/);
    for (let i = 0; i + 1 < fields.length; i++) {
        const type = fields[i];
        if (!/^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9@.-]+)$/.test(type)) continue;
        const b64 = fields[i + 1];
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
        const blob = Buffer.from(b64, "base64");
        // The blob starts with its own type name; a mismatch means a pasted fragment of something else.
        if (blob.length < 4) return undefined;
        const nameLength = blob.readUInt32BE(0);
        if (blob.subarray(4, 4 + nameLength).toString() !== type) return undefined;
        return { type, blob };
    }
    return undefined;
}

/** OpenSSH's fingerprint of a key blob: `SHA256:<base64 without padding>`. */
export function fingerprint(blob: Buffer): string {
    return "SHA256:" + crypto.createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
}

/** The public key line for a blob (what trust-on-first-use records). */
export function keyLine(blob: Buffer): string {
    const nameLength = blob.readUInt32BE(0);
    const type = blob.subarray(4, 4 + nameLength).toString();
    return `${type} ${blob.toString("base64")}`;
}
