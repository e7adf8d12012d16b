/**
 * `npm run plan -- --stack digitalocean` end to end, in child processes (the SDK's mocks are
 * process-global): what is built, and the API token never in clear, in the plan, its JSON or an error.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { FAKE_TOKEN, tokenPieces } from "./fixtures";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const STACK = path.join(ROOT, "stacks", "Pulumi.digitalocean.yaml");

interface Resource {
    type: string;
    name: string;
    urn: string;
    inputs: Record<string, unknown>;
}
interface JsonPlan {
    nodes: { name: string; role: string; failureDomain: string }[];
    resources: Resource[];
    outputs: Record<string, unknown>;
    violations: unknown[];
}

function plan(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "stacks", "plan.ts"), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
        timeout: 240_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-do-plan-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The example stack with the token written in clear (the worst case) and `mutate` applied. */
function stackWith(name: string, mutate: (config: Record<string, Record<string, unknown>>) => void = () => {}): string {
    const doc = parse(fs.readFileSync(STACK, "utf8")) as { config: Record<string, Record<string, unknown>> };
    doc.config["kubeforge:digitalocean"].token = FAKE_TOKEN;
    mutate(doc.config);
    const file = path.join(dir, `Pulumi.${name}.yaml`);
    fs.writeFileSync(file, stringify(doc));
    return file;
}

/** Every form the token could leak in: itself, pieces of it, its base64 (a Secret's data). */
const LEAKS = [...tokenPieces(), Buffer.from(FAKE_TOKEN).toString("base64").slice(0, 40)];

function assertNoToken(text: string, where: string): void {
    for (const piece of LEAKS) assert.ok(!text.includes(piece), `${where} shows the token (or part of it)`);
}

describe("npm run plan -- --stack digitalocean", () => {
    const run = plan("--stack", "digitalocean", "--json");
    const json = (run.status === 0 ? JSON.parse(run.stdout) : { nodes: [], resources: [], outputs: {}, violations: [] }) as JsonPlan;
    const of = (type: string) => json.resources.filter((r) => r.type === `digitalocean:index/${type}`);

    test("plans 3 masters and 3 workers in fra1 with no policy violation", () => {
        assert.equal(run.status, 0, run.stderr);
        assert.equal(json.nodes.filter((n) => n.role === "control-plane").length, 3);
        assert.deepEqual([...new Set(json.nodes.map((n) => n.failureDomain))], ["fra1"]);
        assert.deepEqual(json.violations, []);
    });

    test("every DigitalOcean resource keeps the URN existing stacks hold (a new one would replace it)", () => {
        const parent = "urn:pulumi:digitalocean::kubeforge::kubeforge:digitalocean:Infrastructure$";
        const urns = json.resources.filter((r) => r.type.startsWith("digitalocean:") || r.type === "pulumi:providers:digitalocean");
        const nodes = ["demo-cp-0", "demo-cp-1", "demo-cp-2", "demo-general-0", "demo-general-1", "demo-general-2"];
        assert.deepEqual(urns.map((r) => r.urn.replace(parent, "")).sort(), [
            ...nodes.map((n) => `digitalocean:index/droplet:Droplet::${n}`),
            "digitalocean:index/firewall:Firewall::demo-control-plane",
            "digitalocean:index/firewall:Firewall::demo-nodes",
            "digitalocean:index/loadBalancer:LoadBalancer::demo-api",
            "digitalocean:index/loadBalancer:LoadBalancer::demo-api-internal",
            "digitalocean:index/vpc:Vpc::demo-vpc",
            "pulumi:providers:digitalocean::demo-provider",
        ]);
    });

    test("one droplet per node, named after it: Ubuntu 24.04, in the VPC, monitored, tagged, user data secret", () => {
        const droplets = of("droplet:Droplet");
        assert.deepEqual(droplets.map((d) => d.name).sort(), json.nodes.map((n) => n.name).sort());
        for (const d of droplets) {
            assert.equal(d.inputs.name, d.name);
            assert.equal(d.inputs.image, "ubuntu-24-04-x64");
            assert.equal(d.inputs.monitoring, true);
            assert.equal(d.inputs.region, "fra1");
            assert.ok(d.inputs.vpcUuid);
            assert.ok((d.inputs.tags as string[]).includes(`kubeforge-node:${d.name}`));
            assert.equal(d.inputs.userData, "[secret]");
        }
    });

    test("the API: two regional load balancers on 6443 with a TCP health check, the external one admitting only apiAllowedCidrs", () => {
        const lbs = of("loadBalancer:LoadBalancer");
        assert.deepEqual(lbs.map((l) => l.inputs.network).sort(), ["EXTERNAL", "INTERNAL"]);
        for (const lb of lbs) {
            assert.deepEqual(lb.inputs.forwardingRules, [
                { entryPort: 6443, entryProtocol: "tcp", targetPort: 6443, targetProtocol: "tcp" },
            ]);
            assert.equal((lb.inputs.healthcheck as Record<string, unknown>).protocol, "tcp");
            assert.equal((lb.inputs.healthcheck as Record<string, unknown>).port, 6443);
            assert.equal(lb.inputs.dropletTag, "kubeforge-demo-control-plane");
        }
        assert.deepEqual(lbs.find((l) => l.inputs.network === "EXTERNAL")?.inputs.firewall, { allows: ["cidr:203.0.113.0/24"] });
        assert.match(String(json.outputs.endpoint), /^https:\/\/198\.51\.100\.\d+:6443$/);
    });

    test("the firewalls cover the cluster and its masters by tag and open no SSH when sshAllowedCidrs is empty", () => {
        const firewalls = of("firewall:Firewall");
        assert.deepEqual(firewalls.map((f) => f.inputs.tags).sort(), [["kubeforge-demo"], ["kubeforge-demo-control-plane"]]);
        for (const fw of firewalls) assert.ok(!(fw.inputs.inboundRules as { portRange?: string }[]).some((r) => r.portRange === "22"));
    });
});

describe("the API token never shows in clear", () => {
    test("not in the plan, its JSON or its log, even when the stack holds it unencrypted", () => {
        const file = stackWith("clear");
        const text = plan("--config", file);
        assert.equal(text.status, 0, text.stderr);
        assertNoToken(text.stdout + text.stderr, "the plan");
        const json = plan("--config", file, "--json");
        assert.equal(json.status, 0, json.stderr);
        assertNoToken(json.stdout + json.stderr, "the JSON plan");
    });

    test("it does reach the provider and the in-cluster Secret (shown only with --show-secrets)", () => {
        const shown = plan("--config", stackWith("shown"), "--json", "--show-secrets");
        assert.equal(shown.status, 0, shown.stderr);
        const json = JSON.parse(shown.stdout) as JsonPlan;
        const provider = json.resources.find((r) => r.type === "pulumi:providers:digitalocean");
        assert.equal(provider?.inputs.token, FAKE_TOKEN);
        assert.ok(shown.stdout.includes(Buffer.from(FAKE_TOKEN).toString("base64")), "the Secret kube-system/digitalocean carries it");
    });

    test("not in a configuration error, whatever else is wrong", () => {
        const file = stackWith("broken", (c) => {
            c["kubeforge:digitalocean"].region = "atlantis1";
            c["kubeforge:controlPlane"].spread = "required";
            c["kubeforge:workerPools"] = [{ name: "cheap", count: 1, spot: true }] as unknown as Record<string, unknown>;
        });
        const r = plan("--config", file);
        assert.equal(r.status, 1);
        for (const field of ["kubeforge:digitalocean.region", "kubeforge:controlPlane.spread", "kubeforge:workerPools[0].spot"]) {
            assert.ok(r.stderr.includes(field), `${field} is reported:\n${r.stderr}`);
        }
        assertNoToken(r.stdout + r.stderr, "the error");
    });
});
