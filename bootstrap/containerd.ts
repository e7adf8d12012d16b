/**
 * containerd 2.x: its config (`version = 3`) and the systemd unit for the release-tarball install.
 * The TOML is small and fixed in shape, so it is written by hand with every string escaped through
 * {@link tomlString} (no TOML writer is installed).
 */
import { pauseImage } from "./versions";

/**
 * A TOML basic string (JSON string escaping is a valid subset for the characters we emit).
 *
 * @param value - the string
 */
export function tomlString(value: string): string {
    if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
        throw new Error(`control characters are not allowed in containerd config values: ${JSON.stringify(value)}`);
    return JSON.stringify(value);
}

/**
 * /etc/containerd/config.toml for a Linux node.
 *
 * @param kubernetesVersion - the node's kubelet version (selects the pause image kubeadm expects)
 */
export function renderContainerdConfig(kubernetesVersion: string): string {
    return [
        "# Written by kubeforge; containerd 2.x config format.",
        "version = 3",
        "",
        `[plugins."io.containerd.cri.v1.images"]`,
        `  snapshotter = "overlayfs"`,
        "",
        `[plugins."io.containerd.cri.v1.images".pinned_images]`,
        `  sandbox = ${tomlString(pauseImage(kubernetesVersion))}`,
        "",
        `[plugins."io.containerd.cri.v1.images".registry]`,
        `  config_path = ${tomlString("/etc/containerd/certs.d")}`,
        "",
        `[plugins."io.containerd.cri.v1.runtime".containerd]`,
        `  default_runtime_name = "runc"`,
        "",
        `[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]`,
        `  runtime_type = "io.containerd.runc.v2"`,
        "",
        `[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]`,
        "  SystemdCgroup = true",
        `  BinaryName = "/usr/local/sbin/runc"`,
        "",
        `[plugins."io.containerd.cri.v1.runtime".cni]`,
        `  bin_dirs = ["/opt/cni/bin"]`,
        `  conf_dir = "/etc/cni/net.d"`,
        "",
    ].join("\n");
}

/** The systemd unit for containerd installed under /usr/local (the release tarball ships none). */
export function renderContainerdUnit(): string {
    return [
        "[Unit]",
        "Description=containerd container runtime (kubeforge)",
        "Documentation=https://containerd.io",
        "After=network.target local-fs.target",
        "",
        "[Service]",
        "ExecStartPre=-/sbin/modprobe overlay",
        "ExecStart=/usr/local/bin/containerd",
        "Type=notify",
        "Delegate=yes",
        "KillMode=process",
        "Restart=always",
        "RestartSec=5",
        "LimitNPROC=infinity",
        "LimitCORE=infinity",
        "TasksMax=infinity",
        "OOMScoreAdjust=-999",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ].join("\n");
}
