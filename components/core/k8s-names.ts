/**
 * Kubernetes naming rules (apimachinery validation) and the label keys a kubelet may set on its own
 * Node, as far as kubeforge's config needs them.
 */
import type { Taint, TaintEffect } from "./types";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Why a DNS label (RFC 1123) is invalid, or undefined when it is valid. */
export function dnsLabelError(value: string, maxLength = 63): string | undefined {
    if (value.length === 0) return 'is empty; use lower-case letters, digits and "-", e.g. "general"';
    if (value.length > maxLength) return `"${value}" is ${value.length} characters long; at most ${maxLength} are allowed`;
    if (!DNS_LABEL.test(value)) {
        return `"${value}" is not a DNS label; use lower-case letters, digits and "-", starting and ending with a letter or digit`;
    }
    return undefined;
}

/** Why a label key / taint key (a qualified name, `[prefix/]name`) is invalid, or undefined. */
export function qualifiedNameError(key: string): string | undefined {
    const parts = key.split("/");
    if (parts.length > 2) return `"${key}" has more than one "/"; a key is [prefix/]name`;
    const name = parts[parts.length - 1];
    if (parts.length === 2) {
        const prefix = parts[0];
        if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) {
            return `"${key}" has an invalid prefix "${prefix}"; the prefix must be a lower-case DNS subdomain such as example.com`;
        }
    }
    if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
        return `"${key}" has an invalid name part "${name}"; use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
    }
    return undefined;
}

/** Why a label value (or taint value) is invalid, or undefined. The empty string is a valid value. */
export function labelValueError(value: string): string | undefined {
    if (value === "") return undefined;
    if (value.length > 63 || !QUALIFIED_NAME_PART.test(value)) {
        return `"${value}" is not a valid label value; use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
    }
    return undefined;
}

/** The prefix (namespace) of a key, "" when it has none. */
function keyPrefix(key: string): string {
    const slash = key.indexOf("/");
    return slash < 0 ? "" : key.slice(0, slash);
}

function inNamespace(prefix: string, namespace: string): boolean {
    return prefix === namespace || prefix.endsWith(`.${namespace}`);
}

/**
 * Keys in the `kubernetes.io` / `k8s.io` namespaces a kubelet may still set on itself through
 * `--node-labels` (kubernetes/kubernetes `staging/src/k8s.io/kubelet/pkg/apis/well_known_labels.go`);
 * any other key in those namespaces makes kubelet refuse to start, and the NodeRestriction admission
 * plugin would reject it anyway. `node-role.kubernetes.io/*` is NOT among them.
 */
export const KUBELET_ALLOWED_LABELS: readonly string[] = [
    "kubernetes.io/hostname",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "beta.kubernetes.io/instance-type",
    "node.kubernetes.io/instance-type",
    "kubernetes.io/os",
    "kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/arch",
];

/** Namespaces (and their subdomains) a kubelet may set freely: `[*.]kubelet.kubernetes.io`, `[*.]node.kubernetes.io`. */
export const KUBELET_ALLOWED_LABEL_NAMESPACES: readonly string[] = ["kubelet.kubernetes.io", "node.kubernetes.io"];

/** Labels the kubelet computes itself; overriding them would lie to the scheduler. */
const KUBELET_OWN_LABELS: readonly string[] = [
    "kubernetes.io/hostname",
    "kubernetes.io/os",
    "kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/arch",
];

/** The namespace kubeforge reserves for its own labels and taints. */
export const RESERVED_NAMESPACE = "kubeforge.io";

/** True when a kubelet may set this key on its own Node through `--node-labels`. */
export function isKubeletLabel(key: string): boolean {
    const prefix = keyPrefix(key);
    const restricted = inNamespace(prefix, "kubernetes.io") || inNamespace(prefix, "k8s.io");
    if (!restricted) return true;
    return KUBELET_ALLOWED_LABELS.includes(key) || KUBELET_ALLOWED_LABEL_NAMESPACES.some((ns) => inNamespace(prefix, ns));
}

/** Why a user-supplied node label key cannot be used, or undefined. */
export function nodeLabelKeyError(key: string): string | undefined {
    const syntax = qualifiedNameError(key);
    if (syntax) return syntax;
    const prefix = keyPrefix(key);
    if (inNamespace(prefix, RESERVED_NAMESPACE)) {
        return `"${key}" is in the ${RESERVED_NAMESPACE} namespace, which kubeforge reserves for its own labels; use your own prefix (e.g. example.com/${key.slice(key.indexOf("/") + 1)})`;
    }
    if (KUBELET_OWN_LABELS.includes(key)) {
        return `"${key}" is set by the kubelet itself; remove it`;
    }
    if (!isKubeletLabel(key)) {
        return (
            `kubelet refuses to set "${key}" on its own node (only a few kubernetes.io/k8s.io keys and the ` +
            `node.kubernetes.io/* and kubelet.kubernetes.io/* namespaces are allowed); use your own prefix, ` +
            `e.g. node.kubernetes.io/${key.slice(key.indexOf("/") + 1)} or example.com/${key.slice(key.indexOf("/") + 1)}`
        );
    }
    return undefined;
}

/** The taint effects Kubernetes knows. */
export const TAINT_EFFECTS: readonly TaintEffect[] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/**
 * Taint key namespaces that Kubernetes itself manages: node conditions (the node lifecycle controller
 * adds and removes them), cloud initialisation, and the control-plane role. kubeforge sets no taint of
 * its own beyond the control-plane one, so `kubeforge.io/*` taints are the user's to use.
 */
const RESERVED_TAINT_PREFIXES: readonly string[] = ["node.kubernetes.io", "node.cloudprovider.kubernetes.io", "node-role.kubernetes.io"];

/** Why a taint key cannot be used, or undefined. */
export function taintKeyError(key: string): string | undefined {
    const syntax = qualifiedNameError(key);
    if (syntax) return syntax;
    const prefix = keyPrefix(key);
    const owner = RESERVED_TAINT_PREFIXES.find((ns) => inNamespace(prefix, ns));
    if (owner)
        return `taint keys in ${owner}/ are managed by Kubernetes; use your own prefix, e.g. example.com/${key.slice(key.indexOf("/") + 1)}`;
    return undefined;
}

/** Why a taint effect is invalid, or undefined. */
export function taintEffectError(effect: string): string | undefined {
    return TAINT_EFFECTS.includes(effect as TaintEffect)
        ? undefined
        : `"${effect}" is not a taint effect; use one of ${TAINT_EFFECTS.join(", ")}`;
}

/**
 * Splits the kubectl-style short form `key=value:Effect` or `key:Effect` into its parts (unchecked).
 * Returns undefined when there is no `:Effect`.
 */
export function splitTaintString(text: string): { key: string; value?: string; effect: string } | undefined {
    const colon = text.lastIndexOf(":");
    if (colon < 0) return undefined;
    const head = text.slice(0, colon);
    const effect = text.slice(colon + 1);
    const equals = head.indexOf("=");
    if (equals < 0) return { key: head, effect };
    const value = head.slice(equals + 1);
    return { key: head.slice(0, equals), value: value === "" ? undefined : value, effect };
}

/** The taint written in kubectl's short form, e.g. `dedicated=gpu:NoSchedule`. */
export function formatTaint(taint: Taint): string {
    return `${taint.key}${taint.value === undefined ? "" : `=${taint.value}`}:${taint.effect}`;
}
