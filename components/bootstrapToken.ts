/**
 * The bootstrap token's Secret in the cluster, managed by the program so a token minted by a later
 * `pulumi up` (components/core/token-window.ts) is usable by the machines that `up` adds, and the
 * previous one is retired.
 *
 * How it fits Pulumi's model and the join flow:
 * - The Secret's name is `bootstrap-token-<id>`, kubeadm's own format. When the token rotates its id
 *   changes, so Pulumi replaces the Secret: the new one is created (create-before-delete), then the old
 *   one deleted: machines created earlier keep their (ignored) user data and are already joined.
 * - On the first `up` kubeadm init creates the same Secret (same id and expiry, from the init master's
 *   configuration); the provider applies server-side, so this resource takes it over
 *   (`pulumi.com/patchForce` settles the fields kubeadm's manager set) instead of failing on it.
 * - On a later `up` the Secret waits only for the API, which answers already, so it exists seconds into
 *   the run, while a new machine needs its boot and package install (a minute or more) before it
 *   joins; a join that finds no valid token yet retries for up to 30 minutes.
 * - The controller manager's token cleaner deletes a Secret once it expires; deleting an absent Secret
 *   is no error for the provider.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { Secret } from "@pulumi/kubernetes/core/v1";
import type { ClusterPkiOutputs } from "./pki";

/** The group kubeadm's default node bootstrap token authenticates as (kubeadm's RBAC trusts it). */
export const BOOTSTRAP_TOKEN_GROUP = "system:bootstrappers:kubeadm:default-node-token";

/**
 * The `bootstrap.kubernetes.io/token` Secret's string data (kubeadm's and the API server's format).
 * Secret: it holds the token's secret half.
 * @param pki - the token's id, secret and expiry
 */
export function bootstrapTokenData(
    pki: Pick<ClusterPkiOutputs, "bootstrapTokenId" | "bootstrapTokenSecret" | "bootstrapTokenExpires">,
): pulumi.Output<Record<string, string>> {
    return pulumi.secret(
        pulumi.all([pki.bootstrapTokenId, pki.bootstrapTokenSecret]).apply(([id, secret]): Record<string, string> => ({
            "token-id": id,
            "token-secret": secret,
            expiration: pki.bootstrapTokenExpires,
            description: "kubeforge node joins (rotated by pulumi up)",
            "usage-bootstrap-authentication": "true",
            "usage-bootstrap-signing": "true",
            "auth-extra-groups": BOOTSTRAP_TOKEN_GROUP,
        })),
    );
}

/**
 * Creates (or takes over) the current token's Secret in `kube-system`.
 * @param name - resource name
 * @param pki - the cluster PKI
 * @param provider - the Kubernetes provider of the cluster (it waits for the API)
 * @param parent - the parent component
 */
export function createBootstrapTokenSecret(
    name: string,
    pki: ClusterPkiOutputs,
    provider: KubernetesProvider,
    parent: pulumi.Resource,
): Secret {
    return new Secret(
        name,
        {
            metadata: {
                name: pulumi.interpolate`bootstrap-token-${pki.bootstrapTokenId}`,
                namespace: "kube-system",
                annotations: { "pulumi.com/patchForce": "true" },
            },
            type: "bootstrap.kubernetes.io/token",
            stringData: bootstrapTokenData(pki),
        },
        { parent, provider, deleteBeforeReplace: false },
    );
}
