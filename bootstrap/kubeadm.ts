/**
 * kubeadm v1beta4 documents and the component configs kubeadm hands to the kubelet and kube-proxy.
 *
 * Decisions worth knowing:
 * - The bootstrap token is pre-generated and created by `kubeadm init` with the expiry the program
 *   chose (`ttl` of `lifecycle.bootstrapTokenHours`, 24 h by default, never `ttl: 0s`): whoever reads a
 *   worker's user data can register nodes only until then. A later `pulumi up` mints a fresh token once half the lifetime has
 *   passed and creates its Secret in the cluster itself (components/bootstrapToken.ts), so nodes it adds
 *   join with a live token.
 * - Joins use file discovery (a kubeconfig holding the CA and the endpoint only), and the CAs, the
 *   service-account key and the front-proxy/etcd CAs are pre-placed on every master, so no
 *   `certificateKey` / `--upload-certs` is used.
 * - Cilium replaces kube-proxy (`proxy.disabled: true`; the CNI addon sets `kubeProxyReplacement`),
 *   and Cilium and Calico allocate pod addresses themselves (`allocate-node-cidrs=false`). With
 *   `cni: none` the controller manager allocates node CIDRs, as host-local-IPAM CNIs (flannel) expect.
 * - The kubelet keeps a self-signed serving certificate (`serverTLSBootstrap: false`): serving CSRs
 *   would need an approver the cluster does not have. Client certificates rotate.
 */
import type { ClusterSpec, NodePlan } from "../components/core/types";
import type { BootstrapInput, PlatformBootstrapFacts } from "./types";
import { APISERVER_DIR, AUDIT_LOG_DIR, CRI_SOCKET, DISCOVERY_KUBECONFIG, PLACEHOLDERS } from "./layout";
import { toYaml, toYamlStream } from "./yaml";

/** A v1beta4 `extraArgs` / `kubeletExtraArgs` entry. */
export interface Arg {
    /** Flag name without dashes. */
    name: string;
    /** Flag value. */
    value: string;
}

type Doc = Record<string, unknown>;

const KUBEADM_API = "kubeadm.k8s.io/v1beta4";
const API_SERVER_PORT = 6443;

/**
 * True when the cluster runs without kube-proxy because the CNI replaces it (Cilium). The CNI addon
 * must then reach the API through the endpoint (`k8sServiceHost`) and enable its replacement.
 *
 * @param spec - the cluster
 */
export function kubeProxyReplaced(spec: ClusterSpec): boolean {
    return spec.cni === "cilium";
}

/**
 * Whether kube-controller-manager allocates a pod CIDR per node: only when no CNI with its own IPAM
 * is chosen (Cilium runs `cluster-pool`, Calico `calico-ipam`).
 *
 * @param spec - the cluster
 */
export function allocatesNodeCidrs(spec: ClusterSpec): boolean {
    return spec.cni === "none";
}

/**
 * Joins argument lists; a later entry with the same name replaces an earlier one (so platform facts
 * override kubeforge's defaults) while keeping the first one's position.
 *
 * @param lists - argument lists, lowest precedence first
 */
export function mergeArgs(...lists: (readonly Arg[] | undefined)[]): Arg[] {
    const out = new Map<string, Arg>();
    for (const list of lists) for (const a of list ?? []) out.set(a.name, { name: a.name, value: a.value });
    return [...out.values()];
}

/** `host:port`, with brackets around an IPv6 host. */
export function hostPort(endpoint: { host: string; port: number }): string {
    const host = endpoint.host.includes(":") && !endpoint.host.startsWith("[") ? `[${endpoint.host}]` : endpoint.host;
    return `${host}:${endpoint.port}`;
}

// Labels a kubelet may set on its own Node (NodeRestriction); any other kubernetes.io / k8s.io label
// makes the kubelet refuse to start.
const KUBELET_LABEL_NAMESPACES = ["kubelet.kubernetes.io", "node.kubernetes.io"];
const KUBELET_LABELS = new Set([
    "kubernetes.io/hostname",
    "kubernetes.io/arch",
    "kubernetes.io/os",
    "beta.kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/instance-type",
    "failure-domain.beta.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "topology.kubernetes.io/zone",
    "node.kubernetes.io/instance-type",
]);

/**
 * The kubelet `--node-labels` value, refusing labels the kubelet may not set on itself.
 *
 * @param node - the node
 */
export function nodeLabelsArg(node: NodePlan): string {
    const entries = Object.entries(node.labels).sort(([a], [b]) => a.localeCompare(b));
    for (const [key] of entries) {
        const prefix = key.includes("/") ? key.slice(0, key.indexOf("/")) : "";
        const restricted =
            prefix === "kubernetes.io" || prefix.endsWith(".kubernetes.io") || prefix === "k8s.io" || prefix.endsWith(".k8s.io");
        const allowed = KUBELET_LABELS.has(key) || KUBELET_LABEL_NAMESPACES.some((ns) => prefix === ns || prefix.endsWith(`.${ns}`));
        if (restricted && !allowed) {
            throw new Error(
                `node ${node.name}: label "${key}" is in a namespace the kubelet may not set on itself (NodeRestriction); ` +
                    `use a label under your own prefix or node.kubernetes.io/, or set it after registration`,
            );
        }
    }
    return entries.map(([k, v]) => `${k}=${v}`).join(",");
}

/**
 * kubelet flags for one node: cloud provider, provider id, node ip (placeholders filled at boot),
 * labels, then the platform's own flags.
 *
 * @param input - the node's bootstrap input
 */
export function kubeletExtraArgs(input: BootstrapInput): Arg[] {
    const { facts, node } = input;
    const ours: Arg[] = [];
    if (facts.cloudProvider === "external") ours.push({ name: "cloud-provider", value: "external" });
    if (facts.providerIdCommand) ours.push({ name: "provider-id", value: PLACEHOLDERS.providerId });
    if (facts.nodeIpCommand) ours.push({ name: "node-ip", value: PLACEHOLDERS.nodeIp });
    const labels = nodeLabelsArg(node);
    if (labels) ours.push({ name: "node-labels", value: labels });
    return mergeArgs(ours, facts.kubeletExtraArgs);
}

function nodeRegistration(input: BootstrapInput): Doc {
    return {
        name: PLACEHOLDERS.nodeName,
        criSocket: CRI_SOCKET,
        imagePullPolicy: "IfNotPresent",
        kubeletExtraArgs: kubeletExtraArgs(input),
        // Explicit, even when empty: an absent list would give masters kubeadm's default taint only.
        taints: input.node.taints.map((t) => (t.value === undefined ? { key: t.key, effect: t.effect } : { ...t })),
    };
}

function localApiEndpoint(input: BootstrapInput): Doc {
    return input.facts.nodeIpCommand ? { advertiseAddress: PLACEHOLDERS.nodeIp, bindPort: API_SERVER_PORT } : { bindPort: API_SERVER_PORT };
}

/**
 * InitConfiguration for the init master.
 *
 * @param input - the init master's bootstrap input
 */
export function initConfiguration(input: BootstrapInput): Doc {
    return {
        apiVersion: KUBEADM_API,
        kind: "InitConfiguration",
        bootstrapTokens: [
            {
                token: input.pki.bootstrapToken,
                description: "kubeforge node joins (rotated by pulumi up, see components/bootstrapToken.ts)",
                // A lifetime, not `expires`: kubeadm defaults `ttl` before it validates, so a config with
                // `expires` is always refused as setting both (found by the real `kubeadm config validate`).
                ttl: `${input.spec.lifecycle.bootstrapTokenHours}h0m0s`,
                usages: ["signing", "authentication"],
                groups: ["system:bootstrappers:kubeadm:default-node-token"],
            },
        ],
        localAPIEndpoint: localApiEndpoint(input),
        nodeRegistration: nodeRegistration(input),
    };
}

/** API server flags kubeforge sets, before the platform's. */
export function apiServerArgs(input: BootstrapInput): Arg[] {
    const args: Arg[] = [
        { name: "profiling", value: "false" },
        { name: "audit-policy-file", value: `${APISERVER_DIR}/audit-policy.yaml` },
        { name: "audit-log-path", value: `${AUDIT_LOG_DIR}/audit.log` },
        { name: "audit-log-maxage", value: "30" },
        { name: "audit-log-maxbackup", value: "10" },
        { name: "audit-log-maxsize", value: "100" },
    ];
    if (input.spec.secretsEncryption) {
        args.push({ name: "encryption-provider-config", value: `${APISERVER_DIR}/encryption-config.yaml` });
    }
    return mergeArgs(args, input.facts.apiServerExtraArgs);
}

/**
 * ClusterConfiguration, shared by every master (kubeadm stores it in the `kubeadm-config` ConfigMap).
 *
 * @param input - a master's bootstrap input
 */
export function clusterConfiguration(input: BootstrapInput): Doc {
    const { spec, facts } = input;
    const sans = [...new Set([input.endpoint.host, ...input.extraSans, "localhost", "127.0.0.1"])];
    const controllerManagerArgs = mergeArgs(
        facts.cloudProvider === "external" ? [{ name: "cloud-provider", value: "external" }] : [],
        [
            { name: "configure-cloud-routes", value: "false" },
            { name: "allocate-node-cidrs", value: String(allocatesNodeCidrs(spec)) },
            { name: "profiling", value: "false" },
        ],
        facts.controllerManagerExtraArgs,
    );
    const doc: Doc = {
        apiVersion: KUBEADM_API,
        kind: "ClusterConfiguration",
        clusterName: spec.name,
        kubernetesVersion: `v${spec.kubernetesVersion.replace(/^v/, "")}`,
        controlPlaneEndpoint: hostPort(input.endpoint),
        encryptionAlgorithm: "ECDSA-P256",
        certificatesDir: "/etc/kubernetes/pki",
        networking: { podSubnet: spec.network.podCidr, serviceSubnet: spec.network.serviceCidr, dnsDomain: "cluster.local" },
        etcd: { local: { dataDir: "/var/lib/etcd" } },
        apiServer: {
            certSANs: sans,
            extraArgs: apiServerArgs(input),
            extraVolumes: [
                {
                    name: "kubeforge-apiserver",
                    hostPath: APISERVER_DIR,
                    mountPath: APISERVER_DIR,
                    readOnly: true,
                    pathType: "DirectoryOrCreate",
                },
                {
                    name: "kubeforge-audit-log",
                    hostPath: AUDIT_LOG_DIR,
                    mountPath: AUDIT_LOG_DIR,
                    readOnly: false,
                    pathType: "DirectoryOrCreate",
                },
            ],
        },
        controllerManager: { extraArgs: controllerManagerArgs },
        scheduler: { extraArgs: [{ name: "profiling", value: "false" }] },
    };
    if (kubeProxyReplaced(spec)) doc.proxy = { disabled: true };
    return doc;
}

/**
 * JoinConfiguration with file discovery and the TLS bootstrap token.
 *
 * @param input - the joining node's bootstrap input
 * @param controlPlane - true for a master (its CAs and SA key are pre-placed, so no certificateKey)
 */
export function joinConfiguration(input: BootstrapInput, controlPlane: boolean): Doc {
    const doc: Doc = {
        apiVersion: KUBEADM_API,
        kind: "JoinConfiguration",
        discovery: {
            file: { kubeConfigPath: DISCOVERY_KUBECONFIG },
            tlsBootstrapToken: input.pki.bootstrapToken,
        },
        nodeRegistration: nodeRegistration(input),
    };
    if (controlPlane) doc.controlPlane = { localAPIEndpoint: localApiEndpoint(input) };
    return doc;
}

/**
 * KubeletConfiguration (cluster-wide; kubeadm uploads it at init and every join downloads it).
 *
 * @param _spec - the cluster (reserved for per-cluster tuning)
 */
export function kubeletConfiguration(_spec: ClusterSpec): Doc {
    return {
        apiVersion: "kubelet.config.k8s.io/v1beta1",
        kind: "KubeletConfiguration",
        cgroupDriver: "systemd",
        containerRuntimeEndpoint: CRI_SOCKET,
        rotateCertificates: true,
        serverTLSBootstrap: false,
        // The host prep sets the sysctls the kubelet checks (vm.overcommit_memory, kernel.panic...).
        protectKernelDefaults: true,
        readOnlyPort: 0,
        tlsMinVersion: "VersionTLS12",
        authentication: { anonymous: { enabled: false }, webhook: { enabled: true } },
        authorization: { mode: "Webhook" },
        evictionHard: {
            "memory.available": "200Mi",
            "nodefs.available": "10%",
            "nodefs.inodesFree": "5%",
            "imagefs.available": "15%",
        },
        systemReserved: { cpu: "100m", memory: "256Mi", "ephemeral-storage": "1Gi" },
        containerLogMaxSize: "50Mi",
        containerLogMaxFiles: 5,
        // Spot interruptions and reboots give pods time to stop.
        shutdownGracePeriod: "60s",
        shutdownGracePeriodCriticalPods: "20s",
    };
}

/**
 * KubeProxyConfiguration, or undefined when the CNI replaces kube-proxy.
 *
 * @param spec - the cluster
 */
export function kubeProxyConfiguration(spec: ClusterSpec): Doc | undefined {
    if (kubeProxyReplaced(spec)) return undefined;
    return {
        apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
        kind: "KubeProxyConfiguration",
        mode: "iptables",
        clusterCIDR: spec.network.podCidr,
    };
}

/**
 * The init master's `kubeadm init --config` file: Init, Cluster, Kubelet and (when kube-proxy runs)
 * KubeProxy documents. Secret: it holds the bootstrap token.
 *
 * @param input - the init master's bootstrap input
 */
export function renderKubeadmInit(input: BootstrapInput): string {
    const docs: Doc[] = [initConfiguration(input), clusterConfiguration(input), kubeletConfiguration(input.spec)];
    const proxy = kubeProxyConfiguration(input.spec);
    if (proxy) docs.push(proxy);
    return toYamlStream(docs);
}

/**
 * A `kubeadm join --config` file. Secret: it holds the bootstrap token.
 *
 * @param input - the joining node's bootstrap input
 * @param controlPlane - true for a master
 */
export function renderKubeadmJoin(input: BootstrapInput, controlPlane: boolean): string {
    return toYaml(joinConfiguration(input, controlPlane));
}

/**
 * The discovery kubeconfig: the cluster CA and the endpoint, no credentials (public).
 *
 * @param clusterName - cluster name (kubeconfig entry names)
 * @param endpoint - API endpoint
 * @param caCert - cluster CA certificate (PEM)
 */
export function renderDiscoveryKubeconfig(clusterName: string, endpoint: { host: string; port: number }, caCert: string): string {
    return toYaml({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: clusterName,
                cluster: { server: `https://${hostPort(endpoint)}`, "certificate-authority-data": Buffer.from(caCert).toString("base64") },
            },
        ],
        contexts: [{ name: "discovery", context: { cluster: clusterName, user: "discovery" } }],
        "current-context": "discovery",
        users: [{ name: "discovery", user: {} }],
        preferences: {},
    });
}

/**
 * What a user does about a machine that booted after its bootstrap token expired, once `pulumi up` has
 * minted a fresh token: the end of the sentence a node logs ("Run pulumi up (...); <this>").
 *
 * @param facts - the platform's bootstrap facts
 * @param platform - the platform's name (`kubeforge:platform`)
 */
export function expiredTokenRemedy(facts: Pick<PlatformBootstrapFacts, "expiredTokenRemedy">, platform: string): string {
    return (
        facts.expiredTokenRemedy ?? `then replace this machine so it boots with the new one: list it in kubeforge:${platform}.replaceNodes`
    );
}
