/**
 * The picture beside the Markdown report: per platform, the monthly cost stacked by kind and the
 * modelled time to ready, as one series (`<g class="series" data-platform="...">`) per platform. Pure;
 * plain SVG 1.1 with no scripts or external references.
 */
import { ITEM_KINDS, cents } from "./cost";
import { duration, money, unknownCount } from "./report";
import type { ComparisonRow } from "./row";

const COLOURS: Record<string, string> = {
    onDemand: "#4e79a7",
    spot: "#a0cbe8",
    loadBalancer: "#f28e2b",
    nat: "#e15759",
    publicAddress: "#76b7b2",
    disk: "#59a14f",
};

function esc(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * The SVG document.
 *
 * @param rows - the comparison's rows
 */
export function renderSvg(rows: ComparisonRow[]): string {
    const label = 130;
    const barWidth = 360;
    const gap = 40;
    const timeWidth = 220;
    const rowHeight = 34;
    const top = 60;
    const width = label + barWidth + gap + timeWidth + 90;
    const height = top + rows.length * rowHeight + 70;
    const maxCost = Math.max(1, ...rows.map((r) => r.monthlyCost.total));
    const maxTime = Math.max(1, ...rows.map((r) => r.timeToReadySeconds));
    const timeX = label + barWidth + gap;
    const out: string[] = [];
    out.push(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    );
    out.push(`<title>kubeforge compare: monthly cost by kind and time to ready, per platform</title>`);
    out.push(`<text x="${label}" y="24" font-weight="bold">Estimated monthly cost, by kind</text>`);
    out.push(`<text x="${timeX}" y="24" font-weight="bold">Modelled time to ready</text>`);
    rows.forEach((r, i) => {
        const y = top + i * rowHeight;
        const c = r.monthlyCost;
        out.push(`<g class="series" data-platform="${esc(r.platform)}" data-stack="${esc(r.stack)}">`);
        out.push(`<text x="${label - 8}" y="${y + 15}" text-anchor="end">${esc(r.platform)}</text>`);
        let x = label;
        for (const k of ITEM_KINDS) {
            const amount = cents(c.items.filter((it) => it.kind === k.kind).reduce((s, it) => s + (it.monthly ?? 0), 0));
            if (amount <= 0) continue;
            const w = (amount / maxCost) * barWidth;
            out.push(
                `<rect class="cost" data-kind="${k.kind}" x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="20" fill="${COLOURS[k.kind]}"><title>${esc(`${k.label}: ${money(amount, c.currency)}`)}</title></rect>`,
            );
            x += w;
        }
        const unknown = c.complete ? "" : ` + ${unknownCount(c)} unknown`;
        out.push(`<text x="${(x + 6).toFixed(1)}" y="${y + 15}">${esc(money(c.total, c.currency) + unknown)}</text>`);
        const tw = (r.timeToReadySeconds / maxTime) * timeWidth;
        out.push(
            `<rect class="time" x="${timeX}" y="${y}" width="${tw.toFixed(1)}" height="20" fill="#9c755f"><title>${esc(duration(r.timeToReadySeconds))}</title></rect>`,
        );
        out.push(`<text x="${(timeX + tw + 6).toFixed(1)}" y="${y + 15}">${esc(duration(r.timeToReadySeconds))}</text>`);
        out.push(`</g>`);
    });
    const legendY = top + rows.length * rowHeight + 20;
    out.push(`<g class="legend">`);
    ITEM_KINDS.forEach((k, i) => {
        const lx = label + (i % 3) * 190;
        const ly = legendY + Math.floor(i / 3) * 18;
        out.push(
            `<rect x="${lx}" y="${ly}" width="12" height="12" fill="${COLOURS[k.kind]}"/><text x="${lx + 16}" y="${ly + 11}">${esc(k.label)}</text>`,
        );
    });
    out.push(`</g>`);
    out.push(`</svg>`);
    return out.join("\n") + "\n";
}
