/**
 * Azure locations kubeforge knows, with the availability zones each offers (data, no logic). A
 * location not listed here is refused with a suggestion, unless the config says
 * `allowUnlistedRegion: true` (new regions appear faster than this table changes).
 *
 * Source: Microsoft Learn "Azure regions with availability zone support" and the region names of
 * `az account list-locations` (read 2026-12). Zones are offered per VM size too: a size missing
 * from a zone fails at `pulumi up` (SkuNotAvailable), which nothing offline can check.
 */

/** Zones every zonal Azure region offers: logical zones "1", "2", "3". */
export const AZURE_ZONES = ["1", "2", "3"] as const;

const ZONAL = [
    "australiaeast",
    "austriaeast",
    "belgiumcentral",
    "brazilsouth",
    "canadacentral",
    "centralindia",
    "centralus",
    "chilecentral",
    "eastasia",
    "eastus",
    "eastus2",
    "francecentral",
    "germanywestcentral",
    "indonesiacentral",
    "israelcentral",
    "italynorth",
    "japaneast",
    "japanwest",
    "koreacentral",
    "malaysiawest",
    "mexicocentral",
    "newzealandnorth",
    "northeurope",
    "norwayeast",
    "polandcentral",
    "qatarcentral",
    "southafricanorth",
    "southcentralus",
    "southeastasia",
    "spaincentral",
    "swedencentral",
    "switzerlandnorth",
    "uaenorth",
    "uksouth",
    "westeurope",
    "westus2",
    "westus3",
] as const;

const WITHOUT_ZONES = [
    "australiacentral",
    "australiacentral2",
    "australiasoutheast",
    "brazilsoutheast",
    "canadaeast",
    "francesouth",
    "germanynorth",
    "jioindiacentral",
    "jioindiawest",
    "koreasouth",
    "northcentralus",
    "norwaywest",
    "southafricawest",
    "southindia",
    "swedensouth",
    "switzerlandwest",
    "uaecentral",
    "ukwest",
    "westcentralus",
    "westindia",
    "westus",
] as const;

/** Every known location and the zones it offers (`[]`: none, masters go in an availability set). */
export const AZURE_LOCATIONS: Readonly<Record<string, readonly string[]>> = Object.freeze({
    ...Object.fromEntries(ZONAL.map((l) => [l, AZURE_ZONES])),
    ...Object.fromEntries(WITHOUT_ZONES.map((l) => [l, []])),
});
