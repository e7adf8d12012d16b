import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { parseAllDocuments, parse } from "yaml";
import { renderNodeBootstrap, kubeProxyReplaced } from "../../bootstrap/render";
import { renderKubeadmInit, renderKubeadmJoin, nodeLabelsArg, mergeArgs } from "../../bootstrap/kubeadm";
import { renderAuditPolicy, renderEncryptionConfiguration } from "../../bootstrap/policies";
import { renderWindowsJoinConfiguration } from "../../bootstrap/windows";
import type { BootstrapFile, NodeBootstrap } from "../../bootstrap/types";
import { validateK8sDocuments } from "../helpers/validators";
import { externalFacts, input, masterPki, noneFacts, node, TOKEN, type NodeKind } from "./fixtures";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML documents are walked freely by the assertions
type Doc = Record<string, any>;

function docs(text: string): Doc[] {
    return parseAllDocuments(text).map((d) => d.toJS() as Doc);
}

function fileAt(b: NodeBootstrap, path: string): BootstrapFile {
    const f = b.files.find((x) => x.path === path);
    assert.ok(f, `missing ${path}`);
    return f;
}

const pki = masterPki();
const kinds: NodeKind[] = ["init", "control-plane", "worker"];

describe("every rendered Kubernetes document validates against the strict schemas", () => {
    for (const kind of kinds) {
        for (const provider of ["external", "none"] as const) {
            for (const secretsEncryption of [true, false]) {
                for (const cni of ["cilium", "calico", "none"] as const) {
                    test(`${kind} / cloud-provider ${provider} / encryption ${secretsEncryption} / ${cni}`, () => {
                        const facts = provider === "external" ? externalFacts() : noneFacts();
                        const b = renderNodeBootstrap(input(kind, { pki, facts, spec: { secretsEncryption, cni } }));
                        const yamlFiles = b.files.filter((f) => f.path.startsWith("/etc/kubeforge/") && f.path.endsWith(".yaml"));
                        assert.ok(yamlFiles.length >= 1);
                        for (const f of yamlFiles) assert.deepEqual(validateK8sDocuments(f.content), [], f.path);
                        assert.equal(
                            b.files.some((f) => f.path.endsWith("encryption-config.yaml")),
                            kind !== "worker" && secretsEncryption,
                        );
                    });
                }
            }
        }
    }
    test("windows worker join configuration", () => {
        const text = renderWindowsJoinConfiguration(input("windows", { pki }));
        assert.deepEqual(validateK8sDocuments(text), []);
        const [join] = docs(text);
        assert.equal(join.nodeRegistration.criSocket, "npipe:////./pipe/containerd-containerd");
        assert.equal(join.nodeRegistration.name, "demo-win-0");
    });
    test("the validator itself rejects a misspelled field and an unknown kind", () => {
        const good = renderKubeadmJoin(input("worker", { pki }), false);
        assert.notDeepEqual(validateK8sDocuments(good.replace("tlsBootstrapToken", "tlsBootstapToken")), []);
        assert.notDeepEqual(validateK8sDocuments("apiVersion: v1\nkind: Pod\n"), []);
    });
});

describe("kubeadm documents", () => {
    test("init: pre-generated token with the program's expiry (never ttl 0s), ECDSA, endpoint, SANs, file discovery-free", () => {
        const [init, cluster, kubelet, ...rest] = docs(renderKubeadmInit(input("init", { pki, spec: { cni: "calico" } })));
        assert.equal(init.kind, "InitConfiguration");
        assert.equal(init.bootstrapTokens[0].token, TOKEN);
        // kubeadm defaults ttl before validating, so `expires` would always be refused as "both set".
        assert.equal(init.bootstrapTokens[0].ttl, "24h0m0s");
        assert.equal(init.bootstrapTokens[0].expires, undefined, "expires and ttl are exclusive");
        assert.equal(init.nodeRegistration.name, "__KUBEFORGE_NODE_NAME__");
        assert.equal(cluster.encryptionAlgorithm, "ECDSA-P256");
        assert.equal(cluster.controlPlaneEndpoint, "demo-api-0123456789.elb.us-east-1.amazonaws.com:6443");
        assert.ok(cluster.apiServer.certSANs.includes("api.demo.example.com"));
        assert.equal(cluster.kubernetesVersion, "v1.36.4");
        assert.equal(kubelet.kind, "KubeletConfiguration");
        assert.equal(kubelet.cgroupDriver, "systemd");
        assert.equal(rest[0]?.kind, "KubeProxyConfiguration", "calico keeps kube-proxy");
        assert.equal(cluster.proxy, undefined);
    });
    test("cilium replaces kube-proxy", () => {
        const all = docs(renderKubeadmInit(input("init", { pki, spec: { cni: "cilium" } })));
        assert.equal(all.find((d) => d.kind === "ClusterConfiguration")!.proxy.disabled, true);
        assert.equal(
            all.some((d) => d.kind === "KubeProxyConfiguration"),
            false,
        );
        assert.equal(kubeProxyReplaced(input("init").spec), true);
    });
    test("cloud-provider=external reaches kubelet and controller manager only when external", () => {
        const arg = (list: { name: string; value: string }[], name: string) => list.find((a) => a.name === name)?.value;
        const ext = docs(renderKubeadmInit(input("init", { pki, facts: externalFacts() })));
        const none = docs(renderKubeadmInit(input("init", { pki, facts: noneFacts() })));
        assert.equal(arg(ext[0].nodeRegistration.kubeletExtraArgs, "cloud-provider"), "external");
        assert.equal(arg(ext[1].controllerManager.extraArgs, "cloud-provider"), "external");
        assert.equal(arg(ext[0].nodeRegistration.kubeletExtraArgs, "provider-id"), "__KUBEFORGE_PROVIDER_ID__");
        assert.equal(arg(ext[0].nodeRegistration.kubeletExtraArgs, "node-ip"), "__KUBEFORGE_NODE_IP__");
        assert.equal(arg(ext[1].apiServer.extraArgs, "kubelet-preferred-address-types"), "InternalIP,Hostname");
        assert.equal(arg(none[0].nodeRegistration.kubeletExtraArgs, "cloud-provider"), undefined);
        assert.equal(arg(none[1].controllerManager.extraArgs, "cloud-provider"), undefined);
        assert.equal(arg(none[0].nodeRegistration.kubeletExtraArgs, "provider-id"), undefined);
        assert.equal(arg(none[1].controllerManager.extraArgs, "configure-cloud-routes"), "false");
        assert.equal(arg(none[1].apiServer.extraArgs, "profiling"), "false");
    });
    test("allocate-node-cidrs follows the CNI's IPAM", () => {
        const value = (cni: "cilium" | "calico" | "none") =>
            docs(renderKubeadmInit(input("init", { pki, spec: { cni } })))[1].controllerManager.extraArgs.find(
                (a: { name: string }) => a.name === "allocate-node-cidrs",
            ).value;
        assert.deepEqual([value("cilium"), value("calico"), value("none")], ["false", "false", "true"]);
    });
    test("encryption and audit flags and volumes", () => {
        const on = docs(renderKubeadmInit(input("init", { pki, spec: { secretsEncryption: true } })))[1];
        const off = docs(renderKubeadmInit(input("init", { pki, spec: { secretsEncryption: false } })))[1];
        const names = (d: Doc) => d.apiServer.extraArgs.map((a: { name: string }) => a.name);
        assert.ok(names(on).includes("encryption-provider-config"));
        assert.ok(!names(off).includes("encryption-provider-config"));
        for (const flag of ["audit-policy-file", "audit-log-path", "audit-log-maxage", "audit-log-maxbackup", "audit-log-maxsize"]) {
            assert.ok(names(off).includes(flag), flag);
        }
        const mounts = on.apiServer.extraVolumes.map((v: { mountPath: string }) => v.mountPath);
        for (const a of on.apiServer.extraArgs as { name: string; value: string }[]) {
            if (a.name.endsWith("-file") || a.name === "encryption-provider-config" || a.name === "audit-log-path") {
                assert.ok(
                    mounts.some((m: string) => a.value.startsWith(`${m}/`)),
                    `${a.name} is mounted`,
                );
            }
        }
    });
    test("joins: file discovery with the TLS bootstrap token, controlPlane only for masters, no certificateKey", () => {
        const worker = docs(renderKubeadmJoin(input("worker", { pki }), false))[0];
        const master = docs(renderKubeadmJoin(input("control-plane", { pki }), true))[0];
        assert.equal(worker.discovery.file.kubeConfigPath, "/etc/kubeforge/discovery.kubeconfig");
        assert.equal(worker.discovery.tlsBootstrapToken, TOKEN);
        assert.equal(worker.discovery.bootstrapToken, undefined);
        assert.equal(worker.controlPlane, undefined);
        assert.ok(master.controlPlane);
        assert.equal(master.controlPlane.certificateKey, undefined);
        assert.deepEqual(master.nodeRegistration.taints, [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }]);
        assert.deepEqual(worker.nodeRegistration.taints, []);
    });
    test("the discovery kubeconfig holds the CA and endpoint and no credentials", () => {
        const b = renderNodeBootstrap(input("worker", { pki }));
        const kc = parse(fileAt(b, "/etc/kubeforge/discovery.kubeconfig").content);
        assert.equal(kc.clusters[0].cluster.server, "https://demo-api-0123456789.elb.us-east-1.amazonaws.com:6443");
        assert.equal(Buffer.from(kc.clusters[0].cluster["certificate-authority-data"], "base64").toString(), pki.caCert);
        assert.deepEqual(kc.users[0].user, {});
    });
    test("node labels the kubelet may not set itself are refused", () => {
        const n = node("worker");
        assert.match(nodeLabelsArg(n), /topology\.kubernetes\.io\/zone=us-east-1a/);
        assert.throws(() => nodeLabelsArg({ ...n, labels: { "node-role.kubernetes.io/worker": "" } }), /NodeRestriction/);
    });
    test("platform args override ours by name", () => {
        assert.deepEqual(
            mergeArgs(
                [
                    { name: "a", value: "1" },
                    { name: "b", value: "2" },
                ],
                [{ name: "a", value: "3" }],
            ),
            [
                { name: "a", value: "3" },
                { name: "b", value: "2" },
            ],
        );
    });
    test("IPv6 endpoint host gets brackets", () => {
        const i = input("worker", { pki });
        const d = docs(renderKubeadmInit({ ...input("init", { pki }), endpoint: { host: "fd00::1", port: 6443 } }))[1];
        assert.equal(d.controlPlaneEndpoint, "[fd00::1]:6443");
        assert.ok(i);
    });
});

describe("encryption and audit policy", () => {
    test("aescbc with the generated key first, identity as fallback", () => {
        const text = renderEncryptionConfiguration(pki.encryptionKey!);
        assert.deepEqual(validateK8sDocuments(text), []);
        const providers = parse(text).resources[0].providers;
        assert.equal(providers[0].aescbc.keys[0].secret, pki.encryptionKey);
        assert.deepEqual(providers[1], { identity: {} });
        assert.throws(() => renderEncryptionConfiguration("c2hvcnQ="), /32 bytes/);
    });
    test("audit policy: secrets bodies never logged, changes logged with bodies, health probes not at all", () => {
        const text = renderAuditPolicy();
        assert.deepEqual(validateK8sDocuments(text), []);
        const rules = parse(text).rules as Doc[];
        // First matching rule wins: find the first rule that could match a resource request.
        const firstFor = (group: string, resource: string, verb: string) =>
            rules.find(
                (r) =>
                    !r.nonResourceURLs &&
                    !r.users &&
                    !r.userGroups &&
                    !r.namespaces &&
                    (!r.verbs || r.verbs.includes(verb)) &&
                    (!r.resources || r.resources.some((g: Doc) => g.group === group && (!g.resources || g.resources.includes(resource)))),
            )!.level;
        assert.equal(firstFor("", "secrets", "create"), "Metadata");
        assert.equal(firstFor("", "configmaps", "update"), "Metadata");
        assert.equal(firstFor("authentication.k8s.io", "tokenreviews", "create"), "Metadata");
        assert.equal(firstFor("apps", "deployments", "patch"), "RequestResponse");
        assert.equal(firstFor("", "pods", "delete"), "RequestResponse");
        assert.equal(firstFor("", "pods", "list"), "Metadata");
        assert.equal(firstFor("", "events", "create"), "None");
        assert.equal(rules[0].level, "None");
        assert.ok(rules[0].nonResourceURLs.includes("/readyz*"));
    });
});

describe("secrets", () => {
    for (const kind of kinds) {
        test(`${kind}: every file holding a key, the token or the encryption key is marked secret, and no other`, () => {
            const b = renderNodeBootstrap(input(kind, { pki }));
            const secrets = [TOKEN, pki.caKey!, pki.etcdCaKey!, pki.frontProxyCaKey!, pki.serviceAccountKey!, pki.encryptionKey!];
            for (const f of b.files) {
                const holds = secrets.some((s) => f.content.includes(s)) || f.content.includes("PRIVATE KEY");
                assert.equal(f.secret === true, holds, `${f.path} secret=${f.secret} holds=${holds}`);
                if (f.secret) assert.equal(f.permissions, "0600", f.path);
            }
            assert.equal(b.containsSecrets, true);
            assert.ok(!b.command.join(" ").includes(TOKEN));
        });
    }
    test("workers get no CA keys", () => {
        const b = renderNodeBootstrap(input("worker", { pki }));
        assert.ok(!b.files.some((f) => f.content.includes("PRIVATE KEY")));
    });
    test("masters without their keys are refused with a message that names no secret", () => {
        const i = input("control-plane", { pki });
        assert.throws(
            () => renderNodeBootstrap({ ...i, pki: { caCert: pki.caCert, bootstrapToken: TOKEN } }),
            (e: Error) => {
                assert.match(e.message, /demo-cp-1.*cluster CA key/);
                assert.ok(!e.message.includes(TOKEN));
                return true;
            },
        );
    });
});

describe("layout", () => {
    test("init node has both init and join configs; others only join; command carries the mode", () => {
        const init = renderNodeBootstrap(input("init", { pki }));
        const cp = renderNodeBootstrap(input("control-plane", { pki }));
        const w = renderNodeBootstrap(input("worker", { pki }));
        assert.ok(init.files.some((f) => f.path === "/etc/kubeforge/kubeadm/init.yaml"));
        assert.ok(init.files.some((f) => f.path === "/etc/kubeforge/kubeadm/join.yaml"));
        assert.ok(!cp.files.some((f) => f.path === "/etc/kubeforge/kubeadm/init.yaml"));
        assert.deepEqual(init.command, ["/usr/local/lib/kubeforge/bootstrap.sh", "init"]);
        assert.deepEqual(cp.command, ["/usr/local/lib/kubeforge/bootstrap.sh", "control-plane"]);
        assert.deepEqual(w.command, ["/usr/local/lib/kubeforge/bootstrap.sh", "worker"]);
        assert.ok(cp.files.some((f) => f.path === "/etc/kubernetes/cloud.conf"));
        assert.ok(!w.files.some((f) => f.path === "/etc/kubernetes/cloud.conf"));
    });
    test("rendering is deterministic", () => {
        const i = input("init", { pki });
        assert.deepEqual(renderNodeBootstrap(i), renderNodeBootstrap(i));
    });
    test("a platform file that collides with ours is refused", () => {
        const facts = { ...externalFacts(), nodeFiles: [{ path: "/etc/containerd/config.toml", content: "x", permissions: "0644" }] };
        assert.throws(() => renderNodeBootstrap(input("worker", { pki, facts })), /two bootstrap files/);
    });
    test("windows masters are refused; windows workers get PowerShell", () => {
        const w = renderNodeBootstrap(input("windows", { pki }));
        assert.ok(w.powershell?.startsWith("<powershell>"));
        assert.deepEqual(w.files, []);
        const i = input("windows", { pki });
        assert.throws(() => renderNodeBootstrap({ ...i, node: { ...i.node, role: "control-plane" } }), /Linux/);
    });
});

describe("expired-token remedy", () => {
    const envOf = (b: NodeBootstrap) => b.files.find((f) => f.path.endsWith("bootstrap.env"))?.content ?? "";

    test("names the replaceNodes key of the node's own platform", () => {
        const env = envOf(renderNodeBootstrap(input("worker", { spec: { platform: "gcp" } })));
        assert.match(env, /KUBEFORGE_TOKEN_REMEDY=.*list it in kubeforge:gcp\.replaceNodes/);
        assert.doesNotMatch(env, /kubeforge:aws\./);
    });

    test("a platform's own remedy wins (bare metal reruns the host instead of replacing it)", () => {
        const facts = {
            ...noneFacts(),
            expiredTokenRemedy: "that run also reruns this host's bootstrap with the new token: nothing to replace",
        };
        const env = envOf(renderNodeBootstrap(input("worker", { facts, spec: { platform: "baremetal" } })));
        assert.match(env, /KUBEFORGE_TOKEN_REMEDY=.*nothing to replace/);
        assert.doesNotMatch(env, /replaceNodes/);
    });
});
