/**
 * The bootstrap waits for egress before it downloads anything: on AWS the machines no longer wait for
 * their NAT route (components/platforms/aws/network.ts `ready`), so the first download may come before
 * the way out exists. The wait is bounded, says what it waits for, and fails the run like any other step.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderNodeBootstrap } from "../../bootstrap/render";
import { input, masterPki, noneFacts, type NodeKind } from "./fixtures";
import { Sandbox } from "./sandbox";

const pki = masterPki();
const boxes: Sandbox[] = [];
after(() => boxes.forEach((b) => b.dispose()));

/** A sandbox whose egress probe fails `down` times first ("never": always). */
function box(kind: NodeKind, down: number | "never", env: Record<string, string> = {}): Sandbox {
    const i = input(kind, { pki, facts: noneFacts() });
    const s = new Sandbox(renderNodeBootstrap(i), i, env);
    boxes.push(s);
    writeFileSync(join(s.stub, "egress-down"), `${down}\n`);
    // Only the wait, with the helpers it runs under.
    s.write(
        "/usr/local/lib/kubeforge/egress-only.sh",
        '#!/usr/bin/env bash\nset -euo pipefail\n. "$(dirname "${BASH_SOURCE[0]}")/common.sh"\nload_env\nwait_for_egress\nlog "after the wait"\n',
        0o755,
    );
    return s;
}

const probes = (s: Sandbox) => s.calls("curl").filter((u) => u === "https://pkgs.k8s.io/").length;

describe("wait_for_egress", () => {
    test("egress already up: one probe, no waiting line", () => {
        const s = box("worker", 0);
        const r = s.run("egress-only.sh");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(probes(s), 1);
        assert.doesNotMatch(r.stderr, /waiting for egress/);
        assert.match(r.stderr, /after the wait/);
    });

    test("egress comes up late: one clear line, probes every 5 s, then says when it came", () => {
        const s = box("init", 3);
        const r = s.run("egress-only.sh");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(probes(s), 4);
        assert.equal(r.stderr.match(/waiting for egress to the internet \(https:\/\/pkgs\.k8s\.io\/\)/g)?.length, 1);
        assert.match(r.stderr, /egress is up after 15s/);
    });

    test("egress never comes: bounded, then the run fails naming what to check", () => {
        const s = box("worker", "never", { KUBEFORGE_EGRESS_WAIT_SECONDS: "30" });
        const r = s.run("egress-only.sh");
        assert.equal(r.code, 1);
        assert.equal(probes(s), 7, "probes at 0, 5, ... 30 s, then gives up");
        assert.match(r.stderr, /ERROR: no egress to the internet after 30s .*NAT gateway/);
        assert.doesNotMatch(r.stderr, /after the wait/);
    });

    test("a node that has joined already does not wait (it downloads nothing)", () => {
        const s = box("worker", "never");
        s.write("/etc/kubernetes/kubelet.conf", "kubelet\n");
        const r = s.run("egress-only.sh");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(probes(s), 0);
    });

    test("bootstrap.sh waits before its first step: without egress it prepares, downloads and installs nothing", () => {
        const s = box("worker", "never", { KUBEFORGE_EGRESS_WAIT_SECONDS: "10" });
        const r = s.run("bootstrap.sh", "worker");
        assert.equal(r.code, 1);
        assert.match(r.stderr, /no egress to the internet after 10s/);
        assert.deepEqual(s.calls("modprobe"), []);
        assert.deepEqual(s.calls("apt-get"), []);
        assert.deepEqual(
            s.calls("curl").filter((u) => u !== "https://pkgs.k8s.io/"),
            [],
        );
    });
});
