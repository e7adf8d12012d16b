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
