/**
 * Plan output: a human-readable report (tree of components and resources, nodes with role and
 * failure domain, endpoint, policy results) or the machine-readable JSON.
 */
import type { ConfigIssue } from "../../components/core/types";
import type { PlanResult } from "./run";

/** The JSON form: stable keys other tools can rely on. */
export function planJson(plan: PlanResult): Record<string, unknown> {
    return {
        stack: plan.stack,
        project: plan.project,
        platform: plan.spec.platform,
        kubernetesVersion: plan.spec.kubernetesVersion,
        nodes: plan.nodes.map((n) => ({
            name: n.name,
            role: n.role,
            pool: n.pool,
            failureDomain: n.failureDomain,
            os: n.os,
            machineType: n.machineType ?? null,
            initNode: n.initNode,
        })),
        resources: plan.resources.map((r) => ({
            type: r.type,
            name: r.name,
            id: r.id ?? null,
            urn: r.urn,
            parent: r.parent ?? null,
            inputs: r.inputs,
        })),
        outputs: plan.outputs,
        violations: plan.violations,
    };
}

function table(rows: string[][]): string[] {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) =>
        r
            .map((cell, i) => cell.padEnd(widths[i]))
            .join("  ")
            .trimEnd(),
    );
}

function tree(plan: PlanResult): string[] {
    const children = new Map<string, PlanResult["resources"]>();
    const roots: PlanResult["resources"] = [];
    const urns = new Set(plan.resources.map((r) => r.urn));
    for (const r of plan.resources) {
        if (r.parent && urns.has(r.parent)) {
            const list = children.get(r.parent) ?? [];
            list.push(r);
            children.set(r.parent, list);
        } else {
            roots.push(r);
        }
    }
    const lines: string[] = [];
    const walk = (r: PlanResult["resources"][number], prefix: string, last: boolean, depth: number) => {
        const branch = depth === 0 ? "" : last ? "└─ " : "├─ ";
        lines.push(`${prefix}${branch}${r.type}  ${r.name}`);
        const kids = children.get(r.urn) ?? [];
        const nextPrefix = depth === 0 ? "" : prefix + (last ? "   " : "│  ");
        kids.forEach((k, i) => walk(k, nextPrefix, i === kids.length - 1, depth + 1));
    };
    roots.forEach((r) => walk(r, "", true, 0));
    return lines;
}

/** The human-readable report. */
export function planText(plan: PlanResult): string {
    const lines: string[] = [];
    const spec = plan.spec;
    lines.push(`kubeforge plan · stack ${plan.stack} · platform ${spec.platform} · Kubernetes ${spec.kubernetesVersion} · CNI ${spec.cni}`);
    lines.push(`API endpoint: ${String(plan.outputs.endpoint ?? "(unknown)")}`);
    const masters = plan.nodes.filter((n) => n.role === "control-plane");
    const perDomain = new Map<string, number>();
    for (const m of masters) perDomain.set(m.failureDomain, (perDomain.get(m.failureDomain) ?? 0) + 1);
    lines.push(
        `Control plane: ${masters.length} master${masters.length === 1 ? "" : "s"} over ${perDomain.size} failure domain${perDomain.size === 1 ? "" : "s"} (` +
            [...perDomain].map(([d, c]) => `${d}: ${c}`).join(", ") +
            `); ${masters.find((m) => m.initNode)?.name ?? "?"} runs kubeadm init, the rest join in parallel`,
    );
    lines.push("");
    lines.push("Nodes:");
    const rows = [["NAME", "ROLE", "POOL", "FAILURE DOMAIN", "OS", "SIZE", "SPOT"]];
    for (const n of plan.nodes) {
        rows.push([
            n.name,
            n.role + (n.initNode ? " (init)" : ""),
            n.pool,
            n.failureDomain,
            n.os,
            n.machineType ?? "default",
            n.spot ? "yes" : "no",
        ]);
    }
    lines.push(...table(rows).map((l) => "  " + l));
    lines.push("");
    lines.push(`Resources (${plan.resources.length}):`);
    lines.push(...tree(plan).map((l) => "  " + l));
    lines.push("");
    if (plan.violations.length === 0) {
        lines.push("Policies: no violations.");
    } else {
        lines.push(`Policies: ${plan.violations.length} violation${plan.violations.length === 1 ? "" : "s"}:`);
        for (const v of plan.violations) lines.push(`  [${v.level}] ${v.policy}${v.resource ? ` (${v.resource})` : ""}: ${v.message}`);
    }
    return lines.join("\n") + "\n";
}

/** Config errors, one per line, with field and fix. */
export function issuesText(issues: ConfigIssue[]): string {
    return (
        `Invalid configuration: ${issues.length} problem${issues.length === 1 ? "" : "s"}; nothing was planned.\n` +
        issues.map((i) => `  - ${i.field}: ${i.message}`).join("\n") +
        "\n"
    );
}
