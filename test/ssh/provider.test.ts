/**
 * The HostBootstrap dynamic provider's create/diff/update, called directly (they are plain methods)
 * against real sshd hosts (providerFixture.ts), so the remote effects are observable in a shared log.
 * The delete is reset.test.ts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { keygen } from "./sshd";
import { providerHosts } from "./providerFixture";
import {
    hostBootstrapProvider,
    HOST_BOOTSTRAP_PROVIDER,
    type HostBootstrapOutputs,
    type HostBootstrapProps,
} from "../../bootstrap/ssh/provider";
import { providerText } from "../../components/dynamic";
import { isolatedFilename, loadProvider, requiredPackages } from "../lifecycle/providerHost";
import { SshError } from "../../bootstrap/ssh/errors";

describe("HostBootstrap provider against real sshd", () => {
    const fx = providerHosts();
    const { hosts, client, props, created, logLines, clearLog } = fx;

    test("create uploads the files, runs the command, and keeps no file content in its outputs", async () => {
        const p = props("w0");
        const { id, outs: maybe } = await hostBootstrapProvider.create(p);
        const outs = maybe!;
        assert.equal(id, `w0@${p.host}:${p.port}`);
        assert.deepEqual(logLines(), ["w0 bootstrap --node w0"]);
        for (const f of p.files) {
            assert.equal(fs.readFileSync(f.path, "utf8"), f.content);
            assert.equal((fs.statSync(f.path).mode & 0o777).toString(8), f.permissions.slice(1));
        }
        // No file content in the outputs; the secret values alone, kept (secret) for the delete's redactor.
        const { redactions, ...rest } = outs;
        assert.ok(!JSON.stringify(rest).includes("SECRET-TOKEN"));
        assert.ok(redactions?.includes("SECRET-TOKEN-abcdef"));
        assert.deepEqual(Object.keys(outs.fileHashes).sort(), p.files.map((f) => f.path).sort());
        assert.equal(outs.hostKeySeen.split(" ").slice(0, 2).join(" "), hosts.w0.hostKey.publicKey.split(" ").slice(0, 2).join(" "));
    });

    test("a second create on a bootstrapped host uploads nothing and does not rerun the command", async () => {
        const p = props("w0");
        await hostBootstrapProvider.create(p);
        clearLog();
        const inodes = p.files.map((f) => fs.statSync(f.path).ino);
        const again = await created(p);
        assert.deepEqual(logLines(), []);
        assert.deepEqual(
            p.files.map((f) => fs.statSync(f.path).ino),
            inodes,
            "no file was rewritten",
        );
        const diff = await hostBootstrapProvider.diff!("id", again, p);
        assert.equal(diff.changes, false);
        // As the engine passes them: state with the provider and computed outputs, inputs with keys in
        // another order and the computed ones undefined.
        const reordered = Object.fromEntries(
            Object.entries({ ...p, hostKeySeen: undefined, __provider: "new code" }).reverse(),
        ) as unknown as HostBootstrapProps;
        assert.equal(
            (await hostBootstrapProvider.diff!("id", { ...again, __provider: "old code" } as HostBootstrapOutputs, reordered)).changes,
            false,
        );
    });

    test("diff: a file change updates in place, an address change replaces (delete first), state-only changes touch nothing", async () => {
        const p = props("w0");
        const outs = await created(p);
        const changedFile = { ...p, files: p.files.map((f) => (f.path.endsWith("labels") ? { ...f, content: "pool=b\n" } : f)) };
        assert.deepEqual(await hostBootstrapProvider.diff!("id", outs, changedFile), {
            changes: true,
            replaces: [],
            deleteBeforeReplace: false,
        });
        assert.deepEqual(await hostBootstrapProvider.diff!("id", outs, { ...p, host: "127.0.0.99" }), {
            changes: true,
            replaces: ["host"],
            deleteBeforeReplace: true,
        });
        assert.equal((await hostBootstrapProvider.diff!("id", outs, { ...p, forceRemoveUnreachable: true })).changes, true);
        // Preview: unknown inputs arrive as the engine's placeholder string.
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9" as unknown as HostBootstrapProps["files"];
        assert.deepEqual(await hostBootstrapProvider.diff!("id", outs, { ...p, files: unknown }), {
            changes: true,
            replaces: [],
            deleteBeforeReplace: false,
        });

        clearLog();
        const untouched = p.files.filter((f) => !f.path.endsWith("labels")).map((f) => fs.statSync(f.path).ino);
        const updated = await hostBootstrapProvider.update!("id", outs, changedFile);
        assert.deepEqual(logLines(), ["w0 bootstrap --node w0"], "the command reran once");
        assert.equal(fs.readFileSync(p.files[2].path, "utf8"), "pool=b\n");
        assert.deepEqual(
            p.files.filter((f) => !f.path.endsWith("labels")).map((f) => fs.statSync(f.path).ino),
            untouched,
            "only the changed file was uploaded",
        );

        clearLog();
        await hostBootstrapProvider.update!("id", updated.outs!, { ...changedFile, forceRemoveUnreachable: true });
        assert.deepEqual(logLines(), [], "a state-only change does nothing on the host");
    });

    test("a failing bootstrap names host, step, exit code, hides secrets, and a rerun picks up", async () => {
        const secret = "SECRET-TOKEN-abcdef";
        const dir = path.join(fx.root, "m1");
        const failing = props("m1", {
            files: [
                { path: `${dir}/lib/bootstrap.sh`, content: `#!/bin/bash\necho "joining with ${secret}"; exit 42\n`, permissions: "0755" },
                { path: `${dir}/etc/kubeadm.yaml`, content: `token: ${secret}\n`, permissions: "0600", secret: true },
            ],
        });
        await assert.rejects(hostBootstrapProvider.create(failing), (err: unknown) => {
            assert.ok(err instanceof SshError);
            assert.match(err.message, /m1 \(127\.0\.0\.22:\d+\): step "bootstrap" failed: exit code 42/);
            assert.match(err.message, /joining with \[redacted\]/);
            assert.ok(!err.message.includes(secret));
            return true;
        });
        const fixed = props("m1");
        await hostBootstrapProvider.create(fixed);
        assert.deepEqual(logLines(), ["m1 bootstrap --node m1"]);
    });

    test("a host that drops the connection mid-bootstrap is retried once and the rerun completes", async () => {
        const dir = path.join(fx.root, "w0");
        const flag = path.join(dir, "dropped-once");
        fs.rmSync(flag, { force: true });
        // First run: kill this session's sshd (the host "reboots" mid-step). Second run: succeed.
        const script = [
            "#!/bin/bash",
            `if [ ! -e ${flag} ]; then`,
            `  touch ${flag}`,
            "  pid=$$",
            '  while [ "$pid" -gt 1 ]; do',
            '    if [ "$(cat /proc/$pid/comm)" = sshd ]; then kill -9 "$pid"; sleep 5; fi',
            "    pid=$(awk '{print $4}' /proc/$pid/stat)",
            "  done",
            "fi",
            'echo "$KF_HOST bootstrap $*" >> "$KF_LOG"',
            "",
        ].join("\n");
        const p = props("w0", {
            files: [{ path: `${dir}/lib/flaky.sh`, content: script, permissions: "0755" }],
            command: [`${dir}/lib/flaky.sh`],
        });
        const outs = await created(p);
        assert.ok(fs.existsSync(flag), "the first run dropped the connection");
        assert.deepEqual(logLines(), ["w0 bootstrap "]);
        assert.ok(outs.appliedHash);
    });

    test("concurrency bounds the transfers, not the remote commands: slow bootstraps overlap in one wave", async () => {
        const stamps = path.join(fx.root, "stamps");
        fs.writeFileSync(stamps, "");
        // Each command records its start, waits until three commands have started (capped at 60 s, so
        // a limit that held the commands fails the count instead of hanging), and records its end. The
        // order of the records, not their times, shows how many ran at once.
        const runs = Array.from({ length: 6 }, (_, i) => {
            const node = ["m0", "m1", "w0"][i % 3];
            const dir = path.join(fx.root, node, `c${i}`);
            const script = [
                "#!/bin/bash",
                `echo start >> ${stamps}`,
                `for _ in $(seq 1 300); do [ "$(grep -c start ${stamps})" -ge 3 ] && break; sleep 0.2; done`,
                `echo end >> ${stamps}`,
                "",
            ].join("\n");
            return props(node, {
                concurrency: 2,
                files: [{ path: `${dir}/run.sh`, content: script, permissions: "0755" }],
                command: [`${dir}/run.sh`],
                options: { ...props(node).options, stateDir: `${dir}/state` },
            });
        });
        await Promise.all(runs.map((p) => hostBootstrapProvider.create(p)));
        let active = 0;
        let peak = 0;
        const events = fs.readFileSync(stamps, "utf8").trim().split("\n");
        for (const e of events) {
            active += e === "start" ? 1 : -1;
            peak = Math.max(peak, active);
        }
        assert.equal(events.length, 12);
        // Six commands on three hosts with concurrency 2: more than two run at once, because the
        // limit holds only probe and uploads, which applyBootstrap runs through its gate.
        assert.ok(peak > 2, `peak ${peak}: the remote commands were held to the transfer limit`);
    });

    test("applyBootstrap runs probe/uploads and the marker through the transfer gate, the command outside it", async () => {
        const { applyBootstrap } = await import("../../bootstrap/ssh/host.js");
        const p = props("w0", { options: { ...props("w0").options, stateDir: path.join(fx.root, "w0", `gate-${Date.now()}`) } });
        let inGate = 0;
        const phases: string[] = [];
        const gate = async <T>(task: () => Promise<T>): Promise<T> => {
            inGate++;
            try {
                return await task();
            } finally {
                inGate--;
            }
        };
        const files = [
            ...p.files,
            {
                path: path.join(fx.root, "w0", "gate-probe.sh"),
                content: `#!/bin/bash
echo "$KF_HOST gate-check" >> "$KF_LOG"
`,
                permissions: "0755",
            },
        ];
        const logs: string[] = [];
        await applyBootstrap(
            p,
            { nodeName: p.nodeName, files, command: p.command, secrets: [] },
            { ...p.options! },
            (line) => {
                logs.push(line);
                phases.push(`${line.replace(/^.*?: /, "")} gate=${inGate}`);
            },
            gate,
        );
        assert.ok(
            phases.some((l) => /^upload .* gate=1$/.test(l)),
            phases.join("\n"),
        );
        assert.ok(
            phases.some((l) => /^bootstrap: running .* gate=0$/.test(l)),
            phases.join("\n"),
        );
    });

    test("trust on first use records the key the host presented", async () => {
        const outs = await created(props("w0", { hostKey: undefined, trustOnFirstUse: true }));
        assert.ok(outs.hostKeySeen.startsWith(hosts.w0.hostKey.publicKey.split(" ").slice(0, 2).join(" ")));
        await assert.rejects(
            hostBootstrapProvider.create(props("w0", { hostKey: keygen(fx.root, `wrong-${Date.now()}`).publicKey })),
            /host key refused/,
        );
        // Later runs hold the host to the recorded key: a host now showing another key is refused.
        const tofu = props("w0", { hostKey: undefined, trustOnFirstUse: true });
        const changed = { ...tofu, files: tofu.files.map((f) => (f.path.endsWith("labels") ? { ...f, content: "pool=c\n" } : f)) };
        const impostor = keygen(fx.root, `impostor-${Date.now()}`).publicKey;
        await assert.rejects(hostBootstrapProvider.update!("id", { ...outs, hostKeySeen: impostor }, changed), /host key refused/);
        await hostBootstrapProvider.update!("id", outs, changed);
    });

    test("the bundled provider text loads without ssh2 or the SDK, and works where the engine's host runs it", async () => {
        const text = providerText(HOST_BOOTSTRAP_PROVIDER);
        // ssh2 by package name (its native parts come from the project), the SDK only for progress lines.
        assert.deepEqual(requiredPackages(text), ["@pulumi/pulumi", "node:crypto", "ssh2"]);
        assert.ok(!text.includes(path.resolve(__dirname, "../..")), "no path of this checkout");
        assert.ok(!text.includes(client.privateKey.split("\n")[1]));
        // Loading where neither resolves proves both are required only when a method needs them.
        const isolated = isolatedFilename(["ssh2", "@pulumi/pulumi"]);
        try {
            const offline = loadProvider(text, isolated.filename);
            await assert.rejects(offline.create(props("w0")), /Cannot find module '(ssh2|@pulumi\/pulumi)'/);
        } finally {
            isolated.remove();
        }
        const provider = loadProvider(text);
        const dir = path.join(fx.root, "w0");
        const p = props("w0", {
            files: [{ path: `${dir}/bundled.txt`, content: "from bundled code", permissions: "0644" }],
            command: ["true"],
        });
        await provider.create(p);
        assert.equal(fs.readFileSync(`${dir}/bundled.txt`, "utf8"), "from bundled code");
    });
});
