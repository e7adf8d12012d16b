/**
 * AWS regions, as data. Pure.
 *
 * Read from AWS's "AWS Region billing codes" and "AWS Regions" pages
 * (docs.aws.amazon.com/global-infrastructure/latest/regions/), checked 2026-12: the commercial regions,
 * AWS GovCloud (US) and the China regions. Zones are not listed: EC2 maps zone letters to places per
 * account in the oldest regions, so a zone is checked by its shape (`<region><letter>`) and EC2 answers
 * for the rest. A region missing here is refused with a message that names
 * `kubeforge:aws.allowUnlistedRegion`, the escape hatch for regions newer than this list.
 */
import type { KnownRegions } from "../../kit/regions";

const REGION_NAMES = [
    // North America
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "ca-west-1",
    "mx-central-1",
    // South America, Africa
    "sa-east-1",
    "af-south-1",
    // Asia Pacific
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    // Europe
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    // Middle East, Israel
    "il-central-1",
    "me-central-1",
    "me-south-1",
    // AWS GovCloud (US), China
    "us-gov-east-1",
    "us-gov-west-1",
    "cn-north-1",
    "cn-northwest-1",
] as const;

/** Every known region (no zone lists: see the file's comment). */
export const KNOWN_REGIONS: KnownRegions = Object.fromEntries(REGION_NAMES.map((r) => [r, []]));
