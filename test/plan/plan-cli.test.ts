/**
 * `npm run plan` end to end, as a newcomer runs it: a child process per plan (the SDK's mocks are
 * process-global), asserting on its JSON, its exit code and its error text.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { parse, stringify } from "yaml";
import { after } from "node:test";
import { cloudInitSchemaErrors } from "../helpers/validators";

const ROOT = path.resolve(__dirname, "..", "..");

interface PlanRun {
    status: number | null;
    stdout: string;
    stderr: string;
}

function plan(...args: string[]): PlanRun {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "stacks", "plan.ts"), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
        timeout: 240_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonPlan {
    stack: string;
    nodes: { name: string; role: string; pool: string; failureDomain: string }[];
    resources: { type: string; name: string; id: string | null; parent: string | null; urn: string; inputs: Record<string, unknown> }[];
    outputs: Record<string, unknown>;
    violations: { policy: string; level: string; resource?: string; message: string }[];
}

const tempDirs: string[] = [];
after(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function writeConfig(mutate: (config: Record<string, unknown>) => void): string {
    const doc = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.aws.yaml"), "utf8")) as { config: Record<string, unknown> };
    mutate(doc.config);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-plan-"));
    tempDirs.push(dir);
    const file = path.join(dir, "Pulumi.test.yaml");
    fs.writeFileSync(file, stringify(doc));
    return file;
}

describe("npm run plan -- --stack aws --json", () => {
    const run = plan("--stack", "aws", "--json");
    const hidden: JsonPlan = run.status === 0 ? (JSON.parse(run.stdout) as JsonPlan) : ({} as JsonPlan);

    test("exits 0 with a JSON plan", () => {
        assert.equal(run.status, 0, run.stderr);
        assert.equal(hidden.stack, "aws");
        for (const key of ["resources", "outputs", "violations"]) assert.ok(key in hidden, `missing ${key}`);
        for (const r of hidden.resources) {
            for (const key of ["type", "name", "id", "parent", "inputs"]) assert.ok(key in r, `resource ${r.name} lacks ${key}`);
        }
    });

    test("3 masters as instances in 3 distinct zones, registered behind a load balancer on 6443", () => {
        const instances = hidden.resources.filter((r) => r.type === "aws:ec2/instance:Instance");
        const masters = instances.filter((r) => (r.inputs.tags as Record<string, string>)["kubeforge.io/role"] === "control-plane");
        assert.equal(masters.length, 3);
        const subnetsById = new Map(hidden.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet").map((s) => [s.id, s]));
        const zones = new Set(masters.map((m) => subnetsById.get(m.inputs.subnetId as string)?.inputs.availabilityZone));
        assert.equal(zones.size, 3, `master zones: ${[...zones].join(", ")}`);
        const listeners = hidden.resources.filter((r) => r.type === "aws:lb/listener:Listener");
        assert.ok(
            listeners.some((l) => Number(l.inputs.port) === 6443),
            "no listener on 6443",
        );
        const attachments = hidden.resources.filter((r) => r.type === "aws:lb/targetGroupAttachment:TargetGroupAttachment");
        const attached = new Set(attachments.map((a) => a.inputs.targetId));
        for (const m of masters) assert.ok(attached.has(m.id), `${m.name} is not behind the load balancer`);
        assert.match(String(hidden.outputs.endpoint), /^https:\/\/.+:6443$/);
    });

    test("the stack's worker pools are all there", () => {
        const config = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.aws.yaml"), "utf8")) as {
            config: { "kubeforge:workerPools": { name: string; count: number }[] };
        };
        for (const pool of config.config["kubeforge:workerPools"]) {
            const nodes = hidden.nodes.filter((n) => n.pool === pool.name);
            assert.equal(nodes.length, pool.count, `pool ${pool.name}`);
        }
    });

    test("secrets are masked and the kubeconfig output is secret", () => {
        assert.equal(hidden.outputs.kubeconfig, "[secret]");
        assert.ok(!run.stdout.includes("PRIVATE KEY"), "a private key leaked into the plan");
        const instance = hidden.resources.find((r) => r.type === "aws:ec2/instance:Instance");
        assert.equal(instance?.inputs.userDataBase64, "[secret]");
    });

    test("the shipped stack passes the policy pack with no mandatory violation", () => {
        const mandatory = hidden.violations.filter((v) => v.level === "mandatory");
        assert.deepEqual(mandatory, []);
    });
});

describe("npm run plan -- --stack aws --json --show-secrets", () => {
    test("every user data passes `cloud-init schema`", async () => {
        const run = plan("--stack", "aws", "--json", "--show-secrets");
        assert.equal(run.status, 0, run.stderr);
        const shown = JSON.parse(run.stdout) as JsonPlan;
        assert.ok(run.stdout.includes("PRIVATE KEY"), "--show-secrets did not reveal the masters' keys");
        const instances = shown.resources.filter((r) => r.type === "aws:ec2/instance:Instance");
        assert.ok(instances.length >= 3);
        for (const instance of instances) {
            const bytes = Buffer.from(String(instance.inputs.userDataBase64), "base64");
            assert.ok(bytes.length <= 16 * 1024, `${instance.name}: user data is ${bytes.length} bytes, over AWS's 16 KB`);
            const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib.gunzipSync(bytes).toString("utf8") : bytes.toString("utf8");
            const errors = await cloudInitSchemaErrors(text);
            assert.deepEqual(errors, [], `${instance.name}: ${errors.join("; ")}`);
        }
    });
});

describe("npm run plan with bad input", () => {
    test("an even control-plane count exits non-zero naming the field", () => {
        const file = writeConfig((c) => {
            c["kubeforge:controlPlane"] = { ...(c["kubeforge:controlPlane"] as object), count: 4 };
        });
        const run = plan("--config", file);
        assert.notEqual(run.status, 0);
        assert.match(run.stderr, /kubeforge:controlPlane\.count/);
        assert.equal(run.stdout, "", "nothing may be planned on invalid config");
    });

    test("several problems are all reported at once", () => {
        const file = writeConfig((c) => {
            c["kubeforge:controlPlane"] = { ...(c["kubeforge:controlPlane"] as object), count: 2 };
            c["kubeforge:network"] = { podCidr: "10.0.0.0/8", serviceCidr: "10.96.0.0/12", nodeCidr: "10.0.0.0/16" };
        });
        const run = plan("--config", file);
        assert.equal(run.status, 1);
        assert.match(run.stderr, /kubeforge:controlPlane\.count/);
        assert.match(run.stderr, /kubeforge:network\.podCidr/);
    });

    test("an unknown stack names the stacks that exist", () => {
        const run = plan("--stack", "no-such-stack");
        assert.equal(run.status, 1);
        assert.match(run.stderr, /have: .*aws/);
    });

    test("an unknown flag prints the usage", () => {
        const run = plan("--frobnicate");
        assert.equal(run.status, 1);
        assert.match(run.stderr, /usage: npm run plan/);
    });
});
