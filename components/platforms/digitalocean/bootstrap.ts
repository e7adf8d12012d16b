/**
 * What the bootstrap must know about DigitalOcean, and how user data reaches a droplet. Pure.
 *
 * - Node name: the droplet name, which is the NodePlan name (DigitalOcean makes it the host name).
 * - Provider ID: `digitalocean://<droplet id>`, the id read at boot from the metadata service
 *   (`/metadata/v1/id`), so the cloud controller finds the droplet by id instead of listing every
 *   droplet of the account by name (CCM `docs/getting-started.md`).
 * - Node IP: the droplet's VPC address (`/metadata/v1/interfaces/private/0/ipv4/address`). eth0 is the
 *   public interface and holds the default route, which kubelet would otherwise pick.
 * - API server: `--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname`, because droplet
 *   names do not resolve (CCM `docs/getting-started.md`).
 *
 * User data: DigitalOcean takes it as plain text of at most 64 KiB (openapi
 * `droplets/models/droplet_create.yml`: "It must be plain text and may not exceed 64 KiB"), so the
 * document cannot be gzipped as a whole the way AWS's is. Each file inside it is gzipped instead
 * (cloud-init `write_files` `encoding: gz+b64`): {@link DO_DELIVERY} declares that, and the core
 * checks the text as sent against the limit before DigitalOcean's API would refuse the droplet in the
 * middle of `pulumi up`.
 */
import type { Delivery, PlatformBootstrapFacts } from "../../platform";
import { USER_DATA_LIMIT_BYTES } from "./catalog";

export { USER_DATA_LIMIT_BYTES } from "./catalog";

/** The droplet metadata service (link-local, answers only the droplet itself). */
export const METADATA_URL = "http://169.254.169.254/metadata/v1";

/**
 * A bash command printing one metadata path, filled into `format`. It fails (non-zero, nothing
 * printed) when the service does not answer or answers empty; the bootstrap retries it.
 * @param path - path under `/metadata/v1/`, e.g. `id`
 * @param format - printf format with one `%s`
 */
export function metadataCommand(path: string, format = "%s"): string {
    return `v=$(curl -sSf --max-time 5 ${METADATA_URL}/${path}) && [ -n "$v" ] && printf '${format}' "$v"`;
}

/** DigitalOcean facts for the bootstrap renderers. */
export function digitalOceanBootstrapFacts(): PlatformBootstrapFacts {
    return {
        cloudProvider: "external",
        providerIdCommand: metadataCommand("id", "digitalocean://%s"),
        nodeIpCommand: metadataCommand("interfaces/private/0/ipv4/address"),
        apiServerExtraArgs: [{ name: "kubelet-preferred-address-types", value: "InternalIP,ExternalIP,Hostname" }],
    };
}

/**
 * How bootstraps reach droplets: a plain-text cloud-config (no Windows on DigitalOcean) with every
 * file gzipped inside it, measured as text against 64 KiB. `ssh_pwauth: false` turns password logins
 * off: DigitalOcean mails a root password and turns password authentication on for a droplet created
 * without an SSH key; kubeforge always passes the keys it knows, and this keeps a droplet without any
 * from accepting passwords.
 */
export const DO_DELIVERY: Delivery = {
    linux: {
        format: "cloud-config",
        encoding: "plain",
        fileEncoding: "gz+b64",
        extraKeys: { ssh_pwauth: false },
        limit: { bytes: USER_DATA_LIMIT_BYTES, measured: "text" },
    },
};
