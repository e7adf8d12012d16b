/**
 * Renders what one node needs to bootstrap: files (configs, PKI, scripts, the env file) plus the
 * idempotent entry command. Pure: same input, same output; no Pulumi.
 */
import type { BootstrapFile, BootstrapInput, NodeBootstrap } from "./types";
import {
    expiredTokenRemedy,
    kubeProxyReplaced,
    renderDiscoveryKubeconfig,
    renderKubeadmInit,
    renderKubeadmJoin,
    hostPort,
} from "./kubeadm";
import { renderAuditPolicy, renderEncryptionConfiguration } from "./policies";
import { renderContainerdConfig, renderContainerdUnit } from "./containerd";
import { renderModulesLoad, renderSysctls } from "./host";
import { renderEnvFile } from "./envfile";
import { APISERVER_DIR, DISCOVERY_KUBECONFIG, ENV_FILE, KUBEADM_DIR, LIB_DIR, PKI_STAGING_DIR } from "./layout";
import { SCRIPT_NAMES, deliveredScriptText } from "./scripts";
import { CONTAINERD, RUNC, minorOf } from "./versions";
import { renderWindowsBootstrap } from "./windows";

export { kubeProxyReplaced };

/** How a Linux node runs kubeadm. */
export type BootstrapMode = "init" | "control-plane" | "worker";

/** How long joins wait for the API before giving up (the script can be run again). */
export const JOIN_TIMEOUT_SECONDS = 30 * 60;

/**
 * The bootstrap mode of a node.
 *
 * @param input - the node's bootstrap input
 */
export function bootstrapMode(input: BootstrapInput): BootstrapMode {
    if (input.node.role === "worker") return "worker";
    return input.node.initNode ? "init" : "control-plane";
}

/**
 * The env file variables for a Linux node (no secrets).
 *
 * @param input - the node's bootstrap input
 */
export function envVars(input: BootstrapInput): Record<string, string> {
    const version = input.node.kubernetesVersion.replace(/^v/, "");
    return {
        KUBEFORGE_NODE: input.node.name,
        KUBEFORGE_MODE: bootstrapMode(input),
        KUBEFORGE_ENDPOINT: hostPort(input.endpoint),
        KUBEFORGE_K8S_VERSION: version,
        KUBEFORGE_K8S_MINOR: minorOf(version),
        KUBEFORGE_CONTAINERD_VERSION: CONTAINERD.version,
        KUBEFORGE_CONTAINERD_SHA256_AMD64: CONTAINERD.sha256.amd64,
        KUBEFORGE_CONTAINERD_SHA256_ARM64: CONTAINERD.sha256.arm64,
        KUBEFORGE_RUNC_VERSION: RUNC.version,
        KUBEFORGE_RUNC_SHA256_AMD64: RUNC.sha256.amd64,
        KUBEFORGE_RUNC_SHA256_ARM64: RUNC.sha256.arm64,
        KUBEFORGE_NODE_NAME_CMD: input.facts.nodeNameCommand ?? "",
        KUBEFORGE_PROVIDER_ID_CMD: input.facts.providerIdCommand ?? "",
        KUBEFORGE_NODE_IP_CMD: input.facts.nodeIpCommand ?? "",
        KUBEFORGE_ENDPOINT_NAME_CMD: input.facts.endpointNameCommand ?? "",
        KUBEFORGE_TOKEN_EXPIRES: input.pki.bootstrapTokenExpires ?? "",
        KUBEFORGE_TOKEN_REMEDY: expiredTokenRemedy(input.facts, input.spec.platform),
        KUBEFORGE_JOIN_TIMEOUT_SECONDS: String(JOIN_TIMEOUT_SECONDS),
    };
}

function file(path: string, content: string, permissions: string, secret = false): BootstrapFile {
    return secret ? { path, content, permissions, secret: true } : { path, content, permissions };
}

function required(value: string | undefined, what: string, node: string): string {
    if (!value)
        throw new Error(
            `node ${node}: the ${what} is missing from the PKI material; masters need every CA, the SA key pair and the encryption key`,
        );
    return value;
}

/** The PKI, apiserver and kubeadm files only masters get. */
function controlPlaneFiles(input: BootstrapInput): BootstrapFile[] {
    const { pki, node } = input;
    const staged = (name: string, content: string, secret: boolean) =>
        file(`${PKI_STAGING_DIR}/${name}`, content, secret ? "0600" : "0644", secret);
    const files = [
        staged("ca.key", required(pki.caKey, "cluster CA key", node.name), true),
        staged("etcd/ca.crt", required(pki.etcdCaCert, "etcd CA certificate", node.name), false),
        staged("etcd/ca.key", required(pki.etcdCaKey, "etcd CA key", node.name), true),
        staged("front-proxy-ca.crt", required(pki.frontProxyCaCert, "front-proxy CA certificate", node.name), false),
        staged("front-proxy-ca.key", required(pki.frontProxyCaKey, "front-proxy CA key", node.name), true),
        staged("sa.key", required(pki.serviceAccountKey, "service-account key", node.name), true),
        staged("sa.pub", required(pki.serviceAccountPub, "service-account public key", node.name), false),
        file(`${APISERVER_DIR}/audit-policy.yaml`, renderAuditPolicy(), "0644"),
    ];
    if (input.spec.secretsEncryption) {
        const key = required(pki.encryptionKey, "Secrets encryption key", node.name);
        files.push(file(`${APISERVER_DIR}/encryption-config.yaml`, renderEncryptionConfiguration(key), "0600", true));
    }
    if (node.initNode) files.push(file(`${KUBEADM_DIR}/init.yaml`, renderKubeadmInit(input), "0600", true));
    return files;
}

/**
 * Everything one node needs to bootstrap. Linux nodes get files plus `bootstrap.sh <mode>`; Windows
 * workers get a PowerShell script instead.
 *
 * @param input - the node, the cluster, the endpoint, the PKI material and the platform facts
 */
export function renderNodeBootstrap(input: BootstrapInput): NodeBootstrap {
    const { node } = input;
    if (node.os === "windows") {
        if (node.role !== "worker") throw new Error(`node ${node.name}: masters must run Linux`);
        return { nodeName: node.name, files: [], command: [], powershell: renderWindowsBootstrap(input), containsSecrets: true };
    }
    const controlPlane = node.role === "control-plane";
    const files: BootstrapFile[] = [
        ...SCRIPT_NAMES.map((name) => file(`${LIB_DIR}/${name}`, deliveredScriptText(name), "0755")),
        file(ENV_FILE, renderEnvFile(envVars(input)), "0644"),
        file("/etc/modules-load.d/kubeforge.conf", renderModulesLoad(), "0644"),
        file("/etc/sysctl.d/90-kubeforge.conf", renderSysctls(), "0644"),
        file("/etc/containerd/config.toml", renderContainerdConfig(node.kubernetesVersion), "0644"),
        file("/etc/systemd/system/containerd.service", renderContainerdUnit(), "0644"),
        file(`${PKI_STAGING_DIR}/ca.crt`, input.pki.caCert, "0644"),
        file(DISCOVERY_KUBECONFIG, renderDiscoveryKubeconfig(input.spec.name, input.endpoint, input.pki.caCert), "0644"),
        file(`${KUBEADM_DIR}/join.yaml`, renderKubeadmJoin(input, controlPlane), "0600", true),
        ...(controlPlane ? controlPlaneFiles(input) : []),
        ...(input.facts.nodeFiles ?? []),
        ...(controlPlane ? (input.facts.controlPlaneFiles ?? []) : []),
    ];
    const seen = new Set<string>();
    for (const f of files) {
        if (seen.has(f.path))
            throw new Error(`node ${node.name}: two bootstrap files want ${f.path}; platform files must not replace kubeforge's`);
        seen.add(f.path);
    }
    return {
        nodeName: node.name,
        files,
        command: [`${LIB_DIR}/bootstrap.sh`, bootstrapMode(input)],
        containsSecrets: files.some((f) => f.secret === true),
    };
}
