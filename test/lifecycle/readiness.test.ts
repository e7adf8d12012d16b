import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { FakeKube, makeTestPki, removeTestPki, type TestPki } from "./fake-kube";
import { createKubeApi } from "../../components/lifecycle/kubeapi";
import { waitForApi } from "../../components/lifecycle/wait";

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

const fast = { initialDelayMs: 5, maxDelayMs: 20 };

function conn(overrides: Partial<{ caCert: string; endpoint: string }> = {}) {
    return { endpoint: kube.endpoint, caCert: pki.caCert, clientCert: pki.clientCert, clientKey: pki.clientKey, ...overrides };
}

describe("waiting for the API", () => {
    test("waits through 503s, then returns the server version", async () => {
        let calls = 0;
        kube.readyz = () => (++calls < 4 ? [503, "[-]etcd failed: reason withheld\nreadyz check failed"] : [200, "ok"]);
        kube.gitVersion = "v1.36.3";
        const logs: string[] = [];
        const version = await waitForApi(createKubeApi(conn()), {
            ...fast,
            endpoint: kube.endpoint,
            timeoutSeconds: 10,
            log: (m) => logs.push(m),
        });
        assert.equal(version, "v1.36.3");
        assert.equal(calls, 4);
        assert.equal(kube.calls("GET", "/version").length, 1);
        assert.ok(
            logs.some((l) => l.includes("HTTP 503")),
            "progress says what it saw",
        );
        for (const l of logs) assert.ok(!l.includes(pki.clientKey.split("\n")[1]));
    });

    test("times out naming the endpoint, the limit and the last HTTP status", async () => {
        kube.readyz = () => [503, "readyz check failed"];
        const err = await waitForApi(createKubeApi(conn()), { ...fast, endpoint: kube.endpoint, timeoutSeconds: 0.2 }).then(
            () => undefined,
            (e: unknown) => e as Error,
        );
        assert.ok(err);
        assert.match(err.message, new RegExp(`API at ${kube.endpoint.replace(/\./g, "\\.")} was not ready after 0.2s`));
        assert.match(err.message, /last seen: GET \/readyz: HTTP 503: readyz check failed/);
    });

    test("times out with 'connection refused' when nothing listens", async () => {
        const port = await new Promise<number>((resolve) => {
            const s = net.createServer().listen(0, "127.0.0.1", () => {
                const p = (s.address() as net.AddressInfo).port;
                s.close(() => resolve(p));
            });
        });
        const endpoint = `https://127.0.0.1:${port}`;
        const err = await waitForApi(createKubeApi(conn({ endpoint })), { ...fast, endpoint, timeoutSeconds: 0.1 }).then(
            () => undefined,
            (e: unknown) => e as Error,
        );
        assert.match(String(err?.message), /last seen: GET \/readyz: connection failed: connection refused \(ECONNREFUSED\)/);
    });

    test("a wrong CA is refused: never ready, the error says TLS", async () => {
        kube.readyz = () => [200, "ok"];
        const before = kube.requests.length;
        const err = await waitForApi(createKubeApi(conn({ caCert: pki.otherCaCert })), {
            ...fast,
            endpoint: kube.endpoint,
            timeoutSeconds: 0.1,
        }).then(
            () => undefined,
            (e: unknown) => e as Error,
        );
        assert.match(String(err?.message), /last seen: GET \/readyz: TLS error: /);
        assert.equal(kube.requests.length, before, "no request got through");
        assert.ok(!String(err?.message).includes("PRIVATE KEY"));
    });
});
