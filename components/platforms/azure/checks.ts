/**
 * What Azure cannot build from an otherwise valid cluster, checked on the placed nodes before any
 * resource exists: machine types that are not VM sizes, Premium disks on sizes without premium
 * storage, Windows on Arm sizes, failure domains that are not the config's zones, IPv6 access ranges
 * (the endpoint is IPv4), unknown `replaceNodes`, and tags Azure refuses. Each issue names the field to
 * change. Windows names over 15 characters (the computer name must equal the node name) are the core's
 * check of the declared `windowsNameMax` (components/core/limits.ts).
 */
import type { ClusterSpec, ConfigIssue, NodePlan } from "../../core/types";
import { IssueList } from "../../core/fields";
import { checkIpv4OnlyAccess } from "../../kit/access";
import { checkNodeList } from "../../kit/readers";
import { type AzureConfig, VM_SIZE_RE, azureFailureDomains, isArmSize, supportsPremium, vmSizeFor } from "./config";
import { checkAzureTags } from "./tags";

/** Longest Windows computer name (NetBIOS). */
export const WINDOWS_NAME_LIMIT = 15;

function poolField(spec: ClusterSpec, pool: string): string {
    const i = spec.workerPools.findIndex((p) => p.name === pool);
    return i >= 0 ? `kubeforge:workerPools[${i}]` : "kubeforge:controlPlane";
}

/**
 * Checks the placed nodes and cluster-level settings against Azure.
 * @param config - the azure config
 * @param spec - the cluster
 * @param nodes - every node, placed
 */
export function checkAzureNodes(config: AzureConfig, spec: ClusterSpec, nodes: NodePlan[]): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const seen = new Set<string>();
    const once = (key: string, issue: ConfigIssue) => {
        if (seen.has(key)) return;
        seen.add(key);
        issues.push(issue);
    };
    const domains = azureFailureDomains(config);
    for (const node of nodes) {
        const field = poolField(spec, node.pool);
        const size = vmSizeFor(config, node.role, node.machineType);
        const sizeField = node.machineType
            ? `${field}.machineType`
            : `kubeforge:azure.vmSizes.${node.role === "control-plane" ? "controlPlane" : "worker"}`;
        if (node.machineType !== undefined && !VM_SIZE_RE.test(node.machineType)) {
            once(`${node.pool}/size`, {
                field: sizeField,
                message: `\`${node.machineType}\` is not an Azure VM size; use one such as \`Standard_D4s_v5\``,
            });
        } else if (config.osDiskType.startsWith("Premium") && !supportsPremium(size)) {
            once(`${node.pool}/premium`, {
                field: sizeField,
                message: `${size} cannot take ${config.osDiskType} disks (no \`s\` in its features); use an \`s\` size such as Standard_D4s_v5, or set kubeforge:azure.osDiskType: StandardSSD_LRS`,
            });
        }
        if (node.os === "windows" && isArmSize(size)) {
            once(`${node.pool}/arm`, {
                field: sizeField,
                message: `${size} is an Arm size, but Windows Server on Azure runs on x64 only; use an x64 size such as Standard_D4s_v5`,
            });
        }
        if (!domains.includes(node.failureDomain)) {
            const listed = spec.workerPools.find((p) => p.name === node.pool)?.failureDomains;
            once(`${node.pool}/domain/${node.failureDomain}`, {
                field: listed ? `${field}.failureDomains` : "kubeforge:failureDomains",
                message: `\`${node.failureDomain}\` is not one of kubeforge:azure.zones (${domains.join(", ")}); use those zones here, quoted (e.g. "1")`,
            });
        }
    }
    const listed = new IssueList();
    checkNodeList(config.replaceNodes, nodes, "azure.replaceNodes", listed);
    issues.push(...listed.items);
    checkIpv4OnlyAccess(spec, "azure VNet", issues);
    issues.push(...checkAzureTags(spec));
    return issues;
}
