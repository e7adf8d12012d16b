/**
 * Host preparation files: kernel modules and sysctls. The kubelet runs with `protectKernelDefaults`,
 * so the values it checks (vm.overcommit_memory, vm.panic_on_oom, kernel.panic, kernel.panic_on_oops,
 * kernel.keys.*) are set here to exactly what it expects.
 */

/** Kernel modules loaded now and at every boot. */
export const KERNEL_MODULES = ["overlay", "br_netfilter", "nf_conntrack"] as const;

/** Sysctls for a Kubernetes node. */
export const SYSCTLS: Readonly<Record<string, string>> = {
    "net.bridge.bridge-nf-call-iptables": "1",
    "net.bridge.bridge-nf-call-ip6tables": "1",
    "net.ipv4.ip_forward": "1",
    "net.ipv6.conf.all.forwarding": "1",
    "net.netfilter.nf_conntrack_max": "1048576",
    "fs.inotify.max_user_watches": "1048576",
    "fs.inotify.max_user_instances": "8192",
    // What the kubelet's protectKernelDefaults checks for.
    "vm.overcommit_memory": "1",
    "vm.panic_on_oom": "0",
    "kernel.panic": "10",
    "kernel.panic_on_oops": "1",
    "kernel.keys.root_maxkeys": "1000000",
    "kernel.keys.root_maxbytes": "25000000",
};

/** /etc/modules-load.d/kubeforge.conf */
export function renderModulesLoad(): string {
    return `# Written by kubeforge.\n${KERNEL_MODULES.join("\n")}\n`;
}

/** /etc/sysctl.d/90-kubeforge.conf */
export function renderSysctls(): string {
    return `# Written by kubeforge.\n${Object.entries(SYSCTLS)
        .map(([k, v]) => `${k} = ${v}`)
        .join("\n")}\n`;
}
