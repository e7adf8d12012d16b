#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Installs kubelet, kubeadm and kubectl at exactly the node's version from pkgs.k8s.io and holds
# them (apt on Debian/Ubuntu, dnf on RHEL-like hosts).
set -euo pipefail
export KUBEFORGE_STEP=kubernetes-packages
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
load_env

version="$KUBEFORGE_K8S_VERSION"
minor="$KUBEFORGE_K8S_MINOR"
repo="https://pkgs.k8s.io/core:/stable:/v${minor}"

installed_version() {
    kubeadm version -o short 2>/dev/null || true
}

if [[ "$(installed_version)" == "v${version}" ]] && kubelet --version 2>/dev/null | grep -qx "Kubernetes v${version}"; then
    log "kubelet and kubeadm ${version} already installed"
    systemctl enable kubelet >/dev/null
    exit 0
fi

# A bootstrapped node is upgraded by `kubeadm upgrade`, control plane first; swapping its packages here
# could put a kubelet ahead of the API server.
if [[ -f "${KUBEFORGE_STATE_DIR}/kubeadm.done" && -n "$(installed_version)" ]]; then
    log "node already bootstrapped with kubeadm $(installed_version); not changing packages to ${version} (upgrades go through kubeadm upgrade)"
    exit 0
fi

if has_package_manager apt-get; then
    export DEBIAN_FRONTEND=noninteractive
    retry 5 5 apt_get update -q
    retry 5 5 apt_get install -y -q apt-transport-https ca-certificates curl gpg conntrack socat iptables
    install -d -m 0755 "${root}/etc/apt/keyrings"
    keyring="/etc/apt/keyrings/kubernetes-v${minor}.gpg"
    keyring_file="${root}${keyring}"
    if [[ ! -s "$keyring_file" ]]; then
        retry 5 5 curl --fail --silent --show-error --location --output "${keyring_file}.asc" "${repo}/deb/Release.key"
        gpg --batch --yes --dearmor --output "$keyring_file" "${keyring_file}.asc"
        rm -f "${keyring_file}.asc"
    fi
    mkdir -p "${root}/etc/apt/sources.list.d"
    echo "deb [signed-by=${keyring}] ${repo}/deb/ /" >"${root}/etc/apt/sources.list.d/kubernetes.list"
    retry 5 5 apt_get update -q
    # pkgs.k8s.io versions look like 1.36.4-1.1; take the newest build of the exact version.
    pkg_version="$(apt-cache madison kubeadm | awk -v v="${version}-" 'index($3, v) == 1 { print $3; exit }')"
    [[ -n "$pkg_version" ]] || die "kubeadm ${version} is not in ${repo}/deb/; check kubernetesVersion"
    log "installing kubelet, kubeadm, kubectl ${pkg_version}"
    retry 5 5 apt_get install -y -q --allow-change-held-packages --allow-downgrades \
        "kubelet=${pkg_version}" "kubeadm=${pkg_version}" "kubectl=${pkg_version}"
    apt-mark hold kubelet kubeadm kubectl >/dev/null
elif has_package_manager dnf; then
    mkdir -p "${root}/etc/yum.repos.d"
    cat >"${root}/etc/yum.repos.d/kubernetes.repo" <<REPO
[kubernetes]
name=Kubernetes v${minor}
baseurl=${repo}/rpm/
enabled=1
gpgcheck=1
gpgkey=${repo}/rpm/repodata/repomd.xml.key
exclude=kubelet kubeadm kubectl cri-tools kubernetes-cni
REPO
    retry 5 5 dnf install -y -q conntrack-tools socat iptables curl
    log "installing kubelet, kubeadm, kubectl ${version}"
    # The repo's exclude line is the hold: only this explicit install may change them.
    retry 5 5 dnf install -y -q --disableexcludes=kubernetes \
        "kubelet-${version}" "kubeadm-${version}" "kubectl-${version}"
else
    die "no apt-get or dnf on this host; kubeforge supports Debian/Ubuntu and RHEL-like distributions"
fi
systemctl enable kubelet >/dev/null
log "kubelet and kubeadm $(installed_version) installed"
