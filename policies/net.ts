/**
 * Address and port reasoning shared by the exposure rules.
 */
import type { IngressFact, TrafficSource } from "./facts";

/**
 * True when `cidr` admits every address of its family (`0.0.0.0/0`, `::/0`, or any other `/0`).
 *
 * @param cidr - an IPv4 or IPv6 CIDR
 */
export function isWorld(cidr: string): boolean {
    const slash = cidr.trim().lastIndexOf("/");
    return slash >= 0 && Number(cidr.trim().slice(slash + 1)) === 0;
}

/**
 * True when any source is a CIDR open to the whole internet.
 *
 * @param sources - the rule's sources
 */
export function hasWorldSource(sources: TrafficSource[]): boolean {
    return sources.some((s) => s.kind === "cidr" && isWorld(s.cidr));
}

/**
 * Normalises a protocol to `tcp`, `udp`, `all` or the value as written.
 *
 * @param protocol - protocol name or IANA number as a platform spells it (`-1`, `6`, `TCP`, ...)
 */
export function normaliseProtocol(protocol: string | number | undefined): string {
    const p = String(protocol ?? "all").toLowerCase();
    if (p === "-1" || p === "all" || p === "*" || p === "any") return "all";
    if (p === "6") return "tcp";
    if (p === "17") return "udp";
    return p;
}

/**
 * True when the rule admits `protocol` traffic to at least one port of `from`..`to`.
 *
 * @param rule - the ingress rule
 * @param protocols - protocols that matter (`all` always matches)
 * @param from - first port of the range that matters
 * @param to - last port of the range that matters
 */
export function admitsPorts(rule: IngressFact, protocols: string[], from: number, to: number = from): boolean {
    const protocol = normaliseProtocol(rule.protocol);
    if (protocol !== "all" && !protocols.includes(protocol)) return false;
    return rule.fromPort <= to && rule.toPort >= from;
}

/**
 * Describes a rule's port range for messages.
 *
 * @param rule - the ingress rule
 */
export function describePorts(rule: IngressFact): string {
    const protocol = normaliseProtocol(rule.protocol);
    const ports = rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
    return protocol === "all" ? "all traffic" : `${protocol}/${ports}`;
}
