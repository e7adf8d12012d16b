#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The kubeadm step: kubeadm.sh init|control-plane|worker.
# - Does nothing when this script already finished here and the kubelet runs.
# - Cleans up what an unfinished earlier run left behind (kubeadm reset), so it can always run again.
# - The init master runs `kubeadm init` only when no API answers at the endpoint with our CA;
#   otherwise it joins as a master (a replaced master 0 must never start a second cluster).
# - Where the platform guards the endpoint's name (a private DNS zone created beside the machines), no
#   node looks the name up before the platform's command says it may (see name_state): an early
#   "no such name" would be cached. When the name certainly does not exist yet (its load balancer is
#   still being created), the init master does not wait for it: it pins the name to itself in
#   /etc/hosts and runs `kubeadm init` at once (see pin_endpoint_here).
# - Joins wait for the API and retry with backoff, bounded by KUBEFORGE_JOIN_TIMEOUT_SECONDS.
# kubeadm output goes to a root-only log file: it can contain the bootstrap token.
set -euo pipefail
export KUBEFORGE_STEP=kubeadm
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
load_env

mode="${1:-$KUBEFORGE_MODE}"
case "$mode" in
    init | control-plane | worker) ;;
    *) die "usage: kubeadm.sh init|control-plane|worker" ;;
esac

kubelet_conf="${root}/etc/kubernetes/kubelet.conf"
manifests="${root}/etc/kubernetes/manifests"
pki="${root}/etc/kubernetes/pki"
staged_pki="${root}/etc/kubeforge/pki"
templates="${root}/etc/kubeforge/kubeadm"
marker="${KUBEFORGE_STATE_DIR}/kubeadm.done"
log_dir="${root}/var/log/kubeforge"
timeout="${KUBEFORGE_JOIN_TIMEOUT_SECONDS:-1800}"
mkdir -p "$KUBEFORGE_STATE_DIR"
install -d -m 0700 "$log_dir"

kubelet_active() {
    systemctl is-active --quiet kubelet
}

already_done() {
    [[ -f "$marker" && -f "$kubelet_conf" ]] || return 1
    if ! kubelet_active; then
        log "node was bootstrapped but the kubelet is not running; starting it"
        systemctl enable --now kubelet || return 1
    fi
    kubelet_active
}

# Static pods kubeadm writes; any other manifest (e.g. kube-vip on bare metal) belongs to the platform.
kubeadm_manifests=(kube-apiserver.yaml kube-controller-manager.yaml kube-scheduler.yaml etcd.yaml)

leftovers() {
    local m
    [[ -f "$kubelet_conf" || -d "${root}/var/lib/etcd/member" ]] && return 0
    for m in "${kubeadm_manifests[@]}"; do
        [[ -f "${manifests}/${m}" ]] && return 0
    done
    return 1
}

foreign_manifests() {
    local f
    for f in "${manifests}"/*.yaml; do
        [[ -f "$f" ]] || continue
        [[ " ${kubeadm_manifests[*]} " == *" $(basename "$f") "* ]] || printf '%s\n' "$f"
    done
}

# kubeadm reset empties /etc/kubernetes/manifests; the platform's static pods are put back after it.
reset_node() {
    local stash="${KUBEFORGE_STATE_DIR}/static-pods" f
    rm -rf "$stash"
    mkdir -p "$stash"
    while read -r f; do
        [[ -n "$f" ]] && cp -p "$f" "$stash/"
    done < <(foreign_manifests)
    kubeadm reset --force >"${log_dir}/kubeadm-reset.log" 2>&1 || {
        log "kubeadm reset failed; see ${log_dir}/kubeadm-reset.log"
        return 1
    }
    mkdir -p "$manifests"
    for f in "$stash"/*.yaml; do
        [[ -f "$f" ]] && cp -p "$f" "${manifests}/"
    done
    return 0
}

# fact WHAT COMMAND PATTERN: runs a platform-provided shell command (metadata services can be slow to
# answer at boot) and checks its output.
fact() {
    local what="$1" command="$2" pattern="$3" value n
    for n in 1 2 3 4 5 6 7 8 9 10; do
        if value="$(bash -c "$command")" && [[ "$value" =~ $pattern ]]; then
            printf '%s' "$value"
            return 0
        fi
        log "could not read the ${what} (attempt ${n}/10)"
        sleep 3
    done
    die "the ${what} command printed nothing usable"
}

# HTTP status of the endpoint's /readyz over TLS verified with the cluster CA; 000 when nothing
# answers (refused, timed out, reset). A name that does not resolve, or a server whose certificate is
# not from our CA, proves nothing either way: the init master then waits instead of starting a cluster.
endpoint_status() {
    local code rc=0
    code="$(curl --silent --output /dev/null --write-out '%{http_code}' --max-time 5 \
        --cacert "${staged_pki}/ca.crt" "https://${KUBEFORGE_ENDPOINT}/readyz" 2>/dev/null)" || rc=$?
    case "$rc" in
        0) printf '%s' "$code" ;;
        6) printf 'unresolved' ;;
        60) printf 'untrusted' ;;
        *) printf '000' ;;
    esac
}

place_pki() {
    local file
    for file in ca.crt ca.key sa.key sa.pub front-proxy-ca.crt front-proxy-ca.key etcd/ca.crt etcd/ca.key; do
        if [[ -f "${staged_pki}/${file}" ]]; then
            install -D -m 0600 "${staged_pki}/${file}" "${pki}/${file}"
        fi
    done
}

render_config() {
    local source="$1" target="$2" text
    text="$(<"$source")"
    text="${text//__KUBEFORGE_NODE_NAME__/$node_name}"
    text="${text//__KUBEFORGE_PROVIDER_ID__/$provider_id}"
    text="${text//__KUBEFORGE_NODE_IP__/$node_ip}"
    (umask 077 && printf '%s\n' "$text" >"$target")
}

# The endpoint's host, without the port (a name on clouds).
endpoint_host() {
    local host="${KUBEFORGE_ENDPOINT%:*}"
    host="${host#[}"
    printf '%s' "${host%]}"
}

pinned_here() {
    grep -q " $(endpoint_host) # kubeforge-init-endpoint$" "${root}/etc/hosts" 2>/dev/null
}

# What the platform's command (KUBEFORGE_ENDPOINT_NAME_CMD) says of the endpoint's name: present (look
# it up), absent (it certainly does not exist yet) or wait (do not look it up yet: the answer could be
# cached as "no such name" for long). Without such a command, or once the name is pinned here, present.
# A command that fails prints `failed: <exit code and its last line of output>`, which waits too: a
# machine image without what the command needs (python3 on AWS) must say so, not look like slow DNS.
name_state() {
    local said code=0 errors why
    if [[ -z "${KUBEFORGE_ENDPOINT_NAME_CMD:-}" ]] || pinned_here; then
        printf 'present'
        return 0
    fi
    errors="$(mktemp)" || {
        printf 'failed: no temporary file for the check (mktemp)'
        return 0
    }
    said="$(bash -c "$KUBEFORGE_ENDPOINT_NAME_CMD" kubeforge-endpoint-name "$(endpoint_host)" 2>"$errors")" || code=$?
    if ((code != 0)); then
        # The last thing it said, on stderr (`python3: command not found`, a traceback's exception), else stdout.
        why="$(grep '[^[:space:]]' "$errors" | tail -n 1 || true)"
        [[ -n "$why" ]] || why="$(printf '%s\n' "$said" | grep '[^[:space:]]' | tail -n 1 || true)"
        rm -f "$errors"
        printf 'failed: exit %s%s' "$code" "${why:+: ${why:0:200}}"
        return 0
    fi
    rm -f "$errors"
    case "$said" in
        present | absent) printf '%s' "$said" ;;
        *) printf 'wait' ;;
    esac
}

# Logs a waiting reason once, not at every poll.
last_reason=""
waiting_because() {
    [[ "$1" == "$last_reason" ]] || log "$1"
    last_reason="$1"
}

# What to do about the endpoint's status (see endpoint_status): prints init, join or nothing (wait),
# and says why it waits.
action_for() {
    local status="$1"
    if [[ "$status" == unresolved || "$status" == untrusted ]]; then
        log "the endpoint ${KUBEFORGE_ENDPOINT} is ${status}; waiting"
    elif [[ "$mode" == init && "$status" == 000 ]]; then
        printf 'init'
    elif [[ "$mode" == init ]]; then
        log "an API server already answers at ${KUBEFORGE_ENDPOINT} (HTTP ${status}): joining it instead of starting a cluster"
        [[ "$status" == 200 ]] && printf 'join'
    elif [[ "$status" == 200 ]]; then
        printf 'join'
    else
        log "waiting for the API at ${KUBEFORGE_ENDPOINT} (HTTP ${status})"
    fi
    return 0
}

# Points the endpoint name at this machine, so `kubeadm init` (which talks to the API through the
# endpoint: upload-config, bootstrap tokens, addons) runs while the load balancer is still being
# created, instead of minutes after it. Cluster API's Azure provider does the same with /etc/hosts
# for its API name. The API server's certificate carries the name, so TLS verifies as through the
# load balancer. The pin stays: this master's own components then use its local API server, as
# kubeadm's ControlPlaneKubeletLocalMode does; every other node goes through the load balancer. It
# is written only on the machine that starts the cluster, and only when the name does not exist.
pin_endpoint_here() {
    local hosts="${root}/etc/hosts" host
    host="$(endpoint_host)"
    pinned_here && return 0
    log "the endpoint name ${host} does not exist yet (its load balancer is being created): pinning it to this machine for kubeadm init"
    printf '127.0.0.1 %s # kubeforge-init-endpoint\n' "$host" >>"$hosts"
}

# True when the bootstrap token this machine was given (KUBEFORGE_TOKEN_EXPIRES, RFC 3339) has expired.
token_expired() {
    local expires
    [[ -n "${KUBEFORGE_TOKEN_EXPIRES:-}" ]] || return 1
    expires="$(date -u -d "$KUBEFORGE_TOKEN_EXPIRES" +%s 2>/dev/null)" || return 1
    (($(date -u +%s) >= expires))
}

redact() {
    sed -E 's/[a-z0-9]{6}\.[a-z0-9]{16}/<bootstrap-token>/g'
}

# run_kubeadm init|join: one attempt; output kept in a root-only log.
run_kubeadm() {
    local action="$1" config output
    config="${templates}/${action}.rendered.yaml"
    output="${log_dir}/kubeadm-${action}.log"
    render_config "${templates}/${action}.yaml" "$config"
    log "running kubeadm ${action} as ${node_name}"
    local extra=()
    [[ "$action" == init ]] && extra+=(--skip-token-print)
    # kubeadm wants an empty manifests directory; the platform's own static pods are expected there.
    [[ -n "$(foreign_manifests)" ]] && extra+=(--ignore-preflight-errors=DirAvailable--etc-kubernetes-manifests)
    if kubeadm "$action" --config "$config" "${extra[@]}" >"$output" 2>&1; then
        return 0
    fi
    log "kubeadm ${action} failed; last lines (token redacted):"
    tail -n 20 "$output" | redact >&2
    return 1
}

if already_done; then
    log "already bootstrapped; nothing to do"
    exit 0
fi
rm -f "$marker"
if leftovers; then
    log "cleaning up an unfinished earlier kubeadm run"
    reset_node || die "could not clean up; fix the cause and run again"
fi

node_name="$KUBEFORGE_NODE"
if [[ -n "${KUBEFORGE_NODE_NAME_CMD:-}" ]]; then
    node_name="$(fact "node name" "$KUBEFORGE_NODE_NAME_CMD" '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$')"
fi
provider_id=""
if [[ -n "${KUBEFORGE_PROVIDER_ID_CMD:-}" ]]; then
    provider_id="$(fact "provider id" "$KUBEFORGE_PROVIDER_ID_CMD" '^[A-Za-z0-9][A-Za-z0-9:/._-]*$')"
fi
node_ip=""
if [[ -n "${KUBEFORGE_NODE_IP_CMD:-}" ]]; then
    node_ip="$(fact "node IP" "$KUBEFORGE_NODE_IP_CMD" '^[0-9a-fA-F.:]+$')"
fi

deadline=$((SECONDS + timeout))
delay=5
while :; do
    action=""
    name="$(name_state)"
    if [[ "$name" == absent && "$mode" == init ]]; then
        pin_endpoint_here
        name=present
    fi
    status=unresolved
    case "$name" in
        wait) waiting_because "the private DNS zone of $(endpoint_host) does not answer for this network yet, or still keeps \"no such name\" for long: waiting before looking the name up" ;;
        absent) waiting_because "the endpoint name $(endpoint_host) does not exist yet (its load balancer is being created): waiting" ;;
        failed:*) waiting_because "the check whether the endpoint name $(endpoint_host) may be looked up yet failed (${name#failed: }): waiting; the machine image must have what it runs: ${KUBEFORGE_ENDPOINT_NAME_CMD}" ;;
        *)
            status="$(endpoint_status)"
            action="$(action_for "$status")"
            ;;
    esac
    if [[ "$action" == join ]] && token_expired; then
        # Retrying cannot help: the cluster has forgotten this token (its cleaner deletes expired ones).
        die "the bootstrap token in this machine's configuration expired at ${KUBEFORGE_TOKEN_EXPIRES}, before it could join: it was rendered by a pulumi up longer ago than kubeforge:lifecycle.bootstrapTokenHours. Run pulumi up (it mints a fresh token and creates it in the cluster); ${KUBEFORGE_TOKEN_REMEDY:-then replace this machine so it boots with the new one}"
    fi
    if [[ -n "$action" ]]; then
        [[ "$mode" == worker ]] || place_pki
        if run_kubeadm "$action"; then
            touch "$marker"
            log "kubeadm ${action} succeeded"
            exit 0
        fi
        reset_node || log "retrying anyway"
    fi
    if ((SECONDS >= deadline)); then
        die "gave up after ${timeout}s; run $(dirname "${BASH_SOURCE[0]}")/bootstrap.sh ${mode} again once the cause is fixed"
    fi
    sleep "$delay"
    # A name that does not resolve yet (a DNS record created beside the machines) is polled every 5 s:
    # backing off there would only add up to a minute after the record appears. Everything else backs off.
    if [[ "$status" == unresolved ]]; then
        delay=5
    else
        delay=$((delay * 2 > 60 ? 60 : delay * 2))
    fi
done
