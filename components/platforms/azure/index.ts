/**
 * The Azure platform: a resource group, a VNet with a control-plane and a node subnet behind a NAT
 * gateway, NSGs and application security groups from the cluster's firewall rules, a Standard load
 * balancer with a static public IP and DNS name in front of the masters, one VM per node spread over
 * zones 1/2/3 (or an availability set), a user-assigned identity for cloud-provider-azure and the
 * azuredisk CSI driver, and the metadata guard. Split by concern, one file each.
 */
import type { Platform } from "../../platform";
import { type AzureConfig, azureFailureDomains, parseAzureConfig } from "./config";
import { AZURE_DELIVERY, azureBootstrapFacts } from "./bootstrap";
import { WINDOWS_NAME_LIMIT, checkAzureNodes } from "./checks";
import { type AzureInfrastructure, createAzureInfrastructure } from "./infrastructure";
import { createAzureMachine } from "./machines";
import { AZURE_TAG_LIMITS } from "./tags";

/** The validated `kubeforge:azure` block. */
export type { AzureConfig } from "./config";

const azure: Platform<AzureConfig, AzureInfrastructure> = {
    name: "azure",
    description:
        "Azure: VNet with NAT egress, Standard LB API endpoint, one VM per node over zones 1/2/3, cloud-provider-azure and azuredisk CSI",
    delivery: AZURE_DELIVERY,
    limits: {
        // VM names: 64 characters on Linux. The VM's computer name is the node name (cloud-provider-azure maps
        // one to the other), so Windows nodes keep NetBIOS' 15 and are not shortened (config.ts checks both).
        machineNameMax: 64,
        windowsNameMax: WINDOWS_NAME_LIMIT,
        shortensWindowsNames: false,
        tags: AZURE_TAG_LIMITS,
    },
    parseConfig: (raw, spec) => parseAzureConfig(raw, spec),
    failureDomains: (config) => azureFailureDomains(config),
    bootstrapFacts: () => azureBootstrapFacts(),
    checkNodes: (config, spec, nodes) => checkAzureNodes(config, spec, [...nodes]),
    createInfrastructure: (name, ctx) => createAzureInfrastructure(name, ctx),
    createMachine: (name, node, bootstrap, ctx) => createAzureMachine(name, node, bootstrap, ctx),
};

/** The Azure platform, found by the core under `components/platforms/azure`. */
export default azure;
