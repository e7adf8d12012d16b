/**
 * What AWS cannot build from an otherwise valid cluster: Windows pools on Graviton instance types (EC2
 * has no arm64 Windows image), zones the aws block does not list, machine types that are not EC2 instance types, IPv6 pod and Service ranges, IPv6 access ranges (the VPC and the
 * load balancer are IPv4-only), and tags AWS rejects or kubeforge sets itself. Pure; runs before any
 * resource exists, every issue named by the cluster-level field to fix.
 */
import type { ClusterSpec, ConfigIssue, NodePlan } from "../../core/types";
import { checkIpv4OnlyAccess } from "../../kit/access";
import { checkNodeList } from "../../kit/readers";
import { IssueList } from "../../core/fields";
import { type AwsConfig, INSTANCE_TYPE_RE, instanceTypeFor, isArmInstanceType } from "./config";
import { tagLimitIssues } from "../../kit/tags";
import { AWS_TAG_LIMITS, clusterTagKey } from "./tags";

/** Tag keys kubeforge writes itself; a user tag with the same key would be overwritten. */
function reservedTagKey(key: string, clusterName: string): boolean {
    return key === "Name" || key === clusterTagKey(clusterName) || key.startsWith("kubeforge.io/");
}

function checkTags(spec: ClusterSpec, issues: ConfigIssue[]): void {
    issues.push(
        ...tagLimitIssues(spec.tags ?? {}, AWS_TAG_LIMITS, {
            provider: "AWS",
            noun: "tag",
            // A machine carries 7 of kubeforge's tags; 3 more are headroom, so users keep the 40 tags they always had.
            reserved: 10,
            refuseKey: (key) => {
                if (key.toLowerCase().startsWith("aws:")) return "uses the `aws:` prefix, which AWS reserves; rename the tag";
                if (reservedTagKey(key, spec.name)) return "is a tag kubeforge sets itself on aws; rename the tag";
                return undefined;
            },
        }),
    );
}

function checkMachineTypes(spec: ClusterSpec, issues: ConfigIssue[]): void {
    const bad = (t: string | undefined) => t !== undefined && !INSTANCE_TYPE_RE.test(t);
    if (bad(spec.controlPlane.machineType)) {
        issues.push({
            field: "kubeforge:controlPlane.machineType",
            message: `\`${spec.controlPlane.machineType}\` is not an EC2 instance type; use one such as \`m7i.large\``,
        });
    }
    spec.workerPools.forEach((pool, i) => {
        if (bad(pool.machineType)) {
            issues.push({
                field: `kubeforge:workerPools[${i}].machineType`,
                message: `\`${pool.machineType}\` is not an EC2 instance type; use one such as \`m7i.large\``,
            });
        }
    });
}

/**
 * IPv6 pod or Service ranges: the VPC, its security groups, the NLB, the cloud controller and the CNI's
 * pool are set up for IPv4 only here, so an IPv6 range would plan a cluster whose pods or Services get
 * addresses nothing routes. Refused until dual stack is built for real.
 */
function checkNetworkFamily(spec: ClusterSpec, issues: ConfigIssue[]): void {
    for (const [key, example] of [
        ["podCidr", "10.244.0.0/16"],
        ["serviceCidr", "10.96.0.0/12"],
    ] as const) {
        if (spec.network[key].includes(":")) {
            issues.push({
                field: `kubeforge:network.${key}`,
                message: `is an IPv6 range, but on aws the VPC, security groups, load balancer and the CNI's address pool are IPv4-only (IPv6 and dual stack are not supported yet); use an IPv4 range such as ${example}`,
            });
        }
    }
}

/**
 * Checks the placed nodes and the cluster-level settings against what this platform can build.
 * @param config - the aws config
 * @param spec - the cluster
 * @param nodes - every node, placed
 */
export function checkAwsNodes(config: AwsConfig, spec: ClusterSpec, nodes: readonly NodePlan[]): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const reported = new Set<string>();
    for (const node of nodes) {
        const poolIndex = spec.workerPools.findIndex((p) => p.name === node.pool);
        const poolField = poolIndex >= 0 ? `kubeforge:workerPools[${poolIndex}]` : "kubeforge:controlPlane";
        // Windows pools are otherwise the core's to validate (Calico as the CNI, a 32 GiB root disk).
        const instanceType = instanceTypeFor(config, node.role, node.machineType);
        if (node.os === "windows" && isArmInstanceType(instanceType) && !reported.has(`${node.pool}/arch`)) {
            reported.add(`${node.pool}/arch`);
            issues.push({
                field: node.machineType ? `${poolField}.machineType` : "kubeforge:aws.instanceTypes.worker",
                message: `\`${instanceType}\` is a Graviton (arm64) type, but Windows Server on EC2 runs on x86_64 only; use an x86 type such as \`m7i.large\` for this Windows pool`,
            });
        }
        if (!config.availabilityZones.includes(node.failureDomain) && !reported.has(`${node.pool}/zone/${node.failureDomain}`)) {
            reported.add(`${node.pool}/zone/${node.failureDomain}`);
            issues.push({
                field:
                    poolIndex >= 0 && spec.workerPools[poolIndex].failureDomains
                        ? `${poolField}.failureDomains`
                        : "kubeforge:failureDomains",
                message: `zone \`${node.failureDomain}\` is not in kubeforge:aws.availabilityZones (${config.availabilityZones.join(", ")}); add it there or remove it here`,
            });
        }
    }
    const listed = new IssueList();
    checkNodeList(config.replaceNodes, nodes, "aws.replaceNodes", listed);
    issues.push(...listed.items);
    checkMachineTypes(spec, issues);
    checkNetworkFamily(spec, issues);
    checkIpv4OnlyAccess(spec, "aws VPC", issues);
    checkTags(spec, issues);
    return issues;
}
