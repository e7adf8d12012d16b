/**
 * `npm run prices:refresh -- [--platform NAME] [--dry-run]`: re-reads the machine prices of the
 * comparison data files from public price lists and rewrites the rows it could confirm (price, source,
 * retrieval date), keeping every comment. Needs the internet; never run by the tests.
 *
 * - aws: instances.vantage.sh's public JSON (built from the AWS Price List API); on-demand Linux and
 *   Windows, and the average spot price as the spot estimate.
 * - azure: the Azure Retail Prices API (unauthenticated), consumption prices, Spot SKUs for spot.
 * - digitalocean: `GET /v2/sizes` with `DIGITALOCEAN_TOKEN` (DigitalOcean publishes no unauthenticated list).
 * - others (gcp: the Cloud Billing Catalog needs an API key and prices per core and GB): left as they
 *   are, with a note; update those rows by hand from the source on each row.
 * A row the source does not confirm is left unchanged and listed.
 */
import * as fs from "node:fs";
import { parseDocument, type YAMLMap, type YAMLSeq } from "yaml";
import { dataFile, platformsWithData } from "./data";

type Lookup = (region: string, type: string, os: string) => Promise<{ onDemand?: number; spot?: number; source: string } | undefined>;

async function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
    const res = await fetch(url, { headers });
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return res.json();
}

function awsLookup(): Lookup {
    const url = "https://instances.vantage.sh/instances.json";
    let all:
        | Promise<{ instance_type: string; pricing?: Record<string, Record<string, { ondemand?: string; spot_avg?: string }>> }[]>
        | undefined;
    return async (region, type, os) => {
        all ??= getJson(url) as never;
        const entry = (await all).find((i) => i.instance_type === type)?.pricing?.[region]?.[os === "windows" ? "mswin" : "linux"];
        if (!entry?.ondemand) return undefined;
        return {
            onDemand: Number(entry.ondemand),
            spot: entry.spot_avg ? Number(entry.spot_avg) : undefined,
            source: `${url} (AWS Price List)`,
        };
    };
}

function azureLookup(): Lookup {
    return async (region, type, os) => {
        const filter = `serviceName eq 'Virtual Machines' and armRegionName eq '${region}' and armSkuName eq '${type}' and priceType eq 'Consumption'`;
        const url = `https://prices.azure.com/api/retail/prices?$filter=${encodeURIComponent(filter)}`;
        const items = ((await getJson(url)) as { Items: { retailPrice: number; productName: string; skuName: string }[] }).Items;
        const mine = items.filter((i) => i.productName.includes("Windows") === (os === "windows") && !i.skuName.includes("Low Priority"));
        const regular = mine.find((i) => !i.skuName.includes("Spot"));
        const spot = mine.find((i) => i.skuName.includes("Spot"));
        return regular
            ? {
                  onDemand: regular.retailPrice,
                  spot: spot?.retailPrice,
                  source: "https://prices.azure.com/api/retail/prices (Azure Retail Prices API)",
              }
            : undefined;
    };
}

function digitaloceanLookup(): Lookup | undefined {
    const token = process.env.DIGITALOCEAN_TOKEN;
    if (!token) return undefined;
    let sizes: Promise<{ slug: string; price_hourly: number; regions: string[] }[]> | undefined;
    return async (region, type) => {
        sizes ??= getJson("https://api.digitalocean.com/v2/sizes?per_page=200", { Authorization: `Bearer ${token}` }).then(
            (d) => (d as { sizes: never }).sizes,
        );
        const size = (await sizes).find((s) => s.slug === type && s.regions.includes(region));
        return size ? { onDemand: size.price_hourly, source: "https://api.digitalocean.com/v2/sizes" } : undefined;
    };
}

const LOOKUPS: Record<string, () => Lookup | undefined> = { aws: awsLookup, azure: azureLookup, digitalocean: digitaloceanLookup };

async function refresh(platform: string, dryRun: boolean): Promise<void> {
    const lookup = LOOKUPS[platform]?.();
    if (!lookup) {
        process.stdout.write(
            `${platform}: no public machine price list this script can read; update its rows by hand from each row's source\n`,
        );
        return;
    }
    const file = dataFile(platform);
    const doc = parseDocument(fs.readFileSync(file, "utf8"));
    const machines = doc.get("machines") as YAMLSeq<YAMLMap>;
    const today = new Date().toISOString().slice(0, 10);
    for (const row of machines.items) {
        const region = String(row.get("region"));
        const type = String(row.get("type"));
        const os = String(row.get("os") ?? "linux");
        const found = await lookup(region, type, os).catch((err: unknown) => {
            process.stdout.write(`${platform} ${type} ${region}: ${(err as Error).message}\n`);
            return undefined;
        });
        if (!found?.onDemand) {
            process.stdout.write(`${platform} ${type} (${os}) in ${region}: not confirmed, left as it is\n`);
            continue;
        }
        row.set("onDemandHourly", found.onDemand);
        if (found.spot !== undefined) row.set("spotHourly", found.spot);
        row.set("source", found.source);
        row.set("retrieved", today);
        process.stdout.write(
            `${platform} ${type} (${os}) in ${region}: ${found.onDemand}/h${found.spot !== undefined ? `, spot ~${found.spot}/h` : ""}\n`,
        );
    }
    if (!dryRun) fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));
}

async function main(): Promise<void> {
    const i = process.argv.indexOf("--platform");
    const platforms = i >= 0 ? [process.argv[i + 1]] : platformsWithData();
    for (const p of platforms) await refresh(p, process.argv.includes("--dry-run"));
}

if (require.main === module) {
    main().then(
        () => process.exit(0),
        (err: unknown) => {
            process.stderr.write(`prices:refresh failed: ${(err as Error).message}\n`);
            process.exit(1);
        },
    );
}
