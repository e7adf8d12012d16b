/**
 * PowerShell user data for Windows workers (EC2 `<powershell>` wrapper; other clouds can take the
 * inner script).
 *
 * NOT VERIFIED HERE: no Windows machine was available, so this script has never run. It follows the
 * upstream "adding Windows worker nodes" guide's order (Containers feature, containerd, kubelet as a
 * service, kubeadm join) and must be tried on a real Windows Server 2022/2025 node before relying on it.
 * Known gaps:
 * - The platform facts' node-name / provider-id / node-ip commands are bash, so they are not used:
 *   the node registers under its NodePlan name and without `--provider-id` (a cloud CCM that needs
 *   the private DNS name as node name will not initialise it).
 * - kubelet.exe and kubeadm.exe are checked against the `.sha256` files dl.k8s.io publishes next to
 *   them, and containerd against its release's `.sha256sum`: that proves the transfer, not a pin
 *   reviewed in this repository (no pinned Windows checksums were found in a reviewed source).
 * - The CNI (Calico for Windows) and kube-proxy for Windows are the CNI addon's job; with Cilium
 *   (kube-proxy replacement, Linux only) Windows pods get no Service routing.
 */
import type { BootstrapInput } from "./types";
import { hostPort, joinConfiguration, kubeletExtraArgs, renderDiscoveryKubeconfig } from "./kubeadm";
import { toYaml } from "./yaml";
import { CONTAINERD, pauseImage } from "./versions";

/** containerd's named pipe on Windows. */
export const WINDOWS_CRI_SOCKET = "npipe:////./pipe/containerd-containerd";

/** A PowerShell single-quoted string. */
function psQuote(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

/** Bash fact commands cannot run on Windows (see the file comment). */
function windowsInput(input: BootstrapInput): BootstrapInput {
    return { ...input, facts: { ...input.facts, providerIdCommand: undefined, nodeIpCommand: undefined, nodeNameCommand: undefined } };
}

/**
 * The Windows worker's JoinConfiguration (containerd's named pipe, NodePlan name, Windows paths).
 * Secret: it holds the bootstrap token.
 *
 * @param input the Windows worker's bootstrap input
 */
export function renderWindowsJoinConfiguration(input: BootstrapInput): string {
    const join = joinConfiguration(windowsInput(input), false);
    const reg = join.nodeRegistration as Record<string, unknown>;
    reg.name = input.node.name;
    reg.criSocket = WINDOWS_CRI_SOCKET;
    (join.discovery as { file: { kubeConfigPath: string } }).file.kubeConfigPath = "C:\\etc\\kubeforge\\discovery.kubeconfig";
    return toYaml(join);
}

/**
 * The PowerShell bootstrap of a Windows worker, wrapped in `<powershell>` with `<persist>true</persist>`
 * so EC2 runs it again after the reboot the Containers feature needs. Secret: it holds the token.
 *
 * @param input the Windows worker's bootstrap input
 */
export function renderWindowsBootstrap(input: BootstrapInput): string {
    const version = input.node.kubernetesVersion.replace(/^v/, "");
    const winInput = windowsInput(input);
    const kubeletArgs = kubeletExtraArgs(winInput).map((a) => `--${a.name}=${a.value}`);
    const kubeletFlags = [
        "--windows-service",
        "--cert-dir=C:\\var\\lib\\kubelet\\pki",
        "--config=C:\\var\\lib\\kubelet\\config.yaml",
        "--bootstrap-kubeconfig=C:\\etc\\kubernetes\\bootstrap-kubelet.conf",
        "--kubeconfig=C:\\etc\\kubernetes\\kubelet.conf",
        `--hostname-override=${input.node.name}`,
        `--container-runtime-endpoint=${WINDOWS_CRI_SOCKET}`,
        `--pod-infra-container-image=${pauseImage(version)}`,
        // Windows has no cgroups: the cluster-wide KubeletConfiguration's QoS cgroups and allocatable
        // enforcement must be switched off here (flags override the config file).
        "--cgroups-per-qos=false",
        "--enforce-node-allocatable=",
        "--resolv-conf=",
        ...kubeletArgs,
    ];
    const lines = [
        "<powershell>",
        "# kubeforge Windows worker bootstrap (unverified on a real node; see bootstrap/windows.ts).",
        "$ErrorActionPreference = 'Stop'",
        "$ProgressPreference = 'SilentlyContinue'",
        `$KubeVersion = ${psQuote(version)}`,
        `$ContainerdVersion = ${psQuote(CONTAINERD.version)}`,
        "$Bin = 'C:\\k'",
        "$Etc = 'C:\\etc\\kubeforge'",
        "function Log([string]$m) { Write-Output \"$(Get-Date -Format o) kubeforge: $m\" }",
        "if (Test-Path 'C:\\etc\\kubernetes\\kubelet.conf') { if ((Get-Service kubelet -ErrorAction SilentlyContinue).Status -eq 'Running') { Log 'already bootstrapped'; exit 0 } }",
        "if ((Get-WindowsFeature -Name Containers).InstallState -ne 'Installed') {",
        "  Log 'installing the Containers feature; rebooting (this script runs again after the reboot)'",
        "  Install-WindowsFeature -Name Containers | Out-Null",
        "  Restart-Computer -Force",
        "  exit 0",
        "}",
        "New-Item -ItemType Directory -Force -Path $Bin, $Etc, 'C:\\var\\lib\\kubelet\\pki', 'C:\\etc\\kubernetes\\pki', 'C:\\var\\log\\kubelet' | Out-Null",
        "function Get-Verified([string]$Url, [string]$SumUrl, [string]$Dest) {",
        "  if (Test-Path $Dest) { return }",
        "  Invoke-WebRequest -UseBasicParsing -Uri $Url -OutFile \"$Dest.part\"",
        "  $want = ((Invoke-WebRequest -UseBasicParsing -Uri $SumUrl).Content -split '\\s+')[0].Trim().ToLower()",
        "  $got = (Get-FileHash -Algorithm SHA256 \"$Dest.part\").Hash.ToLower()",
        "  if ($want -ne $got) { Remove-Item \"$Dest.part\"; throw \"checksum mismatch for $Url\" }",
        "  Move-Item \"$Dest.part\" $Dest",
        "}",
        "# containerd",
        "if (-not (Get-Service containerd -ErrorAction SilentlyContinue)) {",
        "  $tgz = \"$env:TEMP\\containerd-$ContainerdVersion.tar.gz\"",
        "  $url = \"https://github.com/containerd/containerd/releases/download/v$ContainerdVersion/containerd-$ContainerdVersion-windows-amd64.tar.gz\"",
        "  Get-Verified $url \"$url.sha256sum\" $tgz",
        "  $dir = \"$env:ProgramFiles\\containerd\"",
        "  New-Item -ItemType Directory -Force -Path $dir | Out-Null",
        "  tar.exe -xzf $tgz -C $dir --strip-components=1",
        "  & \"$dir\\containerd.exe\" config default | Out-File \"$dir\\config.toml\" -Encoding ascii",
        "  & \"$dir\\containerd.exe\" --register-service",
        "}",
        "Start-Service containerd",
        "# kubelet and kubeadm",
        "foreach ($b in 'kubelet.exe', 'kubeadm.exe') {",
        "  $url = \"https://dl.k8s.io/release/v$KubeVersion/bin/windows/amd64/$b\"",
        "  Get-Verified $url \"$url.sha256\" \"$Bin\\$b\"",
        "}",
        `[System.IO.File]::WriteAllText("$Etc\\discovery.kubeconfig", ${psQuote(renderDiscoveryKubeconfig(input.spec.name, input.endpoint, input.pki.caCert))})`,
        `[System.IO.File]::WriteAllText("$Etc\\join.yaml", ${psQuote(renderWindowsJoinConfiguration(input))})`,
        "icacls.exe \"$Etc\\join.yaml\" /inheritance:r /grant:r 'SYSTEM:F' 'Administrators:F' | Out-Null",
        "if (-not (Get-Service kubelet -ErrorAction SilentlyContinue)) {",
        `  $flags = ${psQuote(kubeletFlags.join(" "))}`,
        "  sc.exe create kubelet binPath= \"$Bin\\kubelet.exe $flags\" start= auto depend= containerd | Out-Null",
        "  sc.exe failure kubelet reset= 0 actions= restart/10000 | Out-Null",
        "}",
        "New-NetFirewallRule -Name kubelet -DisplayName 'kubelet' -Protocol TCP -LocalPort 10250 -Action Allow -Enabled True -ErrorAction SilentlyContinue | Out-Null",
        `$Endpoint = ${psQuote(hostPort(input.endpoint))}`,
        "$deadline = (Get-Date).AddMinutes(30)",
        "while ($true) {",
        "  Log \"joining the cluster at $Endpoint\"",
        "  & \"$Bin\\kubeadm.exe\" join --config \"$Etc\\join.yaml\" *> 'C:\\var\\log\\kubelet\\kubeadm-join.log'",
        "  if ($LASTEXITCODE -eq 0) { Log 'joined'; break }",
        "  if ((Get-Date) -gt $deadline) { throw 'kubeadm join kept failing for 30 minutes; see C:\\var\\log\\kubelet\\kubeadm-join.log' }",
        "  & \"$Bin\\kubeadm.exe\" reset --force *> $null",
        "  Start-Sleep -Seconds 30",
        "}",
        "</powershell>",
        "<persist>true</persist>",
        "",
    ];
    return lines.join("\n");
}
