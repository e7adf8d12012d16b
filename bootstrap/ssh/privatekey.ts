/**
 * A structural check of an SSH private key as the user gives it (`kubeforge:baremetal.privateKey` or a
 * host's own), so a wrong value is refused when the config is read, before any host is touched, instead
 * of failing every host's connection later. Messages never include the value: it is a secret.
 */

/** The PEM-style header line of a key block, e.g. `OPENSSH PRIVATE KEY`. */
const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----$/m;

/** A value that is a file path rather than the key in it (`~/.ssh/id_ed25519`, `/home/me/.ssh/id_rsa`, `C:\…`). */
function looksLikePath(text: string): boolean {
    return !text.includes("\n") && /^(~|\.{1,2}[/\\]|\/|[A-Za-z]:[/\\])/.test(text);
}

/** True for an OpenSSH-format key whose private part is encrypted (its cipher name is not `none`). */
function openSshEncrypted(body: string): boolean | undefined {
    const blob = Buffer.from(body.replace(/\s+/g, ""), "base64");
    const magic = "openssh-key-v1\0";
    if (blob.subarray(0, magic.length).toString("latin1") !== magic || blob.length < magic.length + 4) return undefined;
    const length = blob.readUInt32BE(magic.length);
    const cipher = blob.subarray(magic.length + 4, magic.length + 4 + length).toString("latin1");
    return cipher !== "none";
}

const NO_PASSPHRASE =
    "kubeforge has no passphrase setting: give a copy of the key without one (`ssh-keygen -p -N '' -f <copy>`), stored as a secret";

/**
 * What is wrong with an SSH private key value, or undefined when it looks like one (the SSH library
 * does the full parse at connect time). Catches what users paste by mistake: nothing, a public key, a
 * file path, a certificate or other PEM block, a key cut short, a passphrase-protected key.
 *
 * @param text - the value as given (a secret: never echoed)
 */
export function privateKeyProblem(text: string): string | undefined {
    const value = text.trim();
    if (value === "") return "is empty; give the SSH private key itself, as a secret";
    if (/^(ssh-|ecdsa-sha2-|sk-)/.test(value)) return "holds a public key; give the private key (the file without .pub), as a secret";
    if (looksLikePath(value))
        return 'holds a file path, not a key; give the key\'s contents as a secret, e.g. `pulumi config set --secret --path <key> "$(cat <file>)"`';
    if (value.startsWith("PuTTY-User-Key-File-")) {
        return /^Encryption: none$/m.test(value) ? undefined : `is a passphrase-protected PuTTY key; ${NO_PASSPHRASE}`;
    }
    const begin = BEGIN.exec(value);
    if (!begin) return undefined;
    const label = begin[1];
    if (!label.endsWith("PRIVATE KEY")) return `holds a ${label} block, not a private key; give the SSH private key, as a secret`;
    const end = new RegExp(`^-----END ${label}-----$`, "m").exec(value);
    if (!end) return `is cut short: the -----END ${label}----- line is missing; paste the whole key file`;
    if (label === "ENCRYPTED PRIVATE KEY" || /^Proc-Type: 4,ENCRYPTED$/m.test(value)) return `is passphrase-protected; ${NO_PASSPHRASE}`;
    if (label === "OPENSSH PRIVATE KEY") {
        const encrypted = openSshEncrypted(value.slice(begin.index + begin[0].length, end.index));
        if (encrypted === undefined) return "is not a readable OpenSSH key (its body is damaged or cut); paste the whole key file";
        if (encrypted) return `is passphrase-protected; ${NO_PASSPHRASE}`;
    }
    return undefined;
}
