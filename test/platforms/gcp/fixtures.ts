/**
 * A hand-built cluster for the GCP platform tests: 3 masters over 3 zones of europe-west1, a `general`
 * pool of 3 and a tainted spot pool of 2. Built by hand (not by the core's parser) so these tests
 * exercise only the platform.
 */
import type { ClusterSpec } from "../../../components/core/types";
import { makeNodes as placeNodes, makeSpec as awsSpec, SPOT_TAINT } from "../aws/fixtures";

export const ZONES = ["europe-west1-b", "europe-west1-c", "europe-west1-d"];
export { SPOT_TAINT };

/** A valid cluster spec for gcp; override parts per test. */
export function makeSpec(overrides: Partial<ClusterSpec> = {}): ClusterSpec {
    const base = awsSpec({ platform: "gcp", failureDomains: ZONES });
    return {
        ...base,
        controlPlane: { count: 3, machineType: "n2-standard-2", diskSizeGb: 50 },
        workerPools: base.workerPools.map((p) => ({ ...p, machineType: p.spot ? "e2-standard-4" : "n2-standard-4" })),
        ...overrides,
    };
}

/** The nodes of a spec, placed round-robin by ordinal as the core does. */
export const makeNodes = placeNodes;

/** A valid `kubeforge:gcp` block for {@link makeSpec}. */
export function rawGcp(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { project: "kubeforge-demo-123", region: "europe-west1", zones: [...ZONES], ...overrides };
}
