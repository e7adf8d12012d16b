import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { FakeKube, makeTestPki, removeTestPki, type Obj, type TestPki } from "./fake-kube";
import { createKubeApi } from "../../components/lifecycle/kubeapi";
import { decommissionNode, type DecommissionOptions } from "../../components/lifecycle/decommission";
import { isDaemonSetPod, isMirrorPod, NODE_LABEL, selectorMatches } from "../../components/lifecycle/drain";
import { LABELS } from "../../components/core/types";
import { ETCD_FALLBACK_TAGS, parseMemberList } from "../../components/lifecycle/etcd";

/** The parts of a helper pod's spec the etcd tests read. */
type PodSpecView = {
    containers: { command: string[]; image: string; [key: string]: unknown }[];
    tolerations: { key?: string }[];
    volumes: { hostPath?: unknown }[];
    [key: string]: unknown;
};

let pki: TestPki;
let kube: FakeKube;
const logs: string[] = [];
const errors: string[] = [];

before(() => {
    pki = makeTestPki();
});
beforeEach(async () => {
    await kube?.stop();
    kube = new FakeKube(pki);
    await kube.start();
});
after(async () => {
    await kube.stop();
    // Whatever happened above, no log line or error message carried key material.
    const keyLines = pki.clientKey.split("\n").filter((l) => l.length > 16 && !l.startsWith("-----"));
    assert.ok(keyLines.length > 0);
    for (const text of [...logs, ...errors]) {
        assert.ok(!text.includes("PRIVATE KEY"), text);
        for (const line of keyLines) assert.ok(!text.includes(line), text);
    }
    removeTestPki(pki);
});

function run(options: Partial<DecommissionOptions> & { node: string }) {
    const api = createKubeApi({ endpoint: kube.endpoint, caCert: pki.caCert, clientCert: pki.clientCert, clientKey: pki.clientKey });
    return decommissionNode(api, {
        role: "worker",
        kubernetesVersion: "1.36.3",
        drainTimeoutSeconds: 5,
        initialDelayMs: 5,
        maxDelayMs: 20,
        log: (m) => logs.push(m),
        ...options,
    }).catch((e: unknown) => {
        errors.push(String((e as Error).message) + String((e as Error).stack));
        throw e;
    });
}

function index(method: string, pathPrefix: string): number {
    return kube.requests.findIndex((r) => r.method === method && r.path.startsWith(pathPrefix));
}
function lastIndex(method: string, pathPrefix: string): number {
    for (let i = kube.requests.length - 1; i >= 0; i--) {
        if (kube.requests[i].method === method && kube.requests[i].path.startsWith(pathPrefix)) return i;
    }
    return -1;
}

describe("draining a worker", () => {
    test("cordons, skips DaemonSet and mirror pods, evicts the rest through 429s, waits, deletes the Node", async () => {
        kube.addNode("ip-10-0-1-5", "demo-workers-2");
        kube.addNode("ip-10-0-1-6", "demo-workers-3");
        kube.addPod("kube-system", "cilium-abcde", "ip-10-0-1-5", {
            ownerReferences: [{ kind: "DaemonSet", name: "cilium", controller: true }],
        });
        kube.addPod("kube-system", "static-web-ip-10-0-1-5", "ip-10-0-1-5", { annotations: { "kubernetes.io/config.mirror": "abc" } });
        kube.addPod("default", "web-0", "ip-10-0-1-5", {
            labels: { app: "web" },
            ownerReferences: [{ kind: "ReplicaSet", name: "web-1234", controller: true }],
        });
        kube.addPod("default", "batch-x", "ip-10-0-1-5");
        kube.addPod("default", "web-1", "ip-10-0-1-6", { labels: { app: "web" } });
        // The PDB refuses web-0 three times, then a replacement is ready elsewhere and it allows it.
        kube.eviction = (pod, attempt) => (pod.metadata.name === "web-0" && attempt <= 3 ? { pdb: "web-pdb" } : "allow");
        kube.terminatingLists = 2;

        const result = await run({ node: "demo-workers-2" });

        assert.equal(result.nodeName, "ip-10-0-1-5");
        assert.deepEqual([...result.drain!.evicted].sort(), ["default/batch-x", "default/web-0"]);
        assert.deepEqual([...result.drain!.skipped].sort(), ["kube-system/cilium-abcde", "kube-system/static-web-ip-10-0-1-5"]);

        const cordon = kube.calls("PATCH", "/api/v1/nodes/ip-10-0-1-5");
        assert.equal(cordon.length, 1);
        assert.deepEqual(cordon[0].body, { spec: { unschedulable: true } });
        assert.ok(index("PATCH", "/api/v1/nodes/") < index("POST", "/api/v1/namespaces/"), "cordon before the first eviction");

        const evictions = kube.calls("POST", "/api/v1/namespaces/").map((r) => r.path);
        assert.equal(evictions.filter((p) => p.includes("/web-0/")).length, 4, "three refusals, then the eviction that passed");
        assert.ok(!evictions.some((p) => p.includes("cilium") || p.includes("static-web")), "DaemonSet and mirror pods are not evicted");
        assert.ok(!evictions.some((p) => p.includes("web-1")), "pods on other nodes are untouched");
        const eviction = kube.calls("POST", "/api/v1/namespaces/default/pods/web-0/eviction")[0].body as Record<string, unknown>;
        assert.equal(eviction.apiVersion, "policy/v1");
        assert.equal(eviction.kind, "Eviction");

        assert.equal(kube.calls("DELETE", "/api/v1/namespaces/").length, 0, "no pod is ever deleted directly");
        assert.ok(!kube.nodes.has("ip-10-0-1-5"), "the Node object is deleted");
        assert.ok(kube.nodes.has("ip-10-0-1-6"));
        assert.ok(kube.pods.has("default/web-1"));
        assert.ok(!kube.pods.has("default/web-0") && !kube.pods.has("default/batch-x"));
        // The Node goes only after the pods-on-node list came back without the evicted pods.
        assert.ok(lastIndex("GET", "/api/v1/pods") < index("DELETE", "/api/v1/nodes/ip-10-0-1-5"));
        assert.ok(kube.calls("GET", "/api/v1/pods").length >= 3, "waited while the pods were terminating");
        assert.equal(kube.calls("GET", "/api/v1/pods")[0].query.get("fieldSelector"), "spec.nodeName=ip-10-0-1-5");
    });

    test("a PDB that never allows it: fails after the timeout naming the pod and its PDB, keeps the Node", async () => {
        kube.addNode("ip-10-0-1-7", "demo-workers-4");
        kube.addPod("shop", "db-0", "ip-10-0-1-7", { labels: { app: "db" } });
        kube.addPod("shop", "cache-0", "ip-10-0-1-7", { labels: { app: "cache" } });
        kube.eviction = (pod) => (pod.metadata.name === "db-0" ? { pdb: "db-pdb" } : "allow");
        await assert.rejects(run({ node: "demo-workers-4", drainTimeoutSeconds: 0.3 }), (err: Error) => {
            assert.match(err.message, /drain of node ip-10-0-1-7 timed out after 0\.3s: 1 pod\(s\) could not be evicted/);
            assert.match(err.message, /pod shop\/db-0: PodDisruptionBudget shop\/db-pdb/);
            assert.match(err.message, /raise the drain timeout/);
            assert.ok(!err.message.includes("cache-0"), "evicted pods are not listed as blocked");
            return true;
        });
        assert.ok(kube.calls("POST", "/api/v1/namespaces/shop/pods/db-0/eviction").length > 2, "retried with backoff");
        assert.ok(kube.nodes.has("ip-10-0-1-7"), "the Node stays when the drain failed");
        assert.ok(kube.pods.has("shop/db-0"), "the blocked pod is not force-deleted");
        assert.equal(kube.calls("DELETE", "/api/v1/").length, 0);
    });

    test("a node that never joined: delete succeeds without touching anything", async () => {
        kube.addNode("ip-10-0-1-8", "demo-workers-0");
        const result = await run({ node: "demo-workers-9" });
        assert.equal(result.skipped, "not joined");
        assert.equal(kube.requests.filter((r) => r.method !== "GET").length, 0);
        assert.ok(kube.nodes.has("ip-10-0-1-8"));
    });

    test("skipDrain (the platform removes the node): no API call at all", async () => {
        kube.addNode("metal-1", "demo-workers-0");
        const result = await run({ node: "demo-workers-0", skipDrain: true });
        assert.equal(result.skipped, "platform handles removal");
        assert.equal(kube.requests.length, 0);
    });

    test("finds a node by name when its label is absent (platforms that name nodes after the plan)", async () => {
        const node = kube.addNode("demo-workers-5", "x");
        delete node.metadata.labels!["kubeforge.io/node"];
        const result = await run({ node: "demo-workers-5" });
        assert.equal(result.nodeName, "demo-workers-5");
        assert.ok(!kube.nodes.has("demo-workers-5"));
    });
});

describe("removing a master", () => {
    const members =
        "8e9e05c52164694d, started, m0, https://10.0.0.10:2380, https://10.0.0.10:2379, false\n" +
        "91bc3c398fb3c146, started, m1, https://10.0.0.11:2380, https://10.0.0.11:2379, false\n" +
        "fd422379fda50e48, started, m2, https://10.0.0.12:2380, https://10.0.0.12:2379, false\n";

    function threeMasters(): void {
        kube.addNode("m0", "demo-cp-0", { controlPlane: true });
        const m1 = kube.addNode("m1", "demo-cp-1", { controlPlane: true });
        m1.spec = { unschedulable: true }; // being replaced itself: not the place to run etcdctl
        kube.addNode("m2", "demo-cp-2", { controlPlane: true });
        kube.addNode("w0", "demo-workers-0");
        kube.addPod("kube-system", "etcd-m2", "m2", { annotations: { "kubernetes.io/config.mirror": "x" } });
        const etcd0 = kube.addPod("kube-system", "etcd-m0", "m0", { annotations: { "kubernetes.io/config.mirror": "y" } });
        etcd0.spec = { nodeName: "m0", containers: [{ name: "etcd", image: "registry.k8s.io/etcd:3.6.4-0" }] };
    }

    test("runs etcdctl member list / member remove in pods on another master, then deletes the Node", async () => {
        threeMasters();
        kube.etcdctl = (args) => {
            if (args.join(" ") === "member list") return [true, members];
            if (args[0] === "member" && args[1] === "remove") return [true, `Member ${args[2]} removed from cluster 3c9b1d5a2f\n`];
            return [false, "unexpected"];
        };
        const result = await run({ node: "demo-cp-2", role: "control-plane" });
        assert.deepEqual(result.etcd, { result: "removed", memberId: "fd422379fda50e48", via: "m0" });

        assert.equal(kube.etcdctlPods.length, 2);
        for (const pod of kube.etcdctlPods) {
            const spec = pod.spec as PodSpecView;
            assert.equal(pod.metadata.namespace, "kube-system");
            assert.equal(spec.nodeName, "m0", "on another, schedulable master");
            assert.equal(spec.hostNetwork, true);
            assert.equal(spec.restartPolicy, "Never");
            assert.ok(spec.tolerations.some((t: { key?: string }) => t.key === "node-role.kubernetes.io/control-plane"));
            assert.deepEqual(spec.volumes[0].hostPath, { path: "/etc/kubernetes/pki/etcd", type: "Directory" });
            const container = spec.containers[0];
            assert.equal(container.image, "registry.k8s.io/etcd:3.6.4-0", "the image the master already runs");
            assert.ok(container.command.includes("--endpoints=https://127.0.0.1:2379"));
            assert.ok(!kube.pods.has(`kube-system/${pod.metadata.name}`), "the helper pod is deleted");
        }
        const commands = kube.etcdctlPods.map((p) =>
            ((p.spec as PodSpecView).containers[0].command as string[])
                .filter((a) => !a.startsWith("--"))
                .slice(1)
                .join(" "),
        );
        assert.deepEqual(commands, ["member list", "member remove fd422379fda50e48"]);
        // Drained first, etcd member removed next, Node last.
        assert.ok(index("PATCH", "/api/v1/nodes/m2") < index("POST", "/api/v1/namespaces/kube-system/pods"));
        assert.ok(lastIndex("DELETE", "/api/v1/namespaces/kube-system/pods/") < index("DELETE", "/api/v1/nodes/m2"));
        assert.ok(!kube.nodes.has("m2"));
        assert.ok(kube.nodes.has("m0") && kube.nodes.has("m1"));
    });

    test("a member already gone: no remove pod, Node deleted", async () => {
        threeMasters();
        kube.etcdctl = (args) => (args[1] === "list" ? [true, members.split("\n").slice(0, 2).join("\n")] : [false, "must not run"]);
        const result = await run({ node: "demo-cp-2", role: "control-plane" });
        assert.equal(result.etcd?.result, "absent");
        assert.equal(kube.etcdctlPods.length, 1);
        assert.ok(!kube.nodes.has("m2"));
    });

    test("etcdctl failing: the delete fails with its output, the helper pod is cleaned up, the Node stays", async () => {
        threeMasters();
        kube.pods.delete("kube-system/etcd-m0"); // image falls back to the version table
        kube.etcdctl = (args) => (args[1] === "list" ? [true, members] : [false, "Error: etcdserver: unhealthy cluster"]);
        await assert.rejects(run({ node: "demo-cp-2", role: "control-plane" }), (err: Error) => {
            assert.match(err.message, /etcdctl member remove fd422379fda50e48 on m0 failed: Error: etcdserver: unhealthy cluster/);
            return true;
        });
        assert.equal((kube.etcdctlPods[0].spec as PodSpecView).containers[0].image, `registry.k8s.io/etcd:${ETCD_FALLBACK_TAGS["1.36"]}`);
        assert.equal(kube.pods.size - [...kube.pods.keys()].filter((k) => !k.includes("etcdctl")).length, 0, "no helper pod left");
        assert.ok(kube.nodes.has("m2"));
    });

    test("the last master: etcd is left alone (the cluster is going away)", async () => {
        kube.addNode("m0", "demo-cp-0", { controlPlane: true });
        const result = await run({ node: "demo-cp-0", role: "control-plane" });
        assert.equal(result.etcd?.result, "skipped");
        assert.equal(kube.etcdctlPods.length, 0);
        assert.ok(!kube.nodes.has("m0"));
    });
});

describe("pod and selector rules", () => {
    test("the drain looks nodes up by the label placement puts on them", () => {
        assert.equal(NODE_LABEL, LABELS.node);
    });
    const pod = (meta: Partial<Obj["metadata"]>) => ({ metadata: { name: "p", namespace: "n", ...meta } });
    test("mirror pods are recognised by the kubelet's annotation", () => {
        assert.equal(isMirrorPod(pod({ annotations: { "kubernetes.io/config.mirror": "h" } })), true);
        assert.equal(isMirrorPod(pod({ annotations: { other: "x" } })), false);
    });
    test("DaemonSet pods are recognised by their controller", () => {
        assert.equal(isDaemonSetPod(pod({ ownerReferences: [{ kind: "DaemonSet", name: "d", controller: true }] })), true);
        assert.equal(isDaemonSetPod(pod({ ownerReferences: [{ kind: "ReplicaSet", name: "r", controller: true }] })), false);
        assert.equal(isDaemonSetPod(pod({})), false);
    });
    test("PDB selectors: matchLabels and matchExpressions", () => {
        assert.equal(selectorMatches({ matchLabels: { app: "db" } }, { app: "db", tier: "x" }), true);
        assert.equal(selectorMatches({ matchLabels: { app: "db" } }, { app: "web" }), false);
        assert.equal(selectorMatches({ matchExpressions: [{ key: "app", operator: "In", values: ["a", "b"] }] }, { app: "b" }), true);
        assert.equal(selectorMatches({ matchExpressions: [{ key: "app", operator: "NotIn", values: ["a"] }] }, { app: "a" }), false);
        assert.equal(selectorMatches({ matchExpressions: [{ key: "gpu", operator: "Exists" }] }, {}), false);
        assert.equal(selectorMatches({ matchExpressions: [{ key: "gpu", operator: "DoesNotExist" }] }, {}), true);
        assert.equal(selectorMatches({}, { any: "thing" }), true, "an empty selector selects every pod");
        assert.equal(selectorMatches(undefined, { any: "thing" }), false);
    });
    test("etcdctl member list parsing keeps hexadecimal ids exact", () => {
        const parsed = parseMemberList("fd422379fda50e48, started, m2, https://a:2380, https://a:2379, false\n\nnot a row\n");
        assert.deepEqual(parsed, [{ id: "fd422379fda50e48", status: "started", name: "m2" }]);
    });
});
