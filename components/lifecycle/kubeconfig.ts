/**
 * Renders an admin kubeconfig from the cluster's endpoint and a client certificate. Pure: the caller
 * keeps the result secret (it holds the client key).
 */
import { stringify } from "yaml";

/** What a kubeconfig for one cluster and one certificate-authenticated user needs. */
export interface KubeconfigArgs {
    /** Cluster name; names the cluster and the context. */
    clusterName: string;
    /** API endpoint URL, e.g. `https://api.example.com:6443`. */
    server: string;
    /** PEM of the cluster CA that signed the API server's certificate. */
    caCert: string;
    /** PEM of the client certificate. */
    clientCert: string;
    /** PEM of the client private key. */
    clientKey: string;
    /** User entry name; `<clusterName>-admin` when absent. */
    user?: string;
}

function base64(pem: string): string {
    return Buffer.from(pem, "utf8").toString("base64");
}

/**
 * Returns the kubeconfig YAML (`apiVersion: v1`, `kind: Config`) with one cluster, one user and one
 * context, current. PEMs are embedded base64-encoded in the `*-data` fields, so the file is
 * self-contained.
 */
export function renderKubeconfig(args: KubeconfigArgs): string {
    const user = args.user ?? `${args.clusterName}-admin`;
    const context = `${user}@${args.clusterName}`;
    const doc = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: args.clusterName,
                cluster: { server: args.server, "certificate-authority-data": base64(args.caCert) },
            },
        ],
        users: [
            {
                name: user,
                user: {
                    "client-certificate-data": base64(args.clientCert),
                    "client-key-data": base64(args.clientKey),
                },
            },
        ],
        contexts: [{ name: context, context: { cluster: args.clusterName, user } }],
        "current-context": context,
        preferences: {},
    };
    return stringify(doc);
}
