/**
 * Where things live on a node. The renderers and the shell scripts agree on these paths; the scripts
 * read the ones that vary per node from the env file ({@link ENV_FILE}).
 */

/** Directory holding the scripts (`bootstrap.sh` is the entry point). */
export const LIB_DIR = "/usr/local/lib/kubeforge";
/** The env file that parameterises the scripts (not secret: no keys or tokens in it). */
export const ENV_FILE = "/etc/kubeforge/bootstrap.env";
/** kubeadm config templates (with `__KUBEFORGE_*__` placeholders substituted at boot). Secret: the token. */
export const KUBEADM_DIR = "/etc/kubeforge/kubeadm";
/** Staged PKI; copied into /etc/kubernetes/pki by the kubeadm step (again after a `kubeadm reset`). */
export const PKI_STAGING_DIR = "/etc/kubeforge/pki";
/** Kubeconfig with only the cluster CA and the endpoint, for kubeadm file discovery. */
export const DISCOVERY_KUBECONFIG = "/etc/kubeforge/discovery.kubeconfig";
/** Files the API server reads (encryption config, audit policy), mounted read-only into its pod. */
export const APISERVER_DIR = "/etc/kubeforge/apiserver";
/** Audit log directory on masters, mounted read-write into the API server pod. */
export const AUDIT_LOG_DIR = "/var/log/kubernetes/audit";
/** containerd's CRI socket. */
export const CRI_SOCKET = "unix:///run/containerd/containerd.sock";

/** Placeholders in the kubeadm templates, replaced by the kubeadm step with values found at boot. */
export const PLACEHOLDERS = {
    nodeName: "__KUBEFORGE_NODE_NAME__",
    providerId: "__KUBEFORGE_PROVIDER_ID__",
    nodeIp: "__KUBEFORGE_NODE_IP__",
} as const;
