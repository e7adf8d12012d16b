/**
 * A hand-built cluster for the Azure platform tests: 3 masters over zones 1/2/3, a `general` pool of
 * 3 and a tainted `spot` pool of 2 (the shape of stacks/Pulumi.azure.yaml). Built by hand, not by the
 * core's parser, so these tests exercise only the platform.
 */
import { CONTROL_PLANE_TAINT, LABELS, type ClusterSpec, type NodePlan, type Taint } from "../../../components/core/types";

export const ZONES = ["1", "2", "3"];

/** The spot pool's taint. */
export const SPOT_TAINT: Taint = { key: "kubeforge.io/spot", value: "true", effect: "NoSchedule" };

/** A valid cluster spec; override parts per test. */
export function makeSpec(overrides: Partial<ClusterSpec> = {}): ClusterSpec {
    return {
        name: "demo",
        kubernetesVersion: "1.36.3",
        kubernetesMinor: "1.36",
        controlPlane: { count: 3, machineType: "Standard_D4s_v5", diskSizeGb: 64 },
        workerPools: [
            { name: "general", count: 3, labels: { workload: "general" }, taints: [], os: "linux", spot: false, diskSizeGb: 128 },
            { name: "spot", count: 2, labels: { capacity: "spot" }, taints: [SPOT_TAINT], os: "linux", spot: true, diskSizeGb: 64 },
        ],
        failureDomains: ZONES,
        network: { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", nodeCidr: "10.0.0.0/16" },
        cni: "cilium",
        access: { apiAllowedCidrs: ["203.0.113.0/24"], sshAllowedCidrs: [], sshPublicKeys: [] },
        secretsEncryption: true,
        lifecycle: { drainOnDelete: true, drainTimeoutSeconds: 600, bootstrapTokenHours: 24 },
        tags: { team: "platform" },
        platform: "azure",
        platformConfig: {},
        ...overrides,
    };
}

/** A minimal valid `kubeforge:azure` block. */
export function rawAzure(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { location: "eastus2", ...overrides };
}

/** The nodes of {@link makeSpec}, placed round-robin by ordinal as the core does. */
export function makeNodes(spec: ClusterSpec): NodePlan[] {
    const nodes: NodePlan[] = [];
    for (let i = 0; i < spec.controlPlane.count; i++) {
        nodes.push({
            name: `${spec.name}-cp-${i}`,
            role: "control-plane",
            pool: "control-plane",
            ordinal: i,
            failureDomain: spec.failureDomains[i % spec.failureDomains.length],
            os: "linux",
            machineType: spec.controlPlane.machineType,
            diskSizeGb: spec.controlPlane.diskSizeGb,
            spot: false,
            labels: { [LABELS.role]: "control-plane" },
            taints: [CONTROL_PLANE_TAINT],
            kubernetesVersion: spec.kubernetesVersion,
            initNode: i === 0,
        });
    }
    for (const pool of spec.workerPools) {
        const domains = pool.failureDomains ?? spec.failureDomains;
        for (let i = 0; i < pool.count; i++) {
            nodes.push({
                name: `${spec.name}-${pool.name}-${i}`,
                role: "worker",
                pool: pool.name,
                ordinal: i,
                failureDomain: domains[i % domains.length],
                os: pool.os,
                machineType: pool.machineType,
                diskSizeGb: pool.diskSizeGb,
                spot: pool.spot,
                labels: { ...pool.labels, [LABELS.role]: "worker", [LABELS.pool]: pool.name },
                taints: pool.taints,
                kubernetesVersion: spec.kubernetesVersion,
                initNode: false,
            });
        }
    }
    return nodes;
}
