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
 * (cloud-init `write_files` `encoding: gz+b64`), and the size of the text as sent is checked here,
 * before DigitalOcean's API would refuse the droplet in the middle of `pulumi up`.
 */
import { renderCloudInit } from "../../../bootstrap/cloudinit";
import type { PlatformBootstrapFacts, UserDataDelivery } from "../../platform-legacy";
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
        userDataLimitBytes: USER_DATA_LIMIT_BYTES,
    };
}

/**
 * Password logins off. DigitalOcean mails a root password and turns password authentication on for a
 * droplet created without an SSH key; kubeforge always passes the keys it knows, and this keeps a
 * droplet without any from accepting passwords.
 */
const CLOUD_CONFIG_TAIL = "ssh_pwauth: false\n";

/**
 * The cloud-config of a Linux node as DigitalOcean receives it: every file gzipped inside it.
 * @param bootstrap - the node's bootstrap
 */
export function formatDropletUserData(bootstrap: Parameters<UserDataDelivery["format"]>[0]): string {
    return renderCloudInit(bootstrap, { fileEncoding: "gz+b64" }) + CLOUD_CONFIG_TAIL;
}

/**
 * Checks user data against DigitalOcean's limit and returns it unchanged (plain text is what the API takes).
 * @param text - the cloud-config
 * @param nodeName - the node, for the message
 * @param limitBytes - the limit, in bytes of UTF-8
 * @throws Error naming the node, the size and the limit when the text is over it
 */
export function checkDropletUserData(text: string, nodeName: string, limitBytes: number = USER_DATA_LIMIT_BYTES): string {
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > limitBytes) {
        throw new Error(
            `user data for node ${nodeName} is ${bytes} bytes, over DigitalOcean's limit of ${limitBytes} bytes of plain text ` +
                `(its files are already gzipped; the document itself cannot be); use fewer labels, taints, extra SANs or platform files`,
        );
    }
    return text;
}

/** DigitalOcean user data: plain-text cloud-config with gzipped files, checked against 64 KiB. */
export const digitalOceanUserData: UserDataDelivery = {
    format: (b) => formatDropletUserData(b),
    encode: (text, node) => checkDropletUserData(text, node.name),
};
