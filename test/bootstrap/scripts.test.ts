import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderNodeBootstrap, envVars } from "../../bootstrap/render";
import { renderEnvFile } from "../../bootstrap/envfile";
import { SCRIPT_NAMES, SCRIPTS_SOURCE_DIR, scriptText } from "../../bootstrap/scripts";
import { shellcheckErrors } from "../helpers/validators";
import { input, masterPki, noneFacts, TOKEN, type NodeKind } from "./fixtures";
import { Sandbox } from "./sandbox";

const pki = masterPki();

describe("shellcheck", () => {
    test("the script list matches bootstrap/scripts", () => {
        assert.deepEqual(
            readdirSync(SCRIPTS_SOURCE_DIR)
                .filter((n) => n.endsWith(".sh"))
                .sort(),
            [...SCRIPT_NAMES].sort(),
        );
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

const FACTS = {
    ...noneFacts(),
    nodeNameCommand: "echo ip-10-0-1-23.ec2.internal",
    providerIdCommand: "echo aws:///us-east-1a/i-0123456789abcdef0",
    nodeIpCommand: "echo 10.0.1.23",
};

function sandbox(kind: NodeKind, env: Record<string, string> = {}): Sandbox {
    const i = input(kind, { pki, facts: FACTS });
    return new Sandbox(renderNodeBootstrap(i), i, env);
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
        const first = s.run("kubeadm.sh", "init");
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
        const second = s.run("kubeadm.sh", "init");
        assert.equal(second.code, 0, second.stderr);
        assert.equal(s.calls("kubeadm").length, callsBefore, "second run calls kubeadm not at all");
        assert.match(second.stderr, /already bootstrapped/);
    });

    test("init master whose endpoint already answers joins instead (a replaced master 0 never starts a second cluster)", () => {
        const s = box("init");
        s.endpoint("200");
        const r = s.run("kubeadm.sh", "init");
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(
            s.calls("kubeadm").map((c) => c.split(" ")[0]),
            ["join"],
        );
        assert.match(s.read("stub/last-join.yaml"), /controlPlane:/);
    });

    test("init master never runs init while any API answers, even unready: it waits, then gives up", () => {
        const s = box("init", { KUBEFORGE_JOIN_TIMEOUT_SECONDS: "0" });
        s.endpoint("403");
        const r = s.run("kubeadm.sh", "init");
        assert.notEqual(r.code, 0);
        assert.equal(s.calls("kubeadm").filter((c) => c.startsWith("init")).length, 0);
        assert.match(r.stderr, /joining it instead/);
    });

    test("init master waits while the endpoint name does not resolve, then inits", () => {
        const s = box("init");
        s.endpoint("dns", "dns", "000");
        const r = s.run("kubeadm.sh", "init");
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /unresolved; waiting/);
        assert.deepEqual(
            s.calls("kubeadm").map((c) => c.split(" ")[0]),
            ["init"],
        );
    });

    // The platform's name command, answering from $ROOT/stub/name one line per call (the last line
    // repeats) and recording the host it was asked about.
    const NAME_CMD =
        'S="$KUBEFORGE_ROOT/stub"; printf "%s\\n" "$1" >>"$S/name.calls"; n=$(wc -l <"$S/name.calls"); ' +
        'a=$(sed -n "${n}p" "$S/name"); [ -n "$a" ] || a=$(tail -n 1 "$S/name"); printf "%s" "$a"';
    const named = (kind: NodeKind, answers: string[], env: Record<string, string> = {}) => {
        const s = box(kind, { KUBEFORGE_ENDPOINT_NAME_CMD: NAME_CMD, ...env });
        writeFileSync(join(s.root, "stub", "name"), `${answers.join("\n")}\n`);
        return s;
    };
    const HOST = "demo-api-0123456789.elb.us-east-1.amazonaws.com";

    test("init master whose endpoint name certainly does not exist yet pins it to itself and inits at once", () => {
        const s = named("init", ["absent"]);
        const r = s.run("kubeadm.sh", "init");
        assert.equal(r.code, 0, r.stderr);
        assert.doesNotMatch(r.stderr, /waiting/, "no wait for the load balancer");
        assert.deepEqual(
            s.calls("kubeadm").map((c) => c.split(" ")[0]),
            ["init"],
        );
        assert.deepEqual(s.calls("name"), [HOST], "the command is asked about the endpoint's host");
        assert.match(s.read("etc/hosts"), /^127\.0\.0\.1 demo-api-0123456789\.elb\.us-east-1\.amazonaws\.com # kubeforge-init-endpoint$/m);
    });

    test("no node looks the name up while the platform says wait; the reason is logged once, then init goes on", () => {
        const s = named("init", ["wait", "wait", "wait", "absent"]);
        s.endpoint("000");
        const r = s.run("kubeadm.sh", "init");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr.match(/does not answer for this network yet/g)?.length, 1, r.stderr);
        assert.equal(s.calls("name").length, 4);
        // curl is the script's only lookup of the name: once, after the pin, against this machine.
        assert.equal(s.calls("curl").length, 1, "no lookup before the platform allowed it");
        assert.deepEqual(
            s.calls("kubeadm").map((c) => c.split(" ")[0]),
            ["init"],
        );
    });

    test("a joining master or worker never pins the endpoint: it waits through wait and absent, then joins once present", () => {
        for (const kind of ["control-plane", "worker"] as const) {
            const s = named(kind, ["wait", "absent", "absent", "present"]);
            s.endpoint("200");
            const r = s.run("kubeadm.sh", kind);
            assert.equal(r.code, 0, r.stderr);
            assert.ok(!existsSync(join(s.root, "etc/hosts")), `${kind}: no pin`);
            assert.equal(r.stderr.match(/does not exist yet \(its load balancer is being created\)/g)?.length, 1, r.stderr);
            assert.equal(s.calls("curl").length, 1, `${kind}: the name is looked up only once present`);
            assert.deepEqual(
                s.calls("kubeadm").map((c) => c.split(" ")[0]),
                ["join"],
            );
        }
    });

    test("a replaced init master whose name is present joins the cluster that answers", () => {
        const s = named("init", ["present"]);
        s.endpoint("200");
        const r = s.run("kubeadm.sh", "init");
        assert.equal(r.code, 0, r.stderr);
        assert.ok(!existsSync(join(s.root, "etc/hosts")), "no pin");
        assert.deepEqual(
            s.calls("kubeadm").map((c) => c.split(" ")[0]),
            ["join"],
        );
    });

    test("an unclear answer counts as wait: no lookup, no pin, no kubeadm, and the node gives up in time", () => {
        for (const cmd of ["echo maybe", "echo", "printf 'present\\nmaybe'"]) {
            const s = box("init", { KUBEFORGE_ENDPOINT_NAME_CMD: cmd, KUBEFORGE_JOIN_TIMEOUT_SECONDS: "0" });
            const r = s.run("kubeadm.sh", "init");
            assert.notEqual(r.code, 0, cmd);
            assert.match(r.stderr, /does not answer for this network yet/, cmd);
            assert.match(r.stderr, /gave up after 0s/, cmd);
            assert.equal(s.calls("curl").length, 0, cmd);
            assert.equal(s.calls("kubeadm").length, 0, cmd);
            assert.ok(!existsSync(join(s.root, "etc/hosts")), `${cmd}: no pin`);
        }
    });

    test("a failing platform command waits too, and says why once (not as slow DNS): exit code, its last words, the command", () => {
        const cases: [string, RegExp][] = [
            ["exit 1", /failed \(exit 1\): waiting/],
            ["echo absent; exit 3", /failed \(exit 3: absent\): waiting/],
            // The probe on a machine image without python3.
            [
                'kubeforge-no-such-python3 /usr/local/lib/kubeforge/aws-endpoint-name.py "$1" zone 10',
                /failed \(exit 127: .*kubeforge-no-such-python3: command not found\)/,
            ],
            ["echo warming up >&2; echo 'ValueError: bad label' >&2; echo wait; exit 2", /failed \(exit 2: ValueError: bad label\)/],
        ];
        for (const [cmd, expected] of cases) {
            const s = box("init", { KUBEFORGE_ENDPOINT_NAME_CMD: cmd, KUBEFORGE_JOIN_TIMEOUT_SECONDS: "0" });
            const r = s.run("kubeadm.sh", "init");
            assert.notEqual(r.code, 0, cmd);
            assert.match(r.stderr, expected, cmd);
            assert.ok(r.stderr.includes(`the machine image must have what it runs: ${cmd}`), r.stderr);
            assert.doesNotMatch(r.stderr, /does not answer for this network yet/, cmd);
            assert.match(r.stderr, /gave up after 0s/, cmd);
            assert.equal(s.calls("curl").length, 0, cmd);
            assert.equal(s.calls("kubeadm").length, 0, cmd);
            assert.ok(!existsSync(join(s.root, "etc/hosts")), `${cmd}: no pin`);
        }
        // Failing three polls, then answering: said once, and the node goes on once the command works.
        const flaky =
            'S="$KUBEFORGE_ROOT/stub"; echo x >>"$S/flaky"; if [ "$(wc -l <"$S/flaky")" -le 3 ]; then echo "python3: not found" >&2; exit 127; fi; echo absent';
        const s = box("init", { KUBEFORGE_ENDPOINT_NAME_CMD: flaky });
        const r = s.run("kubeadm.sh", "init");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr.match(/may be looked up yet failed \(exit 127: python3: not found\)/g)?.length, 1, r.stderr);
        assert.deepEqual(
            s.calls("kubeadm").map((c) => c.split(" ")[0]),
            ["init"],
        );
    });

    test("a node whose bootstrap token expired says so in its boot log and does not try to join", () => {
        const s = box("worker", { KUBEFORGE_TOKEN_EXPIRES: "2001-01-01T00:00:00Z" });
        s.endpoint("200");
        const r = s.run("kubeadm.sh", "worker");
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /bootstrap token in this machine's configuration expired at 2001-01-01T00:00:00Z/);
        assert.match(r.stderr, /Run pulumi up \(it mints a fresh token/);
        assert.match(r.stderr, /then replace this machine so it boots with the new one/, "the generic remedy when none is rendered");
        assert.equal(s.calls("kubeadm").length, 0, "no join with a dead token");
        assert.ok(!r.stderr.includes(TOKEN), "the message names no token");
    });

    test("the expired-token message ends with the platform's remedy, as rendered", () => {
        const remedy = "then replace this machine so it boots with the new one: list it in kubeforge:gcp.replaceNodes";
        const s = box("worker", { KUBEFORGE_TOKEN_EXPIRES: "2001-01-01T00:00:00Z", KUBEFORGE_TOKEN_REMEDY: remedy });
        s.endpoint("200");
        const r = s.run("kubeadm.sh", "worker");
        assert.notEqual(r.code, 0);
        assert.ok(r.stderr.includes(`Run pulumi up (it mints a fresh token and creates it in the cluster); ${remedy}`), r.stderr);
    });

    test("a node whose token is still valid joins", () => {
        const s = box("worker", { KUBEFORGE_TOKEN_EXPIRES: "2999-01-01T00:00:00Z" });
        s.endpoint("200");
        const r = s.run("kubeadm.sh", "worker");
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(
            s.calls("kubeadm").map((c) => c.split(" ")[0]),
            ["join"],
        );
    });

    test("init master never inits when a server with a foreign certificate answers", () => {
        const s = box("init", { KUBEFORGE_JOIN_TIMEOUT_SECONDS: "0" });
        s.endpoint("x509");
        const r = s.run("kubeadm.sh", "init");
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /untrusted; waiting/);
        assert.equal(s.calls("kubeadm").length, 0);
    });

    test("worker waits for the API, retries a failed join after a reset, and redacts the token", () => {
        const s = box("worker");
        s.endpoint("000", "000", "503", "200");
        writeFileSync(join(s.stub, "fail-join"), "1");
        const r = s.run("kubeadm.sh", "worker");
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(
            s.calls("kubeadm").map((c) => c.split(" ")[0]),
            ["join", "reset", "join"],
        );
        assert.match(r.stderr, /waiting for the API/);
        assert.match(r.stderr, /<bootstrap-token>/);
        assert.ok(!r.stderr.includes(TOKEN));
        assert.ok(!existsSync(join(s.root, "etc/kubernetes/pki/ca.key")), "workers get no CA key");
    });

    test("a worker gives up when the API never answers (bounded), and can be run again", () => {
        const s = box("worker", { KUBEFORGE_JOIN_TIMEOUT_SECONDS: "0" });
        const r = s.run("kubeadm.sh", "worker");
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /gave up/);
        s.endpoint("200");
        assert.equal(s.run("kubeadm.sh", "worker").code, 0);
    });

    test("leftovers of an unfinished run are reset before trying again", () => {
        const s = box("control-plane");
        mkdirSync(join(s.root, "etc/kubernetes"), { recursive: true });
        writeFileSync(join(s.root, "etc/kubernetes/kubelet.conf"), "half");
        s.endpoint("200");
        const r = s.run("kubeadm.sh", "control-plane");
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(
            s.calls("kubeadm").map((c) => c.split(" ")[0]),
            ["reset", "join"],
        );
        assert.ok(existsSync(join(s.root, "etc/kubernetes/pki/sa.key")), "PKI placed again after the reset");
    });

    test("a platform static pod (kube-vip) is neither mistaken for leftovers nor lost in a reset", () => {
        const s = box("init");
        const vip = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-vip\n";
        s.write("/etc/kubernetes/manifests/kube-vip.yaml", vip);
        writeFileSync(join(s.stub, "fail-init"), "1");
        const r = s.run("kubeadm.sh", "init");
        assert.equal(r.code, 0, r.stderr);
        const calls = s.calls("kubeadm");
        assert.deepEqual(
            calls.map((c) => c.split(" ")[0]),
            ["init", "reset", "init"],
        );
        assert.match(calls[0], /--ignore-preflight-errors=DirAvailable--etc-kubernetes-manifests/);
        assert.equal(s.read("etc/kubernetes/manifests/kube-vip.yaml"), vip);
    });

    test("bootstrapped node with a stopped kubelet: restarts it, no kubeadm", () => {
        const s = box("worker");
        s.endpoint("200");
        assert.equal(s.run("kubeadm.sh", "worker").code, 0);
        rmSync(join(s.stub, "kubelet-active"));
        const n = s.calls("kubeadm").length;
        const r = s.run("kubeadm.sh", "worker");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(s.calls("kubeadm").length, n);
        assert.ok(s.calls("systemctl").includes("enable --now kubelet"));
    });

    test("a node name command that prints garbage stops the step", () => {
        const i = input("worker", { pki, facts: { ...FACTS, nodeNameCommand: "echo 'Not A Name'" } });
        const s = new Sandbox(renderNodeBootstrap(i), i);
        boxes.push(s);
        s.endpoint("200");
        const r = s.run("kubeadm.sh", "worker");
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /node name/);
        assert.equal(s.calls("kubeadm").length, 0);
    });
});
