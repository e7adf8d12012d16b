#!/usr/bin/env bash
# Helpers shared by the kubeforge bootstrap steps. Sourced, never run on its own.
# KUBEFORGE_ROOT prefixes every host path so the steps can be exercised in a sandbox (tests).
# shellcheck shell=bash source-path=SCRIPTDIR

KUBEFORGE_ROOT="${KUBEFORGE_ROOT:-}"
KUBEFORGE_ENV_FILE="${KUBEFORGE_ENV_FILE:-${KUBEFORGE_ROOT}/etc/kubeforge/bootstrap.env}"
# shellcheck disable=SC2034 # used by the scripts that source this file
KUBEFORGE_STATE_DIR="${KUBEFORGE_ROOT}/var/lib/kubeforge"
KUBEFORGE_STEP="${KUBEFORGE_STEP:-bootstrap}"
# shellcheck disable=SC2034 # used by the scripts that source this file
root="$KUBEFORGE_ROOT"

# Progress goes to stderr (cloud-init copies it to the console and its log) and to the journal.
# Never pass a secret to log.
log() {
    printf '%s kubeforge[%s]: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$KUBEFORGE_STEP" "$*" >&2
    if command -v logger >/dev/null 2>&1; then
        logger -t "kubeforge-${KUBEFORGE_STEP}" -- "$*" 2>/dev/null || true
    fi
}

die() {
    log "ERROR: $*"
    exit 1
}

load_env() {
    [[ -r "$KUBEFORGE_ENV_FILE" ]] || die "missing env file $KUBEFORGE_ENV_FILE"
    # shellcheck source=bootstrap.env
    . "$KUBEFORGE_ENV_FILE"
}

# retry ATTEMPTS DELAY_SECONDS COMMAND...: runs COMMAND until it succeeds, doubling the delay (max 60 s).
retry() {
    local attempts="$1" delay="$2" n=1
    shift 2
    until "$@"; do
        if ((n >= attempts)); then
            log "giving up after ${n} attempts: $1"
            return 1
        fi
        log "attempt ${n}/${attempts} of $1 failed; retrying in ${delay}s"
        sleep "$delay"
        n=$((n + 1))
        delay=$((delay * 2 > 60 ? 60 : delay * 2))
    done
}

# The architecture name used by upstream release artefacts.
machine_arch() {
    case "$(uname -m)" in
        x86_64 | amd64) echo amd64 ;;
        aarch64 | arm64) echo arm64 ;;
        *) die "unsupported architecture $(uname -m); kubeforge supports amd64 and arm64" ;;
    esac
}

# download URL SHA256 DEST: fetches URL to DEST unless DEST already has that checksum; verifies it.
download() {
    local url="$1" sum="$2" dest="$3"
    if [[ -f "$dest" ]] && echo "${sum}  ${dest}" | sha256sum --check --status; then
        return 0
    fi
    log "downloading ${url}"
    retry 5 5 curl --fail --silent --show-error --location --output "${dest}.part" "$url"
    if ! echo "${sum}  ${dest}.part" | sha256sum --check --status; then
        rm -f "${dest}.part"
        die "checksum mismatch for ${url}"
    fi
    mv -f "${dest}.part" "$dest"
}

# apt_get ARGS...: apt-get that waits (up to 10 minutes) for another apt or dpkg (unattended-upgrades,
# an operator) to release the dpkg lock instead of failing at once, and finishes first what an
# interrupted run left half-configured, so a package is never left half-installed.
apt_get() {
    if [[ -n "$(dpkg --audit 2>/dev/null)" ]]; then
        log "finishing packages an interrupted run left half-configured (dpkg --configure -a)"
        DEBIAN_FRONTEND=noninteractive dpkg --configure -a
    fi
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"
}

# has_package_manager NAME: true when NAME (apt-get or dnf) is the host's package manager.
has_package_manager() {
    command -v "$1" >/dev/null 2>&1
}

# wait_for_egress: waits (bounded) until the host reaches the internet, where the next steps download
# from. On a cloud the machines boot while their NAT route is still being created (about 100 s against
# about 30 s for a machine: nothing waits for it in the program), so the first download would fail
# without this. Any HTTP answer counts (a 403 or 404 still proves the way out). A node that has joined
# already needs no download and does not wait. After KUBEFORGE_EGRESS_WAIT_SECONDS (default 900) it
# fails the run like any other step, naming what to check.
wait_for_egress() {
    local url="${KUBEFORGE_EGRESS_URL:-https://pkgs.k8s.io/}" limit="${KUBEFORGE_EGRESS_WAIT_SECONDS:-900}" step=5 waited=0
    if [[ -f "${root}/etc/kubernetes/kubelet.conf" ]]; then
        return 0
    fi
    until egress_answers "$url"; do
        if ((waited == 0)); then
            log "waiting for egress to the internet (${url}): the subnet's route out may still be being created; giving up after ${limit}s"
        fi
        if ((waited >= limit)); then
            die "no egress to the internet after ${waited}s (${url} did not answer): check the subnet's default route (NAT gateway or internet gateway), its security groups' egress and DNS, then run the bootstrap again"
        fi
        sleep "$step"
        waited=$((waited + step))
        if ((waited % 60 == 0)); then
            log "still no egress after ${waited}s (${url})"
        fi
    done
    if ((waited > 0)); then
        log "egress is up after ${waited}s"
    fi
}

# egress_answers URL: true when URL answers HTTP at all; over a bare TCP connection to its port 443
# when curl is missing (minimal images get curl only in host-prep, which itself needs egress).
egress_answers() {
    local url="$1" host
    if command -v curl >/dev/null 2>&1; then
        curl --silent --head --max-time 10 --output /dev/null "$url"
        return
    fi
    host="${url#*://}"
    host="${host%%/*}"
    # shellcheck disable=SC2016 # $1 expands in the inner bash, which gets the host as its argument
    timeout 10 bash -c ': >"/dev/tcp/$1/443"' bash "$host" 2>/dev/null
}
