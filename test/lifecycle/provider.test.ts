/**
 * The dynamic resources under the offline engine: registration (type token, secret key, defaults) and
 * the bundled provider text they registered, loaded the way Pulumi's dynamic provider host loads it
 * and run against the fake API, so what is stored in state works on its own.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { isWrappedSecret, PlanEngine, type PlanResource } from "../../stacks/plan/mocks";
import { FakeKube, makeTestPki, removeTestPki, type TestPki } from "./fake-kube";
import { isolatedFilename, loadProvider as load, requiredPackages } from "./providerHost";

const engine = new PlanEngine();
const secretOutputs = new Map<string, string[]>();
let pki: TestPki;
let kube: FakeKube;
let readiness: PlanResource;
let worker: PlanResource;
let master: PlanResource;

const record = {
    cluster: "demo",
    platform: "aws",
    failureDomain: "eu-west-1a",
    os: "linux" as const,
    kubernetesVersion: "1.36.3",
    taints: [],
    labels: { "kubeforge.io/pool": "workers" },
    spot: false,
};

before(async () => {
    pki = makeTestPki();
    kube = new FakeKube(pki);
    await kube.start();
    await engine.install("kubeforge", "test");
    interface Req {
        getName(): string;
        getAdditionalsecretoutputsList(): string[];
    }
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: Req, cb: unknown): void };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: Req, cb: unknown) => {
        secretOutputs.set(req.getName(), req.getAdditionalsecretoutputsList());
        original(req, cb);
    };

    const { ApiReadiness } = await import("../../components/lifecycle/readiness.js");
    const { NodeLifecycle } = await import("../../components/lifecycle/node.js");
    const connection = { endpoint: kube.endpoint, caCert: pki.caCert, clientCert: pki.clientCert, clientKey: pulumi.secret(pki.clientKey) };
    new ApiReadiness("demo-api", {
        cluster: "demo",
        platform: "aws",
        kubernetesVersion: "1.36.3",
        controlPlaneCount: 3,
        failureDomains: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        secretsEncryption: true,
        apiAllowedCidrs: ["10.0.0.0/8"],
        sshAllowedCidrs: [],
        cni: "cilium",
        ...connection,
    });
    new NodeLifecycle("demo-workers-0", {
        ...record,
        node: "demo-workers-0",
        role: "worker",
        pool: "workers",
        ...connection,
        clientKey: pki.clientKey,
    });
    new NodeLifecycle("demo-cp-0", {
        ...record,
        node: "demo-cp-0",
        role: "control-plane",
        pool: "control-plane",
        ...connection,
        drainTimeoutSeconds: 900,
        skipDrain: true,
    });
    await engine.settle();
    readiness = engine.resources.find((r) => r.name === "demo-api")!;
    worker = engine.resources.find((r) => r.name === "demo-workers-0")!;
    master = engine.resources.find((r) => r.name === "demo-cp-0")!;
});

after(async () => {
    await kube.stop();
    removeTestPki(pki);
});

describe("registration under the plan engine", () => {
    test("type tokens are the ones the policy pack matches", async () => {
        const { API_READINESS_TYPE, NODE_LIFECYCLE_TYPE } = await import("../../components/lifecycle/types.js");
        assert.equal(readiness.type, "pulumi-nodejs:dynamic/kubeforge:ApiReadiness");
        assert.equal(readiness.type, API_READINESS_TYPE);
        assert.equal(worker.type, "pulumi-nodejs:dynamic/kubeforge:NodeLifecycle");
        assert.equal(worker.type, NODE_LIFECYCLE_TYPE);
        assert.equal(master.type, NODE_LIFECYCLE_TYPE);
    });

    test("the client key is a secret input (even when passed plain) and an additional secret output", () => {
        for (const r of [readiness, worker, master]) {
            assert.ok(isWrappedSecret(r.inputs.clientKey), `${r.name}: clientKey wrapped as secret`);
            assert.equal((r.inputs.clientKey as { value: unknown }).value, pki.clientKey);
            assert.ok(!isWrappedSecret(r.inputs.clientCert), "certificates are not secret");
            assert.ok(secretOutputs.get(r.name)?.includes("clientKey"), `${r.name}: additionalSecretOutputs has clientKey`);
        }
    });

    test("records are spread at top level with defaults filled in", () => {
        assert.equal(readiness.inputs.controlPlaneCount, 3);
        assert.deepEqual(readiness.inputs.failureDomains, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
        assert.equal(readiness.inputs.timeoutSeconds, 1800);
        assert.equal(readiness.inputs.providerVersion, "1");
        assert.equal(worker.inputs.node, "demo-workers-0");
        assert.equal(worker.inputs.role, "worker");
        assert.equal(worker.inputs.drainTimeoutSeconds, 600);
        assert.equal(worker.inputs.skipDrain, false);
        assert.equal(worker.inputs.waitForJoin, false);
        assert.equal(worker.inputs.providerVersion, "1");
        assert.equal(master.inputs.drainTimeoutSeconds, 900);
        assert.equal(master.inputs.skipDrain, true);
    });

    test("the provider texts are self-contained: node builtins only, no project paths, no SDK, no secrets", async () => {
        const { providerText } = await import("../../components/dynamic.js");
        const { API_READINESS_PROVIDER } = await import("../../components/lifecycle/readiness.js");
        const { NODE_LIFECYCLE_PROVIDER } = await import("../../components/lifecycle/node.js");
        assert.equal(readiness.inputs.__provider, providerText(API_READINESS_PROVIDER));
        assert.equal(worker.inputs.__provider, providerText(NODE_LIFECYCLE_PROVIDER));
        assert.equal(master.inputs.__provider, worker.inputs.__provider, "one text for every node: the host loads it once");
        for (const r of [readiness, worker]) {
            const text = r.inputs.__provider as string;
            assert.equal(typeof text, "string");
            assert.ok(text.length < 100_000, `${r.name}: ${text.length} characters`);
            assert.deepEqual(requiredPackages(text), ["node:https"], `${r.name} requires only node:https`);
            assert.ok(!text.includes(path.resolve(__dirname, "../..")), "no path of this checkout");
            assert.ok(!text.includes("@pulumi"), "the SDK is not captured");
            assert.ok(!text.includes("PRIVATE KEY") && !text.includes(pki.clientKey.split("\n")[1]));
        }
    });
});

describe("the stored provider code, run as the dynamic provider host runs it", () => {
    const plain = (r: PlanResource) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(r.inputs)) out[k] = isWrappedSecret(v) ? v.value : v;
        return out;
    };
    const logged: string[] = [];
    const capture = async <T>(fn: () => Promise<T>): Promise<T> => {
        const original = console.log;
        console.log = (...args: unknown[]) => void logged.push(args.map(String).join(" "));
        try {
            return await fn();
        } finally {
            console.log = original;
        }
    };
    after(() => {
        for (const line of logged) assert.ok(!line.includes(pki.clientKey.split("\n")[1]), line);
    });

    test("ApiReadiness create waits for /readyz and returns the server version; diff ignores no-ops", async () => {
        const provider = load(readiness.inputs.__provider as string);
        const inputs = plain(readiness);
        kube.gitVersion = "v1.36.3";
        const created = await capture(() => provider.create(inputs));
        assert.equal(created.id, "demo-api");
        assert.equal(created.outs.serverVersion, "v1.36.3");
        assert.equal(created.outs.clientKey, pki.clientKey, "kept in state (marked secret) for later calls");
        assert.equal("__provider" in created.outs, false);
        const state = { ...created.outs, __provider: inputs.__provider };
        assert.deepEqual(await provider.diff("demo-api", state, inputs), { changes: false, replaces: [] });
        const moved = await provider.diff("demo-api", state, { ...inputs, endpoint: "https://127.0.0.1:1" });
        assert.equal(moved.changes, true);
        assert.deepEqual(moved.replaces, []);
        // A changed CA re-checks readiness on update; a changed timeout only stores it.
        const readyzBefore = kube.calls("GET", "/readyz").length;
        const same = await provider.update("demo-api", state, { ...inputs, timeoutSeconds: 60 });
        assert.equal(kube.calls("GET", "/readyz").length, readyzBefore);
        assert.equal(same.outs.serverVersion, "v1.36.3");
        kube.gitVersion = "v1.36.4";
        const rechecked = await capture(() => provider.update("demo-api", state, { ...inputs, caCert: `${pki.caCert}\n` }));
        assert.equal(kube.calls("GET", "/readyz").length, readyzBefore + 1);
        assert.equal(rechecked.outs.serverVersion, "v1.36.4");
    });

    test("NodeLifecycle create does not wait for the node; diff replaces on role/pool/name only", async () => {
        const provider = load(worker.inputs.__provider as string);
        const inputs = plain(worker);
        const before = kube.requests.length;
        const created = await provider.create(inputs);
        assert.equal(created.id, "demo/demo-workers-0");
        assert.equal(kube.requests.length, before, "create makes no API call");
        const state = { ...created.outs, __provider: inputs.__provider };
        assert.deepEqual((await provider.diff(created.id, state, { ...inputs, role: "control-plane" })).replaces, ["role"]);
        assert.deepEqual((await provider.diff(created.id, state, { ...inputs, pool: "big" })).replaces, ["pool"]);
        assert.deepEqual((await provider.diff(created.id, state, { ...inputs, node: "demo-workers-7" })).replaces, ["node"]);
        const conn = await provider.diff(created.id, state, { ...inputs, clientCert: "new", endpoint: "https://127.0.0.1:2" });
        assert.equal(conn.changes, true);
        assert.deepEqual(conn.replaces, []);
        assert.deepEqual(await provider.diff(created.id, state, inputs), { changes: false, replaces: [] });
        const updated = await provider.update(created.id, state, { ...inputs, drainTimeoutSeconds: 1200 });
        assert.equal(updated.outs.drainTimeoutSeconds, 1200);
    });

    test("NodeLifecycle create with waitForJoin waits for the node's label, and times out clearly", async () => {
        const provider = load(worker.inputs.__provider as string);
        const inputs = { ...plain(worker), node: "demo-workers-8", waitForJoin: true, joinTimeoutSeconds: 5 };
        setTimeout(() => kube.addNode("ip-10-0-2-8", "demo-workers-8"), 100);
        const created = await provider.create(inputs);
        assert.equal(created.id, "demo/demo-workers-8");
        assert.ok(kube.calls("GET", "/api/v1/nodes").some((r) => r.query.get("labelSelector") === "kubeforge.io/node=demo-workers-8"));
        kube.nodes.delete("ip-10-0-2-8");
        await assert.rejects(
            provider.create({ ...inputs, node: "demo-workers-9", joinTimeoutSeconds: 0.2 }),
            /node demo-workers-9 did not join within 0\.2s/,
        );
    });

    test("NodeLifecycle delete drains the node through the API and deletes it", async () => {
        const provider = load(worker.inputs.__provider as string);
        kube.addNode("ip-10-0-2-1", "demo-workers-0");
        kube.addPod("default", "api-0", "ip-10-0-2-1");
        kube.addPod("kube-system", "proxy-x", "ip-10-0-2-1", { ownerReferences: [{ kind: "DaemonSet", name: "proxy", controller: true }] });
        await capture(() => provider.delete("demo/demo-workers-0", plain(worker)));
        assert.ok(!kube.nodes.has("ip-10-0-2-1"));
        assert.equal(kube.calls("POST", "/api/v1/namespaces/default/pods/api-0/eviction").length, 1);
        assert.equal(kube.calls("POST", "/api/v1/namespaces/kube-system/pods/proxy-x/eviction").length, 0);
        assert.ok(logged.some((l) => l.includes("deleted Node ip-10-0-2-1")));
    });

    test("NodeLifecycle delete of a node that never joined succeeds", async () => {
        const provider = load(worker.inputs.__provider as string);
        await capture(() => provider.delete("demo/demo-workers-0", { ...plain(worker), node: "demo-workers-42" }));
    });

    test("a drain blocked by a PDB fails the delete with the pod named and no key material", async () => {
        const provider = load(worker.inputs.__provider as string);
        kube.addNode("ip-10-0-2-2", "demo-workers-0");
        kube.addPod("pay", "ledger-0", "ip-10-0-2-2", { labels: { app: "ledger" } });
        kube.eviction = () => ({ pdb: "ledger" });
        await assert.rejects(
            capture(() => provider.delete("demo/demo-workers-0", { ...plain(worker), drainTimeoutSeconds: 0.2 })),
            (err: Error) => {
                assert.match(err.message, /pod pay\/ledger-0: PodDisruptionBudget pay\/ledger/);
                const all = `${err.message}\n${err.stack}`;
                assert.ok(!all.includes(pki.clientKey.split("\n")[1]) && !all.includes("PRIVATE KEY"));
                return true;
            },
        );
        assert.ok(kube.nodes.has("ip-10-0-2-2"));
        kube.eviction = () => "allow";
    });

    test("loaded where no package resolves (not even the SDK), the providers load and work", async () => {
        const isolated = isolatedFilename(["@pulumi/pulumi"]);
        try {
            const node = load(worker.inputs.__provider as string, isolated.filename);
            assert.equal(typeof node.delete, "function");
            const provider = load(readiness.inputs.__provider as string, isolated.filename);
            kube.gitVersion = "v1.36.3";
            const created = await capture(() => provider.create(plain(readiness)));
            assert.equal(created.outs.serverVersion, "v1.36.3");
        } finally {
            isolated.remove();
        }
    });

    test("a master whose platform removes it itself (skipDrain): delete makes no API call", async () => {
        const provider = load(master.inputs.__provider as string);
        const before = kube.requests.length;
        await capture(() => provider.delete("demo/demo-cp-0", plain(master)));
        assert.equal(kube.requests.length, before);
    });
});
