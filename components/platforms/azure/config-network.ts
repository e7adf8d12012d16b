/**
 * `kubeforge:azure.network`: a VNet kubeforge creates from `kubeforge:network.nodeCidr` (subnets
 * carved from it), or an existing VNet's two subnets. Pure.
 *
 * Carving of a created VNet of prefix p (p at most 24): the control-plane subnet is the first
 * /max(p+2, 24) (256 addresses are plenty for 7 masters), the node subnet the upper half, /p+1.
 * `10.0.0.0/16` gives `10.0.0.0/24` and `10.0.128.0/17`.
 */
import type { ClusterSpec } from "../../core/types";
import { type Cidr, cidrSize, formatCidr, hostBitsSet, networkAddress, parseCidr } from "../../core/cidr";
import { type IssueList, checkKnownKeys, isRecord, readObject, readString, readStringArray } from "../../core/fields";

/** A VNet kubeforge creates. */
export interface NewVnet {
    /** Discriminator. */
    kind: "new";
    /** The VNet range (= `kubeforge:network.nodeCidr`). */
    cidr: string;
    /** The masters' subnet. */
    controlPlaneSubnet: string;
    /** The workers' subnet. */
    nodeSubnet: string;
}

/** An existing VNet the cluster joins; kubeforge does not modify its subnets. */
export interface ExistingVnet {
    /** Discriminator. */
    kind: "existing";
    /** The VNet's resource group. */
    resourceGroup: string;
    /** The VNet's name. */
    name: string;
    /** Name of the masters' subnet. */
    controlPlaneSubnet: string;
    /** Name of the workers' subnet. */
    nodeSubnet: string;
    /**
     * Public addresses the VNet's egress leaves from (its NAT gateway or firewall, as CIDRs): nodes
     * reach the public API endpoint from these, so the masters' security group must admit them.
     */
    egressCidrs: string[];
}

/** The cluster network. */
export type AzureNetworkConfig = NewVnet | ExistingVnet;

/** Largest prefix a created VNet may have (the carving needs a /p+2 and a /p+1). */
export const MAX_VNET_PREFIX = 24;
/** Smallest prefix Azure takes for a VNet range here (a /8 is already more than a cluster needs). */
export const MIN_VNET_PREFIX = 8;
const NAME_RE = /^[A-Za-z0-9]([-\w.]{0,78}\w)?$/;

function subnet(base: bigint, prefix: number, family: Cidr["family"]): string {
    return formatCidr({ family, address: base, prefix, bits: family === 4 ? 32 : 128 });
}

/**
 * Splits a VNet range into the control-plane and node subnets.
 * @param cidr - the VNet range, IPv4, prefix 8..24, no host bits
 */
export function carveSubnets(cidr: Cidr): { controlPlane: string; nodes: string } {
    const base = networkAddress(cidr);
    const cpPrefix = Math.max(cidr.prefix + 2, 24);
    const half = cidrSize(cidr) / 2n;
    return { controlPlane: subnet(base, cpPrefix, cidr.family), nodes: subnet(base + half, cidr.prefix + 1, cidr.family) };
}

function parseExisting(block: Record<string, unknown>, issues: IssueList): ExistingVnet | undefined {
    const vnet = readObject(block.existingVnet, "azure.network.existingVnet", issues);
    if (!vnet) return undefined;
    checkKnownKeys(vnet, ["resourceGroup", "name", "controlPlaneSubnet", "nodeSubnet"], "azure.network.existingVnet", issues);
    const names: Partial<Record<"resourceGroup" | "name" | "controlPlaneSubnet" | "nodeSubnet", string>> = {};
    for (const key of ["resourceGroup", "name", "controlPlaneSubnet", "nodeSubnet"] as const) {
        const path = `azure.network.existingVnet.${key}`;
        const value = readString(vnet[key], path, issues);
        if (value === undefined) {
            if (vnet[key] === undefined || vnet[key] === null)
                issues.add(path, `is required with an existing VNet; give the ${key === "name" ? "VNet's" : key} name`);
        } else if (!NAME_RE.test(value))
            issues.add(path, `"${value}" is not an Azure resource name; use letters, digits, - _ . (at most 80), as the portal shows it`);
        else names[key] = value;
    }
    const egressCidrs: string[] = [];
    const listed = readStringArray(block.egressCidrs, "azure.network.egressCidrs", issues);
    if (listed === undefined) {
        issues.add(
            "azure.network.egressCidrs",
            "is required with an existing VNet; list the public addresses its egress leaves from (NAT gateway, firewall) as /32s, so nodes can reach the public API endpoint",
        );
    }
    listed?.forEach((text, i) => {
        const parsed = parseCidr(text);
        if (!parsed.ok || parsed.value.family !== 4)
            issues.add(`azure.network.egressCidrs[${i}]`, `"${text}" is not an IPv4 CIDR; write one such as \`198.51.100.7/32\``);
        else if (parsed.value.prefix === 0)
            issues.add(`azure.network.egressCidrs[${i}]`, "0.0.0.0/0 would open the API to everyone; list the egress addresses");
        else egressCidrs.push(formatCidr(parsed.value));
    });
    const { resourceGroup, name, controlPlaneSubnet, nodeSubnet } = names;
    if (!resourceGroup || !name || !controlPlaneSubnet || !nodeSubnet || listed === undefined) return undefined;
    if (controlPlaneSubnet === nodeSubnet) {
        issues.add(
            "azure.network.existingVnet.nodeSubnet",
            "is the control-plane subnet; masters and workers need separate subnets (their security groups differ)",
        );
        return undefined;
    }
    return { kind: "existing", resourceGroup, name, controlPlaneSubnet, nodeSubnet, egressCidrs };
}

/**
 * Validates `kubeforge:azure.network`.
 * @param raw - the block (absent: a created VNet)
 * @param spec - the cluster (its node CIDR)
 * @param issues - where problems go
 */
export function parseNetwork(raw: unknown, spec: ClusterSpec, issues: IssueList): AzureNetworkConfig | undefined {
    const block = raw === undefined || raw === null ? {} : raw;
    if (!isRecord(block)) {
        issues.add(
            "azure.network",
            "must be a map: `{}` to create a VNet from network.nodeCidr, or `{ existingVnet: {...}, egressCidrs: [...] }`",
        );
        return undefined;
    }
    checkKnownKeys(block, ["existingVnet", "egressCidrs"], "azure.network", issues);
    if (block.existingVnet !== undefined) return parseExisting(block, issues);
    if (block.egressCidrs !== undefined) {
        issues.add(
            "azure.network.egressCidrs",
            "applies to an existing VNet only; a created VNet's NAT gateway address is added for you, so remove it",
        );
    }
    const parsed = parseCidr(spec.network.nodeCidr);
    if (!parsed.ok) return undefined; // the core reports kubeforge:network.nodeCidr
    const cidr = parsed.value;
    if (cidr.family !== 4 || cidr.prefix < MIN_VNET_PREFIX || cidr.prefix > MAX_VNET_PREFIX || hostBitsSet(cidr)) {
        issues.add(
            "network.nodeCidr",
            `is the Azure VNet range, which must be an IPv4 network between /${MIN_VNET_PREFIX} and /${MAX_VNET_PREFIX} without host bits; use one such as \`10.0.0.0/16\``,
        );
        return undefined;
    }
    const { controlPlane, nodes } = carveSubnets(cidr);
    return { kind: "new", cidr: formatCidr(cidr), controlPlaneSubnet: controlPlane, nodeSubnet: nodes };
}
