/**
 * The DigitalOcean policy adapter: droplets, Cloud Firewalls and load balancers as neutral facts.
 * Handles every shape DigitalOcean offers for the same fact, not only what kubeforge registers (a
 * firewall rule by droplet id as well as by tag, a load balancer without a firewall), so a user's own
 * additions to the stack are judged too. Pure: reads properties, imports no provider.
 *
 * What is deliberately not reported:
 * - metadata settings: the droplet metadata service has no session tokens or hop limit to set (the
 *   metadata guard addon keeps pods off it instead), so the IMDS policies do not apply;
 * - disks: droplets and volumes have no encryption setting to judge.
 */
import type { NodeRole } from "../../core/types";
import { emptyFacts } from "../../../policies/facts";
import type { IngressFact, PlatformAdapter, ResourceFacts, ResourceView, TrafficSource } from "../../../policies/facts";
import { asArray, asNumber, asRecord, asString, asStrings, field, isUnknown } from "../../../policies/props";
import { USER_DATA_LIMIT_BYTES } from "./catalog";
import { IDENTITY_TAG } from "./tags";

/** Type tokens this adapter reads. */
export const DO_TYPES = {
    droplet: "digitalocean:index/droplet:Droplet",
    firewall: "digitalocean:index/firewall:Firewall",
    loadBalancer: "digitalocean:index/loadBalancer:LoadBalancer",
} as const;

const PLATFORM = "digitalocean";
const WORLD: TrafficSource[] = [
    { kind: "cidr", cidr: "0.0.0.0/0" },
    { kind: "cidr", cidr: "::/0" },
];

/** Known tags of a resource (values not known yet are skipped). */
function tagsOf(props: Record<string, unknown>): string[] {
    return asArray(field(props, "tags")).flatMap((t) => (typeof t === "string" ? [t] : []));
}

/** The value of an identity tag (`kubeforge-role:worker` gives `worker`). */
function tagValue(tags: string[], prefix: string): string | undefined {
    return tags.find((t) => t.startsWith(prefix))?.slice(prefix.length);
}

/** A DigitalOcean port range (`22`, `30000-32767`, `all`, absent for icmp) as numbers. */
export function portsOf(protocol: string, range: unknown): { fromPort: number; toPort: number } {
    const text = asString(range);
    if (protocol === "icmp" || text === undefined || text === "all" || text === "0" || text === "1-65535")
        return { fromPort: 0, toPort: 65535 };
    const [from, to] = text.split("-").map(Number);
    if (!Number.isFinite(from)) return { fromPort: 0, toPort: 65535 };
    return { fromPort: from, toPort: Number.isFinite(to) ? to : from };
}

/** Sources from a list of ids or CIDRs; values not known yet become `unknown`. */
function sourcesFrom(value: unknown, make: (v: string) => TrafficSource): TrafficSource[] {
    if (value === undefined || value === null) return [];
    if (isUnknown(value)) return [{ kind: "unknown" }];
    return asArray(value).flatMap((v): TrafficSource[] => (isUnknown(v) ? [{ kind: "unknown" }] : typeof v === "string" ? [make(v)] : []));
}

function describeDroplet(r: ResourceView): ResourceFacts {
    const tags = tagsOf(r.props);
    const role = tagValue(tags, IDENTITY_TAG.role);
    const userData = field(r.props, "userData");
    const text = typeof userData === "string" ? userData : undefined;
    const present = [...new Set(tags.map((t) => (t.includes(":") ? t.slice(0, t.indexOf(":") + 1) : t)))];
    return {
        ...emptyFacts(PLATFORM),
        machine: {
            role: role === "control-plane" || role === "worker" ? (role as NodeRole) : undefined,
            cluster: tagValue(tags, IDENTITY_TAG.cluster),
            // Firewalls select droplets by tag: a droplet is in every "group" its tags name.
            groups: tags,
            node: tagValue(tags, IDENTITY_TAG.node),
            // Where it really is: the region it is created in (DigitalOcean has no zones).
            failureDomain: asString(field(r.props, "region")),
            bootstrap: text?.startsWith("#cloud-config")
                ? { format: "cloud-config", text, sentBytes: Buffer.byteLength(text, "utf8"), limitBytes: USER_DATA_LIMIT_BYTES }
                : undefined,
        },
        tagging: {
            subject: "droplet",
            cluster: tagValue(tags, IDENTITY_TAG.cluster),
            present,
            required: [IDENTITY_TAG.cluster, IDENTITY_TAG.role],
        },
    };
}

function describeFirewall(r: ResourceView): ResourceFacts {
    const targets = asStrings(field(r.props, "tags"));
    const group = targets[0];
    const ingress = asArray(field(r.props, "inboundRules")).flatMap((raw): IngressFact[] => {
        const rule = asRecord(raw);
        if (!rule) return [];
        const protocol = asString(field(rule, "protocol")) ?? "all";
        const sources: TrafficSource[] = [
            ...sourcesFrom(field(rule, "sourceAddresses"), (c) => ({ kind: "cidr", cidr: c })),
            ...sourcesFrom(field(rule, "sourceTags"), (t) => (t === group ? { kind: "self" } : { kind: "group", group: t })),
            ...sourcesFrom(field(rule, "sourceDropletIds"), (id) => ({ kind: "group", group: `droplet:${id}` })),
            ...sourcesFrom(field(rule, "sourceLoadBalancerUids"), (id) => ({ kind: "group", group: `load-balancer:${id}` })),
            ...sourcesFrom(field(rule, "sourceKubernetesIds"), (id) => ({ kind: "group", group: `kubernetes:${id}` })),
        ];
        return [{ protocol, ...portsOf(protocol, field(rule, "portRange")), sources, group }];
    });
    return { ...emptyFacts(PLATFORM), ingress, firewallGroup: group ? { id: group } : undefined };
}

/** `cidr:10.0.0.0/8` / `ip:192.0.2.7` (a load balancer firewall entry) as a source. */
function lbSource(entry: string): TrafficSource {
    const [kind, value] = [entry.slice(0, entry.indexOf(":")), entry.slice(entry.indexOf(":") + 1)];
    if (kind === "ip") return { kind: "cidr", cidr: value.includes(":") ? `${value}/128` : `${value}/32` };
    return { kind: "cidr", cidr: kind === "cidr" ? value : entry };
}

function describeLoadBalancer(r: ResourceView): ResourceFacts {
    const rules = asArray(field(r.props, "forwardingRules")).flatMap((raw) => {
        const rule = asRecord(raw);
        const entryPort = asNumber(field(rule, "entryPort"));
        return rule && entryPort !== undefined
            ? [
                  {
                      entryPort,
                      targetPort: asNumber(field(rule, "targetPort")),
                      protocol: (asString(field(rule, "entryProtocol")) ?? "tcp").toLowerCase(),
                  },
              ]
            : [];
    });
    const internal = asString(field(r.props, "network")) === "INTERNAL";
    const allows = field(field(r.props, "firewall"), "allows");
    // An external load balancer with no allow list takes every source; an internal one only its VPC.
    const sources: TrafficSource[] = internal
        ? [{ kind: "group", group: `vpc:${asString(field(r.props, "vpcUuid")) ?? "unknown"}` }]
        : allows === undefined || (Array.isArray(allows) && allows.length === 0)
          ? WORLD
          : sourcesFrom(allows, lbSource);
    const ingress: IngressFact[] = rules.map((rule) => ({
        protocol: ["http", "https", "http2", "http3"].includes(rule.protocol) ? "tcp" : rule.protocol,
        fromPort: rule.entryPort,
        toPort: rule.entryPort,
        sources,
    }));
    const api = rules.find((rule) => rule.targetPort === 6443);
    return { ...emptyFacts(PLATFORM), ingress, apiListener: api ? { port: api.entryPort } : undefined };
}

/** The DigitalOcean adapter. */
export const digitalOceanAdapter: PlatformAdapter = {
    platform: PLATFORM,
    claims: (type) => (Object.values(DO_TYPES) as string[]).includes(type),
    describe(resource) {
        switch (resource.type) {
            case DO_TYPES.droplet:
                return describeDroplet(resource);
            case DO_TYPES.firewall:
                return describeFirewall(resource);
            case DO_TYPES.loadBalancer:
                return describeLoadBalancer(resource);
            default:
                return emptyFacts(PLATFORM);
        }
    },
};

export default digitalOceanAdapter;
