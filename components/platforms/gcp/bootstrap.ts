/**
 * What the bootstrap must know about GCP, and how a node's bootstrap reaches it. Pure.
 *
 * - Node name: the NodePlan name, which is also the instance name (the CCM maps a Node to its
 *   instance by name, `mapNodeNameToInstanceName`), so no metadata lookup is needed and Windows' 15-
 *   character computer names do not matter: kubeadm's `nodeRegistration.name` and the kubelet's
 *   `--hostname-override` carry the full name. The provider ID (`gce://<project>/<zone>/<name>`) is
 *   set by the CCM.
 * - Node IP: the first interface's address from the metadata server (`Metadata-Flavor: Google`).
 * - Linux user data: cloud-config in the `user-data` metadata key, gzipped and base64-encoded with
 *   `user-data-encoding: base64` (cloud-init's DataSourceGCE decodes it, then sees the gzip magic).
 *   A metadata value holds at most 256 KiB, measured on the base64 text.
 * - Windows: the PowerShell bootstrap in `windows-startup-script-ps1`, which the guest agent runs
 *   at every boot (the script is idempotent and must run again after the Containers feature's
 *   reboot), without EC2's `<powershell>` wrapper.
 */
import type { Delivery, PlatformBootstrapFacts } from "../../platform";
import { CLOUD_CONFIG_PATH, gceConf, type GceConfSettings } from "./ccm";

/** Largest metadata value Compute Engine accepts (bytes): what the base64 text may reach. */
export const METADATA_VALUE_LIMIT = 256 * 1024;

const METADATA = "http://169.254.169.254/computeMetadata/v1";

/**
 * A bash command printing one metadata-server value.
 * @param path - path under `computeMetadata/v1/`
 */
export function metadataCommand(path: string): string {
    return `curl -sSf --max-time 5 -H 'Metadata-Flavor: Google' ${METADATA}/${path}`;
}

/**
 * The PowerShell twin of {@link metadataCommand}, for Windows workers.
 * @param path - path under `computeMetadata/v1/`
 */
export function metadataPowerShell(path: string): string {
    return `(Invoke-RestMethod -Headers @{ 'Metadata-Flavor' = 'Google' } -Uri '${METADATA}/${path}' -TimeoutSec 5)`;
}

/**
 * GCP facts for the bootstrap renderers.
 * @param conf - gce.conf settings (written on every master for the CCM)
 */
export function gcpBootstrapFacts(conf: GceConfSettings): PlatformBootstrapFacts {
    return {
        cloudProvider: "external",
        nodeIpCommand: metadataCommand("instance/network-interfaces/0/ip"),
        windows: { nodeIpCommand: metadataPowerShell("instance/network-interfaces/0/ip") },
        controlPlaneFiles: [{ path: CLOUD_CONFIG_PATH, content: gceConf(conf), permissions: "0644" }],
    };
}

/**
 * How bootstraps reach GCE machines. Linux: the whole cloud-config gzipped then base64-encoded, put
 * in `user-data` with `user-data-encoding: base64`; the limit is the metadata value's, measured on
 * the base64 text as sent. Windows: the bare PowerShell script (no EC2 `<powershell>` wrapper) in
 * `windows-startup-script-ps1`, plain text, the same limit.
 */
export const GCP_DELIVERY: Delivery = {
    linux: { format: "cloud-config", encoding: "gzip+base64", limit: { bytes: METADATA_VALUE_LIMIT, measured: "encoded" } },
    windows: { format: "powershell", wrapper: "none", encoding: "plain", limit: { bytes: METADATA_VALUE_LIMIT, measured: "text" } },
};

/**
 * The metadata of a node's instance carrying its bootstrap, plus the keys every instance gets.
 * @param os - the node's operating system
 * @param userData - the delivered bootstrap (see {@link GCP_DELIVERY})
 * @param sshPublicKeys - `access.sshPublicKeys`, installed for the user `kubeforge` by the guest agent (Linux)
 */
export function bootstrapMetadata<T>(os: "linux" | "windows", userData: T, sshPublicKeys: string[] = []): Record<string, T | string> {
    // Legacy (v1beta1, /0.1/) metadata endpoints serve tokens without the Metadata-Flavor header; project-wide
    // SSH keys would let anyone who can edit project metadata into every node.
    const common: Record<string, string> = { "disable-legacy-endpoints": "true", "block-project-ssh-keys": "true" };
    if (os === "windows") return { ...common, "windows-startup-script-ps1": userData };
    if (sshPublicKeys.length > 0) common["ssh-keys"] = sshPublicKeys.map((k) => `kubeforge:${k}`).join("\n");
    return { ...common, "user-data": userData, "user-data-encoding": "base64" };
}
