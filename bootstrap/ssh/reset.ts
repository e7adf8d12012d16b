/**
 * Removing a host: `kubeadm reset` and cleanup on the host itself, nothing more. The node's drain and
 * its etcd member's removal happen on the API side, in the core's NodeLifecycle, the same on every
 * platform (issue 10: one path for node removal); by the time Pulumi deletes a host's bootstrap, its
 * NodeLifecycle (which depends on it) is gone.
 *
 * The reset runs under the host-side supervisor like the bootstrap: a dropped connection leaves it
 * running to completion, and an earlier bootstrap still running is stopped first.
 */
import { randomBytes } from "node:crypto";
import { SshError } from "./errors";
import { hostRedactor, sshOptions, targetOf, type HostAccess, type ProgressLog, type StepOptions } from "./host";
import { shellQuote, withSession } from "./session";

/** What to reset. */
export interface ResetRequest {
    /** The node's host. */
    access: HostAccess;
    /** Kubernetes node name (for messages). */
    nodeName: string;
    /** Leave a host that cannot be reached as it is instead of failing the delete. */
    forceRemoveUnreachable: boolean;
    /** Secret values of the resource, kept out of messages. */
    secrets: string[];
}

/**
 * Shell run on the host: resets kubeadm's state, stops the kubelet, removes the CNI configuration
 * kubeadm leaves behind, and forgets the applied bootstrap so that a host added back bootstraps anew.
 * `KUBEFORGE_ROOT` prefixes the cleanup's paths, as in the bootstrap scripts (a sandbox in tests).
 *
 * @param stateDir - the provider's state directory on the host.
 */
export function resetScript(stateDir: string): string {
    const dir = stateDir.replace(/\/+$/, "");
    return [
        "set -euo pipefail",
        'root="${KUBEFORGE_ROOT:-}"',
        "if command -v kubeadm >/dev/null 2>&1; then kubeadm reset -f; else echo 'kubeadm not installed; nothing to reset'; fi",
        'if [ -z "$root" ] && command -v systemctl >/dev/null 2>&1 && systemctl cat kubelet.service >/dev/null 2>&1; then systemctl disable --now kubelet || true; fi',
        // kubeadm reset says it leaves these to the administrator; a host leaving the cluster has no use for them.
        'rm -rf -- "$root/etc/cni/net.d"',
        `rm -f -- ${shellQuote(`${dir}/bootstrap.applied`)}`,
    ].join("\n");
}

/**
 * Resets a host leaving the cluster. A host that cannot be reached fails the delete, unless
 * `forceRemoveUnreachable` is set: then it is left as it is (its Node and etcd member were removed
 * on the API side already).
 *
 * @param request - the host, node name and secrets.
 * @param options - timeouts, retries, state dir.
 * @param log - progress lines.
 */
export async function resetHost(request: ResetRequest, options: StepOptions, log: ProgressLog): Promise<void> {
    const { access, nodeName } = request;
    const redactor = hostRedactor([access.privateKey], request.secrets);
    const stateDir = options.stateDir.replace(/\/+$/, "");
    const where = `${nodeName} (${access.host}:${access.port})`;
    log(`${where}: kubeadm reset`);
    try {
        await withSession(targetOf(access, nodeName), sshOptions(options, redactor, log), (s) =>
            s.supervise(
                "kubeadm reset",
                {
                    runDir: `${stateDir}/run`,
                    id: `reset-${randomBytes(6).toString("hex")}`,
                    timeoutSeconds: 600,
                    command: ["bash", "-c", resetScript(stateDir)],
                },
                log,
            ),
        );
    } catch (err) {
        const unreachable = err instanceof SshError && (err.kind === "connect" || err.kind === "disconnected");
        if (!unreachable) throw err;
        if (!request.forceRemoveUnreachable) {
            // Say it once: the inner reason, not the inner message (which names the host and step again).
            throw new SshError({
                kind: err.kind,
                host: where,
                step: "kubeadm reset",
                reason: `the host is unreachable, so it cannot be reset (${err.reason ?? err.kind})`,
                fix:
                    "bring it back and retry, or set kubeforge:baremetal.forceRemoveUnreachable: true to leave it as it is " +
                    "(its Node and etcd member are removed through the API either way)",
            });
        }
        log(`${where}: unreachable; forceRemoveUnreachable is set, leaving the host as it is`);
    }
}
