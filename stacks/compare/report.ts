/**
 * The comparison as people read it: one table with a column per platform (Markdown or aligned text),
 * then per platform the bill line by line with each price's source and date, what is unknown, and the
 * chain of resources that sets the time to ready. Pure.
 */
import { ITEM_KINDS, cents, type MonthlyCost } from "./cost";
import type { Capability, Fit } from "./data";
import { describeDifferences } from "./neutral";
import type { ComparisonRow } from "./row";
import type { Comparison } from "./run";

/** `$1,234.56` (or `1,234.56 EUR`). */
export function money(value: number, currency: string): string {
    const text = value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return currency === "USD" ? `$${text}` : `${text} ${currency}`;
}

/** `6 min 40 s`. */
export function duration(seconds: number): string {
    const s = Math.round(seconds);
    return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
}

function kindTotal(cost: MonthlyCost, kind: string): string {
    const items = cost.items.filter((i) => i.kind === kind);
    if (items.length === 0) return "—";
    const known = cents(items.reduce((s, i) => s + (i.monthly ?? 0), 0));
    const unknown = items.filter((i) => i.monthly === null).reduce((s, i) => s + i.quantity, 0);
    return `${money(known, cost.currency)}${unknown ? ` + ${unknown} unknown` : ""}`;
}

/** How many billed things have no price. */
export function unknownCount(cost: MonthlyCost): number {
    return cost.items.filter((i) => i.monthly === null).reduce((s, i) => s + i.quantity, 0) || cost.unknown.length;
}

function capability(c: Capability | undefined): string {
    return c === undefined ? "?" : c.gives ? "yes" : "no";
}

const FIT_ROWS: { key: keyof Omit<Fit, "failureDomains">; label: string }[] = [
    { key: "cloudController", label: "cloud controller" },
    { key: "csi", label: "CSI driver" },
    { key: "loadBalancerServices", label: "LoadBalancer Services" },
    { key: "windows", label: "Windows pools" },
    { key: "spot", label: "spot pools" },
    { key: "privateNodes", label: "private nodes" },
];

/** The summary: a label column, then one column per platform. */
export function summaryTable(rows: ComparisonRow[]): string[][] {
    const line = (label: string, cell: (r: ComparisonRow) => string) => [label, ...rows.map(cell)];
    return [
        line("", (r) => r.platform),
        line("stack", (r) => r.stack),
        line("region", (r) => r.region ?? "—"),
        line("nodes", (r) => `${r.nodes.controlPlane} masters + ${r.nodes.workers} workers`),
        line(
            "failure domains",
            (r) => `${r.failureDomains.length}: ${r.failureDomains.map((d) => `${d.name} ${d.controlPlane}+${d.workers}`).join(", ")}`,
        ),
        line("machines", (r) =>
            r.machines
                .map(
                    (m) =>
                        `${m.pool}: ${m.count} × ${m.machineType}${m.vcpu !== null ? ` (${m.vcpu} vCPU, ${m.memoryGiB} GiB)` : ""}${m.spot ? " spot" : ""}${m.diskGb !== null ? `, ${m.diskGb} GB disk` : ""}`,
                )
                .join("; "),
        ),
        line(
            "**monthly cost (estimate)**",
            (r) =>
                `**${money(r.monthlyCost.total, r.monthlyCost.currency)}**${r.monthlyCost.complete ? "" : ` + ${unknownCount(r.monthlyCost)} unknown`}`,
        ),
        ...ITEM_KINDS.map((k) => line(`· ${k.label}`, (r) => kindTotal(r.monthlyCost, k.kind))),
        line("managed control plane (reference, not in total)", (r) =>
            r.monthlyCost.managedControlPlane
                ? `${r.monthlyCost.managedControlPlane.name} ${money(r.monthlyCost.managedControlPlane.monthly, r.monthlyCost.currency)}`
                : "—",
        ),
        line("**time to ready (modelled)**", (r) => `**${duration(r.timeToReadySeconds)}**`),
        ...FIT_ROWS.map((f) => line(f.label, (r) => capability(r.fit?.[f.key]))),
        line("resources", (r) => `${r.resources.total} (${r.resources.custom} cloud/provider)`),
        line(
            "policy pack",
            (r) =>
                `${r.policy.verdict}${r.policy.violations.length ? ` (${r.policy.mandatory} mandatory, ${r.policy.advisory} advisory)` : ""}`,
        ),
    ];
}

function markdownTable(cells: string[][]): string[] {
    const esc = (c: string) => c.replace(/\|/g, "\\|");
    return [
        `| ${cells[0].map(esc).join(" | ")} |`,
        `|${cells[0].map(() => "---").join("|")}|`,
        ...cells.slice(1).map((r) => `| ${r.map(esc).join(" | ")} |`),
    ];
}

function textTable(cells: string[][]): string[] {
    const plain = cells.map((r) => r.map((c) => c.replace(/\*\*/g, "")));
    const widths = plain[0].map((_, i) => Math.max(...plain.map((r) => r[i].length)));
    return plain.map((r) =>
        r
            .map((c, i) => c.padEnd(widths[i]))
            .join("  ")
            .trimEnd(),
    );
}

function details(row: ComparisonRow, md: boolean): string[] {
    const c = row.monthlyCost;
    const out: string[] = [];
    const h = (t: string) => (md ? `### ${t}` : `${t}:`);
    out.push(h(`${row.platform} (stack ${row.stack})`), "");
    out.push(`${row.description}.`);
    if (row.failureDomainMeaning) out.push(`Failure domains: ${row.failureDomainMeaning}.`);
    out.push("");
    for (const i of c.items) {
        const amount = i.monthly === null ? "unknown" : `${money(i.monthly, c.currency)}${i.estimate ? " (estimate)" : ""}`;
        const each = i.unitMonthly === null ? "" : ` at ${money(i.unitMonthly, c.currency)}`;
        const from = i.source ? ` — ${i.source}, ${i.retrieved}` : ` — ${i.unknown ?? ""}`;
        out.push(`- ${i.quantity} × ${i.what}${each}: ${amount}${from}`);
    }
    if (c.items.length === 0) out.push("- nothing priced");
    if (c.note) out.push(`- ${c.note}`);
    if (c.managedControlPlane) {
        const m = c.managedControlPlane;
        out.push(
            `- for reference, ${m.name} would add ${money(m.monthly, c.currency)} a month${m.note ? ` (${m.note})` : ""} — ${m.source}, ${m.retrieved}`,
        );
    }
    if (c.unknown.length > 0) out.push(`- **unknown prices** (not in the total): ${c.unknown.join("; ")}`);
    out.push("");
    out.push(
        `Time to ready, ${duration(row.timeToReadySeconds)}: ${row.criticalPath.map((s) => `${s.type.split(":").pop()} ${s.name} ${s.seconds} s`).join(" → ")}.`,
    );
    if (row.unmodelledTypes.length > 0)
        out.push(`Resource types with no latency row (counted as instant): ${row.unmodelledTypes.join(", ")}.`);
    if (row.fit) out.push("", ...FIT_ROWS.map((f) => `- ${f.label}: ${capability(row.fit?.[f.key])}, ${row.fit?.[f.key].detail}`));
    if (row.policy.violations.length > 0)
        out.push("", ...row.policy.violations.map((v) => `- policy [${v.level}] ${v.policy}: ${v.message}`));
    out.push("");
    return out;
}

/**
 * The report, Markdown or plain text.
 *
 * @param comparison - the comparison
 * @param format - `markdown` or `text`
 * @param svgName - file name of the picture to link (Markdown written with --out)
 */
export function renderReport(comparison: Comparison, format: "markdown" | "text", svgName?: string): string {
    const md = format === "markdown";
    const rows = comparison.platforms;
    const out: string[] = [];
    const dates = rows
        .map((r) => r.monthlyCost.priceDate)
        .filter((d): d is string => d !== null)
        .sort();
    out.push(md ? "## Comparison" : "kubeforge compare", "");
    if (rows.length > 0) {
        const n = rows[0].nodes;
        out.push(
            `One spec on ${rows.length} platform${rows.length === 1 ? "" : "s"}: ${n.controlPlane} masters and ${n.workers} workers (${Object.entries(
                n.pools,
            )
                .map(([p, k]) => `${p} ${k}`)
                .join(", ")}). ` +
                `Monthly costs are list prices × the hours of a month (730, or the provider's monthly cap), prices as of ${dates[0] ?? "—"}; spot prices are estimates; traffic is not priced. ` +
                "Time to ready is the critical path of the plan's dependency graph with each resource's typical create time.",
            "",
        );
        out.push(...(md ? markdownTable(summaryTable(rows)) : textTable(summaryTable(rows))), "");
        if (svgName && md) out.push(`![cost by kind and time to ready per platform](${svgName})`, "");
    }
    if (comparison.differences.length > 0) {
        out.push(
            md
                ? "**These stacks do not share one spec** (compared on purpose):"
                : "These stacks do not share one spec (compared on purpose):",
        );
        out.push(...describeDifferences(comparison.differences).map((d) => `- ${d}`), "");
    }
    for (const l of comparison.leftOut) {
        const why = l.issues ? l.issues.map((i) => `${i.field}: ${i.message}`).join("; ") : (l.error ?? "");
        out.push(`- **${l.stack} left out**: ${why}`);
    }
    if (comparison.leftOut.length > 0) out.push("");
    for (const row of rows) out.push(...details(row, md));
    return (
        out
            .join("\n")
            .replace(/\n{3,}/g, "\n\n")
            .trimEnd() + "\n"
    );
}
