/**
 * The Cluster component under mocks, with a fake platform, so what is asserted is the core's wiring:
 * PKI, bootstrap rendering per role, the readiness gate, per-node lifecycle records, addons and outputs.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { PlanEngine, isWrappedSecret, outputValue, type PlanResource } from "../stacks/plan/mocks";
import type { ClusterSpec, NodePlan } from "../components/core/types";
import type { MachineFacts, Platform, PlatformInfrastructure } from "../components/platform";
import type { NodeBootstrap } from "../bootstrap/types";
import { API_READINESS_TYPE, NODE_LIFECYCLE_TYPE } from "../components/lifecycle/types";

const engine = new PlanEngine();
/** The program's clock for this run: the token window 2026-12-04T00:00Z-12:00Z, so it expires at 2026-12-05T00:00:00Z. */
const NOW = new Date("2026-12-04T10:00:00Z");
const rendered = new Map<string, NodeBootstrap>();
let spec: ClusterSpec;
let nodes: NodePlan[];
let outputs: {
    kubeconfig: pulumi.Output<string>;
    endpoint: pulumi.Output<string>;
    apiServerVersion: pulumi.Output<string>;
    platformOutputs: Record<string, pulumi.Output<unknown>>;
};

/** A machine of the fake cloud: a plain custom resource the mocks answer. */
class FakeMachine extends pulumi.CustomResource {
    constructor(name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
        super("fake:index:Machine", name, props, opts);
    }
}

/** What the fake platform's infrastructure hands its machines. */
interface FakeInfrastructure extends PlatformInfrastructure {
    /** Where the fake machines sit. */
    zones: string[];
}

function fakePlatform(): Platform<{ zones: string[] }, FakeInfrastructure> {
    return {
        name: "fake",
        description: "a platform that makes no machines, for tests",
        // The bootstrap itself (as over SSH), so the test reads exactly what the core rendered per node.
        delivery: { linux: { format: "ssh" } },
        limits: { machineNameMax: 63 },
        parseConfig: () => ({ config: { zones: ["z1", "z2", "z3"] }, issues: [] }),
        failureDomains: (config) => config.zones,
        bootstrapFacts: () => ({ cloudProvider: "external" }),
        createInfrastructure: (_name, ctx) => ({
            zones: ctx.config.zones,
            endpoint: { host: pulumi.output("api.example.test"), port: 6443 },
            outputs: { network: pulumi.output("fake-network") },
            addons: [
                {
                    kind: "manifest",
                    name: "storage",
                    objects: [
                        {
                            apiVersion: "storage.k8s.io/v1",
                            kind: "StorageClass",
                            metadata: { name: "standard" },
                            provisioner: "example.test/disk",
                        },
                    ],
                },
                {
                    kind: "manifest",
                    name: "pod-network-app",
                    needs: { cni: true },
                    objects: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "default" } }],
                },
            ],
        }),
        createMachine(_name, node, delivered, ctx): MachineFacts {
            if (delivered.kind !== "ssh") throw new Error("the fake platform declared SSH delivery");
            assert.ok(ctx.infrastructure.zones.includes(node.failureDomain), "the machine gets the infrastructure the platform made");
            // A stand-in machine whose input is the node's rendered bootstrap, as a VM's user data is.
            delivered.bootstrap.apply((b) => rendered.set(node.name, b));
            const machine = new FakeMachine(
                node.name,
                { userData: delivered.bootstrap.apply((b) => JSON.stringify(b.files.map((f) => f.path))) },
                { parent: ctx.parent },
            );
            return {
                machineId: machine.id.apply((id: string) => String(id)),
                privateIp: pulumi.output("10.0.0.1"),
                dependsOn: [machine],
                outputs: { zone: pulumi.output(node.failureDomain) },
            };
        },
    };
}

before(async () => {
    await engine.install("kubeforge", "cluster-test");
    const { parseClusterConfig } = await import("../components/core/config.js");
    const { placeNodes } = await import("../components/core/placement.js");
    const parsed = parseClusterConfig({
        name: "demo",
        platform: "fake",
        failureDomains: ["z1", "z2", "z3"],
        controlPlane: { count: 3 },
        workerPools: [{ name: "general", count: 2 }],
        access: { apiAllowedCidrs: ["203.0.113.0/24"] },
    });
    assert.deepEqual(parsed.issues, []);
    spec = parsed.spec as ClusterSpec;
    nodes = placeNodes(spec);
    const { Cluster } = await import("../components/cluster.js");
    const platform = fakePlatform() as unknown as Platform<unknown, PlatformInfrastructure>;
    const cluster = new Cluster("demo", { spec, nodes, platform, config: { zones: ["z1", "z2", "z3"] }, now: NOW });
    outputs = cluster;
    await outputValue(cluster.kubeconfig);
    await engine.settle();
});

function byType(type: string): PlanResource[] {
    return engine.resources.filter((r) => r.type === type);
}

function urnOf(type: string, name: string): string {
    const r = engine.resources.find((x) => x.type === type && x.name === name);
    assert.ok(r, `no ${type} ${name}`);
    return r.urn;
}

describe("Cluster", () => {
    test("is a component with the PKI under it", () => {
        const cluster = urnOf("kubeforge:cluster:Cluster", "demo");
        const pki = engine.resources.find((r) => r.type === "kubeforge:pki:ClusterPki");
        assert.equal(pki?.parent, cluster);
        assert.ok(byType("tls:index/selfSignedCert:SelfSignedCert").length >= 3, "three CAs");
    });

    test("masters get the CA keys in their bootstrap, workers only the CA certificate and the token", () => {
        for (const node of nodes) {
            const b = rendered.get(node.name);
            assert.ok(b, `no bootstrap rendered for ${node.name}`);
            const text = b.files.map((f) => f.content).join("\n");
            if (node.role === "control-plane") assert.match(text, /PRIVATE KEY/, `${node.name} lacks the CA keys`);
            else assert.doesNotMatch(text, /PRIVATE KEY/, `${node.name} must not hold any private key`);
            for (const f of b.files)
                if (/PRIVATE KEY/.test(f.content)) assert.equal(f.secret, true, `${f.path} holds a key but is not marked secret`);
        }
    });

    test("the rendered bootstrap reaches the machine as a secret", () => {
        for (const m of byType("fake:index:Machine")) assert.ok(isWrappedSecret(m.inputs.userData), `${m.name} user data is not secret`);
    });

    test("one lifecycle record per node, depending on its machine, with the node's facts", () => {
        const records = byType(NODE_LIFECYCLE_TYPE);
        assert.equal(records.length, nodes.length);
        for (const node of nodes) {
            const record = records.find((r) => r.name === node.name);
            assert.ok(record, `no lifecycle record for ${node.name}`);
            assert.equal(record.inputs.role, node.role);
            assert.equal(record.inputs.failureDomain, node.failureDomain);
            assert.ok(
                record.dependencies.includes(urnOf("fake:index:Machine", node.name)),
                `${node.name} record does not depend on its machine`,
            );
            assert.ok(isWrappedSecret(record.inputs.clientKey), "client key must stay secret");
            assert.equal(record.inputs.skipDrain, false, "nodes are drained before deletion by default");
            assert.equal(record.inputs.drainTimeoutSeconds, spec.lifecycle.drainTimeoutSeconds);
        }
    });

    test("the readiness gate waits for the masters only; the addons wait for it and for what they need, nothing else", () => {
        const [gate] = byType(API_READINESS_TYPE);
        assert.ok(gate);
        assert.equal(gate.inputs.controlPlaneCount, 3);
        const masters = nodes.filter((n) => n.role === "control-plane").map((n) => urnOf("fake:index:Machine", n.name));
        const workers = nodes.filter((n) => n.role === "worker").map((n) => urnOf("fake:index:Machine", n.name));
        for (const m of masters) assert.ok(gate.dependencies.includes(m));
        for (const w of workers) assert.ok(!gate.dependencies.includes(w), "workers must not delay the gate");
        const provider = byType("pulumi:providers:kubernetes")[0];
        assert.ok(provider?.dependencies.includes(gate.urn), "the Kubernetes provider must wait for the gate");
        const cilium = byType("kubernetes:helm.sh/v3:Release").find((r) => r.name.endsWith("-cilium"));
        assert.ok(cilium, "Cilium is installed by default");
        assert.ok(cilium.dependencies.includes(gate.urn));
        const storage = byType("kubernetes:yaml/v2:ConfigGroup").find((r) => r.name.endsWith("-storage"));
        assert.ok(storage?.dependencies.includes(gate.urn), "every addon waits for the API");
        assert.ok(!storage?.dependencies.includes(cilium.urn), "an addon that needs only the API installs beside the CNI");
        const podNetworkApp = byType("kubernetes:yaml/v2:ConfigGroup").find((r) => r.name.endsWith("-pod-network-app"));
        assert.ok(podNetworkApp?.dependencies.includes(cilium.urn), "an addon that needs the CNI waits for it");
    });

    test("machines do not wait for each other: every node boots in parallel", () => {
        const machineUrns = new Set(byType("fake:index:Machine").map((m) => m.urn));
        for (const m of byType("fake:index:Machine")) {
            assert.deepEqual(
                m.dependencies.filter((d) => machineUrns.has(d)),
                [],
                `${m.name} waits on another machine`,
            );
        }
    });

    test("outputs: a secret kubeconfig for the endpoint, and the server version", async () => {
        assert.equal(await pulumi.isSecret(outputs.kubeconfig), true);
        const kubeconfig = await outputValue(outputs.kubeconfig);
        assert.match(kubeconfig, /server: https:\/\/api\.example\.test:6443/);
        assert.equal(await outputValue(outputs.endpoint), "https://api.example.test:6443");
        assert.equal(await outputValue(outputs.apiServerVersion), `v${spec.kubernetesVersion}`);
    });

    test("platform outputs: the infrastructure's, and each machine's per-node output gathered by node name", async () => {
        assert.equal(await outputValue(outputs.platformOutputs.network), "fake-network");
        const zones = await outputValue(outputs.platformOutputs.zone);
        assert.deepEqual(zones, Object.fromEntries(nodes.map((n) => [n.name, n.failureDomain])));
    });
});

test("masters' lifecycle records form a chain, so masters are removed one at a time", () => {
    const masters = nodes.filter((n) => n.role === "control-plane");
    for (let i = 1; i < masters.length; i++) {
        const record = engine.resources.find((r) => r.type === NODE_LIFECYCLE_TYPE && r.name === masters[i].name);
        const previous = engine.resources.find((r) => r.type === NODE_LIFECYCLE_TYPE && r.name === masters[i - 1].name);
        assert.ok(record && previous);
        assert.ok(record.dependencies.includes(previous.urn), `${masters[i].name} must depend on ${masters[i - 1].name}`);
    }
    const workers = engine.resources.filter((r) => r.type === NODE_LIFECYCLE_TYPE && r.inputs.role === "worker");
    const lifecycleUrns = new Set(engine.resources.filter((r) => r.type === NODE_LIFECYCLE_TYPE).map((r) => r.urn));
    for (const w of workers)
        assert.deepEqual(
            w.dependencies.filter((d) => lifecycleUrns.has(d)),
            [],
            "workers drain in parallel",
        );
});

describe("bootstrap token", () => {
    test("the token expires (24 h lifetime: the end of the window after the current one), and kubeadm init gives it that lifetime", () => {
        const init = [...rendered.values()].find((b) => b.files.some((f) => f.path.endsWith("/init.yaml")));
        assert.ok(init, "the init master's bootstrap was rendered");
        const initYaml = init.files.find((f) => f.path.endsWith("/init.yaml"))!.content;
        // kubeadm takes a lifetime (it refuses `expires` beside the ttl it defaults itself).
        assert.match(initYaml, /ttl: "?24h0m0s"?/);
        assert.doesNotMatch(initYaml, /ttl: 0s/);
        for (const b of rendered.values()) {
            const env = b.files.find((f) => f.path.endsWith("bootstrap.env"));
            if (env) assert.match(env.content, /KUBEFORGE_TOKEN_EXPIRES=['"]?2026-12-05T00:00:00Z/, b.nodeName);
        }
    });

    test("the program creates the token's Secret in kube-system once the API answers, kubeadm's format, secret data", async () => {
        const [secret] = byType("kubernetes:core/v1:Secret").filter((r) => r.name === "demo-bootstrap-token");
        assert.ok(secret, "a Secret for the token");
        const metadata = secret.inputs.metadata as { name: string; namespace: string; annotations: Record<string, string> };
        const tokenId = engine.resources.find((r) => r.type === "random:index/randomString:RandomString" && r.name === "demo-pki-token-id");
        assert.ok(tokenId);
        assert.match(metadata.name, /^bootstrap-token-[a-z0-9]{6}$/);
        assert.equal(metadata.namespace, "kube-system");
        assert.equal(metadata.annotations["pulumi.com/patchForce"], "true");
        assert.equal(secret.inputs.type, "bootstrap.kubernetes.io/token");
        assert.ok(isWrappedSecret(secret.inputs.stringData), "the token's secret half stays a Pulumi secret");
        const data = (secret.inputs.stringData as { value: Record<string, string> }).value;
        assert.equal(data.expiration, "2026-12-05T00:00:00Z");
        assert.equal(data["auth-extra-groups"], "system:bootstrappers:kubeadm:default-node-token");
        assert.equal(`bootstrap-token-${data["token-id"]}`, metadata.name);
        const keepers = tokenId.inputs.keepers as Record<string, string>;
        assert.equal(keepers.window, String(Math.floor(NOW.getTime() / (12 * 3600 * 1000))), "the token is tied to its window");
    });
});
