/**
 * What the bootstrap must know about AWS. Pure data.
 *
 * Node names are the EC2 private DNS names (`ip-10-0-1-23.ec2.internal`), the IP-based naming
 * cloud-provider-aws expects; the provider ID is `aws:///<zone>/<instance-id>`. Both are read at boot
 * from the instance metadata service with IMDSv2 (token PUT, then GET): the instances require tokens.
 * The bootstrap script runs each command with `bash -c` and retries it; Windows workers get
 * PowerShell equivalents (`Invoke-RestMethod`), run and retried by their PowerShell bootstrap.
 */
import type { BootstrapFile } from "../../../bootstrap/types";
import type { ClusterSpec } from "../../core/types";
import type { Delivery, PlatformBootstrapFacts } from "../../platform";
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
 * Exits 0 only when the resolver definitely answers "no such name" for the endpoint host
 * (`getaddrinfo` fails with EAI_NONAME): the instances depend on the private zone, so inside the VPC
 * that answer comes from Route 53 itself and means the API's alias record does not exist yet, i.e.
 * the load balancer is still being created and no cluster can answer there. A timeout or server
 * failure (EAI_AGAIN, anything else) exits 1: the init master then waits, as it must when it cannot
 * tell. Python because bash and getent cannot tell NXDOMAIN from a failed lookup; Ubuntu's cloud
 * images ship python3 (cloud-init is written in it). The host name is the command's `$1`.
 */
export const ENDPOINT_ABSENT_COMMAND =
    'python3 -c \'import socket as s,sys;exec("try:\\n s.getaddrinfo(sys.argv[1],None)\\nexcept s.gaierror as e:\\n sys.exit(0 if e.errno==s.EAI_NONAME else 1)\\nsys.exit(1)")\' "$1"';

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
        endpointNameCommand: ENDPOINT_ABSENT_COMMAND,
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
