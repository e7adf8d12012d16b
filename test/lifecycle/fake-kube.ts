/**
 * Test helper: a fake Kubernetes API server over real HTTPS on 127.0.0.1 (random port), requiring a
 * client certificate signed by its CA, with certificates made by the `openssl` CLI in a temp dir. It
 * keeps nodes, pods and PodDisruptionBudgets in memory and answers the handful of calls the lifecycle
 * code makes, recording every request so tests can assert on what was sent.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { TLSSocket } from "node:tls";

/** PEMs of one test PKI. */
export interface TestPki {
    dir: string;
    caCert: string;
    serverCert: string;
    serverKey: string;
    clientCert: string;
    clientKey: string;
    /** A CA that signed nothing here: trusting it must fail. */
    otherCaCert: string;
    /** A client certificate signed by the other CA: the server must refuse it. */
    strangerCert: string;
    strangerKey: string;
}

function openssl(dir: string, args: string[]): void {
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function ecKey(dir: string, name: string): void {
    openssl(dir, ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", `${name}.key`]);
}

function makeCa(dir: string, name: string): void {
    ecKey(dir, name);
    openssl(dir, [
        "req",
        "-x509",
        "-new",
        "-key",
        `${name}.key`,
        "-out",
        `${name}.crt`,
        "-days",
        "2",
        "-subj",
        `/CN=${name}`,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
}

function signLeaf(dir: string, ca: string, name: string, subject: string, ext: string): void {
    ecKey(dir, name);
    openssl(dir, ["req", "-new", "-key", `${name}.key`, "-out", `${name}.csr`, "-subj", subject]);
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(dir, [
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        `${ca}.crt`,
        "-CAkey",
        `${ca}.key`,
        "-CAcreateserial",
        "-out",
        `${name}.crt`,
        "-days",
        "2",
        "-extfile",
        `${name}.ext`,
    ]);
}

/** Creates a CA, a server certificate for 127.0.0.1 and a client certificate, plus a stranger CA. */
export function makeTestPki(): TestPki {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-lifecycle-"));
    makeCa(dir, "ca");
    makeCa(dir, "other-ca");
    signLeaf(dir, "ca", "server", "/CN=kube-apiserver", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    signLeaf(dir, "ca", "client", "/O=kubeadm:cluster-admins/CN=kubeforge-admin", "extendedKeyUsage=clientAuth\n");
    signLeaf(dir, "other-ca", "stranger", "/CN=stranger", "extendedKeyUsage=clientAuth\n");
    const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
    return {
        dir,
        caCert: read("ca.crt"),
        serverCert: read("server.crt"),
        serverKey: read("server.key"),
        clientCert: read("client.crt"),
        clientKey: read("client.key"),
        otherCaCert: read("other-ca.crt"),
        strangerCert: read("stranger.crt"),
        strangerKey: read("stranger.key"),
    };
}

/** Removes the temp dir of a test PKI. */
export function removeTestPki(pki: TestPki): void {
    fs.rmSync(pki.dir, { recursive: true, force: true });
}

/** A stored object (node, pod, PDB): plain JSON. */
export type Obj = {
    metadata: {
        name: string;
        namespace?: string;
        uid?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
        deletionTimestamp?: string;
        ownerReferences?: { kind: string; name: string; controller?: boolean }[];
    };
    spec?: Record<string, unknown>;
    status?: Record<string, unknown>;
};

/** One request the fake received. */
export interface Recorded {
    method: string;
    path: string;
    query: URLSearchParams;
    contentType?: string;
    body?: unknown;
    /** Common name of the client certificate presented. */
    clientCn?: string;
}

/** Decides an eviction: `allow`, or a PDB name that refuses it (answered 429). */
export type EvictionPolicy = (pod: Obj, attempt: number) => "allow" | { pdb: string };

/** Makes etcdctl pods finish: returns [succeeded, log] for the command's arguments. */
export type EtcdctlBehaviour = (args: string[], hostNode: string) => [boolean, string];

let uidCounter = 0;

/** The fake API server. */
export class FakeKube {
    readonly requests: Recorded[] = [];
    readonly nodes = new Map<string, Obj>();
    /** Pods by `namespace/name`. */
    readonly pods = new Map<string, Obj>();
    readonly pdbs: Obj[] = [];
    /** Answer of `/readyz` (status, body); 200 `ok` by default. */
    readyz: () => [number, string] = () => [200, "ok"];
    gitVersion = "v1.36.3";
    eviction: EvictionPolicy = () => "allow";
    /** How many pod lists an evicted pod survives (terminating) before it is gone. */
    terminatingLists = 0;
    etcdctl: EtcdctlBehaviour = () => [true, ""];
    /** Every etcdctl pod created (its spec), in order. */
    readonly etcdctlPods: Obj[] = [];
    private readonly evictionAttempts = new Map<string, number>();
    private readonly terminating = new Map<string, number>();
    private server?: https.Server;
    port = 0;

    constructor(private readonly pki: TestPki) {}

    /** `https://127.0.0.1:<port>`. */
    get endpoint(): string {
        return `https://127.0.0.1:${this.port}`;
    }

    /** Starts listening on a random port. */
    async start(): Promise<void> {
        this.server = https.createServer(
            { key: this.pki.serverKey, cert: this.pki.serverCert, ca: this.pki.caCert, requestCert: true, rejectUnauthorized: true },
            (req, res) => void this.handle(req, res),
        );
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        this.port = (this.server.address() as AddressInfo).port;
    }

    /** Stops the server. */
    async stop(): Promise<void> {
        await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    }

    /** Adds a node named `name` with the kubeforge label for `plan`. */
    addNode(name: string, plan: string, opts: { controlPlane?: boolean; ready?: boolean } = {}): Obj {
        const labels: Record<string, string> = { "kubeforge.io/node": plan, "kubernetes.io/hostname": name };
        if (opts.controlPlane) labels["node-role.kubernetes.io/control-plane"] = "";
        const node: Obj = {
            metadata: { name, uid: `uid-${++uidCounter}`, labels },
            spec: {},
            status: { conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }] },
        };
        this.nodes.set(name, node);
        return node;
    }

    /** Adds a pod on a node. */
    addPod(namespace: string, name: string, nodeName: string, extra: Partial<Obj["metadata"]> = {}): Obj {
        const pod: Obj = {
            metadata: { name, namespace, uid: `uid-${++uidCounter}`, ...extra },
            spec: { nodeName, containers: [{ name: "c", image: "example" }] },
            status: { phase: "Running" },
        };
        this.pods.set(`${namespace}/${name}`, pod);
        return pod;
    }

    /** Requests matching a method and a path prefix. */
    calls(method: string, pathPrefix: string): Recorded[] {
        return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const text = Buffer.concat(chunks).toString("utf8");
        const url = new URL(req.url ?? "/", "https://fake");
        const cert = (req.socket as TLSSocket).getPeerCertificate();
        const rec: Recorded = {
            method: req.method ?? "GET",
            path: url.pathname,
            query: url.searchParams,
            contentType: req.headers["content-type"],
            body: text ? safeJson(text) : undefined,
            clientCn: [cert?.subject?.CN].flat()[0],
        };
        this.requests.push(rec);
        const send = (status: number, body: unknown) => {
            const payload = typeof body === "string" ? body : JSON.stringify(body);
            res.writeHead(status, { "Content-Type": typeof body === "string" ? "text/plain" : "application/json" });
            res.end(payload);
        };
        const status = (code: number, reason: string, message: string, causes?: unknown[]) =>
            send(code, {
                kind: "Status",
                apiVersion: "v1",
                status: "Failure",
                reason,
                message,
                code,
                ...(causes ? { details: { causes } } : {}),
            });
        try {
            this.route(rec, send, status);
        } catch (err) {
            status(500, "InternalError", String(err));
        }
    }

    private route(
        rec: Recorded,
        send: (s: number, b: unknown) => void,
        status: (c: number, r: string, m: string, causes?: unknown[]) => void,
    ): void {
        const p = rec.path;
        const m = rec.method;
        let match: RegExpExecArray | null;
        if (p === "/readyz" && m === "GET") {
            const [code, body] = this.readyz();
            return send(code, body);
        }
        if (p === "/version" && m === "GET") return send(200, { major: "1", minor: "36", gitVersion: this.gitVersion });
        if (p === "/api/v1/nodes" && m === "GET") {
            const selector = rec.query.get("labelSelector");
            return send(200, {
                kind: "NodeList",
                items: [...this.nodes.values()].filter((n) => labelMatch(selector, n.metadata.labels ?? {})),
            });
        }
        if ((match = /^\/api\/v1\/nodes\/([^/]+)$/.exec(p))) {
            const name = decodeURIComponent(match[1]);
            const node = this.nodes.get(name);
            if (!node) return status(404, "NotFound", `nodes "${name}" not found`);
            if (m === "GET") return send(200, node);
            if (m === "PATCH") {
                if (!/strategic-merge-patch|merge-patch/.test(rec.contentType ?? ""))
                    return status(415, "UnsupportedMediaType", "bad patch type");
                node.spec = { ...node.spec, ...((rec.body as Obj).spec ?? {}) };
                return send(200, node);
            }
            if (m === "DELETE") {
                this.nodes.delete(name);
                return send(200, { kind: "Status", status: "Success" });
            }
        }
        if (p === "/api/v1/pods" && m === "GET") {
            const field = rec.query.get("fieldSelector") ?? "";
            const nodeName = /^spec\.nodeName=(.*)$/.exec(field)?.[1];
            const items: Obj[] = [];
            for (const [key, pod] of [...this.pods]) {
                if (nodeName !== undefined && pod.spec?.nodeName !== nodeName) continue;
                const left = this.terminating.get(key);
                if (left !== undefined) {
                    if (left <= 0) {
                        this.pods.delete(key);
                        this.terminating.delete(key);
                        continue;
                    }
                    this.terminating.set(key, left - 1);
                }
                items.push(pod);
            }
            return send(200, { kind: "PodList", items });
        }
        if ((match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/eviction$/.exec(p)) && m === "POST") {
            const key = `${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`;
            const body = rec.body as { apiVersion?: string; kind?: string };
            if (body?.apiVersion !== "policy/v1" || body.kind !== "Eviction")
                return status(400, "BadRequest", "expected a policy/v1 Eviction");
            const pod = this.pods.get(key);
            if (!pod) return status(404, "NotFound", `pods "${match[2]}" not found`);
            const attempt = (this.evictionAttempts.get(key) ?? 0) + 1;
            this.evictionAttempts.set(key, attempt);
            const decision = this.eviction(pod, attempt);
            if (decision !== "allow") {
                return status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", [
                    {
                        reason: "DisruptionBudget",
                        message: `The disruption budget ${decision.pdb} needs 1 healthy pods and has 1 currently`,
                    },
                ]);
            }
            if (this.terminatingLists > 0) {
                pod.metadata.deletionTimestamp = new Date().toISOString();
                this.terminating.set(key, this.terminatingLists);
            } else {
                this.pods.delete(key);
            }
            return send(201, { kind: "Status", status: "Success" });
        }
        if ((match = /^\/apis\/policy\/v1\/namespaces\/([^/]+)\/poddisruptionbudgets$/.exec(p)) && m === "GET") {
            const ns = decodeURIComponent(match[1]);
            return send(200, { kind: "PodDisruptionBudgetList", items: this.pdbs.filter((x) => x.metadata.namespace === ns) });
        }
        if (p === "/api/v1/namespaces/kube-system/pods" && m === "POST") {
            const pod = rec.body as Obj;
            const key = `kube-system/${pod.metadata.name}`;
            if (this.pods.has(key)) return status(409, "AlreadyExists", "exists");
            pod.metadata.namespace = "kube-system";
            pod.metadata.uid = `uid-${++uidCounter}`;
            pod.status = { phase: "Pending" };
            this.pods.set(key, pod);
            this.etcdctlPods.push(pod);
            return send(201, pod);
        }
        if ((match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)(\/log)?$/.exec(p))) {
            const key = `${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`;
            const pod = this.pods.get(key);
            if (!pod) return status(404, "NotFound", `pods "${match[2]}" not found`);
            const containers = (pod.spec?.containers ?? []) as { command?: string[] }[];
            const command = containers[0]?.command ?? [];
            const isEtcdctl = command[0] === "etcdctl";
            const args = command.filter((a) => !a.startsWith("--")).slice(1);
            const [ok, log] = isEtcdctl ? this.etcdctl(args, String(pod.spec?.nodeName)) : [true, ""];
            if (match[3] && m === "GET") return send(200, log);
            if (m === "GET") {
                // An etcdctl pod runs on the first look and has finished by the second.
                if (isEtcdctl) {
                    const phase = pod.status?.phase === "Pending" ? "Running" : ok ? "Succeeded" : "Failed";
                    pod.status = { phase };
                }
                return send(200, pod);
            }
            if (m === "DELETE") {
                this.pods.delete(key);
                return send(200, pod);
            }
        }
        status(404, "NotFound", `no route for ${m} ${p}`);
    }
}

function safeJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

function labelMatch(selector: string | null, labels: Record<string, string>): boolean {
    if (!selector) return true;
    return selector.split(",").every((term) => {
        const [k, v] = term.split("=");
        return v === undefined ? k in labels : labels[k] === v;
    });
}
