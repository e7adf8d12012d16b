/**
 * A hand-built cluster for the Azure platform tests: the AWS tests' cluster (3 masters, a `general` pool of
 * 3 and a tainted `spot` pool of 2, the shape of stacks/Pulumi.azure.yaml) with Azure's zones, VM size and
 * disk sizes. Built by hand, not by the core's parser, so these tests exercise only the platform.
 */
import type { ClusterSpec } from "../../../components/core/types";
import { makeSpec as awsSpec, SPOT_TAINT } from "../aws/fixtures";

/** Azure's availability zones, the failure domains of {@link makeSpec}. */
export const ZONES = ["1", "2", "3"];

/** A valid cluster spec; override parts per test. */
export function makeSpec(overrides: Partial<ClusterSpec> = {}): ClusterSpec {
    return awsSpec({
        controlPlane: { count: 3, machineType: "Standard_D4s_v5", diskSizeGb: 64 },
        workerPools: [
            { name: "general", count: 3, labels: { workload: "general" }, taints: [], os: "linux", spot: false, diskSizeGb: 128 },
            { name: "spot", count: 2, labels: { capacity: "spot" }, taints: [SPOT_TAINT], os: "linux", spot: true, diskSizeGb: 64 },
        ],
        failureDomains: ZONES,
        platform: "azure",
        ...overrides,
    });
}

/** A minimal valid `kubeforge:azure` block. */
export function rawAzure(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { location: "eastus2", ...overrides };
}
