/**
 * What the bootstrap must know about AWS. Pure data.
 *
 * Node names are the EC2 private DNS names (`ip-10-0-1-23.ec2.internal`), the IP-based naming
 * cloud-provider-aws expects; the provider ID is `aws:///<zone>/<instance-id>`. Both are read at boot
 * from the instance metadata service with IMDSv2 (token PUT, then GET): the instances require tokens.
 * The bootstrap script runs each command with `bash -c` and retries it.
 */
import type { BootstrapFile } from "../../../bootstrap/types";
import type { ClusterSpec } from "../../core/types";
import type { PlatformBootstrapFacts } from "../../platform";
import type { AwsConfig } from "./config";

/** AWS's user data limit (bytes, before base64; cloud-init accepts it gzip-compressed). */
export const USER_DATA_LIMIT_BYTES = 16384;

/** Directory of the cloud config on masters, mounted into the cloud controller manager. */
export const CLOUD_CONFIG_DIR = "/etc/kubernetes/cloud-config";
/** The cloud config file the CCM reads (`--cloud-config`). */
export const CLOUD_CONFIG_PATH = `${CLOUD_CONFIG_DIR}/aws.conf`;

const IMDS = "http://169.254.169.254/latest";

/**
 * A bash command that fetches IMDSv2 paths with one token and prints `format` filled with them.
 * @param paths meta-data paths, e.g. `local-hostname`
 * @param format printf format with one `%s` per path
 */
export function imdsCommand(paths: string[], format: string): string {
    const token = `t=$(curl -sSf --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' ${IMDS}/api/token)`;
    const reads = paths.map((p, i) => `v${i}=$(curl -sSf --max-time 5 -H "X-aws-ec2-metadata-token: $t" ${IMDS}/meta-data/${p})`);
    const args = paths.map((_, i) => `"$v${i}"`).join(" ");
    return [token, ...reads, `printf '${format}' ${args}`].join(" && ");
}

/**
 * The cloud config of cloud-provider-aws: names the cluster explicitly instead of letting the CCM
 * infer it from instance tags (which fails if an instance ever carries a second cluster tag).
 * @param clusterName the cluster name (the `kubernetes.io/cluster/<name>` tag suffix)
 */
export function cloudConfig(clusterName: string): string {
    return `[Global]\nKubernetesClusterID=${clusterName}\n`;
}

/**
 * AWS facts for the bootstrap renderers.
 * @param _config the aws config (nothing in it changes the facts today)
 * @param spec the cluster
 */
export function awsBootstrapFacts(_config: AwsConfig, spec: ClusterSpec): PlatformBootstrapFacts {
    const controlPlaneFiles: BootstrapFile[] = [{ path: CLOUD_CONFIG_PATH, content: cloudConfig(spec.name), permissions: "0644" }];
    return {
        cloudProvider: "external",
        nodeNameCommand: imdsCommand(["local-hostname"], "%s"),
        providerIdCommand: imdsCommand(["placement/availability-zone", "instance-id"], "aws:///%s/%s"),
        nodeIpCommand: imdsCommand(["local-ipv4"], "%s"),
        controlPlaneFiles,
        userDataLimitBytes: USER_DATA_LIMIT_BYTES,
    };
}
