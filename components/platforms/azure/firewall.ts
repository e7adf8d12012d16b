/**
 * Network security: two application security groups (masters; every node) that NSG rules name as
 * sources, and two NSGs (masters; workers) attached to the nodes' NICs, so the rules are the same
 * for a created VNet and for an existing one whose subnets kubeforge must not modify.
 *
 * Azure's default NSG rules allow all traffic from the VNet (65000) and from the load balancer
 * (65001); kubeforge adds explicit `AzureLoadBalancer` allows for the probes' ports (3000) and a deny-all
 * (4096) so only the rules below admit anything, as Typhoon does (3000 / 3005). The CCM adds the
 * Service rules to the workers' NSG between them (it takes free priorities from 500).
 *
 * The rules themselves are data ({@link firewallRules}), one `SecurityRule` resource each.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ApplicationSecurityGroup, NetworkSecurityGroup, SecurityRule } from "@pulumi/azure-native/network";
import type { ClusterSpec } from "../../core/types";
import type { AzureConfig } from "./config";
import type { AzureNetwork } from "./network";
import { AZURE_TAGS, resourceTags } from "./tags";

/** The API port on the load balancer and the masters. */
export const API_PORT = 6443;
/** NodePort range of kube-proxy / Cilium (`--service-node-port-range`). */
export const NODE_PORTS = "30000-32767";

/** An NSG: the masters' or the workers'. */
export type NsgRole = "controlPlane" | "workers";
/** An application security group: the masters, or every node (masters included). */
export type AsgRole = "controlPlane" | "nodes";

/** One inbound rule, as data. */
export interface AzureRule {
    /** Rule name (unique in its NSG). */
    name: string;
    /** The NSG it belongs to. */
    nsg: NsgRole;
    /** Priority, 100..4096, unique in its NSG. */
    priority: number;
    /** Allow or deny. */
    access: "Allow" | "Deny";
    /** `Tcp`, `Udp`, `Icmp` or `*`. */
    protocol: "Tcp" | "Udp" | "Icmp" | "*";
    /** Destination ports (`*`, `6443`, `30000-32767`). */
    ports: string[];
    /** Where traffic comes from: address prefixes (CIDRs, service tags) or an application security group. */
    source: { prefixes: pulumi.Input<string>[] } | { asg: AsgRole };
    /** Why the rule exists (shown in the portal). */
    description: string;
}

function cniPorts(cni: ClusterSpec["cni"]): { name: string; protocol: AzureRule["protocol"]; ports: string[]; description: string }[] {
    switch (cni) {
        case "cilium":
            return [
                { name: "cilium-vxlan", protocol: "Udp", ports: ["8472"], description: "Cilium VXLAN overlay" },
                { name: "cilium-health", protocol: "Tcp", ports: ["4240", "4244"], description: "Cilium health checks, Hubble" },
                { name: "cilium-icmp", protocol: "Icmp", ports: ["*"], description: "Cilium health ICMP echo" },
            ];
        case "calico":
            return [
                { name: "calico-vxlan", protocol: "Udp", ports: ["4789"], description: "Calico VXLAN overlay" },
                { name: "calico-tcp", protocol: "Tcp", ports: ["179", "5473"], description: "Calico BGP, Typha" },
            ];
        case "none":
            return [];
    }
}

/**
 * Every inbound rule of the cluster, as data.
 * @param spec - the cluster (CNI, access lists)
 * @param egressCidrs - the nodes' public egress addresses (they reach the public API endpoint from there)
 */
export function firewallRules(spec: ClusterSpec, egressCidrs: pulumi.Input<string>[]): AzureRule[] {
    const rules: AzureRule[] = [];
    const both = (rule: Omit<AzureRule, "nsg">) => rules.push({ ...rule, nsg: "controlPlane" }, { ...rule, nsg: "workers" });
    rules.push({
        name: "api",
        nsg: "controlPlane",
        priority: 100,
        access: "Allow",
        protocol: "Tcp",
        ports: [String(API_PORT)],
        // The load balancer passes the client's address through: the allowed ranges, and the nodes
        // themselves through their NAT (a node reaching the endpoint hairpins through its egress).
        source: { prefixes: [...new Set(spec.access.apiAllowedCidrs), ...egressCidrs] },
        description: "Kubernetes API through the load balancer: access.apiAllowedCidrs and the cluster's egress",
    });
    rules.push({
        name: "api-from-nodes",
        nsg: "controlPlane",
        priority: 110,
        access: "Allow",
        protocol: "Tcp",
        ports: [String(API_PORT)],
        source: { asg: "nodes" },
        description: "Kubernetes API from the nodes' own addresses",
    });
    rules.push({
        name: "etcd",
        nsg: "controlPlane",
        priority: 120,
        access: "Allow",
        protocol: "Tcp",
        ports: ["2379-2380"],
        source: { asg: "controlPlane" },
        description: "etcd client and peer traffic between masters only",
    });
    both({
        name: "kubelet",
        priority: 200,
        access: "Allow",
        protocol: "Tcp",
        ports: ["10250"],
        source: { asg: "nodes" },
        description: "kubelet API from the API servers and in-cluster metrics scrapers",
    });
    cniPorts(spec.cni).forEach((p, i) =>
        both({
            name: p.name,
            priority: 210 + i * 10,
            access: "Allow",
            protocol: p.protocol,
            ports: p.ports,
            source: { asg: "nodes" },
            description: p.description,
        }),
    );
    rules.push({
        name: "nodeports",
        nsg: "workers",
        priority: 300,
        access: "Allow",
        protocol: "*",
        ports: [NODE_PORTS],
        source: { prefixes: ["VirtualNetwork"] },
        description: "NodePort Services from inside the network",
    });
    const ssh = [...new Set(spec.access.sshAllowedCidrs)];
    if (ssh.length > 0) {
        both({
            name: "ssh",
            priority: 400,
            access: "Allow",
            protocol: "Tcp",
            ports: ["22"],
            source: { prefixes: ssh },
            description: "SSH from access.sshAllowedCidrs",
        });
    }
    // Load balancer health probes (they come from 168.63.129.16, tag AzureLoadBalancer): the API's on
    // the masters; Service probes on the workers' node ports (and kube-proxy's 10256, the CCM's shared probe).
    rules.push(
        {
            name: "azure-load-balancer",
            nsg: "controlPlane",
            priority: 3000,
            access: "Allow",
            protocol: "Tcp",
            ports: [String(API_PORT)],
            source: { prefixes: ["AzureLoadBalancer"] },
            description: "API load balancer health probe",
        },
        {
            name: "azure-load-balancer",
            nsg: "workers",
            priority: 3000,
            access: "Allow",
            protocol: "Tcp",
            ports: [NODE_PORTS, "10256"],
            source: { prefixes: ["AzureLoadBalancer"] },
            description: "Service load balancer health probes",
        },
    );
    both({
        name: "deny-all-inbound",
        priority: 4096,
        access: "Deny",
        protocol: "*",
        ports: ["*"],
        source: { prefixes: ["*"] },
        description: "Everything not allowed above, including the VNet default allow",
    });
    return rules;
}

/** The NSGs and ASGs. */
export interface AzureFirewall {
    /** NSG ids by role. */
    nsgIds: Record<NsgRole, pulumi.Output<string>>;
    /** The workers' NSG name (the CCM adds Service rules to it). */
    workersNsgName: pulumi.Output<string>;
    /** ASG ids by role. */
    asgIds: Record<AsgRole, pulumi.Output<string>>;
    /** The rules, which must exist before a node boots. */
    ready: pulumi.Resource[];
}

/**
 * Creates the ASGs, NSGs and one `SecurityRule` per rule.
 * @param name - prefix of every Pulumi resource name
 * @param spec - the cluster
 * @param config - the azure config
 * @param network - the network (resource group, egress addresses)
 * @param parent - parent of every resource
 */
export function createFirewall(
    name: string,
    spec: ClusterSpec,
    config: AzureConfig,
    network: AzureNetwork,
    parent: pulumi.Resource,
): AzureFirewall {
    const opts: pulumi.CustomResourceOptions = { parent };
    const base = { resourceGroupName: network.resourceGroupName, location: config.location };
    const cluster = spec.name;
    const asg = (azureName: string, tagRole?: string) =>
        new ApplicationSecurityGroup(
            `${name}-${azureName}`,
            {
                ...base,
                applicationSecurityGroupName: `${cluster}-${azureName}`,
                tags: resourceTags(spec, tagRole ? { [AZURE_TAGS.role]: tagRole } : {}),
            },
            opts,
        ).id;
    const asgIds: Record<AsgRole, pulumi.Output<string>> = {
        controlPlane: asg("control-plane", "control-plane"),
        nodes: asg("nodes"),
    };
    const nsg = (azureName: string, tagRole: string) =>
        new NetworkSecurityGroup(
            `${name}-${azureName}-nsg`,
            { ...base, networkSecurityGroupName: `${cluster}-${azureName}`, tags: resourceTags(spec, { [AZURE_TAGS.role]: tagRole }) },
            // Rules are separate resources, and the CCM adds its own: never let the NSG own the list.
            { ...opts, ignoreChanges: ["securityRules"] },
        );
    const nsgs = { controlPlane: nsg("control-plane", "control-plane"), workers: nsg("workers", "worker") };
    const ready = firewallRules(spec, network.egressCidrs).map((rule) => {
        const source =
            "asg" in rule.source
                ? { sourceApplicationSecurityGroups: [{ id: asgIds[rule.source.asg] }] }
                : { sourceAddressPrefixes: rule.source.prefixes };
        return new SecurityRule(
            `${name}-${rule.nsg === "controlPlane" ? "control-plane" : "workers"}-${rule.name}`,
            {
                resourceGroupName: network.resourceGroupName,
                networkSecurityGroupName: nsgs[rule.nsg].name,
                securityRuleName: rule.name,
                priority: rule.priority,
                direction: "Inbound",
                access: rule.access,
                protocol: rule.protocol,
                sourcePortRange: "*",
                destinationAddressPrefix: "*",
                destinationPortRanges: rule.ports,
                description: rule.description,
                ...source,
            },
            opts,
        );
    });
    return {
        nsgIds: { controlPlane: nsgs.controlPlane.id, workers: nsgs.workers.id },
        workersNsgName: nsgs.workers.name,
        asgIds,
        ready,
    };
}
