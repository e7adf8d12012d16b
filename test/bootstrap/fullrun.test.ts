import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderNodeBootstrap } from "../../bootstrap/render";
import { CONTAINERD } from "../../bootstrap/versions";
import { input, masterPki, noneFacts, TOKEN, type NodeKind } from "./fixtures";
import { Sandbox } from "./sandbox";

const pki = masterPki();
const arch = process.arch === "arm64" ? "arm64" : "amd64";

/** A stand-in containerd release tarball whose binary reports the pinned version. */
function containerdTarball(): Buffer {
    const dir = mkdtempSync(join(tmpdir(), "kubeforge-ctr-"));
    try {
        mkdirSync(join(dir, "bin"));
        writeFileSync(
            join(dir, "bin/containerd"),
            `#!/bin/bash\necho "containerd github.com/containerd/containerd/v2 v${CONTAINERD.version} 0123abc"\n`,
        );
        chmodSync(join(dir, "bin/containerd"), 0o755);
        execFileSync("tar", ["-czf", join(dir, "c.tgz"), "-C", dir, "bin"]);
        return readFileSync(join(dir, "c.tgz"));
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

function box(kind: NodeKind, corruptContainerd = false): Sandbox {
    const i = input(kind, { pki, facts: noneFacts() });
    const s = new Sandbox(renderNodeBootstrap(i), i);
    const tgz = containerdTarball();
    const ctrSum = s.serve("containerd-good.tar.gz", tgz);
    s.serve(`containerd-${CONTAINERD.version}-linux-${arch}.tar.gz`, corruptContainerd ? Buffer.from("evil") : tgz);
    const runcSum = s.serve(`runc.${arch}`, Buffer.from("#!/bin/bash\necho runc\n"));
    s.serve("Release.key", Buffer.from("-----BEGIN PGP PUBLIC KEY BLOCK-----\n"));
    writeFileSync(join(s.stub, "repo-version"), `${i.node.kubernetesVersion}-1.1`);
    // The test artefacts' checksums replace the pinned ones.
    s.setEnv(i, {
        KUBEFORGE_CONTAINERD_SHA256_AMD64: ctrSum,
        KUBEFORGE_CONTAINERD_SHA256_ARM64: ctrSum,
        KUBEFORGE_RUNC_SHA256_AMD64: runcSum,
        KUBEFORGE_RUNC_SHA256_ARM64: runcSum,
    });
    return s;
}

/** The checksum overrides a sandbox was set up with (read back from its env file). */
function envOf(s: Sandbox): Record<string, string> {
    const out: Record<string, string> = {};
    for (const m of s.read("etc/kubeforge/bootstrap.env").matchAll(/^(KUBEFORGE_(?:CONTAINERD|RUNC)_SHA256_\w+)='([0-9a-f]+)'$/gm))
        out[m[1]] = m[2];
    return out;
}

describe("bootstrap.sh end to end in a sandbox (real bash, tar, sha256sum; stubbed system commands)", () => {
    const boxes: Sandbox[] = [];
    after(() => boxes.forEach((b) => b.dispose()));

    test("a worker bootstraps, and a second run downloads, installs and joins nothing", () => {
        const s = box("worker");
        boxes.push(s);
        s.endpoint("200");
        const first = s.run("bootstrap.sh", "worker");
        assert.equal(first.code, 0, first.stderr);
        assert.ok(existsSync(join(s.root, "usr/local/bin/containerd")));
        assert.ok(existsSync(join(s.root, "usr/local/sbin/runc")));
        assert.deepEqual(s.calls("modprobe"), ["overlay", "br_netfilter", "nf_conntrack"]);
        assert.match(s.read("etc/apt/sources.list.d/kubernetes.list"), /https:\/\/pkgs\.k8s\.io\/core:\/stable:\/v1\.36\/deb\/ \/$/m);
        assert.ok(s.calls("apt-get").some((c) => c.includes("kubeadm=1.36.4-1.1") && c.includes("kubelet=1.36.4-1.1")));
        assert.deepEqual(s.calls("apt-mark"), ["hold kubelet kubeadm kubectl"]);
        assert.equal(s.calls("kubeadm").filter((c) => c.startsWith("join")).length, 1);
        assert.ok(!first.stderr.includes(TOKEN));

        const counts = ["curl", "apt-get", "kubeadm"].map(
            (t) => s.calls(t).filter((c) => !c.startsWith("version") && !c.endsWith("/readyz")).length,
        );
        const second = s.run("bootstrap.sh", "worker");
        assert.equal(second.code, 0, second.stderr);
        const after2 = ["curl", "apt-get", "kubeadm"].map(
            (t) => s.calls(t).filter((c) => !c.startsWith("version") && !c.endsWith("/readyz")).length,
        );
        assert.deepEqual(after2, counts, "no downloads, package installs or kubeadm runs the second time");
        assert.ok(!s.calls("systemctl").slice(-5).includes("restart containerd"), "containerd left running");
    });

    test("a bootstrapped node is not moved to another Kubernetes version by a re-run (upgrades are kubeadm's)", () => {
        const s = box("worker");
        boxes.push(s);
        s.endpoint("200");
        assert.equal(s.run("bootstrap.sh", "worker").code, 0);
        const installs = s.calls("apt-get").length;
        const i = input("worker", { pki, facts: noneFacts() });
        s.setEnv(i, { ...envOf(s), KUBEFORGE_K8S_VERSION: "1.36.5" });
        const r = s.run("bootstrap.sh", "worker");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(s.calls("apt-get").length, installs);
        assert.match(r.stderr, /not changing packages to 1\.36\.5/);
    });

    test("a containerd tarball with the wrong checksum is refused before anything is installed", () => {
        const s = box("worker", true);
        boxes.push(s);
        const r = s.run("bootstrap.sh", "worker");
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /checksum mismatch/);
        assert.ok(!existsSync(join(s.root, "usr/local/bin/containerd")));
        assert.equal(s.calls("kubeadm").filter((c) => c.startsWith("join")).length, 0);
    });

    test("swap entries in fstab are disabled, once", () => {
        const s = box("control-plane");
        boxes.push(s);
        s.write("/etc/fstab", "UUID=1 / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n");
        s.endpoint("200");
        assert.equal(s.run("bootstrap.sh", "control-plane").code, 0);
        assert.equal(s.run("bootstrap.sh", "control-plane").code, 0);
        const fstab = s.read("etc/fstab");
        assert.match(fstab, /^# disabled by kubeforge: \/swapfile none swap sw 0 0$/m);
        assert.match(fstab, /^UUID=1 \/ ext4/m);
        assert.equal(fstab.match(/disabled by kubeforge/g)?.length, 1);
    });

    test("packages an interrupted run left half-configured are finished before anything is installed", () => {
        const s = box("worker");
        boxes.push(s);
        s.endpoint("200");
        writeFileSync(join(s.stub, "half-configured"), "");
        const r = s.run("bootstrap.sh", "worker");
        assert.equal(r.code, 0, r.stderr);
        assert.ok(s.calls("dpkg").includes("--configure -a"));
        assert.match(r.stderr, /finishing packages an interrupted run left half-configured/);
        assert.ok(
            s.calls("apt-get").every((c) => c.startsWith("-o DPkg::Lock::Timeout=600 ")),
            "apt-get waits for the dpkg lock",
        );
    });

    test("a second run while one holds the lock fails at once, naming the lock (never waits behind it)", () => {
        const s = box("worker");
        boxes.push(s);
        mkdirSync(join(s.root, "var/lib/kubeforge"), { recursive: true });
        const lock = join(s.root, "var/lib/kubeforge/bootstrap.lock");
        // Another run holding the lock (for longer than the test would wait).
        const holder = spawn("flock", [lock, "sleep", "300"], { stdio: "ignore" });
        try {
            while (spawnSync("flock", ["-n", lock, "true"]).status === 0) spawnSync("sleep", ["0.05"]);
            const r = s.run("bootstrap.sh", "worker");
            assert.notEqual(r.code, 0);
            assert.match(r.stderr, /another bootstrap run holds .*var\/lib\/kubeforge\/bootstrap\.lock; wait for it to finish or stop it/);
            assert.equal(s.calls("apt-get").length, 0, "nothing ran beside it");
        } finally {
            holder.kill("SIGKILL");
        }
    });

    test("a bad mode is refused", () => {
        const s = box("worker");
        boxes.push(s);
        assert.notEqual(s.run("bootstrap.sh", "master").code, 0);
        assert.equal(s.calls("kubeadm").length, 0);
    });
});
