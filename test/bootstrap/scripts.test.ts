import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { renderNodeBootstrap, envVars } from "../../bootstrap/render";
import { renderEnvFile } from "../../bootstrap/envfile";
import { SCRIPT_NAMES, SCRIPTS_SOURCE_DIR, scriptText } from "../../bootstrap/scripts";
import type { BootstrapInput, NodeBootstrap } from "../../bootstrap/types";
import { shellcheckErrors } from "../helpers/validators";
import { input, masterPki, noneFacts, TOKEN, type NodeKind } from "./fixtures";

const pki = masterPki();

describe("shellcheck", () => {
    test("the script list matches bootstrap/scripts", () => {
        assert.deepEqual(readdirSync(SCRIPTS_SOURCE_DIR).filter((n) => n.endsWith(".sh")).sort(), [...SCRIPT_NAMES].sort());
    });
    for (const kind of ["init", "worker"] as NodeKind[]) {
        const env = renderEnvFile(envVars(input(kind, { pki })));
        const siblings: Record<string, string> = { "bootstrap.env": env };
        for (const n of SCRIPT_NAMES) siblings[n] = scriptText(n);
        for (const name of SCRIPT_NAMES) {
            test(`${name} with the rendered env file of a ${kind} node`, async () => {
                assert.deepEqual(await shellcheckErrors(scriptText(name), { siblings, name }), []);
            });
        }
        test(`the rendered env file of a ${kind} node`, async () => {
            assert.deepEqual(await shellcheckErrors(env, { name: "bootstrap.env" }), []);
        });
    }
    test("shellcheck does flag a bad script (the check can fail)", async () => {
        assert.notDeepEqual(await shellcheckErrors("#!/bin/bash\nrm -rf $1/*\n"), []);
    });
    test("every script is strict bash", () => {
        for (const name of SCRIPT_NAMES.filter((n) => n !== "common.sh")) {
            assert.match(scriptText(name), /^#!\/usr\/bin\/env bash\n/, name);
            assert.match(scriptText(name), /^set -euo pipefail$/m, name);
        }
    });
    test("the env file round-trips awkward values through bash", () => {
        const value = `it's "quoted" $(not run) \`nor this\` \\ end`;
        const dir = mkdtempSync(join(tmpdir(), "kubeforge-env-"));
        try {
            writeFileSync(join(dir, "env"), renderEnvFile({ X: value }));
            const r = spawnSync("bash", ["-c", `. "$1"; printf '%s' "$X"`, "bash", join(dir, "env")]);
            assert.equal(r.stdout.toString(), value);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

/**
 * A sandbox for kubeadm.sh: the rendered files under a temp root, stub kubeadm/systemctl/curl/logger/
 * sleep on PATH, real bash. The stubs record calls and are steered by files in $ROOT/stub.
 */
class Sandbox {
    readonly root = mkdtempSync(join(tmpdir(), "kubeforge-sandbox-"));
    private readonly bin = join(this.root, "stub-bin");
    readonly stub = join(this.root, "stub");

    constructor(b: NodeBootstrap, envOverrides: Record<string, string> = {}, i?: BootstrapInput) {
        mkdirSync(this.bin, { recursive: true });
        mkdirSync(this.stub, { recursive: true });
        for (const f of b.files) {
            const p = join(this.root, f.path);
            mkdirSync(dirname(p), { recursive: true });
            writeFileSync(p, f.content);
            chmodSync(p, parseInt(f.permissions, 8));
        }
        if (i) {
            writeFileSync(join(this.root, "etc/kubeforge/bootstrap.env"), renderEnvFile({ ...envVars(i), ...envOverrides }));
        }
        const stubs: Record<string, string> = {
            kubeadm: `
echo "$*" >> "$KUBEFORGE_ROOT/stub/kubeadm.calls"
action="$1"
case "$action" in
  init|join)
    config="$3"
    cp "$config" "$KUBEFORGE_ROOT/stub/last-$action.yaml"
    fails="$(cat "$KUBEFORGE_ROOT/stub/fail-$action" 2>/dev/null || echo 0)"
    if [ "$fails" -gt 0 ]; then
      echo $((fails - 1)) > "$KUBEFORGE_ROOT/stub/fail-$action"
      echo "error: could not join, token ${TOKEN} rejected"
      exit 1
    fi
    mkdir -p "$KUBEFORGE_ROOT/etc/kubernetes/manifests"
    echo kubelet > "$KUBEFORGE_ROOT/etc/kubernetes/kubelet.conf"
    touch "$KUBEFORGE_ROOT/stub/kubelet-active"
    echo "your kubeadm join --token ${TOKEN}" ;;
  reset)
    rm -rf "$KUBEFORGE_ROOT/etc/kubernetes/kubelet.conf" "$KUBEFORGE_ROOT/etc/kubernetes/pki" "$KUBEFORGE_ROOT/etc/kubernetes/manifests"
    rm -f "$KUBEFORGE_ROOT/stub/kubelet-active" ;;
esac`,
            systemctl: `
echo "$*" >> "$KUBEFORGE_ROOT/stub/systemctl.calls"
case "$1 $2" in
  "is-active --quiet") [ -f "$KUBEFORGE_ROOT/stub/kubelet-active" ] ;;
  "enable --now") touch "$KUBEFORGE_ROOT/stub/kubelet-active" ;;
  *) exit 0 ;;
esac`,
            // One status per call from stub/endpoint (the last line repeats).
            curl: `
f="$KUBEFORGE_ROOT/stub/endpoint"
code="$(head -n 1 "$f")"
if [ "$(wc -l < "$f")" -gt 1 ]; then tail -n +2 "$f" > "$f.next" && mv "$f.next" "$f"; fi
printf '%s' "$code"
[ "$code" != 000 ]`,
            logger: "exit 0",
            sleep: "exit 0",
        };
        for (const [name, body] of Object.entries(stubs)) {
            writeFileSync(join(this.bin, name), `#!/bin/bash\n${body}\n`);
            chmodSync(join(this.bin, name), 0o755);
        }
        this.endpoint("000");
    }

    /** Sets the sequence of HTTP statuses the endpoint answers. */
    endpoint(...codes: string[]): void {
        writeFileSync(join(this.stub, "endpoint"), `${codes.join("\n")}\n`);
    }

    run(mode: string): { code: number; stderr: string } {
        const script = join(this.root, "usr/local/lib/kubeforge/kubeadm.sh");
        const r = spawnSync("bash", [script, mode], {
            env: { PATH: `${this.bin}:${process.env.PATH}`, KUBEFORGE_ROOT: this.root, HOME: this.root },
            timeout: 60_000,
        });
        return { code: r.status ?? -1, stderr: r.stderr.toString() };
    }

    calls(tool: "kubeadm" | "systemctl"): string[] {
        const p = join(this.stub, `${tool}.calls`);
        return existsSync(p) ? readFileSync(p, "utf8").trim().split("\n") : [];
    }

    read(path: string): string {
        return readFileSync(join(this.root, path), "utf8");
    }

    dispose(): void {
        rmSync(this.root, { recursive: true, force: true });
    }
}

const FACTS = {
    ...noneFacts(),
    nodeNameCommand: "echo ip-10-0-1-23.ec2.internal",
    providerIdCommand: "echo aws:///us-east-1a/i-0123456789abcdef0",
    nodeIpCommand: "echo 10.0.1.23",
};

function sandbox(kind: NodeKind, env: Record<string, string> = {}): Sandbox {
    const i = input(kind, { pki, facts: FACTS });
    return new Sandbox(renderNodeBootstrap(i), env, i);
}

describe("kubeadm step in a sandbox (real bash, stubbed kubeadm/systemctl/curl)", () => {
    const boxes: Sandbox[] = [];
    const box = (kind: NodeKind, env: Record<string, string> = {}) => {
        const b = sandbox(kind, env);
        boxes.push(b);
        return b;
    };
    after(() => boxes.forEach((b) => b.dispose()));
    before(() => assert.ok(existsSync("/bin/bash") || existsSync("/usr/bin/bash")));

    test("init master with no cluster answering: kubeadm init once, PKI placed 0600, placeholders filled; a second run does nothing", () => {
        const s = box("init");
        const first = s.run("init");
        assert.equal(first.code, 0, first.stderr);
        assert.equal(s.calls("kubeadm").filter((c) => c.startsWith("init")).length, 1);
        assert.equal(s.calls("kubeadm").filter((c) => c.startsWith("join")).length, 0);
        assert.match(s.calls("kubeadm")[0], /--skip-token-print/);
        const config = s.read("stub/last-init.yaml");
        assert.doesNotMatch(config, /__KUBEFORGE_/);
        assert.match(config, /name: ip-10-0-1-23\.ec2\.internal/);
        assert.match(config, /value: aws:\/\/\/us-east-1a\/i-0123456789abcdef0/);
        assert.match(config, /advertiseAddress: 10\.0\.1\.23/);
        for (const f of ["ca.key", "sa.key", "etcd/ca.key", "front-proxy-ca.key", "ca.crt"]) {
            assert.equal(statSync(join(s.root, "etc/kubernetes/pki", f)).mode & 0o777, 0o600, f);
        }
        assert.equal(statSync(join(s.root, "etc/kubeforge/kubeadm/init.rendered.yaml")).mode & 0o777, 0o600);
        assert.ok(!first.stderr.includes(TOKEN), "no token on the console");

        const callsBefore = s.calls("kubeadm").length;
        const second = s.run("init");
        assert.equal(second.code, 0, second.stderr);
        assert.equal(s.calls("kubeadm").length, callsBefore, "second run calls kubeadm not at all");
        assert.match(second.stderr, /already bootstrapped/);
    });

    test("init master whose endpoint already answers joins instead (a replaced master 0 never starts a second cluster)", () => {
        const s = box("init");
        s.endpoint("200");
        const r = s.run("init");
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(s.calls("kubeadm").map((c) => c.split(" ")[0]), ["join"]);
        assert.match(s.read("stub/last-join.yaml"), /controlPlane:/);
    });

    test("init master never runs init while any API answers, even unready: it waits, then gives up", () => {
        const s = box("init", { KUBEFORGE_JOIN_TIMEOUT_SECONDS: "0" });
        s.endpoint("403");
        const r = s.run("init");
        assert.notEqual(r.code, 0);
        assert.equal(s.calls("kubeadm").filter((c) => c.startsWith("init")).length, 0);
        assert.match(r.stderr, /joining it instead/);
    });

    test("worker waits for the API, retries a failed join after a reset, and redacts the token", () => {
        const s = box("worker");
        s.endpoint("000", "000", "503", "200");
        writeFileSync(join(s.stub, "fail-join"), "1");
        const r = s.run("worker");
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(s.calls("kubeadm").map((c) => c.split(" ")[0]), ["join", "reset", "join"]);
        assert.match(r.stderr, /waiting for the API/);
        assert.match(r.stderr, /<bootstrap-token>/);
        assert.ok(!r.stderr.includes(TOKEN));
        assert.ok(!existsSync(join(s.root, "etc/kubernetes/pki/ca.key")), "workers get no CA key");
    });

    test("a worker gives up when the API never answers (bounded), and can be run again", () => {
        const s = box("worker", { KUBEFORGE_JOIN_TIMEOUT_SECONDS: "0" });
        const r = s.run("worker");
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /gave up/);
        s.endpoint("200");
        assert.equal(s.run("worker").code, 0);
    });

    test("leftovers of an unfinished run are reset before trying again", () => {
        const s = box("control-plane");
        mkdirSync(join(s.root, "etc/kubernetes"), { recursive: true });
        writeFileSync(join(s.root, "etc/kubernetes/kubelet.conf"), "half");
        s.endpoint("200");
        const r = s.run("control-plane");
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(s.calls("kubeadm").map((c) => c.split(" ")[0]), ["reset", "join"]);
        assert.ok(existsSync(join(s.root, "etc/kubernetes/pki/sa.key")), "PKI placed again after the reset");
    });

    test("bootstrapped node with a stopped kubelet: restarts it, no kubeadm", () => {
        const s = box("worker");
        s.endpoint("200");
        assert.equal(s.run("worker").code, 0);
        rmSync(join(s.stub, "kubelet-active"));
        const n = s.calls("kubeadm").length;
        const r = s.run("worker");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(s.calls("kubeadm").length, n);
        assert.ok(s.calls("systemctl").includes("enable --now kubelet"));
    });

    test("a node name command that prints garbage stops the step", () => {
        const i = input("worker", { pki, facts: { ...FACTS, nodeNameCommand: "echo 'Not A Name'" } });
        const s = new Sandbox(renderNodeBootstrap(i), {}, i);
        boxes.push(s);
        s.endpoint("200");
        const r = s.run("worker");
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /node name/);
        assert.equal(s.calls("kubeadm").length, 0);
    });
});
