/**
 * What DigitalOcean cannot build from an otherwise valid cluster, refused before any resource exists,
 * each issue on the cluster-level field to change:
 * - spot pools: DigitalOcean has no spot or preemptible droplets;
 * - Windows pools: no Windows droplet image exists;
 * - `controlPlane.spread: required` with more than one master: a region has no zones, so the
 *   platform offers exactly one failure domain, the region. Three masters there survive the loss of
 *   a droplet or of the hypervisor under it, not of the datacenter;
 * - size slugs of the wrong shape, masters smaller than kubeadm's minimum, disks larger than the size
 *   gives (a droplet's disk is fixed by its size);
 * - tags DigitalOcean would reject. Pure.
 */
import type { ClusterSpec, ConfigIssue, NodePlan } from "../../core/types";
import { checkNodeList } from "../../kit/readers";
import { IssueList, childPath, fieldName } from "../../core/fields";
import { CONTROL_PLANE_MINIMUM, SIZE_SLUG_RE, sizeShape } from "./catalog";
import { IDENTITY_TAG, TAG_NAME_RE, userTags } from "./tags";

/** Why `spread: required` cannot hold on DigitalOcean, and what to write instead. */
export const SPREAD_REQUIRED_MESSAGE =
    "is required (the default), but DigitalOcean has no zones inside a region: the platform offers one failure domain, the region, " +
    "so masters cannot be spread over min(count, 3) domains. Write `spread: preferred`: the masters then run on separate droplets " +
    "in the region, which protects against a droplet or hypervisor failure, not a datacenter outage; for that, run a second " +
    "cluster in another region";

function checkSize(slug: string | undefined, field: string, master: boolean, diskSizeGb: number, issues: ConfigIssue[]): void {
    if (slug === undefined) return;
    if (!SIZE_SLUG_RE.test(slug)) {
        issues.push({ field, message: `"${slug}" is not a droplet size slug; use one such as s-4vcpu-8gb (doctl compute size list)` });
        return;
    }
    const shape = sizeShape(slug);
    if (!shape) return;
    if (master && (shape.vcpus < CONTROL_PLANE_MINIMUM.vcpus || shape.memoryGb < CONTROL_PLANE_MINIMUM.memoryGb)) {
        issues.push({
            field,
            message: `${slug} has ${shape.vcpus} vCPU and ${shape.memoryGb} GiB; kubeadm refuses masters under 2 vCPU / 2 GiB, use s-2vcpu-4gb or larger`,
        });
    }
    if (shape.diskGb !== undefined && diskSizeGb > shape.diskGb) {
        issues.push({
            field,
            message: `${slug} comes with a ${shape.diskGb} GB disk (DigitalOcean fixes the disk by size) but diskSizeGb asks for ${diskSizeGb}; choose a larger size or lower diskSizeGb`,
        });
    }
}

/**
 * Every reason DigitalOcean cannot build `spec` as written.
 * @param spec - the validated cluster
 * @param sizes - the block's default sizes by role
 */
export function checkClusterOnDigitalOcean(spec: ClusterSpec, sizes: { controlPlane: string; worker: string }): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const cp = spec.controlPlane;
    if ((cp.spread ?? "required") === "required" && cp.count > 1) {
        issues.push({ field: "kubeforge:controlPlane.spread", message: SPREAD_REQUIRED_MESSAGE });
    }
    checkSize(cp.machineType, "kubeforge:controlPlane.machineType", true, cp.diskSizeGb, issues);
    if (cp.machineType === undefined)
        checkSize(sizes.controlPlane, "kubeforge:digitalocean.sizes.controlPlane", true, cp.diskSizeGb, issues);
    spec.workerPools.forEach((pool, i) => {
        const at = `kubeforge:workerPools[${i}]`;
        if (pool.spot) {
            issues.push({
                field: `${at}.spot`,
                message: "DigitalOcean has no spot or preemptible droplets; remove `spot: true` (the pool then runs on regular droplets)",
            });
        }
        if (pool.os === "windows") {
            issues.push({
                field: `${at}.os`,
                message:
                    "DigitalOcean offers no Windows droplet image; use `os: linux`, or run Windows workers on a platform that has them (aws)",
            });
        }
        if (pool.machineType !== undefined) checkSize(pool.machineType, `${at}.machineType`, false, pool.diskSizeGb, issues);
        else checkSize(sizes.worker, "kubeforge:digitalocean.sizes.worker", false, pool.diskSizeGb, issues);
    });
    const reserved = Object.values(IDENTITY_TAG).map((p) => p.slice(0, -1));
    for (const key of Object.keys(spec.tags)) {
        const tag = userTags({ [key]: spec.tags[key] })[0];
        const field = fieldName(childPath("tags", key));
        if (key.startsWith("kubeforge") || reserved.some((r) => key === r)) {
            issues.push({ field, message: "starts with `kubeforge`, which names kubeforge's own tags on digitalocean; rename the tag" });
        } else if (!TAG_NAME_RE.test(tag)) {
            issues.push({
                field,
                message: `becomes the DigitalOcean tag "${tag.slice(0, 40)}${tag.length > 40 ? "..." : ""}", but tags hold only letters, digits, ":", "-" and "_" (at most 255); change the key or value`,
            });
        }
    }
    return issues;
}

/**
 * What DigitalOcean checks on the placed nodes: `replaceNodes` names nodes of this cluster (a stale or
 * misspelt name would otherwise silently rebuild nothing), as on every other cloud.
 *
 * @param config - the validated block
 * @param nodes - every node, placed
 */
export function checkDoNodes(config: { replaceNodes: readonly string[] }, nodes: readonly NodePlan[]): ConfigIssue[] {
    const listed = new IssueList();
    checkNodeList(config.replaceNodes, nodes, "digitalocean.replaceNodes", listed);
    return listed.items;
}
