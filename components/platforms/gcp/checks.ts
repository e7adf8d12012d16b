/**
 * What GCP cannot build from an otherwise valid cluster: zones the gcp block does not list, machine
 * types that are not Compute Engine types, Windows on Arm, instance names over 63 characters, a
 * cluster name Compute Engine refuses as a resource-name prefix, worker pools needing different disk
 * kinds, IPv6 access ranges (the network and API load balancer are IPv4-only), labels Compute Engine
 * refuses, and `replaceNodes` naming no node. Pure; runs before any resource exists, every issue
 * named by the field to fix.
 */
import type { ClusterSpec, ConfigIssue, NodePlan } from "../../core/types";
import { checkIpv4OnlyAccess } from "../../kit/access";
import { IssueList } from "../../core/fields";
import { checkNodeList } from "../../kit/readers";
import { tagLimitIssues } from "../../kit/tags";
import { type GcpConfig, machineTypeFor } from "./config";
import { GCP_LABEL_LIMITS, LABEL_KEYS, LABEL_KEY_RE, LABEL_VALUE_RE } from "./names";
import { MACHINE_TYPE_RE, type MachineGroup, chooseStorage, isArmMachineType } from "./disks";

/** Longest Compute Engine instance name (an RFC 1035 label), declared in the platform's limits and checked by the core. */
export const MAX_INSTANCE_NAME = 63;

/**
 * The machine types of the masters and of each worker pool, with the field that sets each.
 * @param spec - the cluster
 * @param config - the gcp config
 */
export function machineGroups(spec: ClusterSpec, config: GcpConfig): { controlPlane: MachineGroup; workers: MachineGroup[] } {
    return {
        controlPlane: {
            field: spec.controlPlane.machineType ? "kubeforge:controlPlane.machineType" : "kubeforge:gcp.machineTypes.controlPlane",
            pool: "control-plane",
            machineType: machineTypeFor(config, "control-plane", spec.controlPlane.machineType),
        },
        workers: spec.workerPools
            .filter((p) => p.count > 0)
            .map((p) => ({
                field: p.machineType
                    ? `kubeforge:workerPools[${spec.workerPools.indexOf(p)}].machineType`
                    : "kubeforge:gcp.machineTypes.worker",
                pool: p.name,
                machineType: machineTypeFor(config, "worker", p.machineType),
            })),
    };
}

function checkLabels(spec: ClusterSpec, issues: ConfigIssue[]): void {
    issues.push(
        ...tagLimitIssues(spec.tags ?? {}, GCP_LABEL_LIMITS, {
            provider: "Compute Engine",
            noun: "label",
            // cluster, role, pool, node and zone on every instance.
            reserved: Object.keys(LABEL_KEYS).length,
            refuseKey: (key) => {
                if (!LABEL_KEY_RE.test(key))
                    return "is not a valid Compute Engine label key; use lower-case letters, digits, `_` and `-`, starting with a letter, at most 63 characters";
                if (key.startsWith("kubeforge")) return "is a label kubeforge sets itself on gcp; rename the tag";
                return undefined;
            },
            refuseValue: (value) =>
                LABEL_VALUE_RE.test(value)
                    ? undefined
                    : "has a value Compute Engine refuses as a label value; use lower-case letters, digits, `_` and `-`, at most 63 characters",
        }),
    );
}

function checkMachineTypes(spec: ClusterSpec, config: GcpConfig, issues: ConfigIssue[]): void {
    if (spec.controlPlane.machineType !== undefined && !MACHINE_TYPE_RE.test(spec.controlPlane.machineType)) {
        issues.push({
            field: "kubeforge:controlPlane.machineType",
            message: `\`${spec.controlPlane.machineType}\` is not a Compute Engine machine type; use one such as \`n2-standard-2\``,
        });
    }
    spec.workerPools.forEach((pool, i) => {
        const field = `kubeforge:workerPools[${i}].machineType`;
        if (pool.machineType !== undefined && !MACHINE_TYPE_RE.test(pool.machineType)) {
            issues.push({
                field,
                message: `\`${pool.machineType}\` is not a Compute Engine machine type; use one such as \`n2-standard-4\``,
            });
            return;
        }
        const type = machineTypeFor(config, "worker", pool.machineType);
        if (pool.os === "windows" && isArmMachineType(type)) {
            issues.push({
                field: pool.machineType ? field : "kubeforge:gcp.machineTypes.worker",
                message: `\`${type}\` is an Arm machine type, but Windows Server on Compute Engine runs on x86-64 only; use an x86 type such as \`n2-standard-4\` for this Windows pool`,
            });
        }
    });
}

/**
 * Checks the placed nodes and the cluster-level settings against what this platform can build.
 * @param config - the gcp config
 * @param spec - the cluster
 * @param nodes - every node, placed
 */
export function checkGcpNodes(config: GcpConfig, spec: ClusterSpec, nodes: NodePlan[]): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    if (!/^[a-z]/.test(spec.name)) {
        issues.push({
            field: "kubeforge:name",
            message: `\`${spec.name}\` starts with a digit; Compute Engine resource names (every one starts with the cluster name) must start with a letter, so rename the cluster`,
        });
    }
    const reported = new Set<string>();
    for (const node of nodes) {
        const poolIndex = spec.workerPools.findIndex((p) => p.name === node.pool);
        const poolField = poolIndex >= 0 ? `kubeforge:workerPools[${poolIndex}]` : "kubeforge:controlPlane";
        const zoneField =
            poolIndex >= 0 && spec.workerPools[poolIndex].failureDomains ? `${poolField}.failureDomains` : "kubeforge:failureDomains";
        if (!config.zones.includes(node.failureDomain) && !reported.has(`${zoneField}/${node.failureDomain}`)) {
            reported.add(`${zoneField}/${node.failureDomain}`);
            issues.push({
                field: zoneField,
                message: `zone \`${node.failureDomain}\` is not in kubeforge:gcp.zones (${config.zones.join(", ")}); add it there or remove it here`,
            });
        }
    }
    const listed = new IssueList();
    checkNodeList(config.replaceNodes, nodes, "gcp.replaceNodes", listed);
    issues.push(...listed.items);
    checkMachineTypes(spec, config, issues);
    if (!issues.some((i) => i.field.endsWith(".machineType"))) {
        const groups = machineGroups(spec, config);
        const storage = chooseStorage(groups.workers, groups.controlPlane);
        if (!storage.ok) issues.push({ field: storage.field, message: storage.message });
    }
    checkIpv4OnlyAccess(spec, "gcp network", issues);
    checkLabels(spec, issues);
    return issues;
}
