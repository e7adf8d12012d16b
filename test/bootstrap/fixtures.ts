/**
 * Inputs for the bootstrap tests: a cluster, nodes of every kind, platform facts and PKI material
 * with real ECDSA P-256 keys (node:crypto) and, where openssl is installed, real CA certificates, so
 * measured user data sizes are realistic.
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONTROL_PLANE_TAINT, LABELS, type ClusterSpec, type NodePlan } from "../../components/core/types";
import type { PlatformBootstrapFacts } from "../../bootstrap/types";
import type { BootstrapInput, PkiMaterial } from "../../bootstrap/types";
import { isoHoursFromNow } from "../helpers/clock";

/** A bootstrap token in kubeadm's format (fixed so tests can search for it). */
export const TOKEN = "abcdef.0123456789abcdef";
/** When the fixtures' token expires: a week ahead, so the scripts' own expiry check lets them join. */
export const TOKEN_EXPIRES = isoHoursFromNow(7 * 24);

function ecKey(): { key: string; pub: string } {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    return {
        key: privateKey.export({ type: "sec1", format: "pem" }).toString(),
        pub: publicKey.export({ type: "spki", format: "pem" }).toString(),
    };
}

/** A CA certificate for `key`: real via openssl when available, else random DER of a real cert's size. */
function caCert(key: string, cn: string): string {
    const dir = mkdtempSync(join(tmpdir(), "kubeforge-ca-"));
    try {
        writeFileSync(join(dir, "k.pem"), key);
        return execFileSync(
            "openssl",
            [
                "req",
                "-x509",
                "-new",
                "-key",
                join(dir, "k.pem"),
                "-days",
                "3650",
                "-subj",
                `/O=demo/CN=${cn}`,
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign,digitalSignature,keyEncipherment",
            ],
            { stdio: ["ignore", "pipe", "ignore"] },
        ).toString();
    } catch {
        const b64 = randomBytes(520)
            .toString("base64")
            .replace(/(.{64})/g, "$1\n");
        return `-----BEGIN CERTIFICATE-----\n${b64.trim()}\n-----END CERTIFICATE-----\n`;
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** Full PKI material for masters (fresh keys per call). */
export function masterPki(): PkiMaterial {
    const ca = ecKey();
    const etcd = ecKey();
    const fp = ecKey();
    const sa = ecKey();
    return {
        caCert: caCert(ca.key, "kubernetes"),
        caKey: ca.key,
        etcdCaCert: caCert(etcd.key, "etcd-ca"),
        etcdCaKey: etcd.key,
        frontProxyCaCert: caCert(fp.key, "front-proxy-ca"),
        frontProxyCaKey: fp.key,
        serviceAccountKey: sa.key,
        serviceAccountPub: sa.pub,
        bootstrapToken: TOKEN,
        bootstrapTokenExpires: TOKEN_EXPIRES,
        encryptionKey: randomBytes(32).toString("base64"),
    };
}

/** What a worker gets: the CA certificate and the token only. */
export function workerPki(pki: PkiMaterial): PkiMaterial {
    return { caCert: pki.caCert, bootstrapToken: pki.bootstrapToken, bootstrapTokenExpires: pki.bootstrapTokenExpires };
}

/** A three-master cluster with a Linux and a Windows pool. */
export function spec(overrides: Partial<ClusterSpec> = {}): ClusterSpec {
    return {
        name: "demo",
        kubernetesVersion: "1.36.4",
        kubernetesMinor: "1.36",
        controlPlane: { count: 3, diskSizeGb: 50 },
        workerPools: [
            { name: "general", count: 2, labels: { "example.com/tier": "general" }, taints: [], os: "linux", spot: false, diskSizeGb: 80 },
            {
                name: "win",
                count: 1,
                labels: {},
                taints: [{ key: "os", value: "windows", effect: "NoSchedule" }],
                os: "windows",
                spot: false,
                diskSizeGb: 80,
            },
        ],
        failureDomains: ["us-east-1a", "us-east-1b", "us-east-1c"],
        network: { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", nodeCidr: "10.0.0.0/16" },
        cni: "cilium",
        access: { apiAllowedCidrs: ["0.0.0.0/0"], sshAllowedCidrs: [], sshPublicKeys: [] },
        secretsEncryption: true,
        lifecycle: { drainOnDelete: true, drainTimeoutSeconds: 600, bootstrapTokenHours: 24 },
        tags: {},
        platform: "aws",
        ...overrides,
    };
}

/** Kinds of node the tests render. */
export type NodeKind = "init" | "control-plane" | "worker" | "windows";

/** A node of the given kind. */
export function node(kind: NodeKind): NodePlan {
    const master = kind === "init" || kind === "control-plane";
    const ordinal = kind === "control-plane" ? 1 : 0;
    const pool = master ? "control-plane" : kind === "windows" ? "win" : "general";
    const name = master ? `demo-cp-${ordinal}` : `demo-${pool}-${ordinal}`;
    return {
        name,
        role: master ? "control-plane" : "worker",
        pool,
        ordinal,
        failureDomain: "us-east-1a",
        os: kind === "windows" ? "windows" : "linux",
        diskSizeGb: 50,
        spot: false,
        labels: {
            [LABELS.role]: master ? "control-plane" : "worker",
            [LABELS.pool]: pool,
            [LABELS.node]: name,
            [LABELS.cluster]: "demo",
            [LABELS.failureDomain]: "us-east-1a",
            ...(kind === "worker" ? { "example.com/tier": "general" } : {}),
        },
        taints: master ? [CONTROL_PLANE_TAINT] : kind === "windows" ? [{ key: "os", value: "windows", effect: "NoSchedule" }] : [],
        kubernetesVersion: "1.36.4",
        initNode: kind === "init",
    };
}

const IMDS = `curl -sf -H "X-aws-ec2-metadata-token: $(curl -sf -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')" http://169.254.169.254/latest/meta-data`;

/** AWS-like facts: external CCM, node name / provider id / IP from IMDS, a cloud config for masters. */
export function externalFacts(): PlatformBootstrapFacts {
    return {
        cloudProvider: "external",
        nodeNameCommand: `${IMDS}/local-hostname`,
        providerIdCommand: `echo "aws:///$(${IMDS}/placement/availability-zone)/$(${IMDS}/instance-id)"`,
        nodeIpCommand: `${IMDS}/local-ipv4`,
        kubeletExtraArgs: [{ name: "max-pods", value: "110" }],
        apiServerExtraArgs: [{ name: "kubelet-preferred-address-types", value: "InternalIP,Hostname" }],
        controllerManagerExtraArgs: [{ name: "cluster-name", value: "demo" }],
        controlPlaneFiles: [{ path: "/etc/kubernetes/cloud.conf", content: "[Global]\nKubernetesClusterID=demo\n", permissions: "0644" }],
    };
}

/** Bare-metal-like facts: no cloud provider, nothing to look up. */
export function noneFacts(): PlatformBootstrapFacts {
    return { cloudProvider: "none" };
}

/** A complete input. */
export function input(
    kind: NodeKind,
    options: { pki?: PkiMaterial; facts?: PlatformBootstrapFacts; spec?: Partial<ClusterSpec> } = {},
): BootstrapInput {
    const pki = options.pki ?? masterPki();
    const master = kind === "init" || kind === "control-plane";
    return {
        spec: spec(options.spec),
        node: node(kind),
        endpoint: { host: "demo-api-0123456789.elb.us-east-1.amazonaws.com", port: 6443 },
        extraSans: ["api.demo.example.com"],
        pki: master ? pki : workerPki(pki),
        facts: options.facts ?? externalFacts(),
    };
}
