/**
 * Mock outputs for `@pulumi/tls` that are real certificates: the plan engine's mocks return PEM-shaped
 * noise for certificates, which is enough for sizes but not for kubeadm or an API server. These turn
 * exactly the inputs the program gives the tls provider (key, subject, CA flag, validity, allowed uses)
 * into X.509 certificates with the `openssl` CLI, the way the provider would, so the PKI the program
 * generates can be handed to real kubeadm, etcd and kube-apiserver.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isWrappedSecret, type OutputMock } from "../../stacks/plan/mocks";

function plain(value: unknown): unknown {
    return isWrappedSecret(value) ? plain(value.value) : value;
}

function text(inputs: Record<string, unknown>, key: string, resource: string): string {
    const value = plain(inputs[key]);
    if (typeof value !== "string" || value === "") throw new Error(`${resource}: input ${key} is missing`);
    return value;
}

/** `/O=…/CN=…` from the provider's `subject` block. */
function subjectArg(inputs: Record<string, unknown>): string {
    const subject = (plain(inputs.subject) ?? {}) as Record<string, unknown>;
    const parts: string[] = [];
    const add = (field: string, key: string) => {
        const v = plain(subject[key]);
        if (typeof v === "string" && v !== "") parts.push(`/${field}=${v.replace(/[/\\]/g, "\\$&")}`);
    };
    add("O", "organization");
    add("OU", "organizationalUnit");
    add("CN", "commonName");
    return parts.join("") || "/";
}

const KEY_USAGES: Record<string, string> = {
    cert_signing: "keyCertSign",
    crl_signing: "cRLSign",
    digital_signature: "digitalSignature",
    key_encipherment: "keyEncipherment",
    content_commitment: "nonRepudiation",
    key_agreement: "keyAgreement",
};
const EXT_KEY_USAGES: Record<string, string> = {
    server_auth: "serverAuth",
    client_auth: "clientAuth",
    code_signing: "codeSigning",
    email_protection: "emailProtection",
};

/** The extensions the tls provider derives from `allowedUses` and `isCaCertificate`. */
function extensions(inputs: Record<string, unknown>): string {
    const uses = (plain(inputs.allowedUses) as unknown[] | undefined)?.map((u) => String(plain(u))) ?? [];
    const lines = [plain(inputs.isCaCertificate) === true ? "basicConstraints=critical,CA:TRUE" : "basicConstraints=critical,CA:FALSE"];
    const ku = uses.flatMap((u) => (KEY_USAGES[u] ? [KEY_USAGES[u]] : []));
    const eku = uses.flatMap((u) => (EXT_KEY_USAGES[u] ? [EXT_KEY_USAGES[u]] : []));
    if (ku.length > 0) lines.push(`keyUsage=critical,${ku.join(",")}`);
    if (eku.length > 0) lines.push(`extendedKeyUsage=${eku.join(",")}`);
    lines.push("subjectKeyIdentifier=hash");
    return lines.join("\n") + "\n";
}

function days(inputs: Record<string, unknown>): string {
    const hours = Number(plain(inputs.validityPeriodHours) ?? 24);
    return String(Math.max(1, Math.ceil(hours / 24)));
}

function withDir<T>(f: (dir: string) => T): T {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-tls-"));
    try {
        return f(dir);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function openssl(dir: string, args: string[]): string {
    return execFileSync("openssl", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

const selfSigned: OutputMock = (inputs) =>
    withDir((dir) => {
        fs.writeFileSync(path.join(dir, "key.pem"), text(inputs, "privateKeyPem", "tls.SelfSignedCert"));
        const addext = extensions(inputs)
            .trim()
            .split("\n")
            .flatMap((line) => ["-addext", line]);
        const certPem = openssl(dir, [
            "req",
            "-x509",
            "-new",
            "-key",
            "key.pem",
            "-subj",
            subjectArg(inputs),
            "-days",
            days(inputs),
            "-config",
            "/dev/null",
            ...addext,
        ]);
        return { certPem };
    });

const certRequest: OutputMock = (inputs) =>
    withDir((dir) => {
        fs.writeFileSync(path.join(dir, "key.pem"), text(inputs, "privateKeyPem", "tls.CertRequest"));
        return { certRequestPem: openssl(dir, ["req", "-new", "-key", "key.pem", "-subj", subjectArg(inputs), "-config", "/dev/null"]) };
    });

const locallySigned: OutputMock = (inputs) =>
    withDir((dir) => {
        fs.writeFileSync(path.join(dir, "csr.pem"), text(inputs, "certRequestPem", "tls.LocallySignedCert"));
        fs.writeFileSync(path.join(dir, "ca.pem"), text(inputs, "caCertPem", "tls.LocallySignedCert"));
        fs.writeFileSync(path.join(dir, "ca.key"), text(inputs, "caPrivateKeyPem", "tls.LocallySignedCert"));
        fs.writeFileSync(path.join(dir, "ext.cnf"), extensions(inputs));
        const certPem = openssl(dir, [
            "x509",
            "-req",
            "-in",
            "csr.pem",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            `0x${Date.now().toString(16)}${process.pid.toString(16)}`,
            "-days",
            days(inputs),
            "-extfile",
            "ext.cnf",
        ]);
        return { certPem };
    });

/** Output mocks by type token, to lay over the plan engine's. Keys stay as the engine makes them (real). */
export const REAL_TLS_OUTPUTS: Record<string, OutputMock> = {
    "tls:index/selfSignedCert:SelfSignedCert": selfSigned,
    "tls:index/certRequest:CertRequest": certRequest,
    "tls:index/locallySignedCert:LocallySignedCert": locallySigned,
};
