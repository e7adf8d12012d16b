/**
 * What the bootstrap must know about AWS. Pure data.
 *
 * Node names are the EC2 private DNS names (`ip-10-0-1-23.ec2.internal`), the IP-based naming
 * cloud-provider-aws expects; the provider ID is `aws:///<zone>/<instance-id>`. Both are read at boot
 * from the instance metadata service with IMDSv2 (token PUT, then GET): the instances require tokens.
 * The bootstrap script runs each command with `bash -c` and retries it; Windows workers get
 * PowerShell equivalents (`Invoke-RestMethod`), run and retried by their PowerShell bootstrap.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LIB_DIR } from "../../../bootstrap/layout";
import { withoutCommentLines } from "../../../bootstrap/scripts";
import type { BootstrapFile } from "../../../bootstrap/types";
import type { ClusterSpec } from "../../core/types";
import type { Delivery, PlatformBootstrapFacts } from "../../platform";
import type { AwsConfig } from "./config";
import { NEGATIVE_CACHE_SECONDS } from "./dns";
import { privateZoneName } from "./names";

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

/** Where every Linux node gets the private-name probe (endpoint-name.py beside this file). */
export const ENDPOINT_NAME_PROBE_PATH = `${LIB_DIR}/aws-endpoint-name.py`;

/** The probe as nodes receive it (comment lines dropped: the 16 KB user data limit), read once from its file. */
export const ENDPOINT_NAME_PROBE = withoutCommentLines(readFileSync(join(__dirname, "endpoint-name.py"), "utf8"));

/**
 * The bootstrap's `endpointNameCommand` on AWS: asks the VPC's resolver directly (not the node's cache)
 * whether the private zone answers for this VPC with its short negative-caching SOA (three random names
 * must come back NXDOMAIN from the zone itself), and only then asks for the API name: `present`,
 * `absent` (the alias record, which waits for the load balancer, is not there yet) or `wait`. This is
 * what lets the machines boot without waiting for the zone and its SOA in `pulumi up` (about 80 s): the
 * probe runs after the package install, by when both normally exist, and an early lookup of the API name
 * can no longer be cached as NXDOMAIN for 15 minutes to a day (the reason machines used to wait).
 * The host name is the command's `$1`.
 * @param clusterName - the cluster name (its private zone's first label)
 */
export function endpointNameCommand(clusterName: string): string {
    return `python3 ${ENDPOINT_NAME_PROBE_PATH} "$1" ${privateZoneName(clusterName)} ${NEGATIVE_CACHE_SECONDS}`;
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
        endpointNameCommand: endpointNameCommand(spec.name),
        nodeFiles: [{ path: ENDPOINT_NAME_PROBE_PATH, content: ENDPOINT_NAME_PROBE, permissions: "0755" }],
        // Windows workers: the same names from IMDSv2 through PowerShell, so the CCM finds them too.
        windows: {
            nodeNameCommand: imdsPowerShell(["local-hostname"], "{0}"),
            providerIdCommand: imdsPowerShell(["placement/availability-zone", "instance-id"], "aws:///{0}/{1}"),
            nodeIpCommand: imdsPowerShell(["local-ipv4"], "{0}"),
        },
        controlPlaneFiles,
    };
}

/**
 * How EC2 takes a bootstrap: gzipped cloud-config in base64 (`userDataBase64`; the 16 KB limit counts
 * the gzip bytes), and for Windows the plain `<powershell>` text in base64, never gzipped (EC2Launch
 * does not unzip it), the limit counting the text itself.
 */
export const AWS_DELIVERY: Delivery = {
    linux: { format: "cloud-config", encoding: "gzip+base64", limit: { bytes: USER_DATA_LIMIT_BYTES, measured: "compressed" } },
    windows: { format: "powershell", wrapper: "ec2-tags", encoding: "base64", limit: { bytes: USER_DATA_LIMIT_BYTES, measured: "text" } },
};
