/**
 * Google Cloud regions and their zones, as data. Pure.
 *
 * Read from Google's "Regions and zones" documentation (cloud.google.com/compute/docs/regions-zones),
 * checked 2026-12. Google adds regions a few times a year and zones seldom; a region or zone missing
 * here is refused with a message that names `kubeforge:gcp.allowUnlistedRegion`, the escape hatch
 * for places newer than this list.
 */

import type { KnownRegions } from "../../kit/regions";

/** Zones of every known region, in Google's own order. */
export const KNOWN_REGIONS: KnownRegions = {
    "africa-south1": ["a", "b", "c"],
    "asia-east1": ["a", "b", "c"],
    "asia-east2": ["a", "b", "c"],
    "asia-northeast1": ["a", "b", "c"],
    "asia-northeast2": ["a", "b", "c"],
    "asia-northeast3": ["a", "b", "c"],
    "asia-south1": ["a", "b", "c"],
    "asia-south2": ["a", "b", "c"],
    "asia-southeast1": ["a", "b", "c"],
    "asia-southeast2": ["a", "b", "c"],
    "australia-southeast1": ["a", "b", "c"],
    "australia-southeast2": ["a", "b", "c"],
    "europe-central2": ["a", "b", "c"],
    "europe-north1": ["a", "b", "c"],
    "europe-north2": ["a", "b", "c"],
    "europe-southwest1": ["a", "b", "c"],
    "europe-west1": ["b", "c", "d"],
    "europe-west2": ["a", "b", "c"],
    "europe-west3": ["a", "b", "c"],
    "europe-west4": ["a", "b", "c"],
    "europe-west6": ["a", "b", "c"],
    "europe-west8": ["a", "b", "c"],
    "europe-west9": ["a", "b", "c"],
    "europe-west10": ["a", "b", "c"],
    "europe-west12": ["a", "b", "c"],
    "me-central1": ["a", "b", "c"],
    "me-central2": ["a", "b", "c"],
    "me-west1": ["a", "b", "c"],
    "northamerica-northeast1": ["a", "b", "c"],
    "northamerica-northeast2": ["a", "b", "c"],
    "northamerica-south1": ["a", "b", "c"],
    "southamerica-east1": ["a", "b", "c"],
    "southamerica-west1": ["a", "b", "c"],
    "us-central1": ["a", "b", "c", "f"],
    "us-east1": ["b", "c", "d"],
    "us-east4": ["a", "b", "c"],
    "us-east5": ["a", "b", "c"],
    "us-south1": ["a", "b", "c"],
    "us-west1": ["a", "b", "c"],
    "us-west2": ["a", "b", "c"],
    "us-west3": ["a", "b", "c"],
    "us-west4": ["a", "b", "c"],
};

/** The shape of a region name (`europe-west1`), whether or not it is known. */
export const REGION_RE = /^[a-z]+(-[a-z]+)*\d+$/;

/**
 * The zones of a known region, full names (`europe-west1-b`); undefined for an unknown region.
 * @param region - a region name
 */
export function knownZones(region: string): string[] | undefined {
    const suffixes = Object.prototype.hasOwnProperty.call(KNOWN_REGIONS, region) ? KNOWN_REGIONS[region] : undefined;
    return suffixes?.map((s) => `${region}-${s}`);
}

/**
 * The region of a zone name (`europe-west1-b` is in `europe-west1`); undefined when the text is not
 * shaped like a zone.
 * @param zone - a zone name
 */
export function regionOfZone(zone: string): string | undefined {
    const m = /^([a-z]+(?:-[a-z]+)*\d+)-[a-z]$/.exec(zone);
    return m ? m[1] : undefined;
}

/** Every known region with its zones' full names, the form the kit's region and zone readers take. */
export const KNOWN_ZONES: KnownRegions = Object.fromEntries(Object.keys(KNOWN_REGIONS).map((r) => [r, knownZones(r) ?? []]));
