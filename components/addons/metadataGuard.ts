/**
 * The metadata-endpoint guard: a CNI-level policy that stops pods from reading the node's cloud
 * identity (managed-identity / service-account tokens, user data) from the instance metadata
 * service, while pods on the host network (the cloud controller, CSI drivers, CNI agents) keep it.
 *
 * Why it is needed: on Azure, GCP and DigitalOcean any pod can reach 169.254.169.254 and, on Azure
 * and GCP, ask it for a token of the identity attached to the VM (the one the CCM and CSI driver use,
 * with rights over the cluster's resource group or project). AWS limits this with the IMDSv2 hop
 * limit; no such knob exists elsewhere. No anchor (Typhoon, KubeOne, CAPZ) installs such a policy by
 * default; AKS blocks the Azure WireServer from pods with iptables (Azure/AgentBaker
 * `block_wireserver.sh`, PR #4470, after the 2024 "WireServing" report).
 *
 * How "host network unaffected" holds by construction, not by an exception list:
 * - Cilium: a `CiliumClusterwideNetworkPolicy` with an `endpointSelector` selects Cilium endpoints,
 *   i.e. pods with their own network namespace. Host-network pods are not endpoints (their traffic
 *   belongs to the `host` identity, which only `nodeSelector` policies, the host firewall, select).
 *   `enableDefaultDeny: {egress: false, ingress: false}` keeps the selected pods default-allow:
 *   without it Cilium turns default deny on for every direction a policy has rules in, `egressDeny`
 *   included (Cilium `Rule.EnableDefaultDeny` docs), which would cut every pod's egress.
 * - Calico: a `GlobalNetworkPolicy` applies to workload endpoints (pods with their own interface)
 *   and to host endpoints. Host-network pods are neither; the selector
 *   `has(projectcalico.org/namespace)` matches only workload endpoints (host endpoints live in no
 *   namespace), so nodes stay untouched even where host endpoints exist. The policy sits in its own
 *   tier, ordered first, whose default action is `Pass`: traffic the guard does not deny goes on to
 *   the next tier (Kubernetes NetworkPolicies in `default`), so the guard neither allows what a user's
 *   policy denies nor puts pods into default deny (Calico `Tier` reference, `defaultAction`, 3.29+).
 *   The `projectcalico.org/v3` API is served by the Calico API server, which the tigera-operator
 *   chart enables by default.
 */
import type { CniName } from "../core/types";

/** An address pods must not reach, and on which ports. */
export interface GuardedEndpoint {
    /** Short id, used in rule descriptions and tests. */
    id: string;
    /** The address as a single-host CIDR, e.g. `169.254.169.254/32`. */
    cidr: string;
    /** TCP ports to deny; every protocol and port when absent. */
    tcpPorts?: number[];
    /** Why pods must not reach it (shown in the policy's description). */
    reason: string;
}

/**
 * The instance metadata service of Azure, GCP, DigitalOcean (and AWS): 169.254.169.254, every port
 * and protocol. Azure IMDS serves managed-identity tokens at `/metadata/identity/oauth2/token`, GCP
 * service-account tokens, DigitalOcean user data.
 */
export const INSTANCE_METADATA: GuardedEndpoint = {
    id: "instance-metadata",
    cidr: "169.254.169.254/32",
    reason: "instance metadata service: the node's identity tokens and user data",
};

/**
 * Azure's WireServer and HostGAPlugin on 168.63.129.16, TCP 80 and 32526: they hand out the VM's
 * goal state and extension settings (a CustomScriptExtension's settings carry a node bootstrap). The
 * same address answers DNS on 53 for every VM in a VNet (CoreDNS forwards there, from the pod
 * network), serves DHCP and the load balancer's probes, so only these two TCP ports are closed, as
 * AKS does (Azure/AgentBaker `block_wireserver.sh`).
 */
export const AZURE_WIRESERVER: GuardedEndpoint = {
    id: "azure-wireserver",
    cidr: "168.63.129.16/32",
    tcpPorts: [80, 32526],
    reason: "Azure WireServer and HostGAPlugin: the VM's goal state and extension settings",
};

/** Name of the Cilium policy, the Calico tier and the Calico policy (tier-prefixed, as Calico requires). */
export const GUARD_NAME = "kubeforge-metadata-guard";
/** The Calico tier the guard lives in. */
export const GUARD_TIER = "kubeforge";
/**
 * Order of the guard's tier: before Calico's admin-network-policy tiers (1,000) and the `default`
 * tier (1,000,000), so no NetworkPolicy can allow what the guard denies.
 */
export const GUARD_TIER_ORDER = 100;
/** Selector of every Calico workload endpoint (pod) and of no host endpoint. */
export const CALICO_ALL_PODS = "has(projectcalico.org/namespace)";

const LABELS = { "app.kubernetes.io/managed-by": "kubeforge", "app.kubernetes.io/name": "metadata-guard" };

/** A Kubernetes object as a plain value (what a manifest addon holds). */
export type K8sObject = Record<string, unknown>;

/** The guard as a manifest addon; structurally an `AddonSpec` of kind `manifest`. */
export interface MetadataGuardAddon {
    /** Always `manifest`. */
    kind: "manifest";
    /** Addon name (the Pulumi resource name suffix). */
    name: string;
    /** The policy objects, applied in order (a Calico tier before its policy). */
    objects: K8sObject[];
}

function description(endpoints: readonly GuardedEndpoint[]): string {
    return (
        "kubeforge: pods outside the host network may not reach " +
        endpoints.map((e) => `${e.cidr}${e.tcpPorts ? ` tcp/${e.tcpPorts.join(",")}` : ""} (${e.reason})`).join("; ")
    );
}

/**
 * The Cilium form: one cluster-wide policy, deny rules only, default-allow kept.
 * @param endpoints - the addresses to close
 */
export function ciliumGuard(endpoints: readonly GuardedEndpoint[]): K8sObject {
    return {
        apiVersion: "cilium.io/v2",
        kind: "CiliumClusterwideNetworkPolicy",
        metadata: { name: GUARD_NAME, labels: { ...LABELS } },
        spec: {
            description: description(endpoints),
            // Empty selector: every endpoint (pod) in every namespace, kube-system included.
            endpointSelector: {},
            enableDefaultDeny: { egress: false, ingress: false },
            egressDeny: endpoints.map((e) =>
                e.tcpPorts
                    ? { toCIDR: [e.cidr], toPorts: [{ ports: e.tcpPorts.map((p) => ({ port: String(p), protocol: "TCP" })) }] }
                    : { toCIDR: [e.cidr] },
            ),
        },
    };
}

/**
 * The Calico form: a tier ordered first with default action `Pass`, and one global policy in it
 * denying the endpoints, then passing everything else to the next tier explicitly.
 * @param endpoints - the addresses to close
 */
export function calicoGuard(endpoints: readonly GuardedEndpoint[]): K8sObject[] {
    const tier: K8sObject = {
        apiVersion: "projectcalico.org/v3",
        kind: "Tier",
        metadata: { name: GUARD_TIER, labels: { ...LABELS } },
        spec: { order: GUARD_TIER_ORDER, defaultAction: "Pass" },
    };
    const policy: K8sObject = {
        apiVersion: "projectcalico.org/v3",
        kind: "GlobalNetworkPolicy",
        metadata: {
            name: `${GUARD_TIER}.${GUARD_NAME}`,
            labels: { ...LABELS },
            annotations: { "kubeforge.io/description": description(endpoints) },
        },
        spec: {
            tier: GUARD_TIER,
            order: 10,
            selector: CALICO_ALL_PODS,
            types: ["Egress"],
            egress: [
                ...endpoints.map((e) =>
                    e.tcpPorts
                        ? { action: "Deny", protocol: "TCP", destination: { nets: [e.cidr], ports: [...e.tcpPorts] } }
                        : { action: "Deny", destination: { nets: [e.cidr] } },
                ),
                // Explicit as well as the tier's defaultAction: older Calico without defaultAction
                // would otherwise drop at the end of the tier.
                { action: "Pass" },
            ],
        },
    };
    return [tier, policy];
}

/**
 * The guard objects for the cluster's CNI; none for `cni: none` (kubeforge does not know the
 * user's CNI, so the README tells such users to add their own).
 * @param cni - the cluster's CNI
 * @param endpoints - the addresses to close (at least {@link INSTANCE_METADATA})
 */
export function metadataGuardObjects(cni: CniName, endpoints: readonly GuardedEndpoint[]): K8sObject[] {
    if (endpoints.length === 0) throw new Error("metadata guard: no endpoint to guard; pass at least INSTANCE_METADATA");
    switch (cni) {
        case "cilium":
            return [ciliumGuard(endpoints)];
        case "calico":
            return calicoGuard(endpoints);
        case "none":
            return [];
    }
}

/**
 * The guard as an addon a platform appends to its addons (after the CNI, whose CRDs it needs), or
 * an empty list for `cni: none`.
 * @param cni - the cluster's CNI
 * @param endpoints - the addresses to close; the instance metadata service by default
 */
export function metadataGuardAddons(cni: CniName, endpoints: readonly GuardedEndpoint[] = [INSTANCE_METADATA]): MetadataGuardAddon[] {
    const objects = metadataGuardObjects(cni, endpoints);
    return objects.length === 0 ? [] : [{ kind: "manifest", name: "metadata-guard", objects }];
}
