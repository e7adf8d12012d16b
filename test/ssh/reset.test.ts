/**
 * The HostBootstrap provider's delete against real sshd hosts: it only resets the host (the drain and
 * the etcd member are the core NodeLifecycle's), hides the resource's secrets, and says once what to
 * do about a host that is down. Also: the generated shell passes shellcheck.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { freePort, startSshd } from "./sshd";
import { providerHosts } from "./providerFixture";
import { hostBootstrapProvider, type HostBootstrapOutputs } from "../../bootstrap/ssh/provider";
import { SshError } from "../../bootstrap/ssh/errors";
import { probeScript } from "../../bootstrap/ssh/host";
import { resetScript } from "../../bootstrap/ssh/reset";
import { uploadPlan } from "../../bootstrap/ssh/payload";
import { SUPERVISOR_SCRIPTS } from "../../bootstrap/ssh/supervise";

describe("HostBootstrap delete against real sshd", () => {
    const fx = providerHosts();
    const { client, props, created, logLines, clearLog } = fx;

    test("delete only resets the host (kubeadm reset, cleanup, marker gone); nothing runs on the masters", async () => {
        for (const node of ["w0", "m1"]) {
            const outs = await created(props(node));
            const cni = path.join(fx.root, node, "etc", "cni", "net.d");
            fs.mkdirSync(cni, { recursive: true });
            clearLog();
            await hostBootstrapProvider.delete!("id", outs);
            assert.deepEqual(logLines(), [`${node} kubeadm reset -f`]);
            assert.ok(!fs.existsSync(cni), "the CNI configuration kubeadm leaves is removed");
            assert.ok(
                !fs.existsSync(path.join(fx.root, node, "state", "bootstrap.applied")),
                "the marker is gone: a host added back bootstraps anew",
            );
        }
    });

    test("a host that is down at delete: fails naming it once with the fix, unless forceRemoveUnreachable", async () => {
        const outs = await created(props("w0"));
        const down: HostBootstrapOutputs = { ...outs, nodeName: "w9", port: await freePort("127.0.0.23") };
        clearLog();
        await assert.rejects(hostBootstrapProvider.delete!("id", down), (err: unknown) => {
            assert.ok(err instanceof SshError);
            assert.equal(err.message.split("w9 (127.0.0.23:").length, 2, `the host is named once: ${err.message}`);
            assert.equal(err.message.split("step ").length, 2, `one step, not a nested message: ${err.message}`);
            assert.match(err.message, /step "kubeadm reset" failed: could not connect: the host is unreachable.*ECONNREFUSED/);
            assert.match(err.message, /fix: .*forceRemoveUnreachable: true/);
            return true;
        });
        await hostBootstrapProvider.delete!("id", { ...down, forceRemoveUnreachable: true });
        assert.deepEqual(logLines(), []);
    });

    test("delete hides the resource's secrets too, though it no longer has the files", async () => {
        const secret = "SECRET-TOKEN-abcdef";
        const dir = path.join(fx.root, "w0");
        const outs = await created(
            props("w0", {
                files: [{ path: `${dir}/etc/kubeadm.yaml`, content: `token: ${secret}\n`, permissions: "0600", secret: true }],
                command: ["true"],
            }),
        );
        assert.ok(!("files" in outs));
        // A kubeadm that prints the token while failing to reset.
        const loud = path.join(fx.root, "bin-loud");
        fs.mkdirSync(loud, { recursive: true });
        fs.writeFileSync(path.join(loud, "kubeadm"), `#!/bin/bash\necho "reset failed for token ${secret}"\nexit 3\n`, { mode: 0o755 });
        const host = await startSshd({
            host: "127.0.0.24",
            clientKey: client,
            setEnv: { KUBEFORGE_ROOT: dir, PATH: `${loud}:/usr/bin:/bin` },
        });
        try {
            const there = { ...outs, host: host.host, port: host.port, hostKey: host.hostKey.publicKey };
            await assert.rejects(hostBootstrapProvider.delete!("id", there), (err: unknown) => {
                assert.ok(err instanceof SshError);
                assert.match(err.message, /step "kubeadm reset" failed: exit code 3/);
                assert.match(err.message, /reset failed for token \[redacted\]/);
                assert.ok(!err.message.includes("SECRET-TOKEN"), err.message);
                return true;
            });
        } finally {
            await host.stop();
        }
    });
});

describe("generated shell", () => {
    test("reset, probe, upload and supervisor scripts pass shellcheck", () => {
        const scripts = [
            resetScript("/var/lib/kubeforge"),
            probeScript(["/etc/a b", "/etc/c"], "/var/lib/kubeforge/bootstrap.applied"),
            uploadPlan([
                { path: "/etc/x y/z", content: "a'b\n$HOME", mode: "0600" },
                { path: "/etc/empty", content: "", mode: "644" },
            ]).script,
            SUPERVISOR_SCRIPTS.runner,
            SUPERVISOR_SCRIPTS.wrapper,
        ];
        for (const script of scripts) {
            execFileSync("shellcheck", ["-s", "bash", "-"], { input: `#!/bin/bash\n${script}\n` });
        }
    });
});
