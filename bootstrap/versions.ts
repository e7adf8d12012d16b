/**
 * Every version the bootstrap installs, in one place. Bump here, nowhere else, and update
 * docs/pins.md (every pinned image and chart, with the upstream file that shows it).
 *
 * Sources (facts, read 2026-11-23 from kubernetes-sigs/kubespray at commit
 * 46dbdd3994b32640bcd806b0097f50e8fdf1d514):
 * - `roles/kubespray_defaults/vars/main/checksums.yml`: `containerd_archive_checksums`, `runc_checksums`,
 *   `kubelet_checksums` (newest patch per minor listed there).
 * - `roles/kubespray_defaults/vars/main/main.yml`: `pod_infra_supported_versions` (pause image per minor).
 * The sha256 values are those of the upstream release artefacts
 * (`github.com/containerd/containerd/releases/.../containerd-<v>-linux-<arch>.tar.gz`,
 * `github.com/opencontainers/runc/releases/.../runc.<arch>`).
 */

/** CPU architectures the Linux bootstrap supports (uname -m is mapped to these on the node). */
export type LinuxArch = "amd64" | "arm64";

/** A downloadable artefact pinned by version and per-architecture sha256. */
export interface PinnedArtefact {
    /** Upstream version without the leading `v`. */
    version: string;
    /** sha256 (hex) of the artefact for each architecture. */
    sha256: Record<LinuxArch, string>;
}

/** containerd 2.x release tarball (`containerd-<v>-linux-<arch>.tar.gz`). */
export const CONTAINERD: PinnedArtefact = {
    version: "2.3.4",
    sha256: {
        amd64: "9d68969855fbf676cdb8ed758e420fb048d61f984f61de3e53eddfebe484d168",
        arm64: "a985fbb7e18fc0362d31a055338f5d7b0e087a3e27f14c70d1c5965399a29f95",
    },
};

/** runc static binary (`runc.<arch>`). */
export const RUNC: PinnedArtefact = {
    version: "1.4.3",
    sha256: {
        amd64: "f6ae8efc0fa40079e1475e97cbe9d1bd3f106a28d6af78a11d9f1bd565515e60",
        arm64: "633301e2e32f8a5ad54031aab4901eb00308bec677dd15faa2751e8f9dab5ca4",
    },
};

/** Newest patch release per supported Kubernetes minor. */
export const KUBERNETES_PATCHES: Readonly<Record<string, string>> = {
    "1.34": "1.34.11",
    "1.35": "1.35.8",
    "1.36": "1.36.4",
};

/** Minors kubeforge supports, oldest first. */
export const SUPPORTED_MINORS: readonly string[] = Object.keys(KUBERNETES_PATCHES).sort();

/** The pause (sandbox) image tag each Kubernetes minor's kubeadm expects. */
export const PAUSE_VERSIONS: Readonly<Record<string, string>> = {
    "1.34": "3.10.1",
    "1.35": "3.10.1",
    "1.36": "3.10.2",
};

/** Registry of the Kubernetes images (kubeadm's default `imageRepository`). */
export const K8S_IMAGE_REGISTRY = "registry.k8s.io";

/**
 * The minor (`1.36`) of a full Kubernetes version (`1.36.3` or `v1.36.3`).
 *
 * @param version - full version string
 */
export function minorOf(version: string): string {
    const m = /^v?(\d+)\.(\d+)(?:\.\d+)?/.exec(version);
    if (!m) throw new Error(`not a Kubernetes version: "${version}"; expected e.g. 1.36.3`);
    return `${m[1]}.${m[2]}`;
}

/**
 * The pause image reference for a Kubernetes version, e.g. `registry.k8s.io/pause:3.10.2`.
 *
 * @param kubernetesVersion - full or minor version of the node's kubelet
 */
export function pauseImage(kubernetesVersion: string): string {
    const minor = minorOf(kubernetesVersion);
    const tag = PAUSE_VERSIONS[minor];
    if (!tag) {
        throw new Error(
            `no pause image pinned for Kubernetes ${minor}; supported minors are ${SUPPORTED_MINORS.join(", ")} (bootstrap/versions.ts)`,
        );
    }
    return `${K8S_IMAGE_REGISTRY}/pause:${tag}`;
}
