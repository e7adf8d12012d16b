/**
 * The cluster PKI, generated in the program so no node waits on another for certificates: every
 * master gets the CAs and the service-account key in its bootstrap, kubeadm finds them in
 * /etc/kubernetes/pki and signs only the leaf certificates. ECDSA P-256 keeps the material small
 * enough for AWS's 16 KB user data and matches kubeadm's `encryptionAlgorithm: ECDSA-P256`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import * as random from "@pulumi/random";
import { DEFAULT_BOOTSTRAP_TOKEN_HOURS, tokenWindow } from "./core/token-window";

/** PKI outputs every other part consumes. Keys and tokens are secret Outputs. */
export interface ClusterPkiOutputs {
    caCert: pulumi.Output<string>;
    caKey: pulumi.Output<string>;
    etcdCaCert: pulumi.Output<string>;
    etcdCaKey: pulumi.Output<string>;
    frontProxyCaCert: pulumi.Output<string>;
    frontProxyCaKey: pulumi.Output<string>;
    serviceAccountKey: pulumi.Output<string>;
    serviceAccountPub: pulumi.Output<string>;
    /** `<id>.<secret>` kubeadm bootstrap token (secret). */
    bootstrapToken: pulumi.Output<string>;
    /** The token's public id (the name of its Secret in the cluster is `bootstrap-token-<id>`). */
    bootstrapTokenId: pulumi.Output<string>;
    /** The token's secret half (secret). */
    bootstrapTokenSecret: pulumi.Output<string>;
    /** When the token expires (RFC 3339, UTC): known to the program, see components/core/token-window.ts. */
    bootstrapTokenExpires: string;
    /** Base64 of 32 random bytes: the aescbc key for Secrets at rest. */
    encryptionKey: pulumi.Output<string>;
    /** Admin client certificate and key for the kubeconfig output (group `kubeadm:cluster-admins`). */
    adminCert: pulumi.Output<string>;
    adminKey: pulumi.Output<string>;
}

/** Arguments of {@link ClusterPki}. */
export interface ClusterPkiArgs {
    /** Cluster name, used in certificate subjects. */
    clusterName: string;
    /** CA validity in hours; 10 years by default, as kubeadm does. */
    caValidityHours?: number;
    /** Admin client certificate validity in hours; one year by default. */
    adminValidityHours?: number;
    /**
     * Renew the admin certificate on `pulumi up` once less than this many hours remain (30 days by
     * default), so the kubeconfig output never silently expires.
     */
    adminEarlyRenewalHours?: number;
    /**
     * Change this value to rotate the bootstrap token at once (the cluster's Secret for the old one is
     * replaced by the new one's in the same `pulumi up`).
     */
    bootstrapTokenGeneration?: number;
    /** The token's lifetime in hours (default 24); it rotates once half of it has passed. */
    bootstrapTokenHours?: number;
    /** The program's clock (tests pass a fixed time; default: now). */
    now?: Date;
}

const ECDSA = { algorithm: "ECDSA", ecdsaCurve: "P256" } as const;
const CA_USES = ["cert_signing", "crl_signing", "digital_signature", "key_encipherment"];

/** The cluster CAs, service-account key, bootstrap token, encryption key and admin certificate. */
export class ClusterPki extends pulumi.ComponentResource implements ClusterPkiOutputs {
    readonly caCert: pulumi.Output<string>;
    readonly caKey: pulumi.Output<string>;
    readonly etcdCaCert: pulumi.Output<string>;
    readonly etcdCaKey: pulumi.Output<string>;
    readonly frontProxyCaCert: pulumi.Output<string>;
    readonly frontProxyCaKey: pulumi.Output<string>;
    readonly serviceAccountKey: pulumi.Output<string>;
    readonly serviceAccountPub: pulumi.Output<string>;
    readonly bootstrapToken: pulumi.Output<string>;
    readonly bootstrapTokenId: pulumi.Output<string>;
    readonly bootstrapTokenSecret: pulumi.Output<string>;
    readonly bootstrapTokenExpires: string;
    readonly encryptionKey: pulumi.Output<string>;
    readonly adminCert: pulumi.Output<string>;
    readonly adminKey: pulumi.Output<string>;

    constructor(name: string, args: ClusterPkiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubeforge:pki:ClusterPki", name, {}, opts);
        const parent = { parent: this };
        const caHours = args.caValidityHours ?? 10 * 365 * 24;

        const makeCa = (suffix: string, commonName: string) => {
            const key = new tls.PrivateKey(`${name}-${suffix}`, { ...ECDSA }, parent);
            const cert = new tls.SelfSignedCert(
                `${name}-${suffix}`,
                {
                    privateKeyPem: key.privateKeyPem,
                    isCaCertificate: true,
                    validityPeriodHours: caHours,
                    allowedUses: CA_USES,
                    subject: { commonName, organization: args.clusterName },
                },
                parent,
            );
            return { key: pulumi.secret(key.privateKeyPem), cert: cert.certPem };
        };

        const ca = makeCa("ca", "kubernetes");
        const etcd = makeCa("etcd-ca", "etcd-ca");
        const frontProxy = makeCa("front-proxy-ca", "front-proxy-ca");
        this.caCert = ca.cert;
        this.caKey = ca.key;
        this.etcdCaCert = etcd.cert;
        this.etcdCaKey = etcd.key;
        this.frontProxyCaCert = frontProxy.cert;
        this.frontProxyCaKey = frontProxy.key;

        const sa = new tls.PrivateKey(`${name}-sa`, { ...ECDSA }, parent);
        this.serviceAccountKey = pulumi.secret(sa.privateKeyPem);
        this.serviceAccountPub = sa.publicKeyPem;

        // A kubeadm bootstrap token is `[a-z0-9]{6}.[a-z0-9]{16}`. It is minted again in each new token
        // window (half its lifetime), so no token outlives its expiry and every `up` hands new machines
        // one with at least half its lifetime left.
        const window = tokenWindow(args.now ?? new Date(), args.bootstrapTokenHours ?? DEFAULT_BOOTSTRAP_TOKEN_HOURS);
        const keepers = { generation: String(args.bootstrapTokenGeneration ?? 0), window: String(window.index) };
        const tokenId = new random.RandomString(`${name}-token-id`, { length: 6, upper: false, special: false, keepers }, parent);
        const tokenSecret = new random.RandomPassword(
            `${name}-token-secret`,
            { length: 16, upper: false, special: false, keepers },
            parent,
        );
        this.bootstrapToken = pulumi.secret(pulumi.interpolate`${tokenId.result}.${tokenSecret.result}`);
        this.bootstrapTokenId = tokenId.result;
        this.bootstrapTokenSecret = pulumi.secret(tokenSecret.result);
        this.bootstrapTokenExpires = window.expiresAt;

        const encryption = new random.RandomBytes(`${name}-secrets-encryption`, { length: 32 }, parent);
        this.encryptionKey = pulumi.secret(encryption.base64);

        const adminKey = new tls.PrivateKey(`${name}-admin`, { ...ECDSA }, parent);
        const adminCsr = new tls.CertRequest(
            `${name}-admin`,
            {
                privateKeyPem: adminKey.privateKeyPem,
                subject: { commonName: "kubeforge-admin", organization: "kubeadm:cluster-admins" },
            },
            parent,
        );
        const adminCert = new tls.LocallySignedCert(
            `${name}-admin`,
            {
                certRequestPem: adminCsr.certRequestPem,
                caPrivateKeyPem: ca.key,
                caCertPem: ca.cert,
                validityPeriodHours: args.adminValidityHours ?? 365 * 24,
                earlyRenewalHours: args.adminEarlyRenewalHours ?? 30 * 24,
                allowedUses: ["digital_signature", "key_encipherment", "client_auth"],
            },
            parent,
        );
        this.adminCert = adminCert.certPem;
        this.adminKey = pulumi.secret(adminKey.privateKeyPem);

        this.registerOutputs({ caCert: this.caCert, serviceAccountPub: this.serviceAccountPub });
    }
}
