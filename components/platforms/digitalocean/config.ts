/**
 * The `kubeforge:digitalocean` block: shape, defaults and validation. Pure: no Pulumi import, no API
 * call. The API token is read here as a plain string and never copied into a message; the platform
 * wraps it in `pulumi.secret` before any resource sees it.
 *
 * ```yaml
 * kubeforge:digitalocean:
 *   region: fra1
 *   token: { secure: v1:... }           # pulumi config set --secret --path 'kubeforge:digitalocean.token' "$DIGITALOCEAN_TOKEN"
 *   vpc: {}                             # a VPC over kubeforge:network.nodeCidr; or { existingVpcId: <uuid> }
 *   sizes: { controlPlane: s-2vcpu-4gb, worker: s-4vcpu-8gb }
 *   image: ubuntu-24-04-x64
 *   sshKeys: []                         # ids or fingerprints of keys already in the account
 *   apiDomain: example.com              # optional: api.<cluster>.<domain> in that DigitalOcean DNS domain
 *   replaceNodes: []
 * ```
 */
import { parseCidr, formatCidr, cidrsOverlap, type Cidr } from "../../core/cidr";
import { IssueList, checkKnownKeys, isRecord, readString, readStringArray } from "../../core/fields";
import {
    type MachineChangePolicy,
    type MachineTypes,
    machineTypeFor,
    readAllowUnlisted,
    readImage,
    readMachineTypes,
    readNodeList,
    readRegion as readKnownRegion,
    readResourceId,
    replaceNodesPolicy,
} from "../../kit/readers";
import { ALLOW_UNLISTED_REGION_KEY } from "../../kit/regions";
import type { ClusterSpec, ConfigIssue } from "../../core/types";
import { CLOSED_REGIONS, DEFAULT_SIZES, DO_REGIONS, SIZE_SLUG_RE, UBUNTU_2404_IMAGE } from "./catalog";
import { checkClusterOnDigitalOcean } from "./checks";

/** The config path of the block. */
export const BLOCK = "digitalocean";

/** The network the droplets live in. */
export type DoVpc =
    /** kubeforge creates a VPC over `network.nodeCidr`. */
    | { kind: "new"; cidr: string }
    /** An existing VPC (its UUID); `network.nodeCidr` states its range. */
    | { kind: "existing"; id: string; cidr: string };

/** The validated `kubeforge:digitalocean` block, with every default filled in. */
export interface DigitalOceanConfig {
    /** Region slug, e.g. `fra1`: the one failure domain. */
    region: string;
    /**
     * The API token: the provider's credential and the one the cloud controller and the CSI driver use
     * (Secret `kube-system/digitalocean`). Plain text here only; wrapped in `pulumi.secret` on use.
     */
    token: string;
    /** The VPC. */
    vpc: DoVpc;
    /** Default droplet sizes by role (a pool's or the control plane's `machineType` wins). */
    sizes: MachineTypes;
    /** Image slug or id of every droplet. */
    image: string;
    /** SSH keys already in the account (ids or MD5 fingerprints), added to every droplet. */
    sshKeys: string[];
    /** A DigitalOcean DNS domain for the public API name `api.<cluster>.<domain>`; the load balancer's IP when absent. */
    apiDomain?: string;
    /** NodePlan names whose droplets are rebuilt when their image or bootstrap rendering changed. */
    replaceNodes: string[];
}

const KNOWN_KEYS = ["region", ALLOW_UNLISTED_REGION_KEY, "token", "vpc", "sizes", "image", "sshKeys", "apiDomain", "replaceNodes"];
/** DigitalOcean resource UUIDs (VPC ids). */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** An SSH key id (digits) or an MD5 fingerprint (`aa:bb:...`, 16 pairs). */
const SSH_KEY_REF_RE = /^(\d+|[0-9a-f]{2}(:[0-9a-f]{2}){15})$/;
const DOMAIN_RE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/;
/** DigitalOcean VPC ranges: RFC 1918, from /16 to /28 (openapi `vpcs/models/vpc.yml`). */
const VPC_PREFIX = { min: 16, max: 28 } as const;
const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

function cidrOf(text: string): Cidr | undefined {
    const parsed = parseCidr(text);
    return parsed.ok ? parsed.value : undefined;
}

function within(inner: Cidr, outer: Cidr): boolean {
    return inner.family === outer.family && inner.prefix >= outer.prefix && cidrsOverlap(inner, outer);
}

/**
 * Reads the API token without ever putting it, or any part of it, into a message.
 * @param value - the raw `token` value
 * @param issues - where problems go
 */
function readToken(value: unknown, issues: IssueList): string | undefined {
    const path = `${BLOCK}.token`;
    const howTo = `set it as a secret: pulumi config set --secret --path 'kubeforge:${BLOCK}.token' "$DIGITALOCEAN_TOKEN"`;
    if (value === undefined || value === null || value === "") {
        issues.add(path, `is required: the API token the droplets are created with and the cloud controller and CSI driver use; ${howTo}`);
        return undefined;
    }
    if (typeof value !== "string") {
        issues.add(path, `must be a string (the API token); ${howTo}`);
        return undefined;
    }
    if (/^\s|\s$|[\r\n\t]/.test(value)) {
        issues.add(path, `has leading or trailing whitespace or a line break (a pasting slip); ${howTo}`);
        return undefined;
    }
    return value;
}

/** Regions by the kit's known-region reader: near matches, the escape hatch for regions opened since, and closed regions refused first. */
const REGIONS = {
    platform: BLOCK,
    known: Object.fromEntries(Object.keys(DO_REGIONS).map((r) => [r, [] as string[]])),
    example: "fra1",
    refuse: (region: string): string | undefined =>
        CLOSED_REGIONS[region]
            ? `"${region}" takes no new droplets; use ${CLOSED_REGIONS[region]}, the open region of the same metro`
            : undefined,
};

function readVpc(value: unknown, spec: ClusterSpec, issues: IssueList): DoVpc | undefined {
    const path = `${BLOCK}.vpc`;
    const block = value === undefined || value === null ? {} : value;
    if (!isRecord(block)) {
        issues.add(path, "must be a map: `{}` creates a VPC over kubeforge:network.nodeCidr, `{ existingVpcId: <uuid> }` uses one");
        return undefined;
    }
    checkKnownKeys(block, ["existingVpcId"], path, issues);
    const cidrText = spec.network.nodeCidr;
    const cidr = cidrOf(cidrText);
    let ok = true;
    if (!cidr || cidr.family !== 4 || cidr.prefix < VPC_PREFIX.min || cidr.prefix > VPC_PREFIX.max) {
        issues.add(
            "network.nodeCidr",
            `is the VPC range on ${BLOCK}, which must be an IPv4 network from /${VPC_PREFIX.min} to /${VPC_PREFIX.max}; use one such as 10.0.0.0/16`,
        );
        ok = false;
    } else if (!RFC1918.some((r) => within(cidr, cidrOf(r)!))) {
        issues.add(
            "network.nodeCidr",
            `is the VPC range on ${BLOCK}, which must be private (RFC 1918: ${RFC1918.join(", ")}); use one such as 10.0.0.0/16`,
        );
        ok = false;
    }
    const existing = readResourceId(
        block.existingVpcId,
        `${path}.existingVpcId`,
        { pattern: UUID_RE, what: "VPC id (its UUID, `doctl vpcs list`)", example: "5a4981aa-9653-4bd1-bef5-d6bff52042e4" },
        issues,
    );
    const refused = existing === undefined && block.existingVpcId !== undefined && block.existingVpcId !== null;
    if (!ok || !cidr || refused) return undefined;
    const text = formatCidr(cidr);
    return existing ? { kind: "existing", id: existing, cidr: text } : { kind: "new", cidr: text };
}

function readList(value: unknown, key: string, pattern: RegExp, what: string, issues: IssueList): string[] {
    const list = readStringArray(value, `${BLOCK}.${key}`, issues) ?? [];
    const out: string[] = [];
    list.forEach((item, i) => {
        if (!pattern.test(item)) issues.add(`${BLOCK}.${key}[${i}]`, `"${item}" is not ${what}`);
        else if (!out.includes(item)) out.push(item);
    });
    return out;
}

/**
 * Validates and defaults the `kubeforge:digitalocean` block, and refuses what DigitalOcean cannot
 * build from the cluster (see `checks.ts`). Every problem is returned at once.
 * @param raw - the block as read from the stack config
 * @param spec - the validated cluster (network ranges, pools, control plane)
 */
export function parseDigitalOceanConfig(raw: unknown, spec: ClusterSpec): { config?: DigitalOceanConfig; issues: ConfigIssue[] } {
    const issues = new IssueList();
    if (!isRecord(raw)) {
        issues.add(BLOCK, "is missing or not a map; add `kubeforge:digitalocean:` with at least `region` and `token` (a secret)");
        return { issues: issues.items };
    }
    checkKnownKeys(raw, KNOWN_KEYS, BLOCK, issues);
    const region = readKnownRegion(raw.region, `${BLOCK}.region`, readAllowUnlisted(raw, BLOCK, issues), REGIONS, issues);
    const token = readToken(raw.token, issues);
    const vpc = readVpc(raw.vpc, spec, issues);
    const sizes = readMachineTypes(
        raw.sizes,
        `${BLOCK}.sizes`,
        {
            defaults: DEFAULT_SIZES,
            pattern: SIZE_SLUG_RE,
            example: DEFAULT_SIZES.worker,
            what: "a droplet size slug (doctl compute size list)",
        },
        issues,
    );
    const source = readImage(
        raw.image,
        `${BLOCK}.image`,
        {
            idPattern: /^\d+$/,
            lookupPattern: /^[a-z0-9][-a-z0-9.]*$/,
            fallback: { kind: "lookup", reference: UBUNTU_2404_IMAGE },
            fallbackName: "Ubuntu 24.04 LTS",
            examples: { id: "<a snapshot's numeric id>", lookup: UBUNTU_2404_IMAGE },
        },
        issues,
    );
    const image = source.kind === "id" ? source.id : source.reference;
    const sshKeys = readList(
        raw.sshKeys,
        "sshKeys",
        SSH_KEY_REF_RE,
        "an SSH key id or MD5 fingerprint (doctl compute ssh-key list)",
        issues,
    );
    const apiDomain = readString(raw.apiDomain, `${BLOCK}.apiDomain`, issues);
    if (apiDomain !== undefined && !DOMAIN_RE.test(apiDomain)) {
        issues.add(
            `${BLOCK}.apiDomain`,
            `"${apiDomain}" is not a domain name; give a domain managed in DigitalOcean DNS, such as example.com, or omit it`,
        );
    }
    const replaceNodes = readNodeList(raw.replaceNodes, `${BLOCK}.replaceNodes`, issues);
    for (const issue of checkClusterOnDigitalOcean(spec, sizes)) issues.items.push(issue);

    if (issues.items.length > 0 || !region || !token || !vpc) return { issues: issues.items };
    return { issues: [], config: { region, token, vpc, sizes, image, sshKeys, apiDomain, replaceNodes } };
}

/**
 * The size slug of a node: its own `machineType`, else the role default.
 * @param config - the digitalocean config
 * @param role - the node's role
 * @param machineType - the node's `machineType`, if any
 */
export function sizeFor(config: Pick<DigitalOceanConfig, "sizes">, role: "control-plane" | "worker", machineType?: string): string {
    return machineTypeFor({ role, machineType }, config.sizes);
}

/** How a droplet reacts to a new image or bootstrap rendering (see {@link dropletChangePolicy}). */
export type DropletChangePolicy = MachineChangePolicy;

/**
 * User data is read once, at first boot, and a changed `userData` or `image` replaces a droplet: a
 * new rendering (rotated token, new script) must not rebuild every droplet at once. Both are ignored
 * except on the nodes listed in `replaceNodes`, which are rebuilt (drained first by the core).
 * @param config - the digitalocean config
 * @param nodeName - the NodePlan name
 */
export function dropletChangePolicy(config: Pick<DigitalOceanConfig, "replaceNodes">, nodeName: string): DropletChangePolicy {
    return replaceNodesPolicy(config.replaceNodes, nodeName, ["image", "userData"]);
}
