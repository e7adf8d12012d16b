/**
 * The SSH layer and the bare-metal bootstrap provider, in one import.
 *
 * - {@link SshSession} / {@link withSession}: one verified connection; commands with exit codes and
 *   redacted output tails; atomic uploads.
 * - {@link makeRedactor}, {@link withRetry}, {@link createLimiter} / {@link mapLimited}: the pieces it
 *   is built from, reusable for other SSH work.
 * - {@link applyBootstrap} / {@link resetHost}: what happens to one host, without Pulumi.
 * - {@link HostBootstrap}: the Pulumi dynamic resource (`pulumi-nodejs:dynamic/kubeforge:HostBootstrap`).
 */
export { SshSession, withSession, shellQuote, type SshTarget, type SshOptions, type RunOptions, type CommandResult } from "./session";
export { SshError, type SshErrorKind, type SshErrorDetails } from "./errors";
export { makeRedactor, embeddedSecrets, REDACTED, type Redactor } from "./redact";
export { withRetry, isTransientConnectionError, backoffDelay, DEFAULT_RETRY, type RetryPolicy } from "./retry";
export { createLimiter, mapLimited, type Limiter } from "./limiter";
export { parseHostKey, fingerprint, keyLine, type HostPublicKey } from "./hostkey";
export {
    applyBootstrap,
    DEFAULT_STEP_OPTIONS,
    type ApplyResult,
    type HostAccess,
    type HostFile,
    type ApplyRequest,
    type StepOptions,
} from "./host";
export { resetHost, resetScript, type ResetRequest } from "./reset";
export { uploadPlan, type UploadFile, type UploadPlan } from "./payload";
export { supervisedCommand, type SupervisedRun } from "./supervise";
export {
    HostBootstrap,
    hostBootstrapProvider,
    HOST_BOOTSTRAP_TYPE,
    HOST_BOOTSTRAP_PROVIDER_VERSION,
    type HostBootstrapArgs,
    type HostBootstrapProps,
    type HostBootstrapOutputs,
} from "./provider";
