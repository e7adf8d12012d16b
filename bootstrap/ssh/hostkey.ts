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

/** Bytes of the public point for each ECDSA curve (uncompressed: 0x04, X, Y). */
const ECDSA_POINT: Record<string, number> = { nistp256: 65, nistp384: 97, nistp521: 133 };

/** Reads the SSH wire fields (uint32 length + bytes) of a blob; undefined when they do not add up. */
function wireFields(blob: Buffer): Buffer[] | undefined {
    const out: Buffer[] = [];
    for (let at = 0; at < blob.length;) {
        if (at + 4 > blob.length) return undefined;
        const n = blob.readUInt32BE(at);
        if (at + 4 + n > blob.length) return undefined;
        out.push(blob.subarray(at + 4, at + 4 + n));
        at += 4 + n;
    }
    return out;
}

/**
 * What is structurally wrong with a host key line, or undefined when it is sound: the type inside the
 * blob agrees with the declared one, and the key has the right fields and length for its type
 * (ed25519: 32 bytes; ECDSA: an uncompressed point of the curve's size; RSA: an odd exponent and a
 * modulus of at least 2048 bits). Catches a key pasted cut short that is still valid base64.
 *
 * @param line - the key line.
 */
export function hostKeyProblem(line: string): string | undefined {
    const fields = line.trim().split(/\s+/);
    const at = fields.findIndex((f) => /^(ssh-|ecdsa-sha2-|sk-)/.test(f));
    if (at < 0 || at + 1 >= fields.length) return "is not an SSH public key line (type, then the base64 key)";
    const [type, b64] = [fields[at], fields[at + 1]];
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0)
        return `its key (after ${type}) is not complete base64: cut short, or two lines joined`;
    const parts = wireFields(Buffer.from(b64, "base64"));
    if (!parts || parts.length === 0) return `its ${type} key is cut short (its fields do not add up)`;
    const inner = parts[0].toString();
    if (inner !== type) return `says ${type} but the key inside is ${inner || "not a key"}`;
    if (type === "ssh-ed25519")
        return parts.length === 2 && parts[1].length === 32 ? undefined : "its ssh-ed25519 key is not 32 bytes: cut short or corrupted";
    const curve = /^ecdsa-sha2-(nistp\d+)$/.exec(type)?.[1];
    if (curve) {
        if (!(curve in ECDSA_POINT)) return `${type} is not a curve SSH uses`;
        if (parts.length !== 3 || parts[1].toString() !== curve) return `its ${type} key does not name its curve ${curve}`;
        return parts[2].length === ECDSA_POINT[curve] && parts[2][0] === 4
            ? undefined
            : `its ${type} point is not ${ECDSA_POINT[curve]} bytes: cut short or corrupted`;
    }
    if (type === "ssh-rsa") {
        if (parts.length !== 3) return "its ssh-rsa key does not hold an exponent and a modulus";
        const [e, n] = [parts[1], parts[2]];
        if (e.length === 0 || (e[e.length - 1] & 1) === 0) return "its ssh-rsa exponent is not odd: corrupted";
        const bits = (n.length - (n[0] === 0 ? 1 : 0)) * 8;
        return bits >= 2048 ? undefined : `its ssh-rsa modulus is ${bits} bits: cut short, or a key too weak to trust (under 2048 bits)`;
    }
    return parseHostKey(line) ? undefined : `${type} is not a host key type kubeforge checks`;
}
