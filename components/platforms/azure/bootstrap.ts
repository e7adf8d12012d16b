/**
 * What the bootstrap must know about Azure, and how a node's bootstrap reaches it. Pure.
 *
 * - Node name: the VM name, which is the NodePlan name and the OS computer name (lower case), so no
 *   command is needed; cloud-provider-azure maps node name to VM name one to one.
 * - Provider ID: not set; cloud-node-manager writes it from IMDS, with the subscription and resource
 *   group lower-cased as the CCM expects (cloud-provider-azure `getLocalInstanceProviderID`).
 * - Node IP: the primary NIC's private address from IMDS (`Metadata: true` header, no proxy).
 * - Delivery: Linux gets gzip + base64 cloud-config as `osProfile.customData` (at most 65,535 bytes
 *   decoded; cloud-init on Ubuntu unzips it). Windows saves customData as
 *   `C:\AzureData\CustomData.bin` and runs nothing from it, so Windows gets the plain PowerShell
 *   there and a CustomScriptExtension starts it (machines.ts, {@link windowsLauncher}).
 */
import { encodeUserData, renderCloudInit } from "../../../bootstrap/cloudinit";
import type { NodeBootstrap } from "../../../bootstrap/types";
import type { PlatformBootstrapFacts, UserDataDelivery } from "../../platform-legacy";

/** Largest customData Azure takes: 65,535 bytes before base64. */
export const CUSTOM_DATA_LIMIT_BYTES = 65535;

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
        userDataLimitBytes: CUSTOM_DATA_LIMIT_BYTES,
    };
}

/**
 * The PowerShell of a Windows bootstrap without EC2's `<powershell>` / `<persist>` wrapper, which is
 * not PowerShell syntax.
 * @param text - the rendered Windows bootstrap
 */
export function windowsScript(text: string): string {
    return text
        .split("\n")
        .filter((line) => !/^\s*<\/?powershell>\s*$/.test(line) && !/^\s*<persist>.*<\/persist>\s*$/.test(line))
        .join("\n");
}

function windowsText(b: NodeBootstrap): string {
    if (b.powershell === undefined)
        throw new Error(`node ${b.nodeName}: a Windows machine needs a PowerShell bootstrap, but the rendering has none`);
    return windowsScript(b.powershell);
}

/**
 * customData: gzipped cloud-config for Linux; the plain script for Windows, which Azure only saves.
 * Both are checked against {@link CUSTOM_DATA_LIMIT_BYTES} before base64.
 */
export const azureUserData: UserDataDelivery = {
    format: (b, node) => (node.os === "windows" ? windowsText(b) : renderCloudInit(b)),
    encode: (text, node) => {
        if (node.os !== "windows") return encodeUserData(text, CUSTOM_DATA_LIMIT_BYTES, node.name).base64;
        const raw = Buffer.from(text, "utf8");
        if (raw.length > CUSTOM_DATA_LIMIT_BYTES) {
            throw new Error(
                `customData for Windows node ${node.name} is ${raw.length} bytes, over Azure's ${CUSTOM_DATA_LIMIT_BYTES}; shorten the bootstrap (fewer labels, taints or files)`,
            );
        }
        return raw.toString("base64");
    },
};

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
