/**
 * Shared inputs of the DigitalOcean tests: a cluster as the core hands it to the platform, and a raw
 * `kubeforge:digitalocean` block. The token is shaped like a real one (never a real one) so tests can
 * look for it, or any part of it, where it must not be.
 */
import type { ClusterSpec } from "../../../components/core/types";

/** A token shaped like DigitalOcean's (`dop_v1_` + 64 hex). Fake. */
export const FAKE_TOKEN = `dop_v1_${"0123456789abcdef".repeat(4)}`;

/** Pieces of the token long enough to identify it, to look for partial leaks. */
export function tokenPieces(token: string = FAKE_TOKEN): string[] {
    return [token, token.slice(7, 23), token.slice(-16)];
}

/**
 * The example stack's cluster.
 * @param overrides - fields to change
 */
export function doSpec(overrides: Partial<ClusterSpec> = {}): ClusterSpec {
    return {
        name: "demo",
        kubernetesVersion: "1.36.4",
        kubernetesMinor: "1.36",
        controlPlane: { count: 3, diskSizeGb: 50, spread: "preferred", machineType: "s-2vcpu-4gb" },
        workerPools: [
            { name: "general", count: 3, machineType: "s-4vcpu-8gb", labels: {}, taints: [], os: "linux", spot: false, diskSizeGb: 100 },
        ],
        failureDomains: [],
        network: { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", nodeCidr: "10.0.0.0/16" },
        cni: "cilium",
        access: { apiAllowedCidrs: ["203.0.113.0/24"], sshAllowedCidrs: [], sshPublicKeys: [] },
        secretsEncryption: true,
        lifecycle: { drainOnDelete: true, drainTimeoutSeconds: 600, bootstrapTokenHours: 24 },
        tags: { team: "platform" },
        platform: "digitalocean",
        ...overrides,
    };
}

/**
 * A valid raw block.
 * @param overrides - keys to change (undefined removes one)
 */
export function rawDo(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const raw: Record<string, unknown> = { region: "fra1", token: FAKE_TOKEN, ...overrides };
    for (const [k, v] of Object.entries(raw)) if (v === undefined) delete raw[k];
    return raw;
}
