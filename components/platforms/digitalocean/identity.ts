/**
 * What kubeforge, the cloud controller and the CSI driver run as on DigitalOcean: one API token.
 * DigitalOcean has no instance identity (no role a droplet could assume), so the token the stack
 * holds is the only credential; it is used twice and stays a Pulumi secret both times:
 * - by kubeforge itself, through an explicit `digitalocean` provider given that token, so a stack
 *   needs no `digitalocean:token` config or `DIGITALOCEAN_TOKEN` variable besides it;
 * - in the cluster, as Secret `kube-system/digitalocean` key `access-token`, which the cloud
 *   controller (`DO_ACCESS_TOKEN`) and the CSI controller (`DIGITALOCEAN_ACCESS_TOKEN`) read (CCM
 *   `docs/getting-started.md`, csi-digitalocean `README.md`). The Secret's data is built inside a
 *   secret Output, so neither the plan nor the state shows it.
 *
 * A custom-scoped token (droplet, load_balancer, block_storage, block_storage_action, tag, vpc,
 * firewall, ssh_key, domain: create/read/update/delete) is enough; see README.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/digitalocean/provider";
import { SshKey } from "@pulumi/digitalocean/sshKey";

/** The Secret the cloud controller and the CSI driver read the token from. */
export const TOKEN_SECRET = { namespace: "kube-system", name: "digitalocean", key: "access-token" } as const;

/** The cluster's DigitalOcean identity. */
export interface DoIdentity {
    /** The provider every DigitalOcean resource of the cluster is created through. */
    provider: Provider;
    /** The token, secret. */
    token: pulumi.Output<string>;
}

/**
 * The provider and the secret token.
 * @param name - the provider's resource name
 * @param token - the API token from the validated config (plain here, secret from now on)
 * @param parent - the provider's parent
 */
export function createIdentity(name: string, token: string, parent: pulumi.Resource): DoIdentity {
    const secretToken = pulumi.secret(token);
    return { provider: new Provider(name, { token: secretToken }, { parent }), token: secretToken };
}

/**
 * The Secret object holding the token, its data a secret Output.
 * @param token - the secret token
 */
export function tokenSecretObject(token: pulumi.Output<string>): pulumi.Input<Record<string, unknown>> {
    return pulumi.secret(
        token.apply((t): Record<string, unknown> => ({
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: TOKEN_SECRET.name, namespace: TOKEN_SECRET.namespace },
            type: "Opaque",
            data: { [TOKEN_SECRET.key]: Buffer.from(t, "utf8").toString("base64") },
        })),
    );
}

/**
 * The SSH keys droplets are created with: those already in the account (`sshKeys`), then one
 * `SshKey` per `access.sshPublicKeys` line. A droplet created with no key at all would get a mailed
 * root password and password logins (which the cloud-config turns off again).
 * @param name - prefix of the key resources and their names in the account
 * @param existing - ids or fingerprints from the config
 * @param publicKeys - OpenSSH public key lines
 * @param opts - parent and provider
 */
export function createSshKeys(
    name: string,
    existing: string[],
    publicKeys: string[],
    opts: pulumi.CustomResourceOptions,
): { refs: pulumi.Input<string>[]; keys: SshKey[] } {
    const keys = publicKeys.map((publicKey, i) => new SshKey(`${name}-ssh-${i}`, { name: `${name}-${i}`, publicKey }, opts));
    return { refs: [...existing, ...keys.map((k) => k.fingerprint)], keys };
}
