/**
 * A real control plane built from a shipped stack: kubeadm (dry-run) makes its certificates from the
 * program's PKI, etcd + kube-apiserver + kube-controller-manager run on loopback with kubeadm's flags
 * and our encryption and audit configs, kubeadm's own phases upload the config and the bootstrap
 * token, and then, for real: the stack's kubeconfig, Secrets encrypted in etcd, the audit log, the
 * lifecycle providers (readiness; drain blocked by a PodDisruptionBudget, then allowed; the Node
 * deleted) and `kubeadm join --dry-run` of a master and a worker against it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, verify as cryptoVerify } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { apiReadinessProvider } from "../../components/lifecycle/readinessProvider";
import { nodeLifecycleProvider } from "../../components/lifecycle/nodeProvider";
import { createKubeApi, type KubeApi } from "../../components/lifecycle/kubeapi";
import { shippedStacks } from "../../stacks/plan/stackConfig";
import { b64, cert, freePort, initDryRun, placePki, startControlPlane, type ControlPlane } from "./controlPlane";
import { ProcessGroup, describe as describeRun, run, runIsolatedWithApi, waitFor } from "./exec";
import {
    docOf,
    modeOf,
    parseDocs,
    renderAllStacks,
    renderShippedStack,
    representativeNodes,
    writeNodeConfig,
    type RenderedStack,
} from "./stacks";
import { kubeletStandIn } from "./kubeletStandIn";
import { toolPath } from "./toolchain";

// The stack the README deploys by default; any shipped stack would do.
const STACK = shippedStacks().includes("aws") ? "aws" : shippedStacks()[0];

let dir: string;
let procs: ProcessGroup;
let stack: RenderedStack;
let cp: ControlPlane;
let kubeconfig: string;
let connection: { endpoint: string; caCert: string; clientCert: string; clientKey: string };
let api: KubeApi;

before(async () => {
    for (const tool of ["kubeadm", "etcd", "etcdctl", "kube-apiserver", "kube-controller-manager", "kubectl"] as const) toolPath(tool);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-cp-"));
    procs = new ProcessGroup(dir);
    stack = await renderShippedStack(STACK);
    const init = stack.nodes.find((n) => modeOf(n) === "init");
    assert.ok(init, `stack ${STACK} has no init master`);
    const dry = await initDryRun(stack, init, dir, await freePort());
    cp = await startControlPlane(dry, dir, procs);

    // What `kubeadm init` does once the API answers, by kubeadm itself: the kubeadm-config and
    // kubelet-config ConfigMaps, the bootstrap token with its RBAC and the cluster-info ConfigMap.
    for (const phase of [["upload-config", "all"], ["bootstrap-token"]]) {
        const r = await run(toolPath("kubeadm"), ["init", "phase", ...phase, "--config", dry.config, "--kubeconfig", cp.superAdmin]);
        assert.equal(r.code, 0, `kubeadm init phase ${phase.join(" ")}: ${describeRun(r)}`);
    }
    // kubeadm init binds its admin group this way (EnsureAdminClusterRoleBinding, which only runs with
    // the default /etc/kubernetes paths): the stack's kubeconfig carries that group.
    await cp.kubectl(cp.superAdmin, [
        "create",
        "clusterrolebinding",
        "kubeadm:cluster-admins",
        "--clusterrole=cluster-admin",
        "--group=kubeadm:cluster-admins",
    ]);

    // The stack's kubeconfig output, pointed at this API server (its endpoint is the cloud's).
    const kc = parse(stack.kubeconfig) as { clusters: { cluster: Record<string, string> }[]; users: { user: Record<string, string> }[] };
    kc.clusters[0].cluster.server = cp.server;
    kubeconfig = path.join(dir, "stack.kubeconfig");
    fs.writeFileSync(kubeconfig, stringify(kc), { mode: 0o600 });
    connection = {
        endpoint: cp.server,
        caCert: b64(kc.clusters[0].cluster["certificate-authority-data"]),
        clientCert: b64(kc.users[0].user["client-certificate-data"]),
        clientKey: b64(kc.users[0].user["client-key-data"]),
    };
    api = createKubeApi(connection);
});

after(async () => {
    await procs?.stopAll();
    // KUBEFORGE_KEEP_TEST_DIR=1 keeps the logs, certificates and manifests for a look after a failure.
    if (dir && !process.env.KUBEFORGE_KEEP_TEST_DIR) fs.rmSync(dir, { recursive: true, force: true });
    else if (dir) console.log(`kept ${dir}`);
});

describe(`kubeadm builds a control plane from the program's PKI (stack ${STACK})`, () => {
    test("the CAs and the service-account key kubeadm used are the program's, and every certificate it signed chains to them", () => {
        const init = stack.nodes.find((n) => modeOf(n) === "init")!;
        const staged = (p: string) => init.bootstrap.files.find((f) => f.path === `/etc/kubeforge/pki/${p}`)!.content;
        const out = cp.init.out;
        for (const p of ["ca.crt", "etcd/ca.crt", "front-proxy-ca.crt", "sa.pub", "ca.key", "sa.key"]) {
            assert.equal(fs.readFileSync(path.join(out, p), "utf8"), staged(p), `kubeadm replaced the program's ${p}`);
        }
        const signedBy: Record<string, string[]> = {
            "ca.crt": ["apiserver.crt", "apiserver-kubelet-client.crt"],
            "etcd/ca.crt": ["apiserver-etcd-client.crt", "etcd/server.crt", "etcd/peer.crt", "etcd/healthcheck-client.crt"],
            "front-proxy-ca.crt": ["front-proxy-client.crt"],
        };
        for (const [ca, leaves] of Object.entries(signedBy)) {
            const issuer = cert(path.join(out, ca));
            for (const leaf of leaves) {
                const c = cert(path.join(out, leaf));
                assert.ok(c.checkIssued(issuer) && c.verify(issuer.publicKey), `${leaf} is not signed by the program's ${ca}`);
            }
        }
    });

    test("the API server certificate carries every name the endpoint is reached by", () => {
        const sans = cert(path.join(cp.init.out, "apiserver.crt")).subjectAltName ?? "";
        const cluster = docOf(parseDocs(fs.readFileSync(cp.init.config, "utf8")), "ClusterConfiguration");
        const apiServer = cluster.apiServer as { certSANs: string[] };
        const rendered = docOf(
            parseDocs(stack.nodes.find((n) => modeOf(n) === "init")!.bootstrap.files.find((f) => f.path.endsWith("/init.yaml"))!.content),
            "ClusterConfiguration",
        );
        const nodesEndpoint = String(rendered.controlPlaneEndpoint).replace(/:\d+$/, "");
        const peopleEndpoint = new URL(
            (parse(stack.kubeconfig) as { clusters: { cluster: { server: string } }[] }).clusters[0].cluster.server,
        ).hostname;
        const names = [...apiServer.certSANs, nodesEndpoint, peopleEndpoint, "kubernetes.default.svc.cluster.local", "127.0.0.1"];
        const c = cert(path.join(cp.init.out, "apiserver.crt"));
        for (const name of names) {
            const ok = /^[\d.]+$|:/.test(name) ? c.checkIP(name) !== undefined : c.checkHost(name) !== undefined;
            assert.ok(ok, `apiserver.crt is not valid for ${name}; it names ${sans}`);
        }
    });

    test("etcd, kube-apiserver and kube-controller-manager run with kubeadm's flags, our encryption config and audit policy", async () => {
        const init = stack.nodes.find((n) => modeOf(n) === "init")!;
        const apiArgs = parse(fs.readFileSync(path.join(cp.init.out, "kube-apiserver.yaml"), "utf8")).spec.containers[0]
            .command as string[];
        for (const [flag, file] of [
            ["--audit-policy-file", "/etc/kubeforge/apiserver/audit-policy.yaml"],
            ["--encryption-provider-config", "/etc/kubeforge/apiserver/encryption-config.yaml"],
        ]) {
            assert.ok(apiArgs.includes(`${flag}=${file}`), `kubeadm's kube-apiserver manifest lacks ${flag}=${file}`);
            assert.equal(
                fs.readFileSync(path.join(cp.init.root, file), "utf8"),
                init.bootstrap.files.find((f) => f.path === file)!.content,
            );
        }
        const holder = await waitFor("kube-controller-manager to lead", async () => {
            procs.assertRunning("kube-controller-manager");
            const lease = await api
                .get<{ spec?: { holderIdentity?: string } }>(
                    "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager",
                )
                .catch(() => undefined);
            return lease?.spec?.holderIdentity || undefined;
        });
        assert.ok(holder);
    });
});

describe("the stack's outputs and providers against the real API server", () => {
    test("the stack's kubeconfig works with kubectl, as a cluster admin", async () => {
        const version = JSON.parse(await cp.kubectl(kubeconfig, ["get", "--raw=/version"])) as { gitVersion: string };
        assert.equal(version.gitVersion, `v${stack.kubernetesVersion}`);
        assert.equal((await cp.kubectl(kubeconfig, ["auth", "can-i", "*", "*", "--all-namespaces"])).trim(), "yes");
    });

    test("a Secret written through the API is stored encrypted in etcd", async () => {
        const marker = `kubeforge-plaintext-${process.pid}`;
        await cp.kubectl(kubeconfig, ["create", "secret", "generic", "kf-at-rest", "-n", "default", `--from-literal=value=${marker}`]);
        const stored = await cp.etcdctl(["get", "/registry/secrets/default/kf-at-rest", "--print-value-only"]);
        assert.ok(
            stored.startsWith("k8s:enc:aescbc:v1:kubeforge-1:"),
            `etcd holds ${JSON.stringify(stored.slice(0, 40))}, not our aescbc envelope`,
        );
        assert.ok(!stored.includes(marker), "the plaintext is in etcd");
        const back = JSON.parse(await cp.kubectl(kubeconfig, ["get", "secret", "kf-at-rest", "-n", "default", "-o", "json"])) as {
            data: { value: string };
        };
        assert.equal(b64(back.data.value), marker);
    });

    test("the audit log records what the policy says", async () => {
        await cp.kubectl(kubeconfig, ["create", "configmap", "kf-audit", "-n", "default", "--from-literal=a=b"]);
        await cp.kubectl(kubeconfig, ["create", "serviceaccount", "kf-audit", "-n", "default"]);
        interface Event {
            level: string;
            verb: string;
            requestURI: string;
            objectRef?: { resource?: string; name?: string };
            requestObject?: unknown;
            responseObject?: unknown;
        }
        const events = await waitFor("the audit events", async () => {
            const all = fs
                .readFileSync(cp.auditLog, "utf8")
                .split("\n")
                .filter(Boolean)
                .map((l) => JSON.parse(l) as Event);
            const find = (resource: string, name: string) =>
                all.find((e) => e.verb === "create" && e.objectRef?.resource === resource && e.objectRef.name === name);
            const secret = find("secrets", "kf-at-rest");
            const configMap = find("configmaps", "kf-audit");
            const account = find("serviceaccounts", "kf-audit");
            return secret && configMap && account ? { all, secret, configMap, account } : undefined;
        });
        // Secrets and ConfigMaps: who and when, never their content.
        for (const e of [events.secret, events.configMap]) {
            assert.equal(e.level, "Metadata");
            assert.equal(e.requestObject, undefined);
            assert.equal(e.responseObject, undefined);
        }
        // Other changes in the core group: the full request and response.
        assert.equal(events.account.level, "RequestResponse");
        assert.ok(events.account.requestObject && events.account.responseObject);
        // Health probes are not logged.
        assert.equal(events.all.filter((e) => /^\/(readyz|livez|healthz)/.test(e.requestURI)).length, 0);
    });

    test("service-account tokens are signed with the program's service-account key", async () => {
        await cp.kubectl(kubeconfig, ["create", "serviceaccount", "kf-token", "-n", "default"]);
        const token = (await cp.kubectl(kubeconfig, ["create", "token", "kf-token", "-n", "default"])).trim();
        const [header, payload, signature] = token.split(".");
        const init = stack.nodes.find((n) => modeOf(n) === "init")!;
        const pub = createPublicKey(init.bootstrap.files.find((f) => f.path === "/etc/kubeforge/pki/sa.pub")!.content);
        const ok = cryptoVerify(
            "sha256",
            Buffer.from(`${header}.${payload}`),
            { key: pub, dsaEncoding: "ieee-p1363" },
            Buffer.from(signature, "base64url"),
        );
        assert.ok(ok, "the token's signature does not verify with the program's sa.pub");
    });

    test("the ApiReadiness provider sees the API server and reports its version", async () => {
        const result = await apiReadinessProvider.create!({ cluster: stack.stack, ...connection, timeoutSeconds: 120 });
        assert.equal(result.outs.serverVersion, `v${stack.kubernetesVersion}`);
    });
});

describe("NodeLifecycle removes a worker through the real API: drain blocked by a PodDisruptionBudget, then allowed", () => {
    test("cordon, refused eviction naming the PDB, then drain and the Node deleted", async () => {
        const worker = stack.nodes.find((n) => n.node.role === "worker");
        assert.ok(worker, `stack ${STACK} has no worker`);
        const nodeName = worker.node.name;
        await api.post("/api/v1/nodes", {
            apiVersion: "v1",
            kind: "Node",
            metadata: { name: nodeName, labels: worker.node.labels },
        });
        await api.post("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "kf-drain" } });
        // kube-controller-manager's service-account controller gives the namespace its default account.
        await waitFor("the namespace's default ServiceAccount", async () =>
            (await api.request("GET", "/api/v1/namespaces/kf-drain/serviceaccounts/default")).status === 200 ? true : undefined,
        );
        await api.post("/apis/policy/v1/namespaces/kf-drain/poddisruptionbudgets", {
            apiVersion: "policy/v1",
            kind: "PodDisruptionBudget",
            metadata: { name: "web" },
            spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } },
        });
        await api.post("/api/v1/namespaces/kf-drain/pods", {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "web-0", labels: { app: "web" } },
            spec: { nodeName, containers: [{ name: "web", image: "registry.k8s.io/pause:3.10.2" }] },
        });
        const kubelet = kubeletStandIn(api, nodeName);
        try {
            // The disruption controller (kube-controller-manager) has seen the healthy pod: none may go.
            await waitFor("the PodDisruptionBudget's status", async () => {
                const pdb = await api.get<{ status?: { currentHealthy?: number; disruptionsAllowed?: number } }>(
                    "/apis/policy/v1/namespaces/kf-drain/poddisruptionbudgets/web",
                );
                return pdb.status?.currentHealthy === 1 && pdb.status.disruptionsAllowed === 0 ? true : undefined;
            });
            const props = {
                cluster: stack.stack,
                platform: stack.platform,
                node: worker.node.name,
                role: worker.node.role,
                pool: worker.node.pool,
                kubernetesVersion: worker.node.kubernetesVersion,
                ...connection,
                skipDrain: false,
                waitForJoin: false,
                providerVersion: "test",
            };
            await assert.rejects(
                nodeLifecycleProvider.delete!(`${stack.stack}/${nodeName}`, { ...props, drainTimeoutSeconds: 8 }),
                (err: Error) => /kf-drain\/web-0/.test(err.message) && /web/.test(err.message) && /PodDisruptionBudget/.test(err.message),
            );
            const cordoned = await api.get<{ spec?: { unschedulable?: boolean } }>(`/api/v1/nodes/${nodeName}`);
            assert.equal(cordoned.spec?.unschedulable, true, "the node was not cordoned");
            await api.get(`/api/v1/namespaces/kf-drain/pods/web-0`);

            // The workload now allows one disruption: the same removal goes through.
            await api.patch("/apis/policy/v1/namespaces/kf-drain/poddisruptionbudgets/web", { spec: { minAvailable: 0 } }, "merge");
            await waitFor("the PodDisruptionBudget to allow a disruption", async () => {
                const pdb = await api.get<{ status?: { disruptionsAllowed?: number } }>(
                    "/apis/policy/v1/namespaces/kf-drain/poddisruptionbudgets/web",
                );
                return (pdb.status?.disruptionsAllowed ?? 0) >= 1 ? true : undefined;
            });
            await nodeLifecycleProvider.delete!(`${stack.stack}/${nodeName}`, { ...props, drainTimeoutSeconds: 300 });
        } finally {
            await kubelet.stop();
        }
        const gone = await api.request("GET", `/api/v1/nodes/${nodeName}`);
        assert.equal(gone.status, 404, "the Node still exists");
        const pod = await api.request("GET", "/api/v1/namespaces/kf-drain/pods/web-0");
        assert.equal(pod.status, 404, "the pod was not evicted");
        // The API server's audit log saw the refused eviction (429) and the accepted one (201).
        const evictions = fs
            .readFileSync(cp.auditLog, "utf8")
            .split("\n")
            .filter((l) => l.includes('"subresource":"eviction"'))
            .map((l) => (JSON.parse(l) as { responseStatus?: { code?: number } }).responseStatus?.code);
        assert.ok(evictions.includes(429) && evictions.includes(201), `eviction answers in the audit log: ${evictions.join(", ")}`);
    });
});

describe("kubeadm join --dry-run against the real API server, with the program's PKI", () => {
    for (const mode of ["control-plane", "worker"] as const) {
        test(`a ${mode} joins`, async () => {
            const n = representativeNodes(stack).find((x) => modeOf(x) === mode);
            assert.ok(n, `stack ${STACK} has no ${mode} node to join`);
            const joinDir = path.join(dir, `join-${mode}`);
            const out = path.join(joinDir, "out");
            // The joining master's pre-placed PKI, where a dry run reads certificates (see initDryRun).
            if (mode === "control-plane") placePki(n, out);
            const files = writeNodeConfig(stack, n, joinDir);
            // The discovery kubeconfig (CA and endpoint only) is the node's, its server on loopback.
            const discovery = parse(fs.readFileSync(files.discovery, "utf8")) as { clusters: { cluster: { server: string } }[] };
            discovery.clusters[0].cluster.server = cp.server;
            fs.writeFileSync(files.discovery, stringify(discovery));
            const r = await runIsolatedWithApi(
                toolPath("kubeadm"),
                ["join", "--dry-run", "--config", files.config, "--ignore-preflight-errors=all"],
                cp.ports.api,
                joinDir,
                { env: { ...process.env, KUBEADM_JOIN_DRYRUN_DIR: out } },
            );
            assert.equal(r.code, 0, `kubeadm join --dry-run (${n.node.name}): ${describeRun(r)}`);
            if (mode === "control-plane") {
                const ca = cert(path.join(cp.init.pki, "ca.crt"));
                const apiCert = cert(path.join(out, "apiserver.crt"));
                assert.ok(
                    apiCert.checkIssued(ca) && apiCert.verify(ca.publicKey),
                    "the joining master's apiserver.crt is not signed by the program's CA",
                );
                assert.ok(apiCert.checkHost(n.node.name), `the joining master's apiserver.crt lacks its node name ${n.node.name}`);
            }
        });
    }
});

describe("the plain manifests every stack applies (not its Helm charts) pass a server-side dry run", () => {
    test("every object of a kind the API server serves is accepted; custom kinds whose CRDs come with a chart are listed", async (t) => {
        const all = await renderAllStacks();
        const unserved: string[] = [];
        let checked = 0;
        for (const s of all) {
            for (const m of s.manifests) {
                const obj = m.object as { apiVersion: string; kind: string; metadata?: { name?: string; namespace?: string } };
                const what = `stack ${s.stack}: ${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ""}${obj.metadata?.name}`;
                const ns = obj.metadata?.namespace;
                // The chart that installs a namespace's workload creates it (createNamespace): so does this test.
                if (ns) await run(toolPath("kubectl"), ["--kubeconfig", kubeconfig, "create", "namespace", ns]);
                const r = await run(
                    toolPath("kubectl"),
                    ["--kubeconfig", kubeconfig, "apply", "--server-side", "--dry-run=server", "-f", "-"],
                    {
                        input: JSON.stringify(obj),
                    },
                );
                if (r.code !== 0 && /no matches for kind|ensure CRDs are installed/.test(r.stderr)) {
                    unserved.push(`${what} (${obj.apiVersion}: its CRD comes with a Helm chart, which cannot be fetched here)`);
                    continue;
                }
                assert.equal(r.code, 0, `${what}: ${describeRun(r)}`);
                checked++;
            }
        }
        // The harness can fail: an object the API server refuses is refused here.
        const bad = await run(toolPath("kubectl"), ["--kubeconfig", kubeconfig, "apply", "--server-side", "--dry-run=server", "-f", "-"], {
            input: JSON.stringify({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "kf-bad" }, provisioner: "" }),
        });
        assert.notEqual(bad.code, 0, "a StorageClass without a provisioner passed the server-side dry run");
        t.diagnostic(
            `${checked} object(s) accepted by the API server; not checkable here: ${unserved.length ? unserved.join("; ") : "none"}; patches over chart objects: ${all.flatMap((s) => s.patches).join("; ") || "none"}`,
        );
    });
});
