/**
 * What the bootstrap must know about Azure, and how a node's bootstrap reaches it. Pure.
 *
 * - Node name: the VM name, which is the NodePlan name and the OS computer name (lower case), so no
 *   command is needed; cloud-provider-azure maps node name to VM name one to one.
 * - Provider ID: not set; cloud-node-manager writes it from IMDS, with the subscription and resource
 *   group lower-cased as the CCM expects (cloud-provider-azure `getLocalInstanceProviderID`).
 * - Node IP: the primary NIC's private address from IMDS (`Metadata: true` header, no proxy).
 * - Delivery ({@link AZURE_DELIVERY}): Linux gets gzip + base64 cloud-config as `osProfile.customData`
 *   (cloud-init on Ubuntu unzips it). Windows saves customData as `C:\AzureData\CustomData.bin` and
 *   runs nothing from it, so Windows gets the plain PowerShell there (base64, no gzip, no EC2 wrapper)
 *   and a CustomScriptExtension starts it (machines.ts, {@link windowsLauncher}).
 */
import type { Delivery, PlatformBootstrapFacts, SizeLimit } from "../../platform";

/**
 * Azure's customData limit. The Compute REST API (VirtualMachine `osProfile.customData`): "a base-64
 * encoded string ... decoded to a binary array that is saved as a file on the Virtual Machine. The
 * maximum length of the binary array is 65535 bytes" (also /work/shared/reference/clouds.md). So the
 * limit counts the DECODED bytes: the gzip bytes for Linux, the script's bytes for Windows. Base64 of
 * 65,535 bytes is exactly 87,380 characters (65,535 = 3 x 21,845), so this is the same limit as
 * "87,380 encoded"; declared where Azure measures it.
 */
export const CUSTOM_DATA_LIMIT_BYTES = 65535;

/** The limit on the gzip bytes of a Linux node's cloud-config (= customData decoded). */
const LINUX_LIMIT: SizeLimit = { bytes: CUSTOM_DATA_LIMIT_BYTES, measured: "compressed" };
/** The limit on a Windows node's script (base64 of the plain text: decoded = text). */
const WINDOWS_LIMIT: SizeLimit = { bytes: CUSTOM_DATA_LIMIT_BYTES, measured: "text" };

/**
 * How bootstraps reach Azure VMs, both in `osProfile.customData`: Linux the whole cloud-config,
 * gzipped then base64; Windows the bare PowerShell script (no `<powershell>` tags, which are not
 * PowerShell), base64 of the plain text, which the CustomScriptExtension copies and runs.
 */
export const AZURE_DELIVERY: Delivery = {
    linux: { format: "cloud-config", encoding: "gzip+base64", limit: LINUX_LIMIT },
    windows: { format: "powershell", wrapper: "none", encoding: "base64", limit: WINDOWS_LIMIT },
};

const IMDS = "http://169.254.169.254/metadata/instance";
const IP_PATH = "network/interface/0/ipv4/ipAddress/0/privateIpAddress";

/** Bash: the node's private IP from IMDS. */
export const NODE_IP_COMMAND = `curl -sSf --max-time 5 --noproxy '*' -H Metadata:true '${IMDS}/${IP_PATH}?api-version=2021-02-01&format=text'`;
/** PowerShell: the same for Windows workers. */
export const NODE_IP_POWERSHELL = `Invoke-RestMethod -Headers @{ Metadata = 'true' } -NoProxy -TimeoutSec 5 -Uri '${IMDS}/${IP_PATH}?api-version=2021-02-01&format=text'`;

/** Azure facts for the bootstrap renderers. */
export function azureBootstrapFacts(): PlatformBootstrapFacts {
    return {
        cloudProvider: "external",
        nodeIpCommand: NODE_IP_COMMAND,
        windows: { nodeIpCommand: NODE_IP_POWERSHELL },
    };
}

/** Where Azure saves customData on Windows. */
export const WINDOWS_CUSTOM_DATA = "C:\\AzureData\\CustomData.bin";
/** Where the launcher copies it, and the scheduled task that runs it at every boot. */
export const WINDOWS_BOOTSTRAP = { script: "C:\\k\\kubeforge-bootstrap.ps1", task: "kubeforge-bootstrap" } as const;

/**
 * The CustomScriptExtension command of a Windows worker. It copies customData to a script and
 * registers it as a SYSTEM scheduled task at startup, then starts it, and returns at once: the
 * bootstrap reboots once (the Containers feature), which would kill a script run by the extension
 * itself; the task runs it again after the reboot, as EC2's `<persist>` does (the script exits early
 * once the node is bootstrapped). The same pattern as AKS's Windows CSE, which runs CustomData.bin.
 */
export function windowsLauncher(): string {
    const ps = [
        "$ErrorActionPreference = 'Stop'",
        "New-Item -ItemType Directory -Force -Path C:\\k | Out-Null",
        `Copy-Item -Force '${WINDOWS_CUSTOM_DATA}' '${WINDOWS_BOOTSTRAP.script}'`,
        `$a = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument '-NoProfile -ExecutionPolicy Bypass -File ${WINDOWS_BOOTSTRAP.script}'`,
        "$t = New-ScheduledTaskTrigger -AtStartup",
        "$p = New-ScheduledTaskPrincipal -UserId 'NT AUTHORITY\\SYSTEM' -LogonType ServiceAccount -RunLevel Highest",
        `Register-ScheduledTask -Force -TaskName '${WINDOWS_BOOTSTRAP.task}' -Action $a -Trigger $t -Principal $p | Out-Null`,
        `Start-ScheduledTask -TaskName '${WINDOWS_BOOTSTRAP.task}'`,
    ].join("; ");
    return `powershell.exe -NoProfile -ExecutionPolicy Bypass -Command "${ps.replace(/"/g, '\\"')}"`;
}
