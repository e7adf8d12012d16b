import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { FakeKube, makeTestPki, removeTestPki, type TestPki } from "./fake-kube";
import { createKubeApi, KubeApiError, KubeTransportError } from "../../components/lifecycle/kubeapi";

let pki: TestPki;
let kube: FakeKube;

before(async () => {
    pki = makeTestPki();
    kube = new FakeKube(pki);
    await kube.start();
});
after(async () => {
    await kube.stop();
    removeTestPki(pki);
});

function api(overrides: Partial<{ caCert: string; clientCert: string; clientKey: string; endpoint: string }> = {}, timeoutMs?: number) {
    return createKubeApi(
        { endpoint: kube.endpoint, caCert: pki.caCert, clientCert: pki.clientCert, clientKey: pki.clientKey, ...overrides },
        timeoutMs ? { timeoutMs } : {},
    );
}

function assertNoKey(text: string): void {
    assert.ok(!text.includes(pki.clientKey), "the client key PEM must not appear");
    for (const line of pki.clientKey.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"))) {
        assert.ok(!text.includes(line), "no line of the client key may appear");
    }
}

describe("kube API client", () => {
    test("authenticates with the client certificate and encodes list selectors", async () => {
        kube.addNode("ip-10-0-0-1", "demo-workers-0");
        kube.addNode("ip-10-0-0-2", "demo-workers-1");
        const list = await api().list<{ metadata: { name: string } }>("/api/v1/nodes", {
            labelSelector: "kubeforge.io/node=demo-workers-1",
        });
        assert.deepEqual(
            list.items.map((n) => n.metadata.name),
            ["ip-10-0-0-2"],
        );
        const last = kube.requests.at(-1)!;
        assert.equal(last.clientCn, "kubeforge-admin");
        assert.equal(last.query.get("labelSelector"), "kubeforge.io/node=demo-workers-1");
    });

    test("patch sends a strategic-merge patch by default and a merge patch when asked", async () => {
        await api().patch("/api/v1/nodes/ip-10-0-0-1", { spec: { unschedulable: true } });
        assert.equal(kube.requests.at(-1)!.contentType, "application/strategic-merge-patch+json");
        await api().patch("/api/v1/nodes/ip-10-0-0-1", { spec: { unschedulable: true } }, "merge");
        assert.equal(kube.requests.at(-1)!.contentType, "application/merge-patch+json");
        assert.equal(kube.nodes.get("ip-10-0-0-1")!.spec!.unschedulable, true);
    });

    test("an API error names method, path and status, and carries the API's Status", async () => {
        const err = await api()
            .get("/api/v1/nodes/missing")
            .then(
                () => undefined,
                (e: unknown) => e,
            );
        assert.ok(err instanceof KubeApiError);
        assert.equal(err.status, 404);
        assert.match(err.message, /^GET \/api\/v1\/nodes\/missing: HTTP 404: nodes "missing" not found$/);
        assertNoKey(err.message + (err.stack ?? ""));
    });

    test("delete treats 404 as already gone", async () => {
        await api().delete("/api/v1/nodes/never-existed");
        assert.equal(kube.requests.at(-1)!.method, "DELETE");
    });

    test("a server certificate from another CA is refused as a TLS error", async () => {
        const err = await api({ caCert: pki.otherCaCert })
            .get("/version")
            .then(
                () => undefined,
                (e: unknown) => e,
            );
        assert.ok(err instanceof KubeTransportError, String(err));
        assert.equal(err.kind, "tls");
        assert.match(err.message, /^GET \/version: TLS error: /);
        assertNoKey(err.message + (err.stack ?? ""));
    });

    test("the server refuses a client certificate from another CA", async () => {
        const before = kube.requests.length;
        const err = await api({ clientCert: pki.strangerCert, clientKey: pki.strangerKey })
            .get("/version")
            .then(
                () => undefined,
                (e: unknown) => e,
            );
        assert.ok(err instanceof KubeTransportError, String(err));
        assert.equal(kube.requests.length, before, "the request never reached the handler");
        assert.ok(!String(err).includes(pki.strangerKey));
    });

    test("connection refused is reported as such", async () => {
        const port = await new Promise<number>((resolve) => {
            const s = net.createServer().listen(0, "127.0.0.1", () => {
                const p = (s.address() as net.AddressInfo).port;
                s.close(() => resolve(p));
            });
        });
        const err = await api({ endpoint: `https://127.0.0.1:${port}` })
            .get("/version")
            .then(
                () => undefined,
                (e: unknown) => e,
            );
        assert.ok(err instanceof KubeTransportError);
        assert.equal(err.kind, "connection");
        assert.match(err.message, /connection refused \(ECONNREFUSED\)/);
    });

    test("a server that never answers times out", async () => {
        const silent = net.createServer(() => undefined);
        await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
        const port = (silent.address() as net.AddressInfo).port;
        try {
            const err = await api({ endpoint: `https://127.0.0.1:${port}` }, 150)
                .get("/version")
                .then(
                    () => undefined,
                    (e: unknown) => e,
                );
            assert.ok(err instanceof KubeTransportError);
            assert.equal(err.kind, "timeout");
            assert.match(err.message, /^GET \/version: timed out/);
        } finally {
            silent.close();
        }
    });

    test("plain http endpoints are rejected", () => {
        assert.throws(() => api({ endpoint: `http://127.0.0.1:${kube.port}` }), /must use https/);
    });
});
