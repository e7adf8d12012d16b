/**
 * Real kubeadm (the default minor's, built by `npm run toolchain`) judges every kubeadm config the
 * shipped stacks render: the init master's, a joining master's and each worker pool's, for every
 * stack under stacks/ (so every platform with a stack), plus the kubelet and kube-proxy documents
 * through the components' own validation. The judge itself is shown to catch an unknown field.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { encodeUserData, renderCloudInit } from "../../bootstrap/cloudinit";
import { renderNodeBootstrap } from "../../bootstrap/render";
import { renderWindowsJoinConfiguration } from "../../bootstrap/windows";
import { listPlatforms } from "../../components/core/registry";
import { shippedStacks } from "../../stacks/plan/stackConfig";
import { input, type NodeKind } from "../bootstrap/fixtures";
import { describe as describeRun, runIsolated } from "./exec";
import { judgeNodeConfig } from "./judge";
import { bootstrapFromUserData } from "./renderStack";
import { modeOf, renderAllStacks, representativeNodes, type RenderedStack } from "./stacks";
import { toolPath } from "./toolchain";

type Doc = Record<string, unknown>;

const STACKS = shippedStacks();
let rendered: Promise<RenderedStack[]> | undefined;
const stacks = () => (rendered ??= renderAllStacks());
let dir: string;

before(() => {
    // Fails every test below (never skips) when the toolchain is missing, naming `npm run toolchain`.
    toolPath("kubeadm");
    toolPath("kubeforge-configcheck");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-validate-"));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function stackNamed(all: RenderedStack[], name: string): RenderedStack {
    const s = all.find((x) => x.stack === name);
    assert.ok(s, `stack ${name} was not rendered`);
    return s;
}

/** A one-node "stack" from the bootstrap test fixtures, for cluster shapes no shipped stack has. */
function fixtureStack(label: string, kind: NodeKind, spec: Parameters<typeof input>[1] = {}): RenderedStack {
    const i = input(kind, spec);
    return {
        stack: label,
        source: "test/bootstrap/fixtures.ts",
        platform: "fixture",
        kubernetesVersion: i.spec.kubernetesVersion,
        nodes: [{ node: i.node, bootstrap: renderNodeBootstrap(i) }],
        kubeconfig: "",
        manifests: [],
        helmReleases: [],
        patches: [],
    };
}

describe("kubeadm config validate and the component validators accept every shipped stack", () => {
    test("every platform has a shipped stack, so every platform is judged", async () => {
        const covered = new Set((await stacks()).map((s) => s.platform));
        const missing = listPlatforms().filter((p) => !covered.has(p));
        assert.deepEqual(missing, [], `platforms without a stack under stacks/ (add stacks/Pulumi.<platform>.yaml): ${missing.join(", ")}`);
    });

    for (const name of STACKS) {
        test(`stack ${name}: init, control-plane join and worker joins`, async () => {
            const stack = stackNamed(await stacks(), name);
            const nodes = representativeNodes(stack);
            const modes = new Set(nodes.map(modeOf));
            assert.ok(modes.has("init"), `stack ${name} rendered no init master`);
            if (stack.nodes.filter((n) => n.node.role === "control-plane").length > 1) assert.ok(modes.has("control-plane"));
            if (stack.nodes.some((n) => n.node.role === "worker" && n.node.os === "linux")) assert.ok(modes.has("worker"));
            const problems = (await Promise.all(nodes.map((n) => judgeNodeConfig(stack, n, dir)))).flat();
            assert.deepEqual(problems, []);
        });
    }
});

describe("cluster shapes the shipped stacks do not have", () => {
    for (const cni of ["calico", "none"] as const) {
        test(`cni ${cni}: kube-proxy runs, and its config passes kube-proxy's validation`, async () => {
            const stack = fixtureStack(`fixture cni=${cni}`, "init", { spec: { cni } });
            assert.deepEqual(await judgeNodeConfig(stack, stack.nodes[0], dir), []);
            const init = stack.nodes[0].bootstrap.files.find((f) => f.path.endsWith("/init.yaml"));
            assert.match(init?.content ?? "", /kind: KubeProxyConfiguration/);
        });
    }

    test("the Windows worker's join config passes kubeadm config validate", async () => {
        const config = path.join(dir, "windows-join.yaml");
        fs.writeFileSync(config, renderWindowsJoinConfiguration(input("windows")));
        // The discovery kubeconfig is checked to exist; create it where this path points on Linux
        // (relative, backslashes and all) so only the form of the path is judged.
        const doc = fs.readFileSync(config, "utf8");
        const discovery = /kubeConfigPath: (.+)$/m.exec(doc)?.[1].trim() ?? "";
        fs.writeFileSync(path.join(dir, discovery.replace(/^\//, "")), "");
        const r = await runIsolated(toolPath("kubeadm"), ["config", "validate", "--config", config], { cwd: dir });
        assert.equal(r.code, 0, `bootstrap/windows.ts JoinConfiguration: ${describeRun(r)}`);
    });
});

describe("the judge fails for the right reason", () => {
    const edits: { what: string; kind: string; mode: "init" | "worker"; edit: (d: Doc) => void; expect: RegExp }[] = [
        {
            what: "an unknown field in the ClusterConfiguration",
            kind: "ClusterConfiguration",
            mode: "init",
            edit: (d) => ((d.apiServer as Doc).kubeforgeBogus = "x"),
            expect: /unknown field "apiServer\.kubeforgeBogus"/,
        },
        {
            what: "an unknown field in the KubeletConfiguration",
            kind: "KubeletConfiguration",
            mode: "init",
            edit: (d) => (d.kubeforgeBogus = true),
            expect: /unknown field "kubeforgeBogus"/,
        },
        {
            what: "an unknown field in a worker's JoinConfiguration",
            kind: "JoinConfiguration",
            mode: "worker",
            edit: (d) => ((d.nodeRegistration as Doc).kubeforgeBogus = 1),
            expect: /unknown field "nodeRegistration\.kubeforgeBogus"/,
        },
        {
            what: "a kubelet value its validation refuses",
            kind: "KubeletConfiguration",
            mode: "init",
            edit: (d) => (d.containerLogMaxFiles = 1),
            expect: /containerLogMaxFiles/,
        },
    ];
    for (const e of edits) {
        test(`${e.what} fails, naming the file and the field`, async () => {
            const stack = stackNamed(await stacks(), STACKS[0]);
            const n = representativeNodes(stack).find((x) => modeOf(x) === e.mode);
            assert.ok(n, `stack ${stack.stack} has no ${e.mode} node`);
            const problems = await judgeNodeConfig(stack, n, path.join(dir, "bad"), (docs) => {
                const d = docs.find((x) => x.kind === e.kind);
                assert.ok(d, `no ${e.kind} document`);
                e.edit(d);
            });
            assert.ok(problems.length > 0, `the judge accepted ${e.what}`);
            const text = problems.join("\n");
            assert.match(text, e.mode === "init" ? /\/etc\/kubeforge\/kubeadm\/init\.yaml/ : /\/etc\/kubeforge\/kubeadm\/join\.yaml/);
            assert.match(text, e.expect);
        });
    }
});

test("a bootstrap delivered as cloud-config user data decodes back to the same files (how stacks are read on the new platform contract)", () => {
    const b = renderNodeBootstrap(input("init"));
    const decoded = bootstrapFromUserData(encodeUserData(renderCloudInit(b)).base64, "gzip+base64");
    assert.deepEqual(
        decoded.files.map((f) => [f.path, f.content]),
        b.files.map((f) => [f.path, f.content]),
    );
});
