/**
 * `npm run plan -- --stack azure` end to end in a child process (the real program under the offline
 * engine), judged on what it would build: 3 masters in zones 1/2/3, the load balancer rule and probe on
 * 6443, no public IP on nodes, the identity on masters only, spot settings, every customData through
 * the real `cloud-init schema` and every Kubernetes document it writes through the strict schemas; and
 * the refusals: an even master count, a zoneless region, a Windows name over 15 characters. Variants:
 * a Windows pool (Calico) and a zoneless region with `spread: preferred`.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { parse, stringify } from "yaml";
import { decodeCustomData } from "../../../components/platforms/azure/policy";
import { cloudInitSchemaErrors, validateK8sDocuments } from "../../helpers/validators";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const SCHEMA_KINDS =
    /^apiVersion: (kubeadm\.k8s\.io|kubelet\.config\.k8s\.io|kubeproxy\.config\.k8s\.io|apiserver\.config\.k8s\.io|audit\.k8s\.io)\//m;

interface Resource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}
interface Plan {
    nodes: { name: string; role: string; failureDomain: string }[];
    resources: Resource[];
    violations: { policy: string }[];
}

function plan(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "stacks", "plan.ts"), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
        timeout: 300_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `cloud-init schema`, retried when it exits 1 without a word: seen once under load with other
 * cloud-init runs on the machine (the same text passes alone). A real schema error always says what.
 */
async function schemaErrors(text: string): Promise<string[]> {
    let errors = await cloudInitSchemaErrors(text);
    for (let i = 0; i < 2 && errors.length === 1 && /^cloud-init schema exited with \d+$/.test(errors[0]); i++)
        errors = await cloudInitSchemaErrors(text);
    return errors;
}

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function variant(mutate: (config: Record<string, unknown>) => void): string {
    const doc = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.azure.yaml"), "utf8")) as { config: Record<string, unknown> };
    mutate(doc.config);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-azure-"));
    dirs.push(dir);
    const file = path.join(dir, "Pulumi.azure-test.yaml");
    fs.writeFileSync(file, stringify(doc));
    return file;
}

const of = (p: Plan, type: string) => p.resources.filter((r) => r.type === `azure-native:${type}`);
const field = (v: unknown, ...keys: string[]): unknown =>
    keys.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], v);

/** The Kubernetes documents a cloud-config writes (plain, b64 or gz+b64 contents). */
function writtenDocs(cloudConfig: string): string[] {
    const doc = parse(cloudConfig) as { write_files?: { content: string; encoding?: string }[] };
    return (doc.write_files ?? [])
        .map((f) => {
            if (f.encoding === "gz+b64" || f.encoding === "gzip+base64")
                return gunzipSync(Buffer.from(f.content, "base64")).toString("utf8");
            if (f.encoding === "b64" || f.encoding === "base64") return Buffer.from(f.content, "base64").toString("utf8");
            return f.content;
        })
        .filter((text) => SCHEMA_KINDS.test(text));
}

describe("npm run plan -- --stack azure", () => {
    const run = plan("--stack", "azure", "--json", "--show-secrets");
    const p = JSON.parse(run.stdout || "{}") as Plan;

    test("plans without a policy violation", () => {
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(p.violations, []);
    });

    test("3 masters, one in each of zones 1, 2, 3, and their VMs pinned there", () => {
        const masters = p.nodes.filter((n) => n.role === "control-plane");
        assert.deepEqual(masters.map((m) => m.failureDomain).sort(), ["1", "2", "3"]);
        for (const m of masters) {
            const vm = of(p, "compute:VirtualMachine").find((r) => r.inputs.vmName === m.name);
            assert.deepEqual(vm?.inputs.zones, [m.failureDomain]);
            assert.equal(field(vm?.inputs, "osProfile", "computerName"), m.name);
        }
    });

    test("the API load balancer: TCP 6443 rule, HTTPS /readyz probe, a name the CCM never uses", () => {
        const [lb] = of(p, "network:LoadBalancer");
        assert.equal(lb.inputs.loadBalancerName, "demo-api");
        assert.ok(!["kubernetes", "demo", "demo-internal"].includes(String(lb.inputs.loadBalancerName)));
        const [rule] = lb.inputs.loadBalancingRules as Record<string, unknown>[];
        assert.deepEqual([rule.protocol, rule.frontendPort, rule.backendPort], ["Tcp", 6443, 6443]);
        const [probe] = lb.inputs.probes as Record<string, unknown>[];
        assert.deepEqual([probe.protocol, probe.port, probe.requestPath], ["Https", 6443, "/readyz"]);
        assert.equal(field(lb.inputs, "sku", "name"), "Standard");
    });

    test("nodes: no public IP, masters alone carry the identity and join the API pool, spot is Spot/Delete/-1", () => {
        for (const nic of of(p, "network:NetworkInterface")) {
            const [ip] = nic.inputs.ipConfigurations as Record<string, unknown>[];
            assert.equal(ip.publicIPAddress, undefined, nic.name);
        }
        for (const vm of of(p, "compute:VirtualMachine")) {
            const master = String(vm.inputs.vmName).includes("-cp-");
            assert.equal(vm.inputs.identity !== undefined, master, String(vm.inputs.vmName));
            const spot = String(vm.inputs.vmName).includes("-spot-");
            assert.equal(vm.inputs.priority, spot ? "Spot" : "Regular");
            if (spot) assert.deepEqual([vm.inputs.evictionPolicy, field(vm.inputs, "billingProfile", "maxPrice")], ["Delete", -1]);
            assert.equal(field(vm.inputs, "storageProfile", "imageReference", "sku"), "server");
        }
        assert.ok(!of(p, "network:SecurityRule").some((r) => r.inputs.securityRuleName === "ssh"), "SSH stays closed");
    });

    test("subnets: no default outbound access, egress through the NAT gateway", () => {
        const subnets = of(p, "network:Subnet");
        assert.equal(subnets.length, 2);
        for (const s of subnets) {
            assert.equal(s.inputs.defaultOutboundAccess, false);
            assert.ok(field(s.inputs, "natGateway", "id"));
        }
    });

    test("every customData is valid cloud-config (real cloud-init) within 65,535 bytes; its Kubernetes documents pass the schemas", async () => {
        const vms = of(p, "compute:VirtualMachine");
        assert.equal(vms.length, 8);
        for (const vm of vms) {
            const b = decodeCustomData(field(vm.inputs, "osProfile", "customData"));
            assert.ok(b, `${vm.name}: customData not decodable`);
            assert.equal(b.format, "cloud-config");
            assert.ok(b.sentBytes <= b.limitBytes, `${vm.name}: ${b.sentBytes} bytes`);
            assert.deepEqual(await schemaErrors(b.text), [], vm.name);
            const docs = writtenDocs(b.text);
            assert.ok(docs.length > 0, `${vm.name}: no Kubernetes document found`);
            for (const text of docs) assert.deepEqual(validateK8sDocuments(text), [], vm.name);
        }
    });
});

describe("refusals, before any resource", () => {
    test("an even master count exits 1 naming kubeforge:controlPlane.count", () => {
        const r = plan(
            "--config",
            variant((c) => ((c["kubeforge:controlPlane"] as Record<string, unknown>).count = 4)),
        );
        assert.equal(r.status, 1);
        assert.match(r.stdout + r.stderr, /kubeforge:controlPlane\.count/);
    });

    test("a region without zones and spread: required exits 1 naming kubeforge:azure.zones", () => {
        const r = plan(
            "--config",
            variant((c) => {
                c["kubeforge:azure"] = { ...(c["kubeforge:azure"] as object), location: "westus", zones: undefined };
                delete c["kubeforge:failureDomains"];
            }),
        );
        assert.equal(r.status, 1);
        assert.match(r.stdout + r.stderr, /kubeforge:azure\.zones: westus has no availability zones/);
    });

    test("a Windows node name over 15 characters exits 1 naming the pool", () => {
        const r = plan(
            "--config",
            variant((c) => {
                c["kubeforge:cni"] = "calico";
                (c["kubeforge:workerPools"] as unknown[]).push({ name: "windows-long", count: 1, os: "windows", diskSizeGb: 128 });
            }),
        );
        assert.equal(r.status, 1);
        assert.match(
            r.stdout + r.stderr,
            /kubeforge:workerPools\[2\]\.name: makes node names of 19 characters \(`demo-windows-long-0`\), over the azure limit of 15 for Windows computer names/,
        );
    });
});

describe("variants", () => {
    test("a Windows pool: Windows Server 2022, the plain script in customData, started by a CustomScriptExtension", () => {
        const r = plan(
            "--json",
            "--show-secrets",
            "--config",
            variant((c) => {
                c["kubeforge:cni"] = "calico";
                (c["kubeforge:workerPools"] as unknown[]).push({ name: "win", count: 1, os: "windows", diskSizeGb: 128 });
            }),
        );
        assert.equal(r.status, 0, r.stderr);
        const w = JSON.parse(r.stdout) as Plan;
        const vm = of(w, "compute:VirtualMachine").find((v) => v.inputs.vmName === "demo-win-0");
        assert.equal(field(vm?.inputs, "storageProfile", "imageReference", "sku"), "2022-datacenter-azure-edition");
        const b = decodeCustomData(field(vm?.inputs, "osProfile", "customData"));
        assert.equal(b?.format, "powershell");
        assert.doesNotMatch(b?.text ?? "", /<\/?powershell>|<persist>/);
        assert.match(b?.text ?? "", /kubeadm/);
        const [ext] = of(w, "compute:VirtualMachineExtension");
        assert.deepEqual([ext.inputs.publisher, ext.inputs.type], ["Microsoft.Compute", "CustomScriptExtension"]);
        assert.match(String(field(ext.inputs, "protectedSettings", "commandToExecute")), /CustomData\.bin.*Register-ScheduledTask/);
        assert.ok(of(w, "compute:VirtualMachine").some((v) => field(v.inputs, "osProfile", "windowsConfiguration") !== undefined));
    });

    test("a zoneless region with spread: preferred: availability sets for masters and pools, never for spot", () => {
        const r = plan(
            "--json",
            "--config",
            variant((c) => {
                c["kubeforge:azure"] = { ...(c["kubeforge:azure"] as object), location: "westus", zones: [] };
                delete c["kubeforge:failureDomains"];
                (c["kubeforge:controlPlane"] as Record<string, unknown>).spread = "preferred";
            }),
        );
        assert.equal(r.status, 0, r.stderr);
        const z = JSON.parse(r.stdout) as Plan;
        assert.deepEqual(
            of(z, "compute:AvailabilitySet")
                .map((a) => a.inputs.availabilitySetName)
                .sort(),
            ["demo-control-plane", "demo-general"],
        );
        for (const vm of of(z, "compute:VirtualMachine")) {
            assert.equal(vm.inputs.zones, undefined);
            assert.equal(vm.inputs.availabilitySet === undefined, String(vm.inputs.vmName).includes("-spot-"), String(vm.inputs.vmName));
        }
    });
});
