/**
 * What kubeforge knows about DigitalOcean's regions and droplet sizes, as data. Pure.
 *
 * Regions: the slugs DigitalOcean's API reference uses (digitalocean/openapi `specification/`, read
 * 2026-12-04 at commit 7c1300c of 2026-08-07). `nyc2`, `ams2` and `sfo1` still appear there but take no
 * new droplets, so they are refused with the open region of the same metro suggested. A region
 * DigitalOcean opened after this list was written is accepted with `allowUnlistedRegion: true`.
 *
 * Sizes: a size slug names its vCPUs and memory for every family that has more than one shape
 * (`s-2vcpu-4gb`, `g-4vcpu-16gb`, `m3-8vcpu-64gb`, `so1_5-2vcpu-16gb`); the CPU-optimised `c-N`
 * slugs do not, so their memory and disk are listed. Disks are fixed by the size on DigitalOcean.
 */

/** Regions that take new droplets, with the city, for messages. */
export const DO_REGIONS: Readonly<Record<string, string>> = {
    nyc1: "New York 1",
    nyc3: "New York 3",
    sfo2: "San Francisco 2",
    sfo3: "San Francisco 3",
    tor1: "Toronto 1",
    atl1: "Atlanta 1",
    ric1: "Richmond 1",
    ams3: "Amsterdam 3",
    lon1: "London 1",
    fra1: "Frankfurt 1",
    blr1: "Bangalore 1",
    sgp1: "Singapore 1",
    syd1: "Sydney 1",
};

/** Regions closed to new droplets, with the open region of the same metro to use instead. */
export const CLOSED_REGIONS: Readonly<Record<string, string>> = { nyc2: "nyc3", ams2: "ams3", sfo1: "sfo3" };

/** Shape of a droplet size slug: lower-case words joined by `-` (`s-2vcpu-4gb`, `c-4-intel`, `so1_5-2vcpu-16gb`). */
export const SIZE_SLUG_RE = /^[a-z][a-z0-9_]*(-[a-z0-9_]+)+$/;

/** What a size gives a droplet. */
export interface SizeShape {
    /** Virtual CPUs. */
    vcpus: number;
    /** Memory in GiB. */
    memoryGb: number;
    /** Disk in GB, when known (it is fixed by the size). */
    diskGb?: number;
}

/** Sizes whose slug does not spell their shape, and the basic sizes' disks. DigitalOcean's size list, 2026. */
const LISTED_SIZES: Readonly<Record<string, SizeShape>> = {
    "s-1vcpu-1gb": { vcpus: 1, memoryGb: 1, diskGb: 25 },
    "s-1vcpu-2gb": { vcpus: 1, memoryGb: 2, diskGb: 50 },
    "s-2vcpu-2gb": { vcpus: 2, memoryGb: 2, diskGb: 60 },
    "s-2vcpu-4gb": { vcpus: 2, memoryGb: 4, diskGb: 80 },
    "s-4vcpu-8gb": { vcpus: 4, memoryGb: 8, diskGb: 160 },
    "s-8vcpu-16gb": { vcpus: 8, memoryGb: 16, diskGb: 320 },
    "c-2": { vcpus: 2, memoryGb: 4, diskGb: 25 },
    "c-4": { vcpus: 4, memoryGb: 8, diskGb: 50 },
    "c-8": { vcpus: 8, memoryGb: 16, diskGb: 100 },
    "c-16": { vcpus: 16, memoryGb: 32, diskGb: 200 },
    "c-32": { vcpus: 32, memoryGb: 64, diskGb: 400 },
};

/**
 * The vCPUs, memory and (when known) disk a size slug gives; undefined when the slug does not say.
 * @param slug - a droplet size slug, e.g. `s-4vcpu-8gb-amd`
 */
export function sizeShape(slug: string): SizeShape | undefined {
    if (LISTED_SIZES[slug]) return LISTED_SIZES[slug];
    // Premium variants (`-amd`, `-intel`) share the base shape; their disks differ, so none is claimed.
    const base = LISTED_SIZES[slug.replace(/-(amd|intel)$/, "")];
    if (base) return { vcpus: base.vcpus, memoryGb: base.memoryGb };
    const spelled = /-(\d+)vcpu-(\d+)gb(-|$)/.exec(slug);
    return spelled ? { vcpus: Number(spelled[1]), memoryGb: Number(spelled[2]) } : undefined;
}

/** kubeadm's preflight minimum for a control-plane node: 2 CPUs and 1700 MB of memory (checks.go). */
export const CONTROL_PLANE_MINIMUM = { vcpus: 2, memoryGb: 2 } as const;

/** Default droplet sizes: 2 vCPU / 4 GiB masters (etcd, API server), 4 vCPU / 8 GiB workers. */
export const DEFAULT_SIZES = { controlPlane: "s-2vcpu-4gb", worker: "s-4vcpu-8gb" } as const;

/** DigitalOcean's Ubuntu 24.04 LTS image slug. */
export const UBUNTU_2404_IMAGE = "ubuntu-24-04-x64";

/** DigitalOcean's user data limit: 64 KiB of plain text (openapi `droplets/models/droplet_create.yml`). */
export const USER_DATA_LIMIT_BYTES = 64 * 1024;
