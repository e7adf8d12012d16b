/**
 * A small Kubernetes API client over node's `https`: client-certificate authentication, the cluster CA
 * pinned, TLS verification always on. It runs inside the lifecycle providers, bundled into their text
 * by esbuild (components/dynamic.ts), where node builtins stay external.
 */
import type { IncomingMessage } from "node:http";
import type { RequestOptions } from "node:https";

/** How to reach and authenticate to one cluster's API. */
export interface KubeConnection {
    /** `https://host:port` of the API endpoint. */
    endpoint: string;
    /** PEM of the cluster CA; the only CA trusted for the server's certificate. */
    caCert: string;
    /** PEM of the client certificate. */
    clientCert: string;
    /** PEM of the client key. Secret: never logged, never part of an error. */
    clientKey: string;
}

/** Options of one request. */
export interface KubeRequestOptions {
    /** JSON body (serialized here) or raw text. */
    body?: unknown;
    /** Content type of the body; `application/json` by default. */
    contentType?: string;
    /** Overall timeout of this request in milliseconds; the client's default when absent. */
    timeoutMs?: number;
}

/** A raw response: the status and the body as text (parsed as JSON when it is JSON). */
export interface KubeResponse {
    /** HTTP status code. */
    status: number;
    /** Body text. */
    text: string;
    /** Body parsed as JSON, or undefined when it is not JSON. */
    json?: unknown;
}

/** The parts of a Kubernetes `Status` object errors carry. */
export interface KubeStatus {
    /** Human-readable message of the API server. */
    message?: string;
    /** Machine-readable reason (`NotFound`, `TooManyRequests`, ...). */
    reason?: string;
    /** Causes (e.g. the PodDisruptionBudget that blocked an eviction). */
    details?: { causes?: { reason?: string; message?: string }[] };
}

/** The API answered with a non-success status. The message names method, path and status. */
export class KubeApiError extends Error {
    /**
     * @param method - HTTP method.
     * @param path - Request path (with query).
     * @param status - HTTP status code.
     * @param apiStatus - The `Status` object the API returned, when it returned one.
     */
    constructor(
        readonly method: string,
        readonly path: string,
        readonly status: number,
        readonly apiStatus?: KubeStatus,
    ) {
        super(`${method} ${path}: HTTP ${status}${apiStatus?.message ? `: ${apiStatus.message}` : ""}`);
        this.name = "KubeApiError";
    }
}

/**
 * The API could not be reached or spoken to (connection refused, TLS failure, timeout). `kind` says
 * which, for callers that report what they saw last.
 */
export class KubeTransportError extends Error {
    /**
     * @param method - HTTP method.
     * @param path - Request path.
     * @param kind - Category of the failure.
     * @param detail - Description (node's error code and message, never key material).
     */
    constructor(
        readonly method: string,
        readonly path: string,
        readonly kind: "connection" | "tls" | "timeout" | "other",
        readonly detail: string,
    ) {
        super(
            `${method} ${path}: ${kind === "tls" ? "TLS error" : kind === "timeout" ? "timed out" : kind === "connection" ? "connection failed" : "request failed"}: ${detail}`,
        );
        this.name = "KubeTransportError";
    }
}

/** The operations lifecycle code needs from the Kubernetes API. Paths are absolute API paths. */
export interface KubeApi {
    /** Sends one request and returns the raw response, whatever its status. Throws {@link KubeTransportError}. */
    request(method: string, path: string, options?: KubeRequestOptions): Promise<KubeResponse>;
    /** GET a JSON object; throws {@link KubeApiError} on a non-2xx status. */
    get<T = unknown>(path: string): Promise<T>;
    /** GET plain text (logs, `/readyz`); throws {@link KubeApiError} on a non-2xx status. */
    getText(path: string): Promise<string>;
    /** GET a list; `query` is appended as URL parameters (e.g. `labelSelector`, `fieldSelector`). */
    list<T = unknown>(path: string, query?: Record<string, string>): Promise<{ items: T[] }>;
    /** PATCH with a strategic-merge patch (or `merge` when asked). */
    patch<T = unknown>(path: string, patch: unknown, kind?: "strategic" | "merge"): Promise<T>;
    /** POST a JSON object. */
    post<T = unknown>(path: string, body: unknown): Promise<T>;
    /** DELETE an object; a 404 counts as success (it is already gone). */
    delete(path: string, body?: unknown): Promise<void>;
}

/** Options of {@link createKubeApi}. */
export interface KubeApiOptions {
    /** Default timeout of each request in milliseconds (15 s). */
    timeoutMs?: number;
    /** Largest body read, in bytes (32 MiB): a guard against a runaway response. */
    maxBodyBytes?: number;
}

/** Classifies a node socket/TLS error into a {@link KubeTransportError} kind and a safe description. */
export function describeTransportError(err: unknown): { kind: KubeTransportError["kind"]; detail: string } {
    const e = err as { code?: string; message?: string };
    const code = e?.code ?? "";
    const message = String(e?.message ?? err);
    const connectionCodes = ["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"];
    if (connectionCodes.includes(code)) {
        const words: Record<string, string> = {
            ECONNREFUSED: "connection refused",
            ECONNRESET: "connection reset",
            ENOTFOUND: "host not found",
        };
        return { kind: "connection", detail: `${words[code] ?? message} (${code})` };
    }
    if (/CERT|SELF_SIGNED|SSL|TLS|ERR_TLS|UNABLE_TO|HOSTNAME|ALTNAME/i.test(code) || /certificate|ssl|tls|handshake/i.test(message)) {
        return { kind: "tls", detail: code ? `${message} (${code})` : message };
    }
    return { kind: "other", detail: code ? `${message} (${code})` : message };
}

/**
 * Creates a client for one cluster. Each request opens its own TLS connection (no keep-alive agent to
 * leak between provider calls); the server certificate must chain to `conn.caCert`.
 */
export function createKubeApi(conn: KubeConnection, options: KubeApiOptions = {}): KubeApi {
    // A call-time require, left from Pulumi's closure serializer (which turned top-level imports into
    // internal module paths); the bundle keeps builtins external, so an import would work as well.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const https = require("node:https") as typeof import("node:https");
    const base = new URL(conn.endpoint);
    if (base.protocol !== "https:") throw new Error(`kubernetes endpoint ${base.origin} must use https`);
    const defaultTimeout = options.timeoutMs ?? 15_000;
    const maxBody = options.maxBodyBytes ?? 32 * 1024 * 1024;

    const request = (method: string, path: string, opts: KubeRequestOptions = {}): Promise<KubeResponse> =>
        new Promise<KubeResponse>((resolve, reject) => {
            let payload: string | undefined;
            if (opts.body !== undefined) payload = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
            const headers: Record<string, string | number> = { Accept: "application/json, */*" };
            if (payload !== undefined) {
                headers["Content-Type"] = opts.contentType ?? "application/json";
                headers["Content-Length"] = Buffer.byteLength(payload);
            }
            const reqOptions: RequestOptions = {
                protocol: "https:",
                hostname: base.hostname.replace(/^\[|\]$/g, ""),
                port: base.port || 443,
                method,
                path,
                headers,
                ca: conn.caCert,
                cert: conn.clientCert,
                key: conn.clientKey,
                rejectUnauthorized: true,
                agent: false,
            };
            const timeoutMs = opts.timeoutMs ?? defaultTimeout;
            let settled = false;
            const fail = (err: Error) => {
                if (settled) return;
                settled = true;
                clearTimeout(timer);
                reject(err);
            };
            const req = https.request(reqOptions, (res: IncomingMessage) => {
                const chunks: Buffer[] = [];
                let size = 0;
                res.on("data", (chunk: Buffer) => {
                    size += chunk.length;
                    if (size > maxBody) {
                        res.destroy();
                        fail(new KubeTransportError(method, path, "other", `response larger than ${maxBody} bytes`));
                        return;
                    }
                    chunks.push(chunk);
                });
                res.on("error", (err) => {
                    const d = describeTransportError(err);
                    fail(new KubeTransportError(method, path, d.kind, d.detail));
                });
                res.on("end", () => {
                    if (settled) return;
                    settled = true;
                    clearTimeout(timer);
                    const text = Buffer.concat(chunks).toString("utf8");
                    let json: unknown;
                    if (/json/i.test(String(res.headers["content-type"] ?? "")) || /^\s*[{[]/.test(text)) {
                        try {
                            json = JSON.parse(text);
                        } catch {
                            json = undefined;
                        }
                    }
                    resolve({ status: res.statusCode ?? 0, text, json });
                });
            });
            // Declared after the request: `fail` reads it only from events, which never fire synchronously.
            const timer = setTimeout(() => {
                fail(new KubeTransportError(method, path, "timeout", `no complete response within ${timeoutMs} ms`));
                req.destroy();
            }, timeoutMs);
            req.on("error", (err) => {
                const d = describeTransportError(err);
                fail(new KubeTransportError(method, path, d.kind, d.detail));
            });
            if (payload !== undefined) req.write(payload);
            req.end();
        });

    const expectOk = (method: string, path: string, res: KubeResponse): KubeResponse => {
        if (res.status >= 200 && res.status < 300) return res;
        const status =
            res.json && typeof res.json === "object" && (res.json as { kind?: string }).kind === "Status"
                ? (res.json as KubeStatus)
                : undefined;
        throw new KubeApiError(method, path, res.status, status ?? (res.text ? { message: res.text.slice(0, 300) } : undefined));
    };

    const withQuery = (path: string, query?: Record<string, string>): string => {
        if (!query || Object.keys(query).length === 0) return path;
        return `${path}${path.includes("?") ? "&" : "?"}${new URLSearchParams(query).toString()}`;
    };

    return {
        request,
        async get<T>(path: string): Promise<T> {
            return expectOk("GET", path, await request("GET", path)).json as T;
        },
        async getText(path: string): Promise<string> {
            return expectOk("GET", path, await request("GET", path)).text;
        },
        async list<T>(path: string, query?: Record<string, string>): Promise<{ items: T[] }> {
            const full = withQuery(path, query);
            const json = expectOk("GET", full, await request("GET", full)).json as { items?: T[] | null };
            return { items: json?.items ?? [] };
        },
        async patch<T>(path: string, patch: unknown, kind: "strategic" | "merge" = "strategic"): Promise<T> {
            const contentType = kind === "strategic" ? "application/strategic-merge-patch+json" : "application/merge-patch+json";
            return expectOk("PATCH", path, await request("PATCH", path, { body: patch, contentType })).json as T;
        },
        async post<T>(path: string, body: unknown): Promise<T> {
            return expectOk("POST", path, await request("POST", path, { body })).json as T;
        },
        async delete(path: string, body?: unknown): Promise<void> {
            const res = await request("DELETE", path, body === undefined ? {} : { body });
            if (res.status === 404) return;
            expectOk("DELETE", path, res);
        },
    };
}
