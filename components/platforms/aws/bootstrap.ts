/**
 * What the bootstrap must know about AWS. Pure data.
 *
 * Node names are the EC2 private DNS names (`ip-10-0-1-23.ec2.internal`), the IP-based naming
 * cloud-provider-aws expects; the provider ID is `aws:///<zone>/<instance-id>`. Both are read at boot
 * from the instance metadata service with IMDSv2 (token PUT, then GET): the instances require tokens.
 * The bootstrap script runs each command with `bash -c` and retries it; Windows workers get
 * PowerShell equivalents (`Invoke-RestMethod`), run and retried by their PowerShell bootstrap.
 */
import { encodeUserData, renderCloudInit } from "../../../bootstrap/cloudinit";
import type { BootstrapFile, NodeBootstrap } from "../../../bootstrap/types";
import type { ClusterSpec } from "../../core/types";
import type { PlatformBootstrapFacts, UserDataDelivery } from "../../platform-legacy";
import type { AwsConfig } from "./config";

/**
 * AWS's user data limit (bytes, before base64; cloud-init accepts it gzip-compressed, Windows
 * `<powershell>` user data must be sent uncompressed: EC2Launch does not unzip).
 */
export const USER_DATA_LIMIT_BYTES = 16384;

/** Directory of the cloud config on masters, mounted into the cloud controller manager. */
export const CLOUD_CONFIG_DIR = "/etc/kubernetes/cloud-config";
/** The cloud config file the CCM reads (`--cloud-config`). */
export const CLOUD_CONFIG_PATH = `${CLOUD_CONFIG_DIR}/aws.conf`;

const IMDS = "http://169.254.169.254/latest";

/**
 * A bash command that fetches IMDSv2 paths with one token and prints `format` filled with them.
 * @param paths - meta-data paths, e.g. `local-hostname`
 * @param format - printf format with one `%s` per path
 */
export function imdsCommand(paths: string[], format: string): string {
    const token = `t=$(curl -sSf --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' ${IMDS}/api/token)`;
    const reads = paths.map((p, i) => `v${i}=$(curl -sSf --max-time 5 -H "X-aws-ec2-metadata-token: $t" ${IMDS}/meta-data/${p})`);
    const args = paths.map((_, i) => `"$v${i}"`).join(" ");
    return [token, ...reads, `printf '${format}' ${args}`].join(" && ");
}

/** A PowerShell single-quoted string. */
function psQuote(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The PowerShell twin of {@link imdsCommand}, for Windows workers: one IMDSv2 token (`PUT` with the
 * TTL header), then one `GET` per path with it, printed through a .NET format string. Written after
 * AWS's documented `Invoke-RestMethod` IMDSv2 example; NOT run here (no Windows or PowerShell in CI).
 * @param paths - meta-data paths, e.g. `local-hostname`
 * @param format - .NET format string with `{0}`, `{1}`... one per path
 */
export function imdsPowerShell(paths: string[], format: string): string {
    const token = `$t = Invoke-RestMethod -Method PUT -Uri '${IMDS}/api/token' -Headers @{ 'X-aws-ec2-metadata-token-ttl-seconds' = '60' } -TimeoutSec 5`;
    const headers = "$h = @{ 'X-aws-ec2-metadata-token' = [string]$t }";
    const reads = paths.map((p) => `(Invoke-RestMethod -Method GET -Uri '${IMDS}/meta-data/${p}' -Headers $h -TimeoutSec 5)`);
    return `${token}; ${headers}; ${psQuote(format)} -f ${reads.join(", ")}`;
}

/**
 * The cloud config of cloud-provider-aws: names the cluster explicitly instead of letting the CCM
 * infer it from instance tags (which fails if an instance ever carries a second cluster tag).
 * @param clusterName - the cluster name (the `kubernetes.io/cluster/<name>` tag suffix)
 */
export function cloudConfig(clusterName: string): string {
    return `[Global]\nKubernetesClusterID=${clusterName}\n`;
}

/**
 * AWS facts for the bootstrap renderers.
 * @param _config - the aws config (nothing in it changes the facts today)
 * @param spec - the cluster
 */
export function awsBootstrapFacts(_config: AwsConfig, spec: ClusterSpec): PlatformBootstrapFacts {
    const controlPlaneFiles: BootstrapFile[] = [{ path: CLOUD_CONFIG_PATH, content: cloudConfig(spec.name), permissions: "0644" }];
    return {
        cloudProvider: "external",
        nodeNameCommand: imdsCommand(["local-hostname"], "%s"),
        providerIdCommand: imdsCommand(["placement/availability-zone", "instance-id"], "aws:///%s/%s"),
        nodeIpCommand: imdsCommand(["local-ipv4"], "%s"),
        // Windows workers: the same names from IMDSv2 through PowerShell, so the CCM finds them too.
        windows: {
            nodeNameCommand: imdsPowerShell(["local-hostname"], "{0}"),
            providerIdCommand: imdsPowerShell(["placement/availability-zone", "instance-id"], "aws:///{0}/{1}"),
            nodeIpCommand: imdsPowerShell(["local-ipv4"], "{0}"),
        },
        controlPlaneFiles,
        userDataLimitBytes: USER_DATA_LIMIT_BYTES,
    };
}

/** The `<powershell>` text of a Windows worker's bootstrap. */
function windowsUserDataText(b: NodeBootstrap): string {
    if (b.powershell === undefined)
        throw new Error(`node ${b.nodeName}: a Windows machine needs a PowerShell bootstrap, but the rendering has none`);
    return b.powershell;
}

/**
 * A Windows worker's user data for EC2: base64 of the plain `<powershell>` text. Not gzipped, unlike
 * cloud-init's: EC2Launch runs the text as it is and does not unzip it, so the 16 KB limit applies to
 * the text itself.
 * @param text - the `<powershell>` script
 * @param nodeName - the node, for the error message
 * @param limitBytes - the largest user data EC2 accepts, in bytes before base64
 * @returns the base64 user data and its size before base64 (the number the limit applies to)
 */
export function encodeWindowsUserData(
    text: string,
    nodeName: string,
    limitBytes: number = USER_DATA_LIMIT_BYTES,
): { base64: string; bytes: number } {
    const raw = Buffer.from(text, "utf8");
    if (raw.length > limitBytes) {
        throw new Error(
            `user data for Windows node ${nodeName} is ${raw.length} bytes, over EC2's limit of ${limitBytes} bytes; ` +
                `Windows user data cannot be gzipped (EC2Launch does not unzip it), so shorten the bootstrap (fewer labels, taints or platform facts)`,
        );
    }
    return { base64: raw.toString("base64"), bytes: raw.length };
}

/**
 * EC2 user data: gzipped cloud-config for Linux, the plain `<powershell>` text for Windows, both in
 * base64 (`userDataBase64`) and checked against {@link USER_DATA_LIMIT_BYTES}.
 */
export const awsUserData: UserDataDelivery = {
    format: (b, node) => (node.os === "windows" ? windowsUserDataText(b) : renderCloudInit(b)),
    encode: (text, node) =>
        node.os === "windows"
            ? encodeWindowsUserData(text, node.name).base64
            : encodeUserData(text, USER_DATA_LIMIT_BYTES, node.name).base64,
};
