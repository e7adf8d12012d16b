/**
 * Azure policy adapter: virtual machines, managed disks, network security groups and their rules,
 * application security groups, the API load balancer, and StorageClasses of the azuredisk driver.
 * Reads every shape Azure offers for the same fact (inline NSG rules as well as `SecurityRule`
 * resources, plural prefix lists as well as single ones), so a user's own additions are judged too.
 *
 * Facts worth knowing:
 * - Azure encrypts every managed disk at rest (platform keys), and it cannot be switched off; only an
 *   unmanaged VHD (a page blob) is reported unencrypted.
 * - Sources `*`, `Internet`, `Any` and `0.0.0.0/0` are the whole internet. `VirtualNetwork`,
 *   `AzureLoadBalancer` and application security groups are groups (an ASG's role is its tag).
 * - Azure IMDS needs no token and has no hop limit, so no metadata fact is reported; pods are kept
 *   from it by the metadata guard (components/addons/metadataGuard.ts) instead.
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
import { AZURE_TAGS } from "./tags";
import { CUSTOM_DATA_LIMIT_BYTES } from "./bootstrap";

/**
 * The decoded user data of a machine, as the conformance suite reads it (policies/facts.ts
 * `BootstrapFact` on the lead's branch; declared here until the shared type lands).
 */
export interface AzureBootstrapFact {
    /** What the machine receives. */
    format: "cloud-config" | "powershell";
    /** The decoded text. */
    text: string;
    /** Bytes sent to Azure before base64 (gzip included), the number Azure's limit applies to. */
    sentBytes: number;
    /** Azure's customData limit. */
    limitBytes: number;
}

/** A machine fact with the node, zone and bootstrap the conformance suite reads. */
export type AzureMachineFact = MachineFact & { node?: string; failureDomain?: string; bootstrap?: AzureBootstrapFact };

/** Facts with the API listener the conformance suite reads. */
export type AzureResourceFacts = ResourceFacts & { apiListener?: { port: number } };

/**
 * Decodes `osProfile.customData` (base64, gzipped for cloud-init); undefined while it is secret-masked or unknown.
 * @param value - the customData property
 */
export function decodeCustomData(value: unknown): AzureBootstrapFact | undefined {
    if (typeof value !== "string" || !/^[A-Za-z0-9+/]+=*$/.test(value)) return undefined;
    const raw = Buffer.from(value, "base64");
    const gzipped = raw.length > 2 && raw[0] === 0x1f && raw[1] === 0x8b;
    const text = (gzipped ? gunzipSync(raw) : raw).toString("utf8");
    return {
        format: text.startsWith("#cloud-config") ? "cloud-config" : "powershell",
        text,
        sentBytes: raw.length,
        limitBytes: CUSTOM_DATA_LIMIT_BYTES,
    };
}

/** Type tokens this adapter reads. */
export const AZURE_TYPES = {
    virtualMachine: "azure-native:compute:VirtualMachine",
    disk: "azure-native:compute:Disk",
    networkSecurityGroup: "azure-native:network:NetworkSecurityGroup",
    securityRule: "azure-native:network:SecurityRule",
    applicationSecurityGroup: "azure-native:network:ApplicationSecurityGroup",
    loadBalancer: "azure-native:network:LoadBalancer",
    storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
} as const;

const DISK_PROVISIONERS = ["disk.csi.azure.com", "kubernetes.io/azure-disk"];
const WORLD = ["*", "internet", "any", "0.0.0.0/0", "::/0"];

function roleOf(tags: Record<string, string>): NodeRole | undefined {
    const role = tags[AZURE_TAGS.role];
    return role === "control-plane" || role === "worker" ? role : undefined;
}

function prefixSource(prefix: string): TrafficSource {
    if (WORLD.includes(prefix.toLowerCase())) return { kind: "cidr", cidr: prefix.includes(":") ? "::/0" : "0.0.0.0/0" };
    if (/^[0-9a-fA-F:.]+(\/\d+)?$/.test(prefix))
        return { kind: "cidr", cidr: prefix.includes("/") ? prefix : `${prefix}/${prefix.includes(":") ? 128 : 32}` };
    return { kind: "group", group: prefix };
}

function sourcesOf(rule: Record<string, unknown>): TrafficSource[] {
    const out: TrafficSource[] = [];
    for (const key of ["sourceAddressPrefix", "sourceAddressPrefixes"]) {
        const value = field(rule, key);
        if (isUnknown(value)) out.push({ kind: "unknown" });
        else for (const p of typeof value === "string" ? [value] : asStrings(value)) out.push(prefixSource(p));
    }
    for (const raw of asArray(field(rule, "sourceApplicationSecurityGroups"))) {
        const id = field(raw, "id");
        if (isUnknown(id)) out.push({ kind: "unknown" });
        else if (asString(id)) out.push({ kind: "group", group: asString(id) as string });
    }
    return out;
}

function portRanges(rule: Record<string, unknown>): { fromPort: number; toPort: number }[] {
    const ranges = [asString(field(rule, "destinationPortRange")), ...asStrings(field(rule, "destinationPortRanges"))].filter(
        (r): r is string => r !== undefined,
    );
    if (ranges.length === 0) return [{ fromPort: 0, toPort: 65535 }];
    return ranges.map((r) => {
        if (r === "*") return { fromPort: 0, toPort: 65535 };
        const [from, to] = r.split("-").map(Number);
        return { fromPort: from, toPort: Number.isFinite(to) ? to : from };
    });
}

/** Inbound allow rules of one NSG rule (Azure shape: `properties` flattened by the provider). */
function ingressOf(rule: Record<string, unknown>, group: string | undefined): IngressFact[] {
    if (asString(field(rule, "direction"))?.toLowerCase() !== "inbound") return [];
    if (asString(field(rule, "access"))?.toLowerCase() !== "allow") return [];
    const protocol = normaliseProtocol(asString(field(rule, "protocol")));
    const sources = sourcesOf(rule);
    return portRanges(rule).map((ports) => ({ protocol, ...ports, sources, group }));
}

function vmDisks(props: Record<string, unknown>): DiskFact[] {
    const storage = asRecord(field(props, "storageProfile"));
    const os = asRecord(field(storage, "osDisk"));
    const disks: DiskFact[] = [];
    const describe = (label: string, disk: Record<string, unknown> | undefined): DiskFact => ({
        label,
        // A VHD in a storage account (unmanaged) is the one shape without managed-disk encryption.
        encrypted: field(disk, "vhd") === undefined,
        fix: "use a managed disk (managedDisk) instead of a VHD in a storage account",
    });
    if (os) disks.push(describe("OS disk", os));
    for (const raw of asArray(field(storage, "dataDisks"))) {
        const d = asRecord(raw);
        disks.push(describe(`data disk ${String(field(d, "lun") ?? "?")}`, d));
    }
    return disks;
}

function describeAzure(resource: ResourceView): ResourceFacts {
    const facts: AzureResourceFacts = emptyFacts("azure");
    const props = resource.props;
    const tags = asStringMap(field(props, "tags"));
    switch (resource.type) {
        case AZURE_TYPES.virtualMachine: {
            const cluster = tags[AZURE_TAGS.cluster];
            const role = roleOf(tags);
            const zones = asStrings(field(props, "zones"));
            const machine: AzureMachineFact = {
                role,
                cluster,
                groups: [],
                node: tags[AZURE_TAGS.node] ?? asString(field(props, "vmName")),
                failureDomain: zones[0] ?? tags[AZURE_TAGS.failureDomain],
                bootstrap: decodeCustomData(field(field(props, "osProfile"), "customData")),
            };
            facts.machine = machine;
            facts.disks = vmDisks(props);
            facts.tagging = {
                subject: "virtual machine",
                cluster,
                present: keysOf(field(props, "tags")),
                required: [AZURE_TAGS.cluster, AZURE_TAGS.role],
            };
            break;
        }
        case AZURE_TYPES.disk:
            facts.disks = [{ label: "managed disk", encrypted: true }];
            break;
        case AZURE_TYPES.networkSecurityGroup: {
            const id = asString(field(props, "id"));
            facts.firewallGroup = { id, role: roleOf(tags) };
            facts.ingress = asArray(field(props, "securityRules")).flatMap((r) => ingressOf(asRecord(r) ?? {}, id));
            break;
        }
        case AZURE_TYPES.securityRule:
            facts.ingress = ingressOf(props, asString(field(props, "networkSecurityGroupName")));
            break;
        case AZURE_TYPES.loadBalancer: {
            // The API's load balancer (kubeforge tags it); Service load balancers are the CCM's, not in the stack.
            if (tags["kubeforge-endpoint"] !== "api") break;
            const port = asArray(field(props, "loadBalancingRules"))
                .map((r) => field(r, "frontendPort"))
                .find((p): p is number => typeof p === "number");
            if (port !== undefined) facts.apiListener = { port };
            break;
        }
        case AZURE_TYPES.applicationSecurityGroup:
            facts.firewallGroup = { id: asString(field(props, "id")), role: roleOf(tags) };
            break;
        case AZURE_TYPES.storageClass: {
            if (!DISK_PROVISIONERS.includes(asString(field(props, "provisioner")) ?? "")) break;
            const name = asString(field(field(props, "metadata"), "name")) ?? "(unnamed)";
            // Managed disks are always encrypted at rest; a disk encryption set only changes whose key.
            facts.disks = [{ label: `StorageClass ${name}`, encrypted: true }];
            break;
        }
    }
    return facts;
}

/** The Azure adapter. */
export const azureAdapter: PlatformAdapter = {
    platform: "azure",
    claims: (type) => (Object.values(AZURE_TYPES) as string[]).includes(type),
    describe: describeAzure,
};

/** Found by the pack by folder name (kit contract). */
export default azureAdapter;
