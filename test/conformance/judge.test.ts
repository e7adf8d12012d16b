/**
 * The conformance judgements fail on bad plans: each is shown a plan that breaks its rule. (The suite
 * itself only ever sees good plans, so without these a judgement that always passed would go unnoticed.)
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import type { PlanJson, PlanNode } from "../helpers/plan";
import { belongsTo, resizeProblems, schemaDocuments, secretAtoms, spreadProblems, writtenFiles } from "./judge";
import { missingPieces, PLATFORM_SKELETON } from "./skeleton";

const master = (name: string, failureDomain: string): PlanNode => ({
    name,
    role: "control-plane",
    pool: "control-plane",
    failureDomain,
    os: "linux",
    machineType: null,
    initNode: false,
});
const plan = (resources: { type: string; name: string; inputs?: Record<string, unknown> }[]): PlanJson => ({
    stack: "s",
    platform: "p",
    nodes: [],
    outputs: {},
    violations: [],
    resources: resources.map((r) => ({ id: null, parent: null, urn: `urn:pulumi:s::kubeforge::${r.type}::${r.name}`, inputs: {}, ...r })),
});

describe("spreadProblems", () => {
    const zones = ["a", "b", "c"];
    test("accepts 3 over 3, 5 over 3 as 2/2/1, 3 over 5 and all in the one domain offered", () => {
        assert.deepEqual(
            spreadProblems(
                ["a", "b", "c"].map((z, i) => master(`m${i}`, z)),
                zones,
                "required",
            ),
            [],
        );
        assert.deepEqual(
            spreadProblems(
                ["a", "b", "c", "a", "b"].map((z, i) => master(`m${i}`, z)),
                zones,
                "required",
            ),
            [],
        );
        assert.deepEqual(
            spreadProblems(
                ["a", "b", "c"].map((z, i) => master(`m${i}`, z)),
                ["a", "b", "c", "d", "e"],
                "required",
            ),
            [],
        );
        assert.deepEqual(
            spreadProblems(
                ["r", "r", "r"].map((z, i) => master(`m${i}`, z)),
                ["r"],
                "preferred",
            ),
            [],
        );
    });
    test("refuses 2/1/0, 3/0/0 and a domain not offered", () => {
        assert.match(
            spreadProblems(
                ["a", "a", "b"].map((z, i) => master(`m${i}`, z)),
                zones,
                "required",
            ).join(),
            /not spread evenly/,
        );
        assert.match(
            spreadProblems(
                ["a", "a", "a"].map((z, i) => master(`m${i}`, z)),
                zones,
                "preferred",
            ).join(),
            /not spread evenly/,
        );
        assert.match(spreadProblems([master("m0", "x")], zones, "required").join(), /does not offer/);
    });
});

describe("resizeProblems", () => {
    const base = plan([
        { type: "vm", name: "demo-general-0", inputs: { size: 1 } },
        { type: "lb", name: "demo-api", inputs: { backends: 3 } },
    ]);
    test("accepts a plan that adds only the node's resources", () => {
        const after = plan([...base.resources, { type: "vm", name: "demo-general-1" }, { type: "rec", name: "demo-general-1" }]);
        assert.deepEqual(resizeProblems(base, after, "demo-general-1"), []);
    });
    test("refuses another resource appearing, one disappearing and another's inputs changing", () => {
        const after = plan([
            { type: "vm", name: "demo-general-0-renamed" },
            { type: "lb", name: "demo-api", inputs: { backends: 4 } },
            { type: "vm", name: "demo-general-1" },
        ]);
        const problems = resizeProblems(base, after, "demo-general-1").join("\n");
        assert.match(problems, /demo-general-0-renamed appears/);
        assert.match(problems, /demo-general-0 disappears/);
        assert.match(problems, /demo-api changes backends/);
    });
    test("refuses a plan that adds nothing", () =>
        assert.match(resizeProblems(base, base, "demo-general-1").join(), /no resource is added/));
    test("a node's resources are told apart from a node with a longer ordinal", () => {
        assert.ok(belongsTo("demo-demo-general-1", "demo-general-1"));
        assert.ok(belongsTo("demo-general-1-nic", "demo-general-1"));
        assert.equal(belongsTo("demo-general-10", "demo-general-1"), false);
    });
});

describe("secretAtoms", () => {
    const pem = [
        "-----BEGIN EC PRIVATE KEY-----",
        "MHcCAQEEIB3xq2kq0c9c3nq1oS1bXf5nq8Zt1s3l0aZ8n2o9qkz9oAoGCCqGSM49",
        "-----END EC PRIVATE KEY-----",
    ].join("\n");
    test("finds private-key lines and tokens in masked leaves and decoded user data", () => {
        const masked = { ...plan([{ type: "t", name: "n", inputs: { key: "[secret]" } }]), outputs: { kubeconfig: "[secret]" } };
        const shown = {
            ...plan([{ type: "t", name: "n", inputs: { key: pem } }]),
            outputs: { kubeconfig: "token: abcdef.0123456789abcdef" },
        };
        const atoms = secretAtoms(masked, shown, ["secret: c2VjcmV0LWtleS1ieXRlcy1mb3ItYWVzY2JjLTMyYnl0ZXM="]);
        assert.ok(atoms.includes("MHcCAQEEIB3xq2kq0c9c3nq1"));
        assert.ok(atoms.includes("0123456789abcdef"));
        assert.ok(atoms.includes("c2VjcmV0LWtleS1ieXRlcy1mb3ItYWVzY2JjLTMyYnl0ZXM="));
    });
});

describe("writtenFiles and schemaDocuments", () => {
    test("decode every encoding and keep only the documents the schemas cover", () => {
        const kubeadm = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\n";
        const cloudConfig = [
            "#cloud-config",
            "write_files:",
            `  - path: /etc/kubeadm/join.yaml\n    encoding: gz+b64\n    content: ${gzipSync(kubeadm).toString("base64")}`,
            `  - path: /etc/kubeadm/plain.yaml\n    encoding: b64\n    content: ${Buffer.from(kubeadm).toString("base64")}`,
            "  - path: /etc/kube-vip.yaml\n    content: 'apiVersion: v1'",
        ].join("\n");
        const files = writtenFiles(cloudConfig);
        assert.deepEqual(
            files.map((f) => f.content),
            [kubeadm, kubeadm, "apiVersion: v1"],
        );
        assert.deepEqual(
            schemaDocuments(files).map((f) => f.path),
            ["/etc/kubeadm/join.yaml", "/etc/kubeadm/plain.yaml"],
        );
    });
});

describe("missingPieces", () => {
    test("names the platform and each missing piece", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-skeleton-"));
        try {
            fs.mkdirSync(path.join(dir, "cloudy"));
            for (const f of Object.keys(PLATFORM_SKELETON)) if (f !== "firewall.ts") fs.writeFileSync(path.join(dir, "cloudy", f), "");
            assert.deepEqual(missingPieces("cloudy", dir), [`cloudy: firewall.ts (${PLATFORM_SKELETON["firewall.ts"]})`]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
