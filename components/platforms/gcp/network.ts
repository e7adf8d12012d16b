/**
 * The network: a custom-mode VPC with one regional subnetwork (`network.nodeCidr`, Private Google
 * Access on), a Cloud Router and Cloud NAT for egress from nodes that have no external address, and
 * one reserved NAT address so the API's Cloud Armor policy can admit the nodes' own traffic by
 * address. An existing network is referred to by name: nothing in it changes except the firewall
 * rules kubeforge adds (and removes) by network tag; its egress is the owner's, and its NAT addresses
 * are given as `network.egressCidrs`.
 */
import * as pulumi from "@pulumi/pulumi";
import { Address, Network, Router, RouterNat, Subnetwork } from "@pulumi/gcp/compute";
import type { ClusterSpec } from "../../core/types";
import type { GcpConfig } from "./config";
import { createdNetworkNames } from "./names";

/** What the rest of the platform needs from the network. */
export interface GcpNetwork {
    /** Network name (gce.conf, firewall rules). */
    networkName: string;
    /** Network as firewall rules and instances take it (self link, or `projects/<p>/global/networks/<n>`). */
    network: pulumi.Input<string>;
    /** Subnetwork name (gce.conf). */
    subnetworkName: string;
    /** Subnetwork as instances take it. */
    subnetwork: pulumi.Input<string>;
    /** Project of the network, when it is not the cluster's (Shared VPC). */
    networkProject?: string;
    /** The subnetwork's range (NodePorts are open to it). */
    nodeCidr: string;
    /** Public addresses nodes reach the internet (and the API endpoint) from, as /32s. */
    egressCidrs: pulumi.Output<string>[];
    /** Resources that must exist before a node boots (NAT: packages and images come from the internet). */
    ready: pulumi.Resource[];
}

/**
 * Creates (or refers to) the network.
 * @param name - prefix of every resource name
 * @param spec - the cluster
 * @param config - the gcp config
 * @param parent - parent of every resource
 */
export function createNetwork(name: string, spec: ClusterSpec, config: GcpConfig, parent: pulumi.Resource): GcpNetwork {
    const opts: pulumi.CustomResourceOptions = { parent };
    const { project, region } = config;
    if (config.network.kind === "existing") {
        const host = config.network.networkProject ?? project;
        return {
            networkName: config.network.network,
            network: `projects/${host}/global/networks/${config.network.network}`,
            subnetworkName: config.network.subnetwork,
            subnetwork: `projects/${host}/regions/${region}/subnetworks/${config.network.subnetwork}`,
            networkProject: config.network.networkProject,
            nodeCidr: spec.network.nodeCidr,
            egressCidrs: config.network.egressCidrs.map((c) => pulumi.output(c)),
            ready: [],
        };
    }
    const names = createdNetworkNames(spec.name);
    const network = new Network(
        `${name}-network`,
        {
            project,
            name: names.network,
            autoCreateSubnetworks: false,
            routingMode: "REGIONAL",
            // Google's default routes to the internet stay; without external IPs they lead through NAT.
            deleteDefaultRoutesOnCreate: false,
            description: `kubeforge cluster ${spec.name}`,
        },
        opts,
    );
    const subnetwork = new Subnetwork(
        `${name}-nodes`,
        {
            project,
            region,
            name: names.subnetwork,
            network: network.id,
            ipCidrRange: config.network.cidr,
            // Google APIs (the CCM's and CSI driver's) without going through NAT.
            privateIpGoogleAccess: true,
            description: `kubeforge cluster ${spec.name}: nodes`,
        },
        opts,
    );
    const router = new Router(`${name}-router`, { project, region, name: `${spec.name}-router`, network: network.id }, opts);
    const natAddress = new Address(
        `${name}-nat`,
        { project, region, name: `${spec.name}-nat`, addressType: "EXTERNAL", description: `kubeforge cluster ${spec.name}: NAT egress` },
        opts,
    );
    const nat = new RouterNat(
        `${name}-nat`,
        {
            project,
            region,
            name: `${spec.name}-nat`,
            router: router.name,
            natIpAllocateOption: "MANUAL_ONLY",
            natIps: [natAddress.selfLink],
            sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
            subnetworks: [{ name: subnetwork.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
            logConfig: { enable: true, filter: "ERRORS_ONLY" },
        },
        opts,
    );
    return {
        networkName: names.network,
        network: network.selfLink,
        subnetworkName: names.subnetwork,
        subnetwork: subnetwork.selfLink,
        nodeCidr: config.network.cidr,
        egressCidrs: [pulumi.interpolate`${natAddress.address}/32`],
        ready: [subnetwork, nat],
    };
}
