/**
 * The one error type of the SSH layer. Its message says what happened once: the host, the step, what
 * went wrong (exit code, or the signal that killed the command), the fix when there is one, and the
 * (redacted) tail of the output, so a failed `pulumi up` says what to look at.
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
    /** How the tail was collected, shown in its header (e.g. "stdout and stderr as written"). */
    outputLabel?: string;
    /** The underlying reason, redacted. */
    reason?: string;
    /** What the user can do about it. */
    fix?: string;
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
    /** Signal that ended the command (named by the host, or read from an exit status above 128). */
    readonly signal?: string;
    /** Redacted output tail. */
    readonly outputTail?: string;
    /** The reason, without host and step (redacted). */
    readonly reason?: string;
    /** What the user can do about it. */
    readonly fix?: string;
    /** Whether a retry of the connection may help (read by the retry classifier). */
    readonly transient: boolean;

    constructor(details: SshErrorDetails) {
        super(formatSshError(details));
        this.name = "SshError";
        this.kind = details.kind;
        this.host = details.host;
        this.step = details.step;
        this.exitCode = details.exitCode;
        this.signal = details.signal ?? signalOfStatus(details.exitCode);
        this.outputTail = details.outputTail;
        this.reason = details.reason;
        this.fix = details.fix;
        this.transient = details.transient ?? false;
    }

    /** What happened, without the host: `step "x" failed: exit code 3`, for a line that names the host itself. */
    get summary(): string {
        return summaryOf(this);
    }
}

/**
 * The signal behind an exit status above 128 (a shell reports a child killed by signal n as 128 + n):
 * `KILL` for 137. Undefined for other statuses.
 *
 * @param status - exit status.
 */
export function signalOfStatus(status: number | undefined): string | undefined {
    if (status === undefined || status <= 128 || status > 128 + 64) return undefined;
    return LINUX_SIGNALS[status - 128];
}

/**
 * Linux signal numbers (the hosts are Linux; the machine running `pulumi up` may not be, so its own
 * `os.constants.signals` would misname some).
 */
const LINUX_SIGNALS: Record<number, string> = {
    1: "HUP",
    2: "INT",
    3: "QUIT",
    4: "ILL",
    5: "TRAP",
    6: "ABRT",
    7: "BUS",
    8: "FPE",
    9: "KILL",
    10: "USR1",
    11: "SEGV",
    12: "USR2",
    13: "PIPE",
    14: "ALRM",
    15: "TERM",
    16: "STKFLT",
    17: "CHLD",
    18: "CONT",
    19: "STOP",
    20: "TSTP",
    21: "TTIN",
    22: "TTOU",
    23: "URG",
    24: "XCPU",
    25: "XFSZ",
    26: "VTALRM",
    27: "PROF",
    28: "WINCH",
    29: "IO",
    30: "PWR",
    31: "SYS",
};

/** Why a signal usually arrives, for the message. */
function signalHint(signal: string): string {
    if (signal === "KILL") return "; often the kernel's out-of-memory killer (see `journalctl -k` on the host)";
    if (signal === "TERM" || signal === "HUP" || signal === "INT")
        return "; something on the host stopped it (a shutdown, an operator, a supervisor)";
    return "";
}

function whatOf(d: Pick<SshErrorDetails, "kind" | "exitCode" | "signal" | "reason">): string {
    const what: string[] = [];
    switch (d.kind) {
        case "command": {
            const signal = d.signal ?? signalOfStatus(d.exitCode);
            if (signal)
                what.push(
                    `killed by signal ${signal}${d.exitCode !== undefined ? ` (exit status ${d.exitCode})` : ""}${signalHint(signal)}`,
                );
            else what.push(`exit code ${d.exitCode ?? "unknown"}`);
            break;
        }
        case "connect":
            what.push("could not connect");
            break;
        case "auth":
            what.push("authentication refused");
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
    return what.join(": ");
}

function summaryOf(d: Pick<SshErrorDetails, "kind" | "exitCode" | "signal" | "reason" | "step" | "fix">): string {
    return `step "${d.step}" failed: ${whatOf(d)}${d.fix ? `; fix: ${d.fix}` : ""}`;
}

function formatSshError(d: SshErrorDetails): string {
    let message = `${d.host}: ${summaryOf(d)}`;
    if (d.outputTail && d.outputTail.trim())
        message += `\n--- last output (${d.outputLabel ?? "stdout and stderr"}) ---\n${d.outputTail.trimEnd()}`;
    return message;
}
