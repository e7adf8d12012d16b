/**
 * The `network` part of the `kubeforge:gcp` block: a network to create from `kubeforge:network.nodeCidr`,
 * or an existing one (with its egress addresses). Pure.
 */
import type { ClusterSpec } from "../../core/types";
import { type IssueList, checkKnownKeys, readObject, readString, readStringArray } from "../../core/fields";
import { type Cidr, cidrsOverlap, formatCidr, hostBitsSet, parseCidr } from "../../core/cidr";

/** A project id: 6–30 characters, lower case, digits and hyphens, a letter first (optionally `domain:` scoped). */
export const PROJECT_ID_RE = /^([a-z][-a-z0-9.]*[a-z0-9]:)?[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
/** A Compute Engine resource name (RFC 1035 label). */
export const RESOURCE_NAME_RE = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A network kubeforge creates: a custom-mode VPC with one subnetwork in the region, Cloud Router and NAT. */
export interface NewNetwork {
    /** Discriminator. */
    kind: "new";
    /** The subnetwork's primary range (kubeforge:network.nodeCidr). */
    cidr: string;
}

/** An existing network and subnetwork the cluster joins (firewall rules are added, nothing else changes). */
export interface ExistingNetwork {
    /** Discriminator. */
    kind: "existing";
    /** Network name. */
    network: string;
    /** Subnetwork name, in the cluster's region. */
    subnetwork: string;
    /** Project that owns the network (Shared VPC host project); the cluster's project when absent. */
    networkProject?: string;
    /**
     * Public addresses the network's nodes reach the internet from (its Cloud NAT addresses, as
     * /32s): nodes join through the public API endpoint, whose Cloud Armor policy must admit them.
     */
    egressCidrs: string[];
}

/** Largest and smallest subnetwork a created network may have (a /29 is Google's minimum; a /28 leaves room for a few nodes). */
const MIN_PREFIX = 8;
const MAX_PREFIX = 28;

/**
 * Reads `kubeforge:gcp.network` (absent: create one).
 * @param value - the raw value
 * @param spec - the cluster (its ranges)
 * @param issues - where problems go
 */
export function readNetwork(value: unknown, spec: ClusterSpec, issues: IssueList): NewNetwork | ExistingNetwork | undefined {
    const block = value === undefined || value === null ? {} : readObject(value, "gcp.network", issues);
    if (block === undefined) return undefined;
    const existing = ["existingNetwork", "existingSubnetwork", "networkProject", "egressCidrs"].some((k) => block[k] !== undefined);
    if (!existing) {
        checkKnownKeys(block, [], "gcp.network", issues);
        return newNetwork(spec, issues);
    }
    checkKnownKeys(block, ["existingNetwork", "existingSubnetwork", "networkProject", "egressCidrs"], "gcp.network", issues);
    const egressCidrs = readEgressCidrs(block.egressCidrs, issues);
    const name = (key: "existingNetwork" | "existingSubnetwork", example: string): string | undefined => {
        const text = readString(block[key], `gcp.network.${key}`, issues);
        if (text === undefined || !RESOURCE_NAME_RE.test(text)) {
            issues.add(
                `gcp.network.${key}`,
                `${text === undefined ? "is required with an existing network" : `\`${text}\` is not a resource name`}; give the name (not the URL), e.g. \`${example}\``,
            );
            return undefined;
        }
        return text;
    };
    const network = name("existingNetwork", "shared-vpc");
    const subnetwork = name("existingSubnetwork", "nodes-europe-west1");
    let networkProject: string | undefined;
    if (block.networkProject !== undefined) {
        const text = readString(block.networkProject, "gcp.network.networkProject", issues);
        if (text !== undefined && !PROJECT_ID_RE.test(text)) {
            issues.add(
                "gcp.network.networkProject",
                `\`${text}\` is not a project id; give the Shared VPC host project's id, or omit it when the network is in kubeforge:gcp.project`,
            );
        } else networkProject = text;
    }
    return network && subnetwork && egressCidrs ? { kind: "existing", network, subnetwork, networkProject, egressCidrs } : undefined;
}

function readEgressCidrs(value: unknown, issues: IssueList): string[] | undefined {
    const path = "gcp.network.egressCidrs";
    const list = readStringArray(value, path, issues);
    if (list === undefined || list.length === 0) {
        if (list !== undefined || value === undefined || value === null) {
            issues.add(
                path,
                "is required with an existing network; list its Cloud NAT addresses as /32s so nodes can reach the public API endpoint",
            );
        }
        return undefined;
    }
    const out: string[] = [];
    list.forEach((text, i) => {
        const parsed = parseCidr(text);
        if (!parsed.ok || parsed.value.family !== 4 || hostBitsSet(parsed.value)) {
            issues.add(`${path}[${i}]`, `\`${text}\` is not an IPv4 CIDR; write one such as \`198.51.100.7/32\``);
        } else if (parsed.value.prefix === 0) {
            issues.add(`${path}[${i}]`, "0.0.0.0/0 would open the API to everyone; list the NAT addresses");
        } else out.push(formatCidr(parsed.value));
    });
    return out.length === list.length ? out : undefined;
}

function newNetwork(spec: ClusterSpec, issues: IssueList): NewNetwork | undefined {
    const parsed = parseCidr(spec.network.nodeCidr);
    if (!parsed.ok || parsed.value.family !== 4 || hostBitsSet(parsed.value)) {
        issues.add("network.nodeCidr", "must be an IPv4 network (no host bits) for the gcp subnetwork; use one such as `10.0.0.0/20`");
        return undefined;
    }
    const cidr: Cidr = parsed.value;
    if (cidr.prefix < MIN_PREFIX || cidr.prefix > MAX_PREFIX) {
        issues.add(
            "network.nodeCidr",
            `is a /${cidr.prefix}; a gcp subnetwork must be between /${MIN_PREFIX} and /${MAX_PREFIX}, e.g. \`10.0.0.0/20\``,
        );
        return undefined;
    }
    for (const [key, text] of [
        ["podCidr", spec.network.podCidr],
        ["serviceCidr", spec.network.serviceCidr],
    ] as const) {
        const other = parseCidr(text);
        if (other.ok && cidrsOverlap(cidr, other.value)) {
            issues.add(
                "network.nodeCidr",
                `overlaps kubeforge:network.${key} (${text}); pick disjoint ranges so pod and service traffic is not routed into the subnetwork`,
            );
            return undefined;
        }
    }
    return { kind: "new", cidr: formatCidr(cidr) };
}
