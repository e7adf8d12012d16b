/**
 * Bounded retries with exponential backoff, for connection-level failures only: a command that ran and
 * failed is a result, not a transient fault, and is never retried here.
 */

/** How often and how patiently to retry. */
export interface RetryPolicy {
    /** Total attempts, including the first (at least 1). */
    attempts: number;
    /** Delay before the second attempt, in milliseconds; doubles each time. */
    baseDelayMs: number;
    /** Upper bound of one delay. */
    maxDelayMs: number;
}

/** Defaults for connecting to a host: 5 attempts over about 15 seconds. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 8000 };

/** Node socket error codes that mean "the host or its network is not answering (yet)". */
const TRANSIENT_CODES = new Set([
    "ECONNREFUSED",
    "ECONNRESET",
    "ETIMEDOUT",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "EHOSTDOWN",
    "EPIPE",
    "ECONNABORTED",
    "EAI_AGAIN",
]);

/**
 * True when `err` is a connection-level failure worth retrying (refused, reset, timed out, unreachable).
 *
 * @param err - anything thrown or emitted by a socket or by ssh2.
 */
export function isTransientConnectionError(err: unknown): boolean {
    if (typeof err !== "object" || err === null) return false;
    const e = err as { code?: unknown; level?: unknown; message?: unknown; transient?: unknown };
    if (e.transient === true) return true;
    if (e.transient === false) return false;
    if (typeof e.code === "string" && TRANSIENT_CODES.has(e.code)) return true;
    // ssh2 reports a handshake that never completes with level "client-timeout".
    if (e.level === "client-timeout") return true;
    const message = typeof e.message === "string" ? e.message : "";
    return /timed out|connection lost before handshake|socket hang up/i.test(message);
}

/** The delay before attempt `attempt` (1-based; attempt 1 has none). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
    if (attempt <= 1) return 0;
    return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 2));
}

/**
 * Runs `fn` until it succeeds, it fails with a non-retryable error, or the attempts are used up; then
 * rethrows the last error.
 *
 * @param fn - the operation; receives the 1-based attempt number.
 * @param policy - attempts and delays.
 * @param retryable - which errors to retry; connection-level ones by default.
 * @param onRetry - called before each retry (progress logging).
 */
export async function withRetry<T>(
    fn: (attempt: number) => Promise<T>,
    policy: RetryPolicy = DEFAULT_RETRY,
    retryable: (err: unknown) => boolean = isTransientConnectionError,
    onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
    const attempts = Math.max(1, Math.floor(policy.attempts));
    for (let attempt = 1; ; attempt++) {
        try {
            return await fn(attempt);
        } catch (err) {
            if (attempt >= attempts || !retryable(err)) throw err;
            const delay = backoffDelay(policy, attempt + 1);
            onRetry?.(err, attempt, delay);
            await new Promise((resolve) => setTimeout(resolve, delay));
        }
    }
}
