/**
 * Estimated monthly cost of a plan, from a platform's price table: pure arithmetic over the plan's
 * resources. Monthly = price per hour × the table's hours a month (730), or the row's billed-hours cap
 * when lower (DigitalOcean bills at most 672 h). A price the table does not have is an item with no
 * amount, named in `unknown`, never a zero; the total adds the known items only and says so.
 */
import { valueAt, type CostKind, type MachinePrice, type PlatformData, type ResourceCost, type UnitPrice } from "./data";

/** The kinds an item is shown under: machines split by on demand and spot. */
export type ItemKind = "onDemand" | "spot" | Exclude<CostKind, "machine">;

/** Order and labels of the kinds in reports. */
export const ITEM_KINDS: readonly { kind: ItemKind; label: string }[] = [
    { kind: "onDemand", label: "machines (on demand)" },
    { kind: "spot", label: "machines (spot, estimate)" },
    { kind: "loadBalancer", label: "load balancers" },
    { kind: "nat", label: "NAT / egress gateways" },
    { kind: "publicAddress", label: "public addresses" },
    { kind: "disk", label: "disks" },
];

/** One line of the bill: `quantity` identical things. */
export interface CostItem {
    kind: ItemKind;
    /** What is billed (`m7i.large`, `network load balancer`, `gp3 disk, 50 GB`). */
    what: string;
    quantity: number;
    /** Monthly price of one, or null when the table has no price. */
    unitMonthly: number | null;
    /** quantity × unitMonthly, rounded to cents; null when unknown. */
    monthly: number | null;
    /** True for spot prices (they move by the hour). */
    estimate: boolean;
    /** The price row's source and date; absent when unknown. */
    source?: string;
    retrieved?: string;
    note?: string;
    /** Why there is no price. */
    unknown?: string;
}

/** A plan's estimated monthly cost. */
export interface MonthlyCost {
    /** Sum of the items with a known amount. */
    total: number;
    currency: string;
    /** The oldest retrieval date among the rows used (the estimate is as fresh as that). */
    priceDate: string | null;
    /** True when every item has a price. */
    complete: boolean;
    items: CostItem[];
    /** One line per item without a price, naming it. */
    unknown: string[];
    /** For reference, not in the total: the provider's managed control plane fee a month. */
    managedControlPlane?: { name: string; monthly: number; note?: string; source: string; retrieved: string };
    /** The table's own note (bare metal). */
    note?: string;
}

/** A resource of a plan, as cost needs it. */
export interface CostedResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

/** Rounds to cents. */
export function cents(value: number): number {
    return Math.round(value * 100) / 100;
}

/** Billed hours a month for a row: the table's hours, capped by the row. */
export function billedHours(data: PlatformData, cap?: number): number {
    return cap === undefined ? data.hoursPerMonth : Math.min(data.hoursPerMonth, cap);
}

function findMachine(data: PlatformData, region: string | undefined, type: string, os: string): MachinePrice | undefined {
    return data.machines.find((m) => m.type === type && (m.os ?? "linux") === os && (region === undefined || m.region === region));
}

function findPrice(
    data: PlatformData,
    kind: UnitPrice["kind"],
    region: string | undefined,
    sku: string | undefined,
): UnitPrice | undefined {
    const rows = data.prices.filter((p) => p.kind === kind && (region === undefined || p.region === region));
    return rows.find((p) => p.sku !== undefined && p.sku === sku) ?? rows.find((p) => p.sku === undefined);
}

function stringAt(inputs: Record<string, unknown>, p: string | undefined): string | undefined {
    if (p === undefined) return undefined;
    const v = valueAt(inputs, p);
    return typeof v === "string" || typeof v === "number" ? String(v) : undefined;
}

/** Monthly price of one unit-priced thing, or null when the row cannot price it. */
function unitMonthly(data: PlatformData, row: UnitPrice, sizeGb: number | undefined, machines: number): number | null {
    if (row.tiers && sizeGb !== undefined) {
        const tier = [...row.tiers].sort((a, b) => a.maxGb - b.maxGb).find((t) => t.maxGb >= sizeGb);
        return tier ? tier.monthly : null;
    }
    if (row.perGbMonth !== undefined) return sizeGb === undefined ? null : row.perGbMonth * sizeGb;
    if (row.monthly !== undefined) return row.monthly;
    if (row.hourly !== undefined) {
        const hourly = row.per === "machine" ? Math.min(row.hourly * machines, row.maxHourly ?? Infinity) : row.hourly;
        return hourly * data.hoursPerMonth;
    }
    return null;
}

interface Draft {
    kind: ItemKind;
    what: string;
    unitMonthly: number | null;
    estimate: boolean;
    source?: string;
    retrieved?: string;
    note?: string;
    unknown?: string;
}

/**
 * The monthly cost of a plan.
 *
 * @param data - the platform's comparison data
 * @param region - the region the stack builds in (undefined where the platform has none)
 * @param resources - the plan's resources (only those the data maps cost anything)
 * @param osOf - the OS of the node a machine resource realises (`linux` when unknown)
 */
export function monthlyCost(
    data: PlatformData,
    region: string | undefined,
    resources: CostedResource[],
    osOf: (resource: CostedResource) => string = () => "linux",
): MonthlyCost {
    const mapped = resources.flatMap((r) => {
        const rule = data.resources.find((m) => m.type === r.type);
        return rule ? [{ r, rule }] : [];
    });
    const machineCount = mapped.filter((m) => m.rule.kind === "machine").length;
    const drafts: Draft[] = [];
    const where = region ? ` in ${region}` : "";
    const priced = (
        kind: UnitPrice["kind"],
        rule: ResourceCost,
        r: CostedResource,
        sizeGb?: number,
        skuPath?: string,
        defaultSku?: string,
    ): Draft => {
        const sku = stringAt(r.inputs, skuPath) ?? defaultSku;
        const what = [sku, kindNoun(kind), sizeGb !== undefined ? `${sizeGb} GB` : undefined].filter(Boolean).join(" ");
        const row = findPrice(data, kind, region, sku);
        const amount = row ? unitMonthly(data, row, sizeGb, machineCount) : null;
        if (!row || amount === null)
            return { kind, what, unitMonthly: null, estimate: false, unknown: `${what}${where}: no price in the ${data.platform} table` };
        void rule;
        return { kind, what, unitMonthly: amount, estimate: false, source: row.source, retrieved: row.retrieved, note: row.note };
    };
    for (const { r, rule } of mapped) {
        if (rule.kind !== "machine") {
            const size = rule.sizeGb !== undefined ? Number(valueAt(r.inputs, rule.sizeGb)) : undefined;
            drafts.push(
                priced(rule.kind, rule, r, size !== undefined && Number.isFinite(size) ? size : undefined, rule.sku, rule.defaultSku),
            );
            continue;
        }
        const type = stringAt(r.inputs, rule.machineType) ?? rule.defaultMachineType ?? "(unknown type)";
        const spot = rule.spot !== undefined && valueAt(r.inputs, rule.spot.path) === rule.spot.equals;
        const os = osOf(r);
        const label = os === "linux" ? type : `${type} (${os})`;
        const row = findMachine(data, region, type, os);
        const hours = billedHours(data, row?.billableHoursCap);
        if (!row) {
            drafts.push({
                kind: spot ? "spot" : "onDemand",
                what: label,
                unitMonthly: null,
                estimate: spot,
                unknown: `${label}${where}: no price in the ${data.platform} table`,
            });
        } else if (spot && row.spotHourly === undefined) {
            drafts.push({
                kind: "spot",
                what: label,
                unitMonthly: null,
                estimate: true,
                unknown: `${label}${where}: no spot price in the ${data.platform} table`,
            });
        } else {
            const hourly = spot ? (row.spotHourly as number) : row.onDemandHourly;
            drafts.push({
                kind: spot ? "spot" : "onDemand",
                what: label,
                unitMonthly: hourly * hours,
                estimate: spot,
                source: row.source,
                retrieved: row.retrieved,
                note: row.note,
            });
        }
        if (rule.publicAddress !== undefined && valueAt(r.inputs, rule.publicAddress.path) === rule.publicAddress.equals) {
            drafts.push(priced("publicAddress", rule, r));
        }
        for (const disk of rule.disks ?? []) {
            const size = Number(disk.sizeGb !== undefined ? (valueAt(r.inputs, disk.sizeGb) ?? disk.defaultSizeGb) : disk.defaultSizeGb);
            drafts.push(priced("disk", rule, r, Number.isFinite(size) ? size : undefined, disk.sku, disk.defaultSku));
        }
    }
    return summarise(data, drafts);
}

function kindNoun(kind: UnitPrice["kind"]): string {
    return { loadBalancer: "load balancer", nat: "NAT gateway", publicAddress: "public address", disk: "disk" }[kind];
}

function summarise(data: PlatformData, drafts: Draft[]): MonthlyCost {
    const groups = new Map<string, CostItem>();
    for (const d of drafts) {
        const key = `${d.kind}|${d.what}|${d.unitMonthly}`;
        const item = groups.get(key);
        if (item) item.quantity += 1;
        else groups.set(key, { ...d, quantity: 1, monthly: null });
    }
    const order = ITEM_KINDS.map((k) => k.kind);
    const items = [...groups.values()]
        .map((i) => ({
            ...i,
            unitMonthly: i.unitMonthly === null ? null : cents(i.unitMonthly),
            monthly: i.unitMonthly === null ? null : cents(i.unitMonthly * i.quantity),
        }))
        .sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.what.localeCompare(b.what));
    const unknown = items.filter((i) => i.monthly === null).map((i) => `${i.quantity} × ${i.unknown ?? i.what}`);
    const dates = items.flatMap((i) => (i.retrieved ? [i.retrieved] : [])).sort();
    const fee = data.managedControlPlane;
    return {
        total: cents(items.reduce((sum, i) => sum + (i.monthly ?? 0), 0)),
        currency: data.currency,
        priceDate: dates[0] ?? null,
        complete: unknown.length === 0,
        items,
        unknown,
        managedControlPlane: fee
            ? {
                  name: fee.name,
                  monthly: cents(fee.monthly ?? (fee.hourly as number) * data.hoursPerMonth),
                  note: fee.note,
                  source: fee.source,
                  retrieved: fee.retrieved,
              }
            : undefined,
        note: data.costNote,
    };
}
