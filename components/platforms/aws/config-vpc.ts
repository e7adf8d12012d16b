/**
 * The `kubeforge:aws.vpc` setting: a VPC kubeforge creates, or an existing one with its subnets.
 */
import type { ClusterSpec } from "../../core/types";
import { isRecord } from "../../core/fields";
import { MAX_VPC_PREFIX, MAX_ZONES, MIN_VPC_PREFIX, cidrsOverlap, formatCidr, parseIpv4Network } from "../../core/cidr";

const VPC_ID_RE = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID_RE = /^subnet-[0-9a-f]{8,17}$/;

/** A VPC kubeforge creates and owns. */
export interface NewVpc {
    /** Discriminator: kubeforge creates the VPC. */
    kind: "new";
    /** VPC range (defaults to `kubeforge:network.nodeCidr`). */
    cidr: string;
    /** One NAT gateway per zone (zone-independent egress) or one for the cluster (cheaper). */
    natGateways: "perZone" | "single";
}

/** Subnets of one zone in an existing VPC. */
export interface ExistingZoneSubnets {
    /** Subnet for the API load balancer (routes to an internet gateway). */
    public: string;
    /** Subnet for the nodes (routes to a NAT). */
    private: string;
}

/** An existing VPC the cluster joins (its subnets are tagged `shared`, never modified otherwise). */
export interface ExistingVpc {
    /** Discriminator: the VPC exists already. */
    kind: "existing";
    /** `vpc-...` id. */
    vpcId: string;
    /** Subnets per zone, one entry for every zone in `availabilityZones`. */
    subnetIds: Record<string, ExistingZoneSubnets>;
    /**
     * Public egress addresses of the VPC (its NAT gateways' IPs as /32s): nodes reach the public API
     * endpoint from these, so the load balancer must admit them.
     */
    egressCidrs: string[];
}

/**
 * Validates `kubeforge:aws.vpc`.
 *
 * @param raw - the block as written
 * @param zones - the validated availability zones (existing subnets are checked against them)
 * @param spec - the validated cluster (its address ranges must not overlap the VPC's)
 * @param issue - records a problem at a path under `kubeforge:aws`
 */
export function parseVpc(
    raw: unknown,
    zones: string[],
    spec: ClusterSpec,
    issue: (path: string, message: string) => void,
): NewVpc | ExistingVpc | undefined {
    const block = raw === undefined ? {} : raw;
    if (!isRecord(block)) {
        issue(
            "vpc",
            "is not an object; write `{ cidr: 10.0.0.0/16 }` to create a VPC, or `{ existingVpcId, subnetIds, egressCidrs }` to use one",
        );
        return undefined;
    }
    if (block.existingVpcId !== undefined && block.cidr !== undefined) {
        issue("vpc", "has both `cidr` and `existingVpcId`; keep `cidr` to create a VPC or `existingVpcId` to use one");
        return undefined;
    }
    if (block.existingVpcId !== undefined) return parseExistingVpc(block, zones, issue);

    for (const key of Object.keys(block)) {
        if (!["cidr", "natGateways"].includes(key)) {
            issue(
                `vpc.${key}`,
                "unknown setting for a created VPC; known settings are cidr, natGateways (existing VPCs: existingVpcId, subnetIds, egressCidrs)",
            );
        }
    }
    let ok = true;
    const cidrText = block.cidr === undefined ? spec.network.nodeCidr : block.cidr;
    const cidr = typeof cidrText === "string" ? parseIpv4Network(cidrText) : undefined;
    if (typeof cidrText === "string" && cidrText.includes(":")) {
        issue(
            "vpc.cidr",
            `is IPv6 (${String(cidrText)}${block.cidr === undefined ? ", from kubeforge:network.nodeCidr" : ""}), but the aws VPC is IPv4-only (IPv6 and dual stack are not supported yet); set kubeforge:network.nodeCidr to an IPv4 range such as \`10.0.0.0/16\``,
        );
        ok = false;
    } else if (!cidr || cidr.prefix < MIN_VPC_PREFIX || cidr.prefix > MAX_VPC_PREFIX) {
        issue(
            "vpc.cidr",
            `must be an IPv4 network between /${MIN_VPC_PREFIX} and /${MAX_VPC_PREFIX} (defaults to kubeforge:network.nodeCidr); use one such as \`10.0.0.0/16\``,
        );
        ok = false;
    } else {
        if (block.cidr !== undefined && formatCidr(cidr) !== normalise(spec.network.nodeCidr)) {
            issue(
                "vpc.cidr",
                `differs from kubeforge:network.nodeCidr (${spec.network.nodeCidr}); the VPC is the node network, so set network.nodeCidr instead and drop vpc.cidr`,
            );
            ok = false;
        }
        for (const [name, text] of [
            ["podCidr", spec.network.podCidr],
            ["serviceCidr", spec.network.serviceCidr],
        ] as const) {
            const other = typeof text === "string" ? parseIpv4Network(text) : undefined;
            if (other && cidrsOverlap(cidr, other)) {
                issue(
                    "vpc.cidr",
                    `overlaps kubeforge:network.${name} (${text}); pick disjoint ranges so pod and service traffic is not routed into the VPC`,
                );
                ok = false;
            }
        }
    }
    if (zones.length > MAX_ZONES) {
        issue("availabilityZones", `a created VPC holds at most ${MAX_ZONES} zones; list fewer zones or use an existing VPC`);
        ok = false;
    }
    let natGateways: NewVpc["natGateways"] = "perZone";
    if (block.natGateways !== undefined) {
        if (block.natGateways !== "perZone" && block.natGateways !== "single") {
            issue("vpc.natGateways", "is not a NAT layout; use `perZone` (one NAT per zone, survives a zone outage) or `single` (cheaper)");
            ok = false;
        } else natGateways = block.natGateways;
    }
    return ok && cidr ? { kind: "new", cidr: formatCidr(cidr), natGateways } : undefined;
}

function normalise(text: unknown): string | undefined {
    const c = typeof text === "string" ? parseIpv4Network(text) : undefined;
    return c ? formatCidr(c) : undefined;
}

function parseExistingVpc(
    block: Record<string, unknown>,
    zones: string[],
    issue: (path: string, message: string) => void,
): ExistingVpc | undefined {
    let ok = true;
    for (const key of Object.keys(block)) {
        if (!["existingVpcId", "subnetIds", "egressCidrs"].includes(key)) {
            issue(`vpc.${key}`, "unknown setting for an existing VPC; known settings are existingVpcId, subnetIds, egressCidrs");
            ok = false;
        }
    }
    const vpcId = block.existingVpcId;
    if (typeof vpcId !== "string" || !VPC_ID_RE.test(vpcId)) {
        issue("vpc.existingVpcId", "is not a VPC id; use one such as `vpc-0123456789abcdef0`");
        ok = false;
    }
    const subnetIds: Record<string, ExistingZoneSubnets> = {};
    if (!isRecord(block.subnetIds)) {
        issue("vpc.subnetIds", "must map every zone to its subnets: `{ us-east-1a: { public: subnet-..., private: subnet-... } }`");
        ok = false;
    } else {
        for (const zone of Object.keys(block.subnetIds)) {
            if (!zones.includes(zone)) {
                issue(`vpc.subnetIds.${zone}`, "is not one of availabilityZones; remove it or add the zone to availabilityZones");
                ok = false;
            }
        }
        for (const zone of zones) {
            const entry = block.subnetIds[zone];
            if (!isRecord(entry)) {
                issue(
                    `vpc.subnetIds.${zone}`,
                    "is missing; give `{ public: subnet-..., private: subnet-... }` for every zone in availabilityZones",
                );
                ok = false;
                continue;
            }
            for (const kind of ["public", "private"] as const) {
                if (typeof entry[kind] !== "string" || !SUBNET_ID_RE.test(entry[kind] as string)) {
                    issue(
                        `vpc.subnetIds.${zone}.${kind}`,
                        "is not a subnet id; use the id of a subnet in that zone, such as `subnet-0123456789abcdef0`",
                    );
                    ok = false;
                }
            }
            if (ok) subnetIds[zone] = { public: entry.public as string, private: entry.private as string };
        }
    }
    const egressCidrs: string[] = [];
    if (block.egressCidrs !== undefined) {
        if (!Array.isArray(block.egressCidrs)) {
            issue("vpc.egressCidrs", "must be a list of CIDRs; list the VPC's NAT gateway addresses as /32");
            ok = false;
        } else {
            block.egressCidrs.forEach((c: unknown, i: number) => {
                const parsed = typeof c === "string" ? parseIpv4Network(c) : undefined;
                if (!parsed) {
                    issue(`vpc.egressCidrs[${i}]`, "is not an IPv4 CIDR; write one such as `198.51.100.7/32`");
                    ok = false;
                } else if (parsed.prefix === 0) {
                    issue(`vpc.egressCidrs[${i}]`, "0.0.0.0/0 would open the API to everyone; list the NAT addresses");
                    ok = false;
                } else egressCidrs.push(formatCidr(parsed));
            });
        }
    } else {
        issue(
            "vpc.egressCidrs",
            "is required with an existing VPC; list its NAT gateway addresses (/32) so nodes can reach the public API endpoint",
        );
        ok = false;
    }
    return ok ? { kind: "existing", vpcId: vpcId as string, subnetIds, egressCidrs } : undefined;
}

/** Where the nodes live: private subnets behind NAT (the default), or public subnets with public IPv4. */
export type Topology = "private" | "public";

/** The values `kubeforge:aws.topology` accepts, the default first. */
export const TOPOLOGIES: readonly Topology[] = ["private", "public"];

/**
 * Validates `kubeforge:aws.topology`. `private` (the default, what every stack made before has): nodes
 * in private subnets, egress through NAT gateways. `public`: nodes in the public subnets with a public
 * IPv4 address and egress through the internet gateway, no NAT gateway (cheaper, and the cluster is
 * ready sooner: nothing waits for a NAT gateway's ~100 s); the security groups are the same, so only
 * the firewall matrix's sources reach node ports. Only for a VPC kubeforge creates: an existing VPC's
 * egress is its own (its `subnetIds.private` take the nodes).
 *
 * @param raw - the value as written
 * @param vpc - the validated `vpc` block (undefined when it was invalid)
 * @param issue - records a problem at a path under `kubeforge:aws`
 */
export function parseTopology(
    raw: unknown,
    vpc: NewVpc | ExistingVpc | undefined,
    issue: (path: string, message: string) => void,
): Topology {
    if (raw === undefined) return "private";
    if (typeof raw !== "string" || !(TOPOLOGIES as readonly string[]).includes(raw)) {
        issue(
            "topology",
            `is ${JSON.stringify(raw)}, not a topology; use \`private\` (nodes behind NAT, the default) or \`public\` (nodes in the public subnets with public IPv4, no NAT gateway)`,
        );
        return "private";
    }
    if (raw === "public" && vpc?.kind === "existing") {
        issue(
            "topology",
            "`public` applies to a VPC kubeforge creates; with an existing VPC the nodes use its `subnetIds.<zone>.private` subnets and its own egress, so drop `topology`",
        );
    }
    return raw as Topology;
}
