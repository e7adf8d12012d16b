#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Host preparation: swap off for good, kernel modules and sysctls (files written by the renderer:
# /etc/modules-load.d/kubeforge.conf, /etc/sysctl.d/90-kubeforge.conf). Safe to run again.
set -euo pipefail
export KUBEFORGE_STEP=host-prep
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
load_env

# The later steps download with curl and unpack with tar; minimal images may lack them.
missing=()
for tool in curl tar gzip sha256sum flock; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]} > 0)); then
    log "installing missing tools: ${missing[*]}"
    if has_package_manager apt-get; then
        retry 5 5 apt_get update -q
        retry 5 5 apt_get install -y -q curl ca-certificates tar gzip coreutils util-linux
    elif has_package_manager dnf; then
        retry 5 5 dnf install -y -q curl ca-certificates tar gzip coreutils util-linux
    else
        die "missing ${missing[*]} and no apt-get or dnf to install them"
    fi
fi

log "turning swap off (now and at boot)"
swapoff -a
fstab="${root}/etc/fstab"
if [[ -f "$fstab" ]] && grep -Eq '^[^#].*[[:space:]]swap[[:space:]]' "$fstab"; then
    sed -i.kubeforge.bak -E 's|^([^#].*[[:space:]]swap[[:space:]].*)$|# disabled by kubeforge: \1|' "$fstab"
fi
# zram and other generated swap units hang off swap.target.
systemctl mask --now swap.target >/dev/null 2>&1 || true

log "loading kernel modules"
while read -r module; do
    [[ -z "$module" || "$module" == \#* ]] && continue
    modprobe "$module"
done <"${root}/etc/modules-load.d/kubeforge.conf"

log "applying sysctls"
# -e: hosts without IPv6 lack the ipv6 forwarding key; that must not stop the bootstrap.
sysctl --quiet -e --load="${root}/etc/sysctl.d/90-kubeforge.conf" >/dev/null

if command -v getenforce >/dev/null 2>&1 && [[ "$(getenforce)" == "Enforcing" ]]; then
    # As kubeadm's install guide does for RHEL-like hosts; containers then run unconfined by SELinux.
    log "setting SELinux to permissive"
    setenforce 0
    sed -i -E 's/^SELINUX=enforcing$/SELINUX=permissive/' "${root}/etc/selinux/config"
fi
log "host prepared for node ${KUBEFORGE_NODE}"
