/**
 * Kubernetes versions kubeforge supports, and the kubelet/control-plane skew rule.
 */

import { KUBERNETES_PATCHES, SUPPORTED_MINORS } from "../../bootstrap/versions";

/**
 * Supported minors, oldest first, and the newest known patch of each (what a bare minor in the config
 * means). Both live in `bootstrap/versions.ts`, next to every other pinned version, so one bump moves
 * the validation window, the default and what the nodes install together.
 */
export { KUBERNETES_PATCHES, SUPPORTED_MINORS };

/** The default version: newest known patch of the newest supported minor. */
export const DEFAULT_KUBERNETES_VERSION = KUBERNETES_PATCHES[SUPPORTED_MINORS[SUPPORTED_MINORS.length - 1]];

/**
 * How many minors a kubelet may lag the API server (Kubernetes version skew policy since 1.28: kubelet
 * may be up to three minors older, never newer).
 */
export const MAX_KUBELET_SKEW = 3;

/** A resolved version. */
export interface KubernetesVersion {
    /** Full version, e.g. `1.36.4`. */
    version: string;
    /** Minor, e.g. `1.36`. */
    minor: string;
}

function minorNumber(minor: string): number {
    return Number(minor.split(".")[1]);
}

/** The supported window in words, for messages. */
export function supportedWindow(): string {
    return `${SUPPORTED_MINORS[0]}–${SUPPORTED_MINORS[SUPPORTED_MINORS.length - 1]}`;
}

/**
 * Resolves `1.NN` (newest known patch of that minor) or `1.NN.P` (an optional leading `v` is
 * tolerated). Returns a message when the text is malformed or outside the supported window.
 */
export function resolveKubernetesVersion(text: string): { ok: true; value: KubernetesVersion } | { ok: false; error: string } {
    const match = /^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?$/.exec(text.trim());
    if (!match) {
        return {
            ok: false,
            error: `"${text}" is not a Kubernetes version; write a minor such as "1.36" or a full version such as "${DEFAULT_KUBERNETES_VERSION}"`,
        };
    }
    const minor = `${match[1]}.${match[2]}`;
    const newest = KUBERNETES_PATCHES[minor];
    if (newest === undefined) {
        // Pulumi hands the program an unquoted YAML `1.30` as the text "1.3": say so, that is the fix.
        const yamlTrap =
            match[3] === undefined && match[2].length === 1 && !text.trim().startsWith("v")
                ? `; if the file says ${minor}0 without quotes, YAML read it as the number ${minor}: quote it, "${minor}0"`
                : "";
        return {
            ok: false,
            error: `Kubernetes ${minor} is not supported; use a version in ${supportedWindow()} (e.g. "${DEFAULT_KUBERNETES_VERSION}")${yamlTrap}`,
        };
    }
    return { ok: true, value: { version: match[3] === undefined ? newest : `${minor}.${match[3]}`, minor } };
}

/**
 * Checks a kubelet version against the control plane's: never a newer minor, at most {@link MAX_KUBELET_SKEW}
 * minors older. Returns a message, or undefined when allowed.
 */
export function kubeletSkewError(kubelet: KubernetesVersion, controlPlane: KubernetesVersion): string | undefined {
    // The skew policy is stated in minors: a newer patch of the same minor is fine.
    const lag = minorNumber(controlPlane.minor) - minorNumber(kubelet.minor);
    if (lag < 0) {
        return `kubelet ${kubelet.version} would be newer than the control plane (${controlPlane.version}); upgrade the control plane first or remove the pool's version`;
    }
    if (lag > MAX_KUBELET_SKEW) {
        return `kubelet ${kubelet.version} lags the control plane (${controlPlane.version}) by ${lag} minors; at most ${MAX_KUBELET_SKEW} are allowed, upgrade the pool first`;
    }
    return undefined;
}
