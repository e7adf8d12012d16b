/**
 * The checks the core makes from what a platform DECLARES (components/platform.ts) rather than from
 * code the platform runs: node names within the provider's machine-name limit, Windows pools only where
 * the platform has a Windows delivery, and Windows node names within the computer-name limit when the
 * platform does not derive short computer names itself. Pure; `resolveCluster` runs it after placement,
 * before any resource registers. One issue per pool (its longest name), never one per node.
 */
import type { Delivery, PlatformLimits } from "../platform";
import { fieldName } from "./fields";
import type { ClusterSpec, ConfigIssue, NodePlan } from "./types";

/** What the checks read of a platform: its name and its declarations. */
export interface DeclaringPlatform {
    /** The platform's name (`kubeforge:platform`). */
    name: string;
    /** How bootstraps reach its machines; no `windows` form means it cannot boot Windows machines. */
    delivery: Delivery;
    /** The provider's limits. */
    limits: PlatformLimits;
}

/**
 * Problems of the placed nodes under a platform's declared delivery and limits.
 *
 * @param platform - the platform's name, delivery and limits
 * @param spec - the validated cluster
 * @param nodes - every node, placed
 */
export function declaredLimitIssues(platform: DeclaringPlatform, spec: ClusterSpec, nodes: readonly NodePlan[]): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const { limits } = platform;
    spec.workerPools.forEach((pool, i) => {
        if (pool.os === "windows" && !platform.delivery.windows) {
            issues.push({
                field: fieldName(`workerPools[${i}].os`),
                message: `is windows, but the ${platform.name} platform cannot boot Windows machines (it declares no Windows delivery); use os: linux, or run Windows workers on a platform that has them`,
            });
        }
    });

    const longest = (group: readonly NodePlan[]) => group.reduce((a, b) => (b.name.length > a.name.length ? b : a));
    const masters = nodes.filter((n) => n.role === "control-plane");
    if (masters.length > 0) {
        const m = longest(masters);
        if (m.name.length > limits.machineNameMax) {
            issues.push({
                field: fieldName("name"),
                message: `makes master names of ${m.name.length} characters (\`${m.name}\`), over the ${platform.name} limit of ${limits.machineNameMax} for machine names; shorten kubeforge:name`,
            });
        }
    }
    spec.workerPools.forEach((pool, i) => {
        const poolNodes = nodes.filter((n) => n.role === "worker" && n.pool === pool.name);
        if (poolNodes.length === 0) return;
        const n = longest(poolNodes);
        const windowsMax = pool.os === "windows" && !limits.shortensWindowsNames ? limits.windowsNameMax : undefined;
        const max = Math.min(limits.machineNameMax, windowsMax ?? Infinity);
        if (n.name.length <= max) return;
        const what =
            max === windowsMax
                ? `the ${platform.name} limit of ${max} for Windows computer names (the node name is the computer name)`
                : `the ${platform.name} limit of ${max} for machine names`;
        issues.push({
            field: fieldName(`workerPools[${i}].name`),
            message: `makes node names of ${n.name.length} characters (\`${n.name}\`), over ${what}; shorten the pool name or kubeforge:name`,
        });
    });
    return issues;
}

/**
 * The core's issues that say something new: a field the platform already reported keeps the platform's
 * message alone (it knows why, e.g. "no Windows droplet image").
 *
 * @param core - the core's issues
 * @param reported - the issues found so far
 */
export function notYetReported(core: readonly ConfigIssue[], reported: readonly ConfigIssue[]): ConfigIssue[] {
    const seen = new Set(reported.map((i) => i.field));
    return core.filter((i) => !seen.has(i.field));
}
