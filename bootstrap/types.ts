/**
 * The contract of the bootstrap renderers: plain data in, plain data out. The Cluster component
 * resolves Outputs (PKI, endpoint) into a {@link BootstrapInput} inside an `apply`, calls the pure
 * renderers, and hands the {@link NodeBootstrap} to the platform, which delivers it as cloud-init user
 * data (clouds), PowerShell user data (Windows) or over SSH (bare metal).
 */
import type { ClusterSpec, NodePlan } from "../components/core/types";

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

/** What the bootstrap must know about a platform. Data, not callbacks: renderers stay pure. */
export interface PlatformBootstrapFacts {
    /**
     * `external` when the platform runs an out-of-tree cloud-controller-manager: kubelet and the
     * controller manager get `--cloud-provider=external`, and nodes start with the
     * `node.cloudprovider.kubernetes.io/uninitialized` taint until the CCM initialises them.
     */
    cloudProvider: "external" | "none";
    /**
     * Shell expression (run by bash on the node at boot) that prints the Kubernetes node name.
     * E.g. the EC2 private DNS name on AWS. When absent, the NodePlan name is used.
     */
    nodeNameCommand?: string;
    /** Shell expression that prints the kubelet `--provider-id`, where the cloud needs it set. */
    providerIdCommand?: string;
    /** Shell expression that prints the node's primary IP (kubelet `--node-ip`); kubelet's choice when absent. */
    nodeIpCommand?: string;
    /**
     * Shell command that says whether the endpoint's name may be looked up yet, for platforms whose API
     * name lives in a private DNS zone created beside the machines (AWS). It gets the host name as `$1`
     * and prints one word: `present` (the name exists: look it up as usual), `absent` (the zone answers
     * "no such name" for it with a short negative-caching time: its load balancer is still being created,
     * so no cluster can answer there), or `wait` (the name must not be looked up yet: the zone does not
     * answer for this network yet, or an early "no such name" could still be cached for long). Anything
     * else counts as `wait`; a failing command waits too, and the node's log says once how it failed. Every node runs it before its first lookup of the
     * name, so the machines need not wait for the zone in `pulumi up`; on `absent` the init master runs
     * `kubeadm init` at once against itself (the name pinned to 127.0.0.1 in /etc/hosts) instead of
     * waiting minutes for the load balancer, and joiners keep waiting. When absent, nodes look the name
     * up directly and the init master always waits for the endpoint.
     */
    endpointNameCommand?: string;
    /**
     * PowerShell equivalents of {@link nodeNameCommand}, {@link providerIdCommand} and
     * {@link nodeIpCommand} for Windows workers, whose bootstrap cannot run the bash ones. Each is a
     * PowerShell expression (or statement list) whose output is the value, run at boot by the Windows
     * bootstrap and retried. When absent, a Windows node registers under its NodePlan name, without
     * `--provider-id` and with the kubelet's own choice of IP.
     */
    windows?: WindowsBootstrapFacts;
    /** Extra kubelet flags for every node (v1beta4 `kubeletExtraArgs`). */
    kubeletExtraArgs?: { name: string; value: string }[];
    /** Extra API server flags. */
    apiServerExtraArgs?: { name: string; value: string }[];
    /** Extra controller-manager flags. */
    controllerManagerExtraArgs?: { name: string; value: string }[];
    /** Files every master gets (e.g. a cloud config). */
    controlPlaneFiles?: BootstrapFile[];
    /** Files every node gets. */
    nodeFiles?: BootstrapFile[];
    /**
     * What to do about a machine whose bootstrap token expired before it joined, after `pulumi up` minted a
     * fresh one (see {@link expiredTokenRemedy}); default: replace it through `kubeforge:<platform>.replaceNodes`.
     */
    expiredTokenRemedy?: string;
}

/** PowerShell versions of the per-node facts, for Windows workers ({@link PlatformBootstrapFacts.windows}). */
export interface WindowsBootstrapFacts {
    /** PowerShell expression that prints the Kubernetes node name (e.g. the EC2 private DNS name). */
    nodeNameCommand?: string;
    /** PowerShell expression that prints the kubelet `--provider-id`. */
    providerIdCommand?: string;
    /** PowerShell expression that prints the node's primary IP (kubelet `--node-ip`). */
    nodeIpCommand?: string;
}
