/**
 * The one error type of the SSH layer. Its message names the host, the step and, for commands, the
 * exit code and the (redacted) tail of the output, so a failed `pulumi up` says what to look at.
 */

/** What went wrong. */
export type SshErrorKind =
    /** TCP or SSH handshake failed (refused, timed out, reset, unreachable) after all retries. */
    | "connect"
    /** Authentication with the private key was refused. */
    | "auth"
    /** The host presented a key that is not the configured one (or none was configured). */
    | "host-key"
    /** The connection dropped while a command was running. */
    | "disconnected"
    /** A command ran and exited non-zero (or was killed by a signal). */
    | "command"
    /** A command did not finish in its time limit. */
    | "timeout";

/** Details of an {@link SshError}. */
export interface SshErrorDetails {
    /** What went wrong. */
    kind: SshErrorKind;
    /** `host:port` (and node name when known). */
    host: string;
    /** The step that failed, e.g. `upload /etc/kubernetes/kubeadm.yaml` or `bootstrap`. */
    step: string;
    /** Exit code of a command. */
    exitCode?: number;
    /** Signal that ended a command. */
    signal?: string;
    /** Redacted tail of the command's output. */
    outputTail?: string;
    /** The underlying reason, redacted. */
    reason?: string;
    /** True when retrying the connection may help. */
    transient?: boolean;
}

/** An SSH failure with host, step, exit code and output tail, never a secret. */
export class SshError extends Error {
    /** What went wrong. */
    readonly kind: SshErrorKind;
    /** `host:port`. */
    readonly host: string;
    /** The failed step. */
    readonly step: string;
    /** Exit code of a failed command. */
    readonly exitCode?: number;
    /** Redacted output tail. */
    readonly outputTail?: string;
    /** Whether a retry of the connection may help (read by the retry classifier). */
    readonly transient: boolean;

    constructor(details: SshErrorDetails) {
        super(formatSshError(details));
        this.name = "SshError";
        this.kind = details.kind;
        this.host = details.host;
        this.step = details.step;
        this.exitCode = details.exitCode;
        this.outputTail = details.outputTail;
        this.transient = details.transient ?? false;
    }
}

function formatSshError(d: SshErrorDetails): string {
    const head = `${d.host}: step "${d.step}" failed`;
    const what: string[] = [];
    switch (d.kind) {
        case "command":
            what.push(d.signal ? `killed by signal ${d.signal}` : `exit code ${d.exitCode ?? "unknown"}`);
            break;
        case "connect":
            what.push("could not connect");
            break;
        case "auth":
            what.push("authentication refused (check the user and private key)");
            break;
        case "host-key":
            what.push("host key refused");
            break;
        case "disconnected":
            what.push("connection lost while the command ran");
            break;
        case "timeout":
            what.push("timed out");
            break;
    }
    if (d.reason) what.push(d.reason);
    let message = `${head}: ${what.join(": ")}`;
    if (d.outputTail && d.outputTail.trim()) message += `\n--- last output ---\n${d.outputTail.trimEnd()}`;
    return message;
}
