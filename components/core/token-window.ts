/**
 * When the bootstrap token rotates and when it expires. Pure.
 *
 * Pulumi keeps no clock of its own, so the token is tied to a time window: time is cut into windows
 * of half the token's lifetime; every `pulumi up` within one window uses the same token (its random
 * parts keep the window's number as a keeper), and the first `up` of a later window mints a new one.
 * The token expires at the end of the window after the one it was minted in, a time the program can
 * compute without state. So a machine created by any `up` has at least half the lifetime ahead of it
 * (12 h by default) to boot and join, and no token is valid for longer than its lifetime.
 */

/** Default lifetime of a bootstrap token, in hours (kubeadm's default too). */
export const DEFAULT_BOOTSTRAP_TOKEN_HOURS = 24;
/** Shortest allowed lifetime: a window of one hour leaves a new machine an hour to boot and join. */
export const MIN_BOOTSTRAP_TOKEN_HOURS = 2;
/** Longest allowed lifetime (30 days): a leaked worker's user data must not register nodes for long. */
export const MAX_BOOTSTRAP_TOKEN_HOURS = 720;

/** The window a moment falls in, and when a token minted in it expires. */
export interface TokenWindow {
    /** Number of the window since the epoch: the random token's keeper. */
    index: number;
    /** When the window's token expires (RFC 3339, UTC, whole seconds): the end of the next window. */
    expiresAt: string;
}

/**
 * The token window of `now`.
 *
 * @param now - the moment of the `pulumi up` (the program's clock)
 * @param lifetimeHours - the token's lifetime, at least {@link MIN_BOOTSTRAP_TOKEN_HOURS}
 */
export function tokenWindow(now: Date, lifetimeHours: number): TokenWindow {
    if (!Number.isSafeInteger(lifetimeHours) || lifetimeHours < MIN_BOOTSTRAP_TOKEN_HOURS) {
        throw new RangeError(`a bootstrap token lives at least ${MIN_BOOTSTRAP_TOKEN_HOURS} hours, not ${lifetimeHours}`);
    }
    const windowMs = (lifetimeHours * 3600 * 1000) / 2;
    const index = Math.floor(now.getTime() / windowMs);
    const expiresAt = new Date((index + 2) * windowMs).toISOString().replace(/\.\d{3}Z$/, "Z");
    return { index, expiresAt };
}
