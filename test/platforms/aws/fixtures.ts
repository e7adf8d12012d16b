/**
 * A hand-built cluster for the AWS platform tests: 3 masters over 3 zones, a `general` pool of 3 and a
 * tainted `spot` pool of 2. Built by hand (not by the core's parser) so these tests only exercise the
 * platform.
 */
import { CONTROL_PLANE_TAINT, LABELS, type ClusterSpec, type NodePlan, type Taint } from "../../../components/core/types";

export const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];

/** The spot pool's taint. */
export const SPOT_TAINT: Taint = { key: "kubeforge.io/spot", value: "true", effect: "NoSchedule" };

/** A valid cluster spec; override parts per test. */
export function makeSpec(overrides: Partial<ClusterSpec> = {}): ClusterSpec {
    return {
        name: "demo",
        kubernetesVersion: "1.36.3",
        kubernetesMinor: "1.36",
        controlPlane: { count: 3, machineType: "m7i.large", diskSizeGb: 50 },
        workerPools: [
            { name: "general", count: 3, labels: { workload: "general" }, taints: [], os: "linux", spot: false, diskSizeGb: 100 },
            { name: "spot", count: 2, labels: { capacity: "spot" }, taints: [SPOT_TAINT], os: "linux", spot: true, diskSizeGb: 50 },
        ],
        failureDomains: ZONES,
        network: { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", nodeCidr: "10.0.0.0/16" },
        cni: "cilium",
        access: { apiAllowedCidrs: ["203.0.113.0/24"], sshAllowedCidrs: [], sshPublicKeys: [] },
        secretsEncryption: true,
        lifecycle: { drainOnDelete: true, drainTimeoutSeconds: 600, bootstrapTokenHours: 24 },
        tags: { team: "platform" },
        platform: "aws",
        ...overrides,
    };
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
        for (let i = 0; i < pool.count; i++) {
            const domains = pool.failureDomains ?? spec.failureDomains;
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

/** A valid `kubeforge:aws` block for {@link makeSpec}. */
export function rawAws(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { region: "us-east-1", availabilityZones: [...ZONES], vpc: { cidr: "10.0.0.0/16" }, ...overrides };
}
