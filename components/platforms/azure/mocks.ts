/**
 * Plausible outputs for the Azure resources this platform registers, and its one invoke
 * (`authorization.getClientConfig`), for `npm run plan`, tests and benchmarks. Deterministic: the
 * same name always gives the same addresses and GUIDs. Images need no invoke: `latest` is resolved by
 * Azure when a VM is created.
 */
import * as crypto from "node:crypto";
import type { OutputMock, PlatformMocks } from "../../kit/mocks";

/** The subscription and tenant the mocks pretend to run in. */
export const MOCK_ACCOUNT = {
    subscriptionId: "00000000-0000-4000-8000-00000000a2e1",
    tenantId: "00000000-0000-4000-8000-0000000007e1",
} as const;

function digest(seed: string): Buffer {
    return crypto.createHash("sha256").update(seed).digest();
}

/** A GUID, stable per seed. */
export function mockGuid(seed: string): string {
    const h = digest(seed).toString("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A private address inside 10.0.0.0/16, stable per name (masters' and workers' subnets alike). */
export function mockPrivateIp(name: string): string {
    const d = digest(name);
    return `10.0.${d[0]}.${(d[1] % 250) + 4}`;
}

/** The `name` output of a resource whose Azure name is the input `key`. */
const named =
    (key: string): OutputMock =>
    (inputs, name) => ({ name: (inputs[key] as string | undefined) ?? name });

const outputs: Record<string, OutputMock> = {
    "azure-native:resources:ResourceGroup": named("resourceGroupName"),
    "azure-native:network:VirtualNetwork": named("virtualNetworkName"),
    "azure-native:network:Subnet": named("subnetName"),
    "azure-native:network:NatGateway": named("natGatewayName"),
    // Groups carry their id in their state, as the engine's outputs do: rules name them by id.
    "azure-native:network:NetworkSecurityGroup": (inputs, name, id) => ({ ...named("networkSecurityGroupName")(inputs, name, id), id }),
    "azure-native:network:SecurityRule": named("securityRuleName"),
    "azure-native:network:ApplicationSecurityGroup": (inputs, name, id) => ({
        ...named("applicationSecurityGroupName")(inputs, name, id),
        id,
    }),
    "azure-native:network:LoadBalancer": named("loadBalancerName"),
    "azure-native:compute:AvailabilitySet": named("availabilitySetName"),
    "azure-native:network:PublicIPAddress": (inputs, name) => {
        const d = digest(name);
        const label = (inputs.dnsSettings as { domainNameLabel?: string } | undefined)?.domainNameLabel;
        return {
            name: (inputs.publicIpAddressName as string | undefined) ?? name,
            ipAddress: `198.51.100.${(d[0] % 250) + 1}`,
            ...(label ? { dnsSettings: { domainNameLabel: label, fqdn: `${label}.${String(inputs.location)}.cloudapp.azure.com` } } : {}),
        };
    },
    "azure-native:network:NetworkInterface": (inputs, name) => {
        const configs = (inputs.ipConfigurations as Record<string, unknown>[] | undefined) ?? [];
        return {
            name: (inputs.networkInterfaceName as string | undefined) ?? name,
            ipConfigurations: configs.map((c) => ({ ...c, privateIPAddress: mockPrivateIp(name) })),
            macAddress: digest(name).toString("hex").slice(0, 12).toUpperCase(),
        };
    },
    "azure-native:managedidentity:UserAssignedIdentity": (inputs, name) => ({
        name: (inputs.resourceName as string | undefined) ?? name,
        clientId: mockGuid(`${name}/client`),
        principalId: mockGuid(`${name}/principal`),
        tenantId: MOCK_ACCOUNT.tenantId,
    }),
    "azure-native:authorization:RoleAssignment": (_inputs, name) => ({ name: mockGuid(name) }),
    "azure-native:compute:VirtualMachine": (inputs, name) => ({
        name: (inputs.vmName as string | undefined) ?? name,
        vmId: mockGuid(`${name}/vm`),
        provisioningState: "Succeeded",
    }),
    "azure-native:compute:VirtualMachineExtension": named("vmExtensionName"),
};

const calls: NonNullable<PlatformMocks["calls"]> = {
    "azure-native:authorization:getClientConfig": () => ({
        clientId: mockGuid("client"),
        objectId: mockGuid("object"),
        subscriptionId: MOCK_ACCOUNT.subscriptionId,
        tenantId: MOCK_ACCOUNT.tenantId,
    }),
};

/** The Azure platform's mocks. */
const azureMocks: PlatformMocks = { outputs, calls };

export default azureMocks;
