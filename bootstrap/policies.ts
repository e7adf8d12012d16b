/**
 * The API server's own config files: Secrets encryption at rest and the audit policy.
 */
import { toYaml } from "./yaml";

/**
 * EncryptionConfiguration: Secrets written with aescbc under the generated key; `identity` last so
 * Secrets written before encryption was turned on stay readable (rewrite them to encrypt them).
 *
 * @param key - base64 of 32 random bytes (the PKI component's `encryptionKey`)
 */
export function encryptionConfiguration(key: string): Record<string, unknown> {
    if (Buffer.from(key, "base64").length !== 32) {
        throw new Error("the Secrets encryption key must be base64 of 32 bytes (aescbc needs a 256-bit key)");
    }
    return {
        apiVersion: "apiserver.config.k8s.io/v1",
        kind: "EncryptionConfiguration",
        resources: [
            {
                resources: ["secrets"],
                providers: [{ aescbc: { keys: [{ name: "kubeforge-1", secret: key }] } }, { identity: {} }],
            },
        ],
    };
}

const CHANGE_VERBS = ["create", "update", "patch", "delete", "deletecollection"];

/**
 * A production audit policy. First matching rule wins, so the order matters:
 * 1. None for the noisy: health and metrics endpoints, events, node and leader-election heartbeats.
 * 2. Metadata only for anything whose body is a secret or a credential (Secrets, ConfigMaps,
 *    TokenReviews, token requests, exec/attach/port-forward streams).
 * 3. Metadata for reads (bodies of list/watch are large and rarely useful).
 * 4. RequestResponse for changes to the core workload, RBAC, network and policy objects.
 * 5. Metadata for everything else.
 */
export function auditPolicy(): Record<string, unknown> {
    return {
        apiVersion: "audit.k8s.io/v1",
        kind: "Policy",
        omitStages: ["RequestReceived"],
        rules: [
            {
                level: "None",
                nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version", "/version/", "/metrics", "/openapi/*"],
            },
            {
                level: "None",
                resources: [
                    { group: "", resources: ["events"] },
                    { group: "events.k8s.io", resources: ["events"] },
                ],
            },
            {
                level: "None",
                userGroups: ["system:nodes"],
                verbs: ["get", "update", "patch"],
                resources: [{ group: "", resources: ["nodes", "nodes/status"] }],
            },
            {
                level: "None",
                verbs: ["get", "update"],
                namespaces: ["kube-system", "kube-node-lease"],
                resources: [{ group: "coordination.k8s.io", resources: ["leases"] }],
            },
            {
                level: "None",
                users: ["system:kube-proxy"],
                verbs: ["watch"],
                resources: [
                    { group: "", resources: ["endpoints", "services"] },
                    { group: "discovery.k8s.io", resources: ["endpointslices"] },
                ],
            },
            {
                level: "Metadata",
                resources: [
                    {
                        group: "",
                        resources: ["secrets", "configmaps", "serviceaccounts/token", "pods/exec", "pods/attach", "pods/portforward"],
                    },
                    { group: "authentication.k8s.io", resources: ["tokenreviews"] },
                    { group: "authorization.k8s.io", resources: ["subjectaccessreviews", "selfsubjectaccessreviews"] },
                    { group: "certificates.k8s.io", resources: ["certificatesigningrequests"] },
                ],
            },
            { level: "Metadata", verbs: ["get", "list", "watch"] },
            {
                level: "RequestResponse",
                verbs: CHANGE_VERBS,
                resources: [
                    { group: "" },
                    { group: "apps" },
                    { group: "batch" },
                    { group: "rbac.authorization.k8s.io" },
                    { group: "networking.k8s.io" },
                    { group: "policy" },
                    { group: "admissionregistration.k8s.io" },
                    { group: "apiextensions.k8s.io" },
                ],
            },
            { level: "Metadata" },
        ],
    };
}

let auditPolicyYaml: string | undefined;

/** The audit policy as the YAML file the API server reads (constant: rendered once per process). */
export function renderAuditPolicy(): string {
    auditPolicyYaml ??= toYaml(auditPolicy());
    return auditPolicyYaml;
}

/**
 * The EncryptionConfiguration file (secret: it holds the key).
 *
 * @param key - base64 of 32 random bytes
 */
export function renderEncryptionConfiguration(key: string): string {
    return toYaml(encryptionConfiguration(key));
}
