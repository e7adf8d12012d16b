/**
 * A concurrency limiter: at most `limit` tasks run at once, the rest wait in order. Many hosts are
 * bootstrapped in parallel, but not so many that a jump host or the operator's uplink chokes.
 */

/** Runs tasks with bounded concurrency. */
export interface Limiter {
    /** Runs `task` as soon as a slot is free; resolves or rejects with its result. */
    run<T>(task: () => Promise<T>): Promise<T>;
    /** Tasks running now. */
    readonly active: number;
    /** Tasks waiting for a slot. */
    readonly pending: number;
}

/**
 * Creates a {@link Limiter}.
 *
 * @param limit - maximum tasks at once (at least 1).
 */
export function createLimiter(limit: number): Limiter {
    const max = Math.max(1, Math.floor(limit));
    let active = 0;
    const queue: (() => void)[] = [];
    const release = () => {
        active--;
        const next = queue.shift();
        if (next) next();
    };
    return {
        get active() {
            return active;
        },
        get pending() {
            return queue.length;
        },
        run<T>(task: () => Promise<T>): Promise<T> {
            return new Promise<T>((resolve, reject) => {
                const start = () => {
                    active++;
                    let result: Promise<T>;
                    try {
                        result = task();
                    } catch (err) {
                        result = Promise.reject(err);
                    }
                    result.then(resolve, reject).finally(release);
                };
                if (active < max) start();
                else queue.push(start);
            });
        },
    };
}

/**
 * Maps `items` through `fn` with at most `limit` in flight, keeping the input order in the result.
 * Every item runs even when one fails; the first failure (in input order) is thrown after all settle.
 *
 * @param items - inputs.
 * @param limit - maximum concurrent calls.
 * @param fn - the async work per item.
 */
export async function mapLimited<I, O>(items: readonly I[], limit: number, fn: (item: I, index: number) => Promise<O>): Promise<O[]> {
    const limiter = createLimiter(limit);
    const settled = await Promise.allSettled(items.map((item, i) => limiter.run(() => fn(item, i))));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<O>).value);
}
