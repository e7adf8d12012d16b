/**
 * Waiting for the API server to answer `/readyz` through the cluster endpoint. Bundled into the
 * ApiReadiness provider's text by esbuild (components/dynamic.ts): no runtime import of
 * `@pulumi/pulumi` here.
 */
import type { KubeApi } from "./kubeapi";
import type { DrainClock } from "./drain";

/** Options of {@link waitForApi}. */
export interface WaitForApiOptions extends DrainClock {
    /** Give up after this many seconds. */
    timeoutSeconds: number;
    /** Endpoint shown in messages (`https://host:port`). */
    endpoint: string;
    /** Progress messages (never secrets). */
    log?: (message: string) => void;
}

/**
 * Polls `GET /readyz` with backoff until it answers 200, then returns the server's `gitVersion` from
 * `/version`. On timeout the error says what was seen last: connection refused, a TLS error or the
 * HTTP status and body.
 */
export async function waitForApi(api: KubeApi, options: WaitForApiOptions): Promise<string> {
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const initialDelay = options.initialDelayMs ?? 2000;
    const maxDelay = options.maxDelayMs ?? 15_000;
    const start = now();
    const deadline = start + options.timeoutSeconds * 1000;
    let delay = initialDelay;
    let lastSeen: string;
    let attempts = 0;
    for (;;) {
        attempts++;
        try {
            const res = await api.request("GET", "/readyz", { timeoutMs: 10_000 });
            if (res.status === 200) break;
            lastSeen = `GET /readyz: HTTP ${res.status}${res.text ? `: ${res.text.trim().slice(0, 200)}` : ""}`;
        } catch (err) {
            lastSeen = err instanceof Error ? err.message : String(err);
        }
        if (now() >= deadline) {
            throw new Error(
                `the Kubernetes API at ${options.endpoint} was not ready after ${options.timeoutSeconds}s (${attempts} attempt${attempts === 1 ? "" : "s"}); last seen: ${lastSeen}`,
            );
        }
        options.log?.(`waiting for ${options.endpoint}: ${lastSeen}`);
        await sleep(Math.max(0, Math.min(delay, deadline - now())));
        delay = Math.min(delay * 2, maxDelay);
    }
    const version = await api.get<{ gitVersion?: string }>("/version");
    return version?.gitVersion ?? "unknown";
}
