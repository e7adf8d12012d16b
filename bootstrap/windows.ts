/**
 * PowerShell user data for Windows workers (EC2 `<powershell>` wrapper; other clouds can take the
 * inner script).
 *
 * NOT VERIFIED HERE: no Windows machine was available, so this script has never run. It follows the
 * upstream "adding Windows worker nodes" guide's order (Containers feature, containerd, kubelet as a
 * service, kubeadm join) and must be tried on a real Windows Server 2022/2025 node before relying on it.
 *
 * Node identity: the platform's PowerShell facts (`facts.windows`: node name, provider id, node IP)
 * are run at boot, retried, and substituted for the same `__KUBEFORGE_*__` placeholders the Linux
 * scripts fill (join config, kubelet flags). A platform without them gives today's behaviour: the
 * NodePlan name, no `--provider-id`, the kubelet's own IP. The bash facts are never used here.
 *
 * Known gaps:
 * - kubelet.exe and kubeadm.exe are checked against the `.sha256` files dl.k8s.io publishes next to
 *   them, and containerd against its release's `.sha256sum`: that proves the transfer, not a pin
 *   reviewed in this repository (no pinned Windows checksums were found in a reviewed source).
 * - The facts are read on every run of the script (EC2 re-runs it at each boot, `<persist>`). Calico
 *   documents that creating its HNS vSwitch on a cloud VM can drop the route to the metadata service;
 *   a node re-running the script after that (kubelet not yet running) would fail to read its facts.
 * - Nothing deploys kube-proxy for Windows (kubeadm's DaemonSet is Linux-only): Calico's Windows
 *   components come from the CNI addon, but Windows pods get no Service routing until a Windows
 *   kube-proxy (e.g. sig-windows-tools' HostProcess DaemonSet) is installed. With Cilium (Linux only)
 *   Windows pods get no network at all; the core refuses that combination.
 */
import type { BootstrapInput } from "./types";
import { expiredTokenRemedy, hostPort, joinConfiguration, kubeletExtraArgs, renderDiscoveryKubeconfig } from "./kubeadm";
import { PLACEHOLDERS } from "./layout";
import { toYaml } from "./yaml";
import { CONTAINERD, pauseImage } from "./versions";

/** containerd's named pipe on Windows. */
export const WINDOWS_CRI_SOCKET = "npipe:////./pipe/containerd-containerd";

/** A PowerShell single-quoted string. */
function psQuote(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The input with the bash fact commands replaced by the platform's PowerShell ones (or none), so the
 * shared kubeadm renderers put placeholders exactly where a Windows fact will be substituted.
 */
function windowsInput(input: BootstrapInput): BootstrapInput {
    const w = input.facts.windows ?? {};
    return {
        ...input,
        facts: {
            ...input.facts,
            nodeNameCommand: w.nodeNameCommand,
            providerIdCommand: w.providerIdCommand,
            nodeIpCommand: w.nodeIpCommand,
        },
    };
}

/** The facts a Windows node reads at boot: PowerShell variable, placeholder, description, expression. */
function bootFacts(input: BootstrapInput): { variable: string; placeholder: string; what: string; expression: string }[] {
    const w = input.facts.windows ?? {};
    const facts = [
        { variable: "$NodeName", placeholder: PLACEHOLDERS.nodeName, what: "node name", expression: w.nodeNameCommand },
        { variable: "$ProviderId", placeholder: PLACEHOLDERS.providerId, what: "provider id", expression: w.providerIdCommand },
        { variable: "$NodeIp", placeholder: PLACEHOLDERS.nodeIp, what: "node IP", expression: w.nodeIpCommand },
    ];
    return facts.flatMap((f) => (f.expression ? [{ ...f, expression: f.expression }] : []));
}

/**
 * PowerShell lines that read each fact at boot (retried: the metadata service may not answer in the
 * first seconds) and define `Fill`, which substitutes them for their placeholders. Failures go to the
 * warning stream: `Log` writes to the output stream, which would become part of the fact's value.
 */
function bootFactLines(input: BootstrapInput): string[] {
    const facts = bootFacts(input);
    return [
        "function Read-Fact([string]$What, [scriptblock]$Read) {",
        "  for ($i = 1; $i -le 30; $i++) {",
        '    try { $v = ((& $Read) | Out-String).Trim(); if ($v) { return $v } } catch { Write-Warning "kubeforge: reading the $What failed (attempt $i): $_" }',
        "    Start-Sleep -Seconds 5",
        "  }",
        '  throw "could not read the $What"',
        "}",
        ...facts.map((f) => `${f.variable} = Read-Fact ${psQuote(f.what)} { ${f.expression} }`),
        ...facts.map((f) => `Log "${f.what}: ${f.variable}"`),
        `function Fill([string]$Text) { return $Text${facts.map((f) => `.Replace(${psQuote(f.placeholder)}, ${f.variable})`).join("")} }`,
    ];
}

/**
 * The line a node logs when its bootstrap token expired before it joined: the same words as the Linux
 * bootstrap's (bootstrap/scripts/kubeadm.sh), with the platform's remedy.
 *
 * @param expires - the token's expiry (RFC 3339), as rendered
 * @param remedy - what to do after `pulumi up` ({@link expiredTokenRemedy})
 */
export function tokenExpiredMessage(expires: string, remedy: string): string {
    return (
        `the bootstrap token in this machine's configuration expired at ${expires}, before it could join: it was rendered by a pulumi up ` +
        `longer ago than kubeforge:lifecycle.bootstrapTokenHours. Run pulumi up (it mints a fresh token and creates it in the cluster); ${remedy}`
    );
}

/**
 * PowerShell that defines `Assert-TokenValid`: before each join attempt, a token past its expiry stops the
 * bootstrap with one log line naming the problem and the fix. Retrying cannot help (the cluster's token
 * cleaner deletes expired tokens), and a 30-minute join loop that fails with "unauthorized" would hide why.
 * No expiry rendered (an older program): the function does nothing, as the Linux check does.
 *
 * @param expires - the token's expiry (RFC 3339), or undefined
 */
function tokenExpiryLines(expires: string | undefined, remedy: string): string[] {
    if (!expires) return ["function Assert-TokenValid { }"];
    return [
        `$TokenExpires = [DateTimeOffset]::Parse(${psQuote(expires)}, [Globalization.CultureInfo]::InvariantCulture)`,
        "function Assert-TokenValid {",
        "  if ([DateTimeOffset]::UtcNow -ge $TokenExpires) {",
        `    Log ${psQuote(`ERROR: ${tokenExpiredMessage(expires, remedy)}`)}`,
        "    exit 1",
        "  }",
        "}",
    ];
}

/**
 * The Windows worker's JoinConfiguration (containerd's named pipe, Windows paths). The node name,
 * provider id and node IP are placeholders when the platform gives Windows facts for them (filled at
 * boot); otherwise the NodePlan name and no provider id / node IP. Secret: it holds the bootstrap token.
 *
 * @param input - the Windows worker's bootstrap input
 */
export function renderWindowsJoinConfiguration(input: BootstrapInput): string {
    const winInput = windowsInput(input);
    const join = joinConfiguration(winInput, false);
    const reg = join.nodeRegistration as Record<string, unknown>;
    reg.name = winInput.facts.nodeNameCommand ? PLACEHOLDERS.nodeName : input.node.name;
    reg.criSocket = WINDOWS_CRI_SOCKET;
    // No drive letter: kubeadm reads the path as a URL first (ValidateDiscoveryKubeConfigPath), so `C:\...`
    // is a URL of scheme "c" and refused ("the scheme must be https"), on Windows as anywhere. A rooted
    // path without it is the same file: kubeadm.exe runs from the system drive ($Etc is on C:).
    (join.discovery as { file: { kubeConfigPath: string } }).file.kubeConfigPath = "\\etc\\kubeforge\\discovery.kubeconfig";
    return toYaml(join);
}

/**
 * The PowerShell bootstrap of a Windows worker, wrapped in `<powershell>` with `<persist>true</persist>`
 * so EC2 runs it again after the reboot the Containers feature needs. Secret: it holds the token.
 *
 * @param input - the Windows worker's bootstrap input
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
        `--hostname-override=${winInput.facts.nodeNameCommand ? PLACEHOLDERS.nodeName : input.node.name}`,
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
        // The join config names its discovery file without a drive letter (kubeadm would read one as a URL).
        "Set-Location 'C:\\'",
        'function Log([string]$m) { Write-Output "$(Get-Date -Format o) kubeforge: $m" }',
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
        '  Invoke-WebRequest -UseBasicParsing -Uri $Url -OutFile "$Dest.part"',
        "  $want = ((Invoke-WebRequest -UseBasicParsing -Uri $SumUrl).Content -split '\\s+')[0].Trim().ToLower()",
        '  $got = (Get-FileHash -Algorithm SHA256 "$Dest.part").Hash.ToLower()',
        '  if ($want -ne $got) { Remove-Item "$Dest.part"; throw "checksum mismatch for $Url" }',
        '  Move-Item "$Dest.part" $Dest',
        "}",
        "# containerd",
        "if (-not (Get-Service containerd -ErrorAction SilentlyContinue)) {",
        '  $tgz = "$env:TEMP\\containerd-$ContainerdVersion.tar.gz"',
        '  $url = "https://github.com/containerd/containerd/releases/download/v$ContainerdVersion/containerd-$ContainerdVersion-windows-amd64.tar.gz"',
        '  Get-Verified $url "$url.sha256sum" $tgz',
        '  $dir = "$env:ProgramFiles\\containerd"',
        "  New-Item -ItemType Directory -Force -Path $dir | Out-Null",
        "  tar.exe -xzf $tgz -C $dir --strip-components=1",
        '  & "$dir\\containerd.exe" config default | Out-File "$dir\\config.toml" -Encoding ascii',
        '  & "$dir\\containerd.exe" --register-service',
        "}",
        "Start-Service containerd",
        "# kubelet and kubeadm",
        "foreach ($b in 'kubelet.exe', 'kubeadm.exe') {",
        '  $url = "https://dl.k8s.io/release/v$KubeVersion/bin/windows/amd64/$b"',
        '  Get-Verified $url "$url.sha256" "$Bin\\$b"',
        "}",
        `[System.IO.File]::WriteAllText("$Etc\\discovery.kubeconfig", ${psQuote(renderDiscoveryKubeconfig(input.spec.name, input.endpoint, input.pki.caCert))})`,
        ...bootFactLines(input),
        `[System.IO.File]::WriteAllText("$Etc\\join.yaml", (Fill ${psQuote(renderWindowsJoinConfiguration(input))}))`,
        "icacls.exe \"$Etc\\join.yaml\" /inheritance:r /grant:r 'SYSTEM:F' 'Administrators:F' | Out-Null",
        "if (-not (Get-Service kubelet -ErrorAction SilentlyContinue)) {",
        `  $flags = Fill ${psQuote(kubeletFlags.join(" "))}`,
        '  sc.exe create kubelet binPath= "$Bin\\kubelet.exe $flags" start= auto depend= containerd | Out-Null',
        "  sc.exe failure kubelet reset= 0 actions= restart/10000 | Out-Null",
        "}",
        "New-NetFirewallRule -Name kubelet -DisplayName 'kubelet' -Protocol TCP -LocalPort 10250 -Action Allow -Enabled True -ErrorAction SilentlyContinue | Out-Null",
        `$Endpoint = ${psQuote(hostPort(input.endpoint))}`,
        ...tokenExpiryLines(input.pki.bootstrapTokenExpires, expiredTokenRemedy(input.facts, input.spec.platform)),
        "$deadline = (Get-Date).AddMinutes(30)",
        "while ($true) {",
        "  Assert-TokenValid",
        '  Log "joining the cluster at $Endpoint"',
        '  & "$Bin\\kubeadm.exe" join --config "$Etc\\join.yaml" *> \'C:\\var\\log\\kubelet\\kubeadm-join.log\'',
        "  if ($LASTEXITCODE -eq 0) { Log 'joined'; break }",
        "  if ((Get-Date) -gt $deadline) { throw 'kubeadm join kept failing for 30 minutes; see C:\\var\\log\\kubelet\\kubeadm-join.log' }",
        '  & "$Bin\\kubeadm.exe" reset --force *> $null',
        "  Start-Sleep -Seconds 30",
        "}",
        "</powershell>",
        "<persist>true</persist>",
        "",
    ];
    return lines.join("\n");
}
