/**
 * The contract of the bootstrap renderers: plain data in, plain data out. The Cluster component
 * resolves Outputs (PKI, endpoint) into a {@link BootstrapInput} inside an `apply`, calls the pure
 * renderers, and hands the {@link NodeBootstrap} to the platform, which delivers it as cloud-init user
 * data (clouds), PowerShell user data (Windows) or over SSH (bare metal).
 */
import type { ClusterSpec, NodePlan } from "../components/core/types";
import type { PlatformBootstrapFacts } from "../components/platform";

/** A file the node needs before its bootstrap script runs. */
export interface BootstrapFile {
    /** Absolute path on the node. */
    path: string;
    /** File content (UTF-8 text). */
    content: string;
    /** Octal permissions, e.g. `0600`. */
    permissions: string;
    /** True when the content is a secret (keys, tokens): never logged, kept secret in Pulumi. */
    secret?: boolean;
}

/** PKI material as plain strings, resolved from the PKI component's outputs. */
export interface PkiMaterial {
    /** Cluster CA certificate (PEM), public. */
    caCert: string;
    /** Cluster CA key (PEM): masters only. */
    caKey?: string;
    /** etcd CA certificate and key (PEM): masters only. */
    etcdCaCert?: string;
    etcdCaKey?: string;
    /** Front-proxy CA certificate and key (PEM): masters only. */
    frontProxyCaCert?: string;
    frontProxyCaKey?: string;
    /** Service-account signing key pair (PEM): masters only. */
    serviceAccountKey?: string;
    serviceAccountPub?: string;
    /** Bootstrap token `[a-z0-9]{6}.[a-z0-9]{16}`. */
    bootstrapToken: string;
    /**
     * When the token expires (RFC 3339). kubeadm init creates it with this expiry, and a node that boots
     * later says so in its log instead of retrying. Absent: kubeadm's own default lifetime (24 h).
     */
    bootstrapTokenExpires?: string;
    /** Base64 32-byte key for Secrets encryption at rest: masters only. */
    encryptionKey?: string;
}

/** Everything the renderers need for one node. */
export interface BootstrapInput {
    /** The cluster. */
    spec: ClusterSpec;
    /** The node being bootstrapped. */
    node: NodePlan;
    /** API endpoint host and port every node uses. */
    endpoint: { host: string; port: number };
    /** Extra SANs for the API server certificate. */
    extraSans: string[];
    /** PKI material (keys only for masters). */
    pki: PkiMaterial;
    /** What the platform says about itself. */
    facts: PlatformBootstrapFacts;
}

/** What a node needs to bootstrap, independent of how it is delivered. */
export interface NodeBootstrap {
    /** The node this is for. */
    nodeName: string;
    /** Files to write before running the entry command (configs, certificates, scripts). */
    files: BootstrapFile[];
    /**
     * The command that bootstraps the node, idempotent: `/usr/local/lib/kubeforge/bootstrap.sh`
     * with its mode. Re-running it on a bootstrapped node changes nothing.
     */
    command: string[];
    /** Windows nodes: the PowerShell bootstrap instead of files + command. */
    powershell?: string;
    /** True when any file is secret (masters, and every node holding the bootstrap token). */
    containsSecrets: boolean;
}
