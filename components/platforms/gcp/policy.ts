/**
 * GCP policy adapter (found by the pack by folder name):  Compute Engine instances and instance templates, disks, firewall rules (by network
 * tag, source range or service account), Cloud Armor policies, and PD CSI StorageClasses (also inside
 * the manifest groups kubeforge installs them with). Reads every shape the provider offers for the
 * same fact, not only the ones kubeforge registers, so a user's own additions are judged too.
 *
 * GCP-specific readings, and why:
 * - Disks: Compute Engine encrypts every disk at rest (Google-managed keys, or CMEK / CSEK when set),
 *   with no way to turn it off, so every disk is reported encrypted.
 * - Metadata: the metadata server needs the `Metadata-Flavor: Google` header (GCP's answer to SSRF,
 *   as IMDSv2 tokens are AWS's) except on the legacy endpoints, which
 *   `disable-legacy-endpoints: "true"` turns off; that is reported as "tokens required". There is no
 *   hop limit: the metadata guard addon keeps pods off the server instead.
 * - Firewall groups are network tags: a rule's target tag is its group; an instance is a member of
 *   every tag it carries.
 * - A Cloud Armor policy's allow rules are ingress on the port its `kubeforge_io-port` label names
 *   (kubeforge labels the API's policy 6443), else on every TCP port.
 */
import { gunzipSync } from "node:zlib";
import type { NodeRole } from "../../core/types";
import { emptyFacts } from "../../../policies/facts";
import type {
    DiskFact,
    IngressFact,
    MachineFact,
    PlatformAdapter,
    ResourceFacts,
    ResourceView,
    TrafficSource,
} from "../../../policies/facts";
import { normaliseProtocol } from "../../../policies/net";
import { asArray, asRecord, asString, asStringMap, asStrings, field, isUnknown, keysOf } from "../../../policies/props";

/** Type tokens this adapter reads. */
export const GCP_TYPES = {
    instance: "gcp:compute/instance:Instance",
    instanceTemplate: "gcp:compute/instanceTemplate:InstanceTemplate",
    regionInstanceTemplate: "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
    disk: "gcp:compute/disk:Disk",
    firewall: "gcp:compute/firewall:Firewall",
    securityPolicy: "gcp:compute/securityPolicy:SecurityPolicy",
    globalForwardingRule: "gcp:compute/globalForwardingRule:GlobalForwardingRule",
    forwardingRule: "gcp:compute/forwardingRule:ForwardingRule",
    storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
    configGroup: "kubernetes:yaml/v2:ConfigGroup",
} as const;

/** Label keys kubeforge writes on GCP resources (labels cannot hold `.` or `/`). */
export const GCP_LABELS = {
    cluster: "kubeforge_io-cluster",
    role: "kubeforge_io-role",
    node: "kubeforge_io-node",
    port: "kubeforge_io-port",
} as const;

/** Largest metadata value Compute Engine accepts: the limit of user data and startup scripts as sent. */
export const METADATA_VALUE_LIMIT = 256 * 1024;

/** A machine's bootstrap as the conformance suite reads it (the neutral facts gain this field on branch `conf`). */
interface BootstrapFact {
    format: "cloud-config" | "powershell" | "ssh";
    text: string;
    sentBytes: number;
    limitBytes?: number;
}

/** The machine fact with the fields the lead adds on branch `conf` (node, failure domain, bootstrap). */
type GcpMachineFact = MachineFact & { node?: string; failureDomain?: string; bootstrap?: BootstrapFact };

/**
 * The decoded bootstrap in an instance's metadata: `user-data` (base64 when `user-data-encoding` says
 * so, gunzipped when it is gzip), or the Windows startup script. Undefined when absent or masked.
 * @param metadata - the instance's metadata map
 */
export function bootstrapOf(metadata: Record<string, unknown> | undefined): BootstrapFact | undefined {
    const script = asString(field(metadata, "windows-startup-script-ps1"));
    if (script !== undefined && script !== "[secret]") {
        return { format: "powershell", text: script, sentBytes: Buffer.byteLength(script, "utf8"), limitBytes: METADATA_VALUE_LIMIT };
    }
    const userData = asString(field(metadata, "user-data"));
    if (userData === undefined || userData === "[secret]") return undefined;
    let bytes = Buffer.from(userData, "utf8");
    if (asString(field(metadata, "user-data-encoding")) === "base64") bytes = Buffer.from(userData, "base64");
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    return {
        format: "cloud-config",
        text: bytes.toString("utf8"),
        sentBytes: Buffer.byteLength(userData, "utf8"),
        limitBytes: METADATA_VALUE_LIMIT,
    };
}

/** The port a forwarding rule listens on, when it is one port. */
function listenerPort(props: Record<string, unknown>): number | undefined {
    const range = asString(field(props, "portRange"));
    const ports = asStrings(field(props, "ports"));
    const text = range ?? (ports.length === 1 ? ports[0] : undefined);
    const [from, to] = (text ?? "").split("-").map(Number);
    return Number.isInteger(from) && (to === undefined || to === from) ? from : undefined;
}

const PD_PROVISIONERS = ["pd.csi.storage.gke.io", "kubernetes.io/gce-pd"];

function roleOf(labels: Record<string, string>): NodeRole | undefined {
    const role = labels[GCP_LABELS.role];
    return role === "control-plane" || role === "worker" ? role : undefined;
}

/** `["6443", "30000-32767"]` → port ranges; every port when the list is empty. */
function portRanges(ports: string[]): { fromPort: number; toPort: number }[] {
    if (ports.length === 0) return [{ fromPort: 0, toPort: 65535 }];
    return ports.map((p) => {
        const [from, to] = p.split("-").map(Number);
        return { fromPort: from, toPort: Number.isFinite(to) ? to : from };
    });
}

function sourcesOf(props: Record<string, unknown>): TrafficSource[] {
    const list = (key: string, make: (v: string) => TrafficSource): TrafficSource[] => {
        const value = field(props, key);
        if (isUnknown(value)) return [{ kind: "unknown" }];
        return asArray(value).map((v) => (isUnknown(v) ? { kind: "unknown" as const } : make(String(v))));
    };
    return [
        ...list("sourceRanges", (cidr) => ({ kind: "cidr", cidr })),
        ...list("sourceTags", (group) => ({ kind: "group", group })),
        ...list("sourceServiceAccounts", (group) => ({ kind: "group", group: `serviceAccount:${group}` })),
    ];
}

/** An ingress `allow` firewall rule: one fact per protocol and port range. */
function firewallIngress(props: Record<string, unknown>): IngressFact[] {
    if ((asString(field(props, "direction")) ?? "INGRESS") !== "INGRESS" || asString(field(props, "disabled")) === "true") return [];
    if (field(props, "disabled") === true) return [];
    let sources = sourcesOf(props);
    // A rule with no source at all admits 0.0.0.0/0 (Compute Engine's default for ingress).
    if (sources.length === 0) sources = [{ kind: "cidr", cidr: "0.0.0.0/0" }];
    const group = asStrings(field(props, "targetTags"))[0];
    return asArray(field(props, "allows")).flatMap((raw) => {
        const allow = asRecord(raw);
        const protocol = normaliseProtocol(asString(field(allow, "protocol")));
        return portRanges(asStrings(field(allow, "ports"))).map((range) => ({ protocol, ...range, sources, group }));
    });
}

/** Cloud Armor `allow` rules: ingress through the load balancers the policy protects. */
function securityPolicyIngress(props: Record<string, unknown>): IngressFact[] {
    const port = Number(asStringMap(field(props, "labels"))[GCP_LABELS.port]);
    const range = Number.isInteger(port) && port > 0 ? { fromPort: port, toPort: port } : { fromPort: 0, toPort: 65535 };
    return asArray(field(props, "rules")).flatMap((raw) => {
        const rule = asRecord(raw);
        if (asString(field(rule, "action")) !== "allow") return [];
        const ranges = asStrings(field(field(field(rule, "match"), "config"), "srcIpRanges"));
        const sources: TrafficSource[] = ranges.map((c) => ({ kind: "cidr", cidr: c === "*" ? "0.0.0.0/0" : c }));
        return sources.length > 0 ? [{ protocol: "tcp", ...range, sources }] : [];
    });
}

function encryptedDisk(label: string): DiskFact {
    return { label, encrypted: true };
}

function instanceFacts(facts: ResourceFacts, props: Record<string, unknown>, template: boolean): void {
    const labels = asStringMap(field(props, "labels"));
    const role = roleOf(labels);
    const cluster = labels[GCP_LABELS.cluster];
    const machine: GcpMachineFact = { role, cluster, groups: asStrings(field(props, "tags")) };
    const node = labels[GCP_LABELS.node];
    if (node) machine.node = node;
    const zone = asString(field(props, "zone"));
    if (zone && !template) machine.failureDomain = zone;
    const metadataMap = asRecord(field(props, "metadata"));
    const bootstrap = bootstrapOf(metadataMap);
    if (bootstrap) machine.bootstrap = bootstrap;
    facts.machine = machine;
    const disks = template ? asArray(field(props, "disks")) : [field(props, "bootDisk"), ...asArray(field(props, "attachedDisks"))];
    facts.disks = disks.filter((d) => d !== undefined).map((_, i) => encryptedDisk(i === 0 ? "boot disk" : `disk ${i}`));
    const metadata = asRecord(field(props, "metadata"));
    facts.metadata = {
        endpointDisabled: false,
        tokensRequired: asString(field(metadata, "disable-legacy-endpoints")) === "true",
        role,
    };
    if (cluster || !template) {
        facts.tagging = {
            subject: template ? "instance template" : "instance",
            cluster,
            present: keysOf(field(props, "labels")),
            required: [GCP_LABELS.cluster, GCP_LABELS.role],
        };
    }
}

/** A StorageClass of Persistent Disk / Hyperdisk volumes. */
function storageClassDisks(props: Record<string, unknown>): DiskFact[] {
    if (!PD_PROVISIONERS.includes(asString(field(props, "provisioner")) ?? "")) return [];
    return [encryptedDisk(`StorageClass ${asString(field(field(props, "metadata"), "name")) ?? "(unnamed)"}`)];
}

function describeGcp(resource: ResourceView): ResourceFacts {
    const facts = emptyFacts("gcp");
    const props = resource.props;
    switch (resource.type) {
        case GCP_TYPES.instance:
            instanceFacts(facts, props, false);
            break;
        case GCP_TYPES.instanceTemplate:
        case GCP_TYPES.regionInstanceTemplate:
            instanceFacts(facts, props, true);
            break;
        case GCP_TYPES.disk:
            facts.disks = [encryptedDisk("persistent disk")];
            break;
        case GCP_TYPES.firewall: {
            facts.ingress = firewallIngress(props);
            const target = asStrings(field(props, "targetTags"))[0];
            if (target) facts.firewallGroup = { id: target, role: target.endsWith("-control-plane") ? "control-plane" : undefined };
            break;
        }
        case GCP_TYPES.securityPolicy:
            facts.ingress = securityPolicyIngress(props);
            break;
        case GCP_TYPES.globalForwardingRule:
        case GCP_TYPES.forwardingRule: {
            const port = listenerPort(props);
            // The neutral facts gain `apiListener` on branch `conf`; only kubeforge's API rule is labelled as a cluster's.
            if (port !== undefined && asStringMap(field(props, "labels"))[GCP_LABELS.cluster])
                Object.assign(facts, { apiListener: { port } });
            break;
        }
        case GCP_TYPES.storageClass:
            facts.disks = storageClassDisks(props);
            break;
        case GCP_TYPES.configGroup:
            facts.disks = asArray(field(props, "objs")).flatMap((o) =>
                asString(field(o, "kind")) === "StorageClass" ? storageClassDisks(asRecord(o) ?? {}) : [],
            );
            break;
    }
    return facts;
}

/** The GCP adapter. */
export const gcpAdapter: PlatformAdapter = {
    platform: "gcp",
    claims: (type) => (Object.values(GCP_TYPES) as string[]).includes(type),
    describe: describeGcp,
};

export default gcpAdapter;
