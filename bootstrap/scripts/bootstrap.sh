#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Entry point: bootstrap.sh init|control-plane|worker. Runs every step in order; each step is
# idempotent, so the whole script can be run again after a failure at any point.
set -euo pipefail
export KUBEFORGE_STEP=bootstrap
here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=common.sh
. "${here}/common.sh"
load_env

mode="${1:-$KUBEFORGE_MODE}"
case "$mode" in
    init | control-plane | worker) ;;
    *) die "usage: bootstrap.sh init|control-plane|worker" ;;
esac

mkdir -p "$KUBEFORGE_STATE_DIR"
# One run at a time, and never one waiting behind another: a second run fails at once, naming the
# lock (over SSH the provider's supervisor stops an earlier run before it starts a new one).
lock="${KUBEFORGE_STATE_DIR}/bootstrap.lock"
exec 9>"$lock"
flock -n 9 || die "another bootstrap run holds ${lock}; wait for it to finish or stop it, then run again"

log "bootstrapping ${KUBEFORGE_NODE} as ${mode}"
wait_for_egress
"${here}/host-prep.sh"
"${here}/install-containerd.sh"
"${here}/install-kubernetes.sh"
"${here}/kubeadm.sh" "$mode"
log "done: ${KUBEFORGE_NODE} is bootstrapped"
