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
 *   A metadata value holds at most 256 KiB, so the gzip may be at most 3/4 of that.
 * - Windows: the PowerShell bootstrap in `windows-startup-script-ps1`, which the guest agent runs
 *   at every boot (the script is idempotent and must run again after the Containers feature's
 *   reboot), without EC2's `<powershell>` wrapper.
 */
import { encodeUserData, renderCloudInit } from "../../../bootstrap/cloudinit";
import type { NodeBootstrap } from "../../../bootstrap/types";
import type { PlatformBootstrapFacts, UserDataDelivery } from "../../platform";
import { CLOUD_CONFIG_PATH, gceConf, type GceConfSettings } from "./ccm";

/** Largest metadata value Compute Engine accepts (bytes): what the base64 text may reach. */
export const METADATA_VALUE_LIMIT = 256 * 1024;
/** Largest gzip that fits {@link METADATA_VALUE_LIMIT} once base64-encoded. */
export const USER_DATA_LIMIT_BYTES = (METADATA_VALUE_LIMIT / 4) * 3;

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
        userDataLimitBytes: USER_DATA_LIMIT_BYTES,
    };
}

/**
 * The inner PowerShell of a Windows bootstrap rendered for EC2 (`<powershell>…</powershell>` and
 * `<persist>`): GCE's startup-script key takes the script itself.
 * @param text - the rendered Windows bootstrap
 * @param nodeName - the node, for the error message
 */
export function unwrapPowerShell(text: string, nodeName: string): string {
    const m = /<powershell>\r?\n([\s\S]*?)<\/powershell>/.exec(text);
    if (!m) throw new Error(`node ${nodeName}: the Windows bootstrap has no <powershell> block to run as a GCE startup script`);
    return m[1];
}

function windowsText(b: NodeBootstrap, nodeName: string): string {
    if (b.powershell === undefined)
        throw new Error(`node ${nodeName}: a Windows machine needs a PowerShell bootstrap, but the rendering has none`);
    return unwrapPowerShell(b.powershell, nodeName);
}

/**
 * A Windows startup script checked against the metadata value limit (sent as it is: no encoding).
 * @param text - the PowerShell script
 * @param nodeName - the node, for the error message
 */
export function checkStartupScript(text: string, nodeName: string): string {
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > METADATA_VALUE_LIMIT) {
        throw new Error(
            `the Windows startup script of node ${nodeName} is ${bytes} bytes, over Compute Engine's metadata value limit of ${METADATA_VALUE_LIMIT}; shorten the bootstrap (fewer labels, taints or files)`,
        );
    }
    return text;
}

/**
 * GCE delivery: gzipped, base64 cloud-config for Linux (metadata `user-data`), the plain PowerShell
 * script for Windows (metadata `windows-startup-script-ps1`).
 */
export const gcpUserData: UserDataDelivery = {
    format: (b, node) => (node.os === "windows" ? windowsText(b, node.name) : renderCloudInit(b)),
    encode: (text, node) =>
        node.os === "windows" ? checkStartupScript(text, node.name) : encodeUserData(text, USER_DATA_LIMIT_BYTES, node.name).base64,
};

/**
 * The metadata of a node's instance carrying its bootstrap, plus the keys every instance gets.
 * @param os - the node's operating system
 * @param userData - the encoded bootstrap (see {@link gcpUserData})
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
