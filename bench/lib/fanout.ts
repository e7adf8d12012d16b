/**
 * Hosts the bare-metal provider bootstraps at once when the stack does not say: the fallback of
 * `props.concurrency || 10` in bootstrap/ssh/provider.ts (no exported constant there yet).
 */
export const PROVIDER_DEFAULT_CONCURRENCY = 10;
