/**
 * The toolchain is what it claims: built from the pins the project deploys, stamped with the real
 * versions (as upstream's release builds are), and the etcd built is the one kubeadm deploys.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ETCD_FALLBACK_TAGS } from "../../components/lifecycle/etcd";
import { DEFAULT_KUBERNETES_VERSION } from "../../components/core/versions";
import { minorOf } from "../../bootstrap/versions";
import { describe, run } from "./exec";
import { MODULES, pinProblems, pinnedVersion, requiredVersion, toolPath } from "./toolchain";

const DEFAULT = `v${DEFAULT_KUBERNETES_VERSION}`;

async function out(tool: Parameters<typeof toolPath>[0], args: string[]): Promise<string> {
    const r = await run(toolPath(tool), args);
    assert.equal(r.code, 0, `${tool} ${args.join(" ")}: ${describe(r)}`);
    return r.stdout + r.stderr;
}

/** The etcd image tag kubeadm of the default version deploys, e.g. `3.6.8-0`. */
async function kubeadmEtcdTag(): Promise<string> {
    const images = await out("kubeadm", ["config", "images", "list", `--kubernetes-version=${DEFAULT}`]);
    const tag = /\/etcd:(\S+)/.exec(images)?.[1];
    assert.ok(tag, `kubeadm listed no etcd image:\n${images}`);
    return tag;
}

test("the Kubernetes wrapper module pins the default version kubeforge deploys", () => {
    assert.deepEqual(pinProblems(), []);
    assert.equal(requiredVersion("require (\n\tk8s.io/kubernetes v1.2.3\n)", "k8s.io/kubernetes"), "v1.2.3");
    assert.equal(requiredVersion("require k8s.io/kubernetes v1.2.3 // x", "k8s.io/kubernetes"), "v1.2.3");
});

test("every Kubernetes tool reports the real version (upstream's version stamps)", async () => {
    assert.equal((await out("kubeadm", ["version", "-o", "short"])).trim(), DEFAULT);
    assert.match(await out("kube-apiserver", ["--version"]), new RegExp(`^Kubernetes ${DEFAULT.replace(/\./g, "\\.")}$`, "m"));
    assert.match(await out("kube-controller-manager", ["--version"]), new RegExp(`^Kubernetes ${DEFAULT.replace(/\./g, "\\.")}$`, "m"));
    const kubectl = JSON.parse(await out("kubectl", ["version", "--client", "-o", "json"])) as { clientVersion: { gitVersion: string } };
    assert.equal(kubectl.clientVersion.gitVersion, DEFAULT);
});

test("etcd and etcdctl are the etcd kubeadm deploys", async () => {
    const wanted = (await kubeadmEtcdTag()).replace(/-\d+$/, "");
    const etcd = MODULES.find((m) => m.id === "etcd");
    assert.ok(etcd);
    assert.equal(pinnedVersion(etcd), `v${wanted}`, "test/toolchain/etcd/go.mod pins another etcd than kubeadm deploys");
    assert.match(await out("etcd", ["--version"]), new RegExp(`etcd Version: ${wanted.replace(/\./g, "\\.")}\\b`));
    assert.match(await out("etcdctl", ["version"]), new RegExp(`etcdctl version: ${wanted.replace(/\./g, "\\.")}\\b`));
});

test("the etcd image NodeLifecycle falls back to is the one kubeadm put on the masters (no pull needed)", async () => {
    assert.equal(ETCD_FALLBACK_TAGS[minorOf(DEFAULT)], await kubeadmEtcdTag());
});
