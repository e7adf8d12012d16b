#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Installs containerd 2.x and runc from their upstream release artefacts, pinned by version and
# sha256 (pins in bootstrap/versions.ts), and starts containerd with the rendered config.
set -euo pipefail
export KUBEFORGE_STEP=containerd
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
load_env

arch="$(machine_arch)"
if [[ "$arch" == amd64 ]]; then
    containerd_sum="$KUBEFORGE_CONTAINERD_SHA256_AMD64"
    runc_sum="$KUBEFORGE_RUNC_SHA256_AMD64"
else
    containerd_sum="$KUBEFORGE_CONTAINERD_SHA256_ARM64"
    runc_sum="$KUBEFORGE_RUNC_SHA256_ARM64"
fi
cache="${KUBEFORGE_STATE_DIR}/downloads"
mkdir -p "$cache"

installed="$("${root}/usr/local/bin/containerd" --version 2>/dev/null || true)"
if [[ "$installed" != *" v${KUBEFORGE_CONTAINERD_VERSION} "* ]]; then
    tarball="${cache}/containerd-${KUBEFORGE_CONTAINERD_VERSION}-linux-${arch}.tar.gz"
    download "https://github.com/containerd/containerd/releases/download/v${KUBEFORGE_CONTAINERD_VERSION}/containerd-${KUBEFORGE_CONTAINERD_VERSION}-linux-${arch}.tar.gz" \
        "$containerd_sum" "$tarball"
    log "installing containerd ${KUBEFORGE_CONTAINERD_VERSION}"
    tar --extract --gzip --file "$tarball" --directory "${root}/usr/local"
fi

runc_bin="${cache}/runc-${KUBEFORGE_RUNC_VERSION}.${arch}"
download "https://github.com/opencontainers/runc/releases/download/v${KUBEFORGE_RUNC_VERSION}/runc.${arch}" "$runc_sum" "$runc_bin"
if ! cmp --silent "$runc_bin" "${root}/usr/local/sbin/runc"; then
    log "installing runc ${KUBEFORGE_RUNC_VERSION}"
    install -D -m 0755 "$runc_bin" "${root}/usr/local/sbin/runc"
fi

mkdir -p "${root}/etc/containerd/certs.d" "${root}/opt/cni/bin" "${root}/etc/cni/net.d"
systemctl daemon-reload
systemctl enable containerd >/dev/null
# Restart only when the binary or config is newer than the running daemon.
if ! systemctl is-active --quiet containerd || [[ "${root}/usr/local/bin/containerd" -nt "${KUBEFORGE_STATE_DIR}/containerd.started" ]] ||
    [[ "${root}/etc/containerd/config.toml" -nt "${KUBEFORGE_STATE_DIR}/containerd.started" ]]; then
    log "starting containerd"
    systemctl restart containerd
    touch "${KUBEFORGE_STATE_DIR}/containerd.started"
fi
retry 10 2 test -S "${root}/run/containerd/containerd.sock"
log "containerd ${KUBEFORGE_CONTAINERD_VERSION} running"
