/**
 * Exposure: who may reach SSH, the Kubernetes API, node ports and etcd. Firewall rules come from the
 * platform adapters as neutral ingress facts; the cluster's own intent (the CIDRs the user configured)
 * comes from its ApiReadiness record, which also covers platforms without a cloud firewall.
 */
import type { PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { NodeRole } from "../../components/core/types";
import type { IngressFact, TrafficSource } from "../facts";
import { admitsPorts, describePorts, hasWorldSource, isWorld } from "../net";
import { clusterRecordOf, facts, outsideConfig, settings } from "./support";

const SSH_PORT = 22;
const ETCD_PORTS = { from: 2379, to: 2380 } as const;

/** SSH reachable from anywhere: the cluster's own setting or any firewall rule. */
export const sshNotPublic: ResourceValidationPolicy = {
    name: "ssh-not-public",
    description: "SSH (22/tcp) is not open to 0.0.0.0/0 or ::/0.",
    enforcementLevel: "mandatory",
    severity: "critical",
    validateResource: (args, reportViolation) => {
        const cluster = clusterRecordOf(args.type, args.props);
        if (cluster) {
            const world = cluster.sshAllowedCidrs.filter(isWorld);
            if (world.length > 0) {
                reportViolation(
                    `cluster "${cluster.cluster}" allows SSH from ${world.join(", ")}; list your admin networks in kubeforge:access.sshAllowedCidrs (or leave it empty to close SSH)`,
                );
            }
            return;
        }
        const f = facts(args);
        if (!f || f.ingress.length === 0) return args.notApplicable("no ingress rules");
        for (const rule of f.ingress) {
            if (admitsPorts(rule, ["tcp"], SSH_PORT) && hasWorldSource(rule.sources)) {
                reportViolation(
                    `${describePorts(rule)} is open to the internet, which includes SSH; list your admin networks in kubeforge:access.sshAllowedCidrs ` +
                        "(kubeforge opens SSH to them only) and restrict or remove this rule if it was added outside the stack config",
                );
            }
        }
    },
};

const apiSchema: PolicyConfigSchema = {
    properties: {
        apiPort: { type: "integer", default: 6443, description: "Port of the Kubernetes API endpoint." },
        allowPublicApi: {
            type: "boolean",
            default: false,
            description: "Accept firewall rules that open the API to the internet even when the cluster's config did not ask for it.",
        },
    },
};

/** A firewall rule opens the API to the internet although the cluster's config did not ask for it. */
export const apiNotPublic: StackValidationPolicy = {
    name: "api-not-public",
    description: "The Kubernetes API (6443/tcp) is not open to 0.0.0.0/0 or ::/0 unless the cluster's config asks for it.",
    enforcementLevel: "mandatory",
    severity: "critical",
    configSchema: apiSchema,
    validateStack: (args, reportViolation) => {
        const c = settings<{ apiPort: number; allowPublicApi: boolean }>(apiSchema, args);
        if (c.allowPublicApi) return args.notApplicable("allowPublicApi is set");
        // A cluster opened on purpose is reported (advisory) by api-public-by-config instead.
        const onPurpose = args.resources.some((r) => clusterRecordOf(r.type, r.props)?.apiAllowedCidrs.some(isWorld));
        if (onPurpose) return;
        for (const r of args.resources) {
            for (const rule of facts(r)?.ingress ?? []) {
                if (admitsPorts(rule, ["tcp"], c.apiPort) && hasWorldSource(rule.sources)) {
                    reportViolation(
                        `${describePorts(rule)} opens the Kubernetes API to the internet although kubeforge:access.apiAllowedCidrs does not; restrict the rule's source`,
                        r.urn,
                    );
                }
            }
        }
    },
};

/** The cluster's config opens the API to the internet on purpose: allowed, but said out loud. */
export const apiPublicByConfig: ResourceValidationPolicy = {
    name: "api-public-by-config",
    description: "The cluster's kubeforge:access.apiAllowedCidrs opens the Kubernetes API to the whole internet.",
    enforcementLevel: "advisory",
    severity: "medium",
    validateResource: (args, reportViolation) => {
        const cluster = clusterRecordOf(args.type, args.props);
        if (!cluster) return args.notApplicable("not an ApiReadiness record");
        const world = cluster.apiAllowedCidrs.filter(isWorld);
        if (world.length > 0) {
            reportViolation(
                `cluster "${cluster.cluster}" lets ${world.join(", ")} reach the API; anyone can probe it and try credentials: list the networks that need it in kubeforge:access.apiAllowedCidrs`,
            );
        }
    },
};

const nodePortSchema: PolicyConfigSchema = {
    properties: {
        nodePortMin: { type: "integer", default: 30000, description: "First port of the NodePort range (--service-node-port-range)." },
        nodePortMax: { type: "integer", default: 32767, description: "Last port of the NodePort range." },
    },
};

/** NodePort services reachable from the internet bypass any load balancer and its controls. */
export const nodePortsNotPublic: ResourceValidationPolicy = {
    name: "nodeports-not-public",
    description: "The NodePort range (30000-32767) is not open to 0.0.0.0/0 or ::/0.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: nodePortSchema,
    validateResource: (args, reportViolation) => {
        const c = settings<{ nodePortMin: number; nodePortMax: number }>(nodePortSchema, args);
        const f = facts(args);
        if (!f || f.ingress.length === 0) return args.notApplicable("no ingress rules");
        for (const rule of f.ingress) {
            if (admitsPorts(rule, ["tcp", "udp"], c.nodePortMin, c.nodePortMax) && hasWorldSource(rule.sources)) {
                reportViolation(
                    `${describePorts(rule)} opens node ports (${c.nodePortMin}-${c.nodePortMax}) to the internet; ` +
                        outsideConfig(
                            "opens node ports only to kubeforge:network.nodeCidr",
                            "narrow the rule's source to the node network and expose services through a load balancer",
                        ),
                );
            }
        }
    },
};

const etcdSchema: PolicyConfigSchema = {
    properties: {
        allowedCidrs: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "CIDRs that may reach etcd besides the masters' own firewall group (e.g. the masters' subnet).",
        },
    },
};

/** Roles of the members of each firewall group, from the machines that name it. */
function groupRoles(resources: Parameters<StackValidationPolicy["validateStack"]>[0]["resources"]): Map<string, Set<NodeRole | "unknown">> {
    const roles = new Map<string, Set<NodeRole | "unknown">>();
    const add = (group: string, role: NodeRole | "unknown"): void => {
        roles.set(group, (roles.get(group) ?? new Set()).add(role));
    };
    const declared = new Map<string, NodeRole>();
    for (const r of resources) {
        const f = facts(r);
        for (const group of f?.machine?.groups ?? []) add(group, f?.machine?.role ?? "unknown");
        if (f?.firewallGroup?.id && f.firewallGroup.role) declared.set(f.firewallGroup.id, f.firewallGroup.role);
    }
    // A group no machine names yet (a template, a group made for later) counts as what its tags declare.
    for (const [id, role] of declared) if (!roles.has(id)) add(id, role);
    return roles;
}

/** etcd (2379-2380) admits only the masters: their own firewall group, or CIDRs the config lists. */
export const etcdMastersOnly: StackValidationPolicy = {
    name: "etcd-masters-only",
    description: "etcd's client and peer ports (2379-2380/tcp) are reachable only from the masters.",
    enforcementLevel: "mandatory",
    severity: "critical",
    configSchema: etcdSchema,
    validateStack: (args, reportViolation) => {
        const c = settings<{ allowedCidrs: string[] }>(etcdSchema, args);
        const roles = groupRoles(args.resources);
        const mastersOnly = (group: string | undefined): boolean => {
            const members = group === undefined ? undefined : roles.get(group);
            return members !== undefined && members.size === 1 && members.has("control-plane");
        };
        const offending = (rule: IngressFact, source: TrafficSource): string | undefined => {
            switch (source.kind) {
                case "cidr":
                    return c.allowedCidrs.includes(source.cidr) ? undefined : `CIDR ${source.cidr}`;
                case "self":
                    return mastersOnly(rule.group) ? undefined : `every member of group ${rule.group ?? "(unknown)"}, not only masters`;
                case "group":
                    return mastersOnly(source.group) ? undefined : `group ${source.group}, which is not the masters' group alone`;
                case "prefix-list":
                    return `prefix list ${source.id}`;
                case "unknown":
                    // Only known once the group or address exists; the check after the update judges it.
                    return undefined;
            }
        };
        for (const r of args.resources) {
            for (const rule of facts(r)?.ingress ?? []) {
                if (!admitsPorts(rule, ["tcp"], ETCD_PORTS.from, ETCD_PORTS.to)) continue;
                const bad = rule.sources.map((s) => offending(rule, s)).filter((s): s is string => s !== undefined);
                if (bad.length > 0) {
                    reportViolation(
                        `${describePorts(rule)} lets ${bad.join(", ")} reach etcd (2379-2380), which holds every Secret; ` +
                            outsideConfig(
                                "admits only the masters' own firewall group to etcd",
                                "admit only that group (or list a trusted CIDR in this policy's allowedCidrs)",
                            ),
                        r.urn,
                    );
                }
            }
        }
    },
};

/** The exposure family, in report order. */
export const exposurePolicies = [sshNotPublic, apiNotPublic, apiPublicByConfig, nodePortsNotPublic, etcdMastersOnly];
