/**
 * The cloud controller's identity: one user-assigned managed identity, attached to the masters only
 * (where the CCM and the CSI controller run, on the host network), with the least built-in roles
 * they need, scoped to the cluster's resource group:
 * - Network Contributor: Service load balancers, their public IPs and rules, NSG rules, backend pools.
 * - Virtual Machine Contributor: read VMs and their NICs, attach and detach disks, create and delete
 *   managed disks (the role includes `Microsoft.Compute/disks/*` write/read/delete).
 * plus Network Contributor on an existing VNet's resource group (internal Services use its subnet),
 * and Reader on the disk encryption set when one is configured (azuredisk `driver-parameters.md`:
 * `Microsoft.Compute/diskEncryptionSets/read`). CAPZ grants Contributor on the resource group; these
 * two roles are narrower (no storage accounts, no key vaults, no role assignments).
 *
 * Workers carry no identity: the cloud-node-manager and the CSI node plugin read IMDS (and node
 * labels) only, so no pod on a worker, host network or not, can obtain an Azure token.
 */
import * as pulumi from "@pulumi/pulumi";
import { UserAssignedIdentity } from "@pulumi/azure-native/managedidentity";
import { RoleAssignment } from "@pulumi/azure-native/authorization";
import type { ClusterSpec } from "../../core/types";
import type { AzureConfig } from "./config";
import type { AzureAccount, AzureNetwork } from "./network";
import { resourceTags } from "./tags";

/** Built-in role definition ids (the same GUID in every subscription). */
export const BUILT_IN_ROLES = {
    networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
    virtualMachineContributor: "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
    reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
} as const;

/** One role the identity gets, as data. */
export interface RoleGrant {
    /** Suffix of the Pulumi resource name. */
    id: string;
    /** Built-in role GUID. */
    role: string;
    /** What it is scoped to. */
    scope: "resourceGroup" | "vnetResourceGroup" | "diskEncryptionSet";
}

/**
 * The roles, as data.
 * @param config - the azure config
 */
export function roleGrants(config: AzureConfig): RoleGrant[] {
    const grants: RoleGrant[] = [
        { id: "network", role: BUILT_IN_ROLES.networkContributor, scope: "resourceGroup" },
        { id: "vms", role: BUILT_IN_ROLES.virtualMachineContributor, scope: "resourceGroup" },
    ];
    if (config.network.kind === "existing" && config.network.resourceGroup !== config.resourceGroup.name) {
        grants.push({ id: "vnet-network", role: BUILT_IN_ROLES.networkContributor, scope: "vnetResourceGroup" });
    }
    if (config.diskEncryptionSetId) grants.push({ id: "des-reader", role: BUILT_IN_ROLES.reader, scope: "diskEncryptionSet" });
    return grants;
}

/** The identity. */
export interface AzureIdentity {
    /** ARM id of the identity (what a VM's `identity.userAssignedIdentities` lists). */
    id: pulumi.Output<string>;
    /** Its client id (what azure.json's `userAssignedIdentityID` takes). */
    clientId: pulumi.Output<string>;
    /** The role assignments: masters wait for them so the CCM's first call is authorised. */
    ready: pulumi.Resource[];
}

/**
 * Creates the identity and its role assignments.
 * @param name - prefix of every Pulumi resource name
 * @param spec - the cluster
 * @param config - the azure config
 * @param account - subscription
 * @param network - resource groups
 * @param parent - parent of every resource
 */
export function createIdentity(
    name: string,
    spec: ClusterSpec,
    config: AzureConfig,
    account: AzureAccount,
    network: AzureNetwork,
    parent: pulumi.Resource,
): AzureIdentity {
    const opts: pulumi.CustomResourceOptions = { parent };
    const identity = new UserAssignedIdentity(
        `${name}-cloud-controller`,
        {
            resourceGroupName: network.resourceGroupName,
            location: config.location,
            resourceName: `${spec.name}-cloud-controller`,
            tags: resourceTags(spec),
        },
        opts,
    );
    const scopes: Record<RoleGrant["scope"], pulumi.Input<string>> = {
        resourceGroup: network.resourceGroupId,
        vnetResourceGroup: pulumi.interpolate`/subscriptions/${account.subscriptionId}/resourceGroups/${network.vnetResourceGroup}`,
        diskEncryptionSet: config.diskEncryptionSetId ?? "",
    };
    const ready = roleGrants(config).map(
        (grant) =>
            new RoleAssignment(
                `${name}-cloud-controller-${grant.id}`,
                {
                    principalId: identity.principalId,
                    // Without it, a brand-new identity not yet replicated in Entra ID fails the assignment.
                    principalType: "ServicePrincipal",
                    roleDefinitionId: pulumi.interpolate`/subscriptions/${account.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${grant.role}`,
                    scope: scopes[grant.scope],
                },
                opts,
            ),
    );
    return { id: identity.id, clientId: identity.clientId, ready };
}
