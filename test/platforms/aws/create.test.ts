/**
 * The AWS platform's `create()` under the offline engine: real components, mocked cloud. Three
 * clusters are built in this one process (one engine per file): `demo` (the fixture), `open` (API and
 * SSH deliberately opened to the world) and `shared` (an existing VPC).
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import * as pulumi from "@pulumi/pulumi";
import { PlanEngine, isWrappedSecret, outputValue, type PlanResource } from "../../../stacks/plan/mocks";
import awsMocks from "../../../components/platforms/aws/mocks";
import aws from "../../../components/platforms/aws/index";
import { UBUNTU_2404_AMI_PARAMETER, type AwsConfig } from "../../../components/platforms/aws/config";
import type { ClusterSpec, NodePlan } from "../../../components/core/types";
import type { BootstrapEndpoint, PlatformOutputs, UserDataDelivery } from "../../../components/platform-legacy";
import type { ClusterPkiOutputs } from "../../../components/pki";
import type { NodeBootstrap } from "../../../bootstrap/types";
import { ZONES, makeNodes, makeSpec, rawAws } from "./fixtures";

/** RFC 6125 matching of a certificate DNS name (a wildcard covers exactly one leftmost label). */
function sanCovers(san: string, host: string): boolean {
    if (!san.startsWith("*.")) return san === host;
    const dot = host.indexOf(".");
    return dot > 0 && host.slice(dot + 1) === san.slice(2);
}

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    tag: "aws:ec2/tag:Tag",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    attachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
    instance: "aws:ec2/instance:Instance",
    nat: "aws:ec2/natGateway:NatGateway",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    role: "aws:iam/role:Role",
    zone: "aws:route53/zone:Zone",
    record: "aws:route53/record:Record",
} as const;

const engine = new PlanEngine({ platform: awsMocks });

class TestParent extends pulumi.ComponentResource {
    constructor(name: string) {
        super("kubeforge:test:Parent", name, {}, {});
        this.registerOutputs({});
    }
}

function fakePki(): ClusterPkiOutputs {
    const pub = (s: string) => pulumi.output(`-----BEGIN CERTIFICATE-----\n${s}\n-----END CERTIFICATE-----\n`);
    const key = (s: string) => pulumi.secret(`-----BEGIN PRIVATE KEY-----\n${s}\n-----END PRIVATE KEY-----\n`);
    return {
        caCert: pub("ca"),
        caKey: key("ca"),
        etcdCaCert: pub("etcd"),
        etcdCaKey: key("etcd"),
        frontProxyCaCert: pub("fp"),
        frontProxyCaKey: key("fp"),
        serviceAccountKey: key("sa"),
        serviceAccountPub: pulumi.output("-----BEGIN PUBLIC KEY-----\nsa\n-----END PUBLIC KEY-----\n"),
        bootstrapToken: pulumi.secret("abcdef.0123456789abcdef"),
        bootstrapTokenId: pulumi.output("abcdef"),
        bootstrapTokenSecret: pulumi.secret("0123456789abcdef"),
        bootstrapTokenExpires: "2026-12-05T12:00:00Z",
        encryptionKey: pulumi.secret("c2VjcmV0"),
        adminCert: pub("admin"),
        adminKey: key("admin"),
    };
}

interface Built {
    name: string;
    spec: ClusterSpec;
    nodes: NodePlan[];
    parent: TestParent;
    outputs: PlatformOutputs;
    /** What `renderBootstrap` was asked for, per node. */
    endpoints: Map<string, { host: string; port: number; extraSans: string[] }>;
}

function build(name: string, spec: ClusterSpec, raw: Record<string, unknown>): Built {
    const parsed = aws.parseConfig(raw, spec);
    assert.deepEqual(parsed.issues, []);
    const config = parsed.config as AwsConfig;
    const nodes = makeNodes(spec);
    assert.deepEqual(aws.checkNodes?.(config, spec, nodes), []);
    const parent = new TestParent(`${name}-cluster`);
    const endpoints = new Map<string, { host: string; port: number; extraSans: string[] }>();
    const pki = fakePki();
    const outputs = aws.create(name, {
        spec,
        config,
        nodes,
        pki,
        parent,
        // Node by node, through renderBootstrap below: the grouping the Cluster does is tested on its own.
        renderUserData(userDataNodes: NodePlan[], endpoint: BootstrapEndpoint, delivery: UserDataDelivery): pulumi.Output<string>[] {
            return userDataNodes.map((node) =>
                this.renderBootstrap(node, endpoint).apply((b) => delivery.encode(delivery.format(b, node), node)),
            );
        },
        renderBootstrap(node: NodePlan, endpoint: BootstrapEndpoint): pulumi.Output<NodeBootstrap> {
            const rendered = pulumi
                .all([pulumi.output(endpoint.host), pulumi.all(endpoint.extraSans ?? []), pki.bootstrapToken])
                .apply(([host, sans, token]) => {
                    endpoints.set(node.name, { host, port: endpoint.port, extraSans: sans });
                    const b: NodeBootstrap = {
                        nodeName: node.name,
                        files: [
                            { path: "/etc/kubeforge/endpoint", content: `${host}:${endpoint.port}\n`, permissions: "0644" },
                            { path: "/etc/kubeforge/token", content: token, permissions: "0600", secret: true },
                        ],
                        command: ["/usr/local/lib/kubeforge/bootstrap.sh", node.initNode ? "init" : "join"],
                        containsSecrets: true,
                    };
                    return b;
                });
            return pulumi.secret(rendered);
        },
    });
    return { name, spec, nodes, parent, outputs, endpoints };
}

let demo: Built;
let open: Built;
let shared: Built;

function ofCluster(b: Built, type: string): PlanResource[] {
    return engine.ofType(type).filter((r) => r.name.startsWith(`${b.name}-`));
}

function byName(type: string, name: string): PlanResource {
    const found = engine.ofType(type).find((r) => r.name === name);
    assert.ok(found, `no ${type} named ${name}`);
    return found;
}

function tagsOf(r: PlanResource): Record<string, string> {
    return (r.inputs.tags ?? {}) as Record<string, string>;
}

/** Resource options as the engine receives them (the plan records inputs only), by resource name. */
const options = new Map<string, { ignoreChanges: string[]; replaceOnChanges: string[] }>();

function recordOptions(): void {
    interface Req {
        getName(): string;
        getIgnorechangesList(): string[];
        getReplaceonchangesList(): string[];
    }
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: Req, callback: unknown): void };
    const inner = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: Req, callback: unknown) => {
        options.set(req.getName(), { ignoreChanges: req.getIgnorechangesList(), replaceOnChanges: req.getReplaceonchangesList() });
        inner(req, callback);
    };
}

before(async () => {
    await engine.install("kubeforge", "test");
    recordOptions();
    demo = build("demo", makeSpec(), rawAws({ replaceNodes: ["demo-general-2"] }));
    open = build(
        "open",
        makeSpec({ name: "open", access: { apiAllowedCidrs: ["0.0.0.0/0"], sshAllowedCidrs: ["0.0.0.0/0"], sshPublicKeys: [] } }),
        rawAws({ vpc: { cidr: "10.0.0.0/16", natGateways: "single" } }),
    );
    const subnetIds = Object.fromEntries(
        ZONES.map((z, i) => [z, { public: `subnet-0aaaaaaaaaaaaaaa${i}`, private: `subnet-0bbbbbbbbbbbbbbb${i}` }]),
    );
    shared = build(
        "shared",
        makeSpec({ name: "shared" }),
        rawAws({
            vpc: { existingVpcId: "vpc-0123456789abcdef0", subnetIds, egressCidrs: ["198.51.100.7/32"] },
            ami: "ami-0123456789abcdef0",
        }),
    );
    await engine.settle();
    // Bootstrap renderings resolve through applies; wait for every machine's user data to be read.
    await Promise.all([demo, open, shared].flatMap((b) => b.outputs.machines.map((m) => outputValue(m.privateIp))));
    await engine.settle();
});

describe("placement of machines", () => {
    test("one instance per NodePlan, named after it (the cluster name once), under the parent", async () => {
        const instances = ofCluster(demo, T.instance);
        assert.deepEqual(instances.map((i) => i.name).sort(), demo.nodes.map((n) => n.name).sort());
        const parentUrn = await outputValue(demo.parent.urn);
        for (const r of ofCluster(demo, T.instance).concat(ofCluster(demo, T.lb), ofCluster(demo, T.subnet))) {
            assert.equal(r.parent, parentUrn, `${r.name} is not under the cluster`);
        }
    });

    test("3 masters in 3 distinct zones, each in its zone's private subnet", () => {
        const masters = demo.nodes.filter((n) => n.role === "control-plane");
        assert.equal(masters.length, 3);
        const zones = new Set<string>();
        for (const node of masters) {
            const instance = byName(T.instance, node.name);
            const subnet = engine.ofType(T.subnet).find((s) => s.id === instance.inputs.subnetId);
            assert.ok(subnet, `${node.name}: subnet ${String(instance.inputs.subnetId)} is not one of ours`);
            assert.equal(subnet.inputs.availabilityZone, node.failureDomain);
            assert.equal(instance.inputs.availabilityZone, node.failureDomain);
            assert.equal(tagsOf(subnet)["kubernetes.io/role/internal-elb"], "1", "masters sit in private subnets");
            assert.equal(instance.inputs.associatePublicIpAddress, false);
            zones.add(String(subnet.inputs.availabilityZone));
        }
        assert.equal(zones.size, 3);
    });

    test("every worker is in its zone's private subnet too", () => {
        for (const node of demo.nodes.filter((n) => n.role === "worker")) {
            const instance = byName(T.instance, node.name);
            assert.equal(instance.inputs.subnetId, `demo-private-${node.failureDomain}-id`);
        }
    });

    test("machines come back in NodePlan order with the instance as dependency", async () => {
        assert.deepEqual(
            demo.outputs.machines.map((m) => m.node.name),
            demo.nodes.map((n) => n.name),
        );
        for (const m of demo.outputs.machines) {
            assert.ok(m.dependsOn.length >= 1);
            assert.equal(await outputValue(m.machineId), `${m.node.name}-id`);
            assert.match(await outputValue(m.privateIp), /^10\.0\.\d+\.\d+$/);
        }
    });

    test("the image comes from Canonical's Ubuntu 24.04 parameter, or the pinned id", () => {
        for (const instance of ofCluster(demo, T.instance)) {
            assert.ok(!isWrappedSecret(instance.inputs.ami), "an AMI id is public: it must show in previews");
            assert.match(String(instance.inputs.ami), /^ami-[0-9a-f]{17}$/);
        }
        const expected = awsMocks.calls!["aws:ssm/getParameter:getParameter"]({ name: UBUNTU_2404_AMI_PARAMETER.amd64 }).insecureValue;
        assert.equal(ofCluster(demo, T.instance)[0].inputs.ami, expected);
        for (const instance of ofCluster(shared, T.instance)) assert.equal(instance.inputs.ami, "ami-0123456789abcdef0");
    });
});

describe("API endpoint", () => {
    test("an internet-facing, cross-zone NLB over the public subnets", () => {
        const [lb] = ofCluster(demo, T.lb);
        assert.equal(lb.inputs.loadBalancerType, "network");
        assert.equal(lb.inputs.internal, false);
        assert.equal(lb.inputs.enableCrossZoneLoadBalancing, true);
        assert.deepEqual(
            lb.inputs.subnets,
            ZONES.map((z) => `demo-public-${z}-id`),
        );
        assert.deepEqual(lb.inputs.securityGroups, ["demo-api-lb-id"]);
        for (const z of ZONES) assert.equal(tagsOf(byName(T.subnet, `demo-public-${z}`))["kubernetes.io/role/elb"], "1");
    });

    test("TCP 6443 listener forwarding to a target group health-checked on /readyz", () => {
        const [listener] = ofCluster(demo, T.listener);
        const [tg] = ofCluster(demo, T.tg);
        assert.equal(listener.inputs.port, 6443);
        assert.equal(listener.inputs.protocol, "TCP");
        assert.equal(listener.inputs.loadBalancerArn, ofCluster(demo, T.lb)[0].outputs.arn);
        assert.deepEqual(listener.inputs.defaultActions, [{ type: "forward", targetGroupArn: tg.outputs.arn }]);
        assert.equal(tg.inputs.port, 6443);
        assert.equal(tg.inputs.protocol, "TCP");
        const hc = tg.inputs.healthCheck as Record<string, unknown>;
        assert.equal(hc.protocol, "HTTPS");
        assert.equal(hc.path, "/readyz");
        assert.equal(tg.inputs.preserveClientIp, "false", "hairpinning masters need client IP preservation off");
    });

    test("stacks made before the rename keep their machines: the old name (cluster name twice) is an alias", () => {
        for (const node of demo.nodes) {
            assert.deepEqual(byName(T.instance, node.name).aliases, [`demo-${node.name}`], node.name);
        }
        for (const a of ofCluster(demo, T.attachment)) {
            assert.match(a.name, /^demo-cp-\d+-api$/);
            assert.deepEqual(a.aliases, [`demo-api-${a.name.replace(/-api$/, "")}`]);
        }
        assert.ok(!engine.resources.some((r) => /^demo-demo-/.test(r.name)), "no resource is named with the cluster name twice");
    });

    test("target attachments for masters only", () => {
        const attachments = ofCluster(demo, T.attachment);
        const masterIds = demo.nodes.filter((n) => n.role === "control-plane").map((n) => `${n.name}-id`);
        assert.deepEqual(attachments.map((a) => a.inputs.targetId).sort(), masterIds.sort());
        for (const a of attachments) assert.equal(a.inputs.port, 6443);
    });

    test("kubeconfig and the readiness gate keep the NLB's public name; bootstraps get the private name", async () => {
        const dnsName = String(ofCluster(demo, T.lb)[0].outputs.dnsName);
        assert.equal(await outputValue(demo.outputs.endpointHost), dnsName);
        assert.equal(demo.outputs.endpointPort, 6443);
        assert.equal(demo.endpoints.size, demo.nodes.length);
        for (const [node, e] of demo.endpoints) {
            assert.equal(e.host, "api.demo.kubeforge.internal", node);
            assert.equal(e.port, 6443, node);
            assert.deepEqual(e.extraSans, ["*.elb.us-east-1.amazonaws.com", "api.demo.kubeforge.internal"], node);
        }
    });

    test("the certificate's SANs cover the NLB's public name and the private name, nothing else of ours", () => {
        for (const b of [demo, open, shared]) {
            const dnsName = String(ofCluster(b, T.lb)[0].outputs.dnsName);
            for (const [node, e] of b.endpoints) {
                const sans = [e.host, ...e.extraSans];
                assert.ok(
                    sans.some((san) => sanCovers(san, dnsName)),
                    `${node}: ${dnsName} not covered by ${sans.join(", ")}`,
                );
                assert.ok(
                    sans.some((san) => sanCovers(san, `api.${b.name}.kubeforge.internal`)),
                    node,
                );
                // One label only: the wildcard does not reach other services' names in the region.
                assert.ok(!sans.some((san) => sanCovers(san, `x.${dnsName}`)), node);
                assert.ok(!sans.some((san) => sanCovers(san, "ec2.us-east-1.amazonaws.com")), node);
            }
        }
    });

    test("user data embeds the private name, not the load balancer's", () => {
        for (const b of [demo, shared]) {
            const dnsName = String(ofCluster(b, T.lb)[0].outputs.dnsName);
            for (const instance of ofCluster(b, T.instance)) {
                const userData = instance.inputs.userDataBase64 as { value: unknown };
                const text = gunzipSync(Buffer.from(String(userData.value), "base64")).toString("utf8");
                assert.ok(text.includes(`api.${b.name}.kubeforge.internal:6443`), instance.name);
                assert.ok(!text.includes(dnsName), `${instance.name} still embeds ${dnsName}`);
            }
        }
    });

    test("no instance waits for the load balancer, directly or through anything that depends on it", () => {
        for (const b of [demo, open, shared]) {
            const lbUrn = ofCluster(b, T.lb)[0].urn;
            // Everything that (transitively) depends on the load balancer.
            const waiting = new Set([lbUrn]);
            for (let grew = true; grew;) {
                grew = false;
                for (const r of engine.resources) {
                    if (!waiting.has(r.urn) && r.dependencies.some((d) => waiting.has(d))) {
                        waiting.add(r.urn);
                        grew = true;
                    }
                }
            }
            // The closure works: the listener and the alias record do wait for it.
            assert.ok(waiting.has(ofCluster(b, T.listener)[0].urn), b.name);
            assert.ok(waiting.has(byName(T.record, `${b.name}-api-private`).urn), b.name);
            const instances = ofCluster(b, T.instance);
            assert.equal(instances.length, b.nodes.length);
            for (const instance of instances) {
                assert.ok(!waiting.has(instance.urn), `${instance.name} waits for the load balancer`);
                assert.deepEqual(
                    instance.dependencies.filter((d) => waiting.has(d)),
                    [],
                    instance.name,
                );
            }
        }
    });

    test("the engine records which input took which resource's output (an instance's subnetId: its subnet)", () => {
        const subnets = new Map(ofCluster(demo, T.subnet).map((s) => [`${s.name}-id`, s.urn]));
        for (const instance of ofCluster(demo, T.instance)) {
            const subnet = subnets.get(String(instance.inputs.subnetId));
            assert.ok(subnet, `${instance.name}: subnet ${String(instance.inputs.subnetId)} is not one of the cluster's`);
            assert.deepEqual(instance.propertyDependencies.subnetId, [subnet], instance.name);
            assert.equal(instance.propertyDependencies.instanceType, undefined, "a literal input has no dependencies");
        }
    });

    test("instances wait for the private zone and its short negative-caching SOA", () => {
        for (const b of [demo, shared]) {
            const zone = byName(T.zone, `${b.name}-private-zone`);
            const soa = byName(T.record, `${b.name}-private-zone-soa`);
            for (const instance of ofCluster(b, T.instance)) {
                assert.ok(instance.dependencies.includes(zone.urn), instance.name);
                assert.ok(instance.dependencies.includes(soa.urn), instance.name);
            }
        }
    });
});

describe("private API name", () => {
    test("a private zone <cluster>.kubeforge.internal associated with the cluster's VPC", () => {
        const zone = byName(T.zone, "demo-private-zone");
        assert.equal(zone.inputs.name, "demo.kubeforge.internal");
        assert.deepEqual(zone.inputs.vpcs, [{ vpcId: byName(T.vpc, "demo-vpc").id, vpcRegion: "us-east-1" }]);
        assert.equal(zone.inputs.delegationSetId, undefined, "a private zone has no delegation set");
        assert.equal(tagsOf(zone)["kubeforge.io/cluster"], "demo");
        assert.equal(tagsOf(zone)["kubernetes.io/cluster/demo"], "owned");
    });

    test("an existing VPC gets the zone too", () => {
        const zone = byName(T.zone, "shared-private-zone");
        assert.equal(zone.inputs.name, "shared.kubeforge.internal");
        assert.deepEqual(zone.inputs.vpcs, [{ vpcId: "vpc-0123456789abcdef0", vpcRegion: "us-east-1" }]);
    });

    test("api.<zone> is an alias A record of the NLB, health evaluated", () => {
        for (const b of [demo, open, shared]) {
            const lb = ofCluster(b, T.lb)[0];
            const zone = byName(T.zone, `${b.name}-private-zone`);
            const record = byName(T.record, `${b.name}-api-private`);
            assert.equal(record.inputs.name, `api.${b.name}.kubeforge.internal`);
            assert.equal(record.inputs.type, "A");
            assert.equal(record.inputs.zoneId, zone.outputs.zoneId);
            assert.equal(record.inputs.records, undefined);
            assert.deepEqual(record.inputs.aliases, [{ name: lb.outputs.dnsName, zoneId: lb.outputs.zoneId, evaluateTargetHealth: false }]);
        }
    });

    test("the zone's SOA keeps Route 53's servers and caches NXDOMAIN for seconds, not 15 minutes", () => {
        const zone = byName(T.zone, "demo-private-zone");
        const soa = byName(T.record, "demo-private-zone-soa");
        assert.equal(soa.inputs.type, "SOA");
        assert.equal(soa.inputs.name, "demo.kubeforge.internal");
        assert.equal(soa.inputs.zoneId, zone.outputs.zoneId);
        assert.equal(soa.inputs.allowOverwrite, true, "Route 53 made the SOA with the zone");
        const [value] = soa.inputs.records as string[];
        const fields = value.split(" ");
        assert.equal(fields.length, 7);
        assert.equal(fields[0], zone.outputs.primaryNameServer);
        // Negative caching lasts min(SOA TTL, SOA minimum) (RFC 2308 section 5).
        const negative = Math.min(Number(soa.inputs.ttl), Number(fields[6]));
        assert.ok(negative > 0 && negative <= 30, `negative caching ${negative}s`);
    });
});

describe("machines", () => {
    test("IMDSv2 required everywhere; hop limit 1 on every node, masters and workers", () => {
        for (const node of demo.nodes) {
            const m = byName(T.instance, node.name).inputs.metadataOptions as Record<string, unknown>;
            assert.equal(m.httpEndpoint, "enabled");
            assert.equal(m.httpTokens, "required", node.name);
            assert.equal(m.httpPutResponseHopLimit, 1, node.name);
        }
    });

    test("root disks are encrypted gp3 of the node's size", () => {
        for (const node of demo.nodes) {
            const root = byName(T.instance, node.name).inputs.rootBlockDevice as Record<string, unknown>;
            assert.equal(root.encrypted, true);
            assert.equal(root.volumeType, "gp3");
            assert.equal(root.volumeSize, node.diskSizeGb);
        }
    });

    test("the spot pool uses spot capacity, nothing else does", () => {
        for (const node of demo.nodes) {
            const market = byName(T.instance, node.name).inputs.instanceMarketOptions as Record<string, unknown> | undefined;
            if (node.pool === "spot") {
                assert.equal(market?.marketType, "spot", node.name);
                // A persistent request would outlive the managed instance and relaunch unmanaged ones.
                assert.equal((market?.spotOptions as Record<string, unknown>).spotInstanceType, "one-time");
            } else assert.equal(market, undefined, node.name);
        }
    });

    test("user data is a secret input holding the gzipped cloud-config of that node", () => {
        for (const node of demo.nodes) {
            const userData = byName(T.instance, node.name).inputs.userDataBase64;
            assert.ok(isWrappedSecret(userData), `${node.name}: user data is not secret`);
            const text = gunzipSync(Buffer.from(String(userData.value), "base64")).toString("utf8");
            assert.match(text, /^#cloud-config\n/);
            assert.ok(text.includes(node.name));
        }
    });

    test("running machines ignore new images and renderings; listed ones are rebuilt by them", () => {
        for (const node of demo.nodes) {
            const got = options.get(node.name);
            assert.ok(got, node.name);
            if (node.name === "demo-general-2") assert.deepEqual(got, { ignoreChanges: [], replaceOnChanges: ["ami", "userDataBase64"] });
            else assert.deepEqual(got, { ignoreChanges: ["ami", "userDataBase64"], replaceOnChanges: [] });
        }
        assert.equal(byName(T.instance, "demo-cp-0").inputs.userDataReplaceOnChange, false);
    });

    test("instances, instance types and host names", () => {
        const master = byName(T.instance, "demo-cp-0");
        assert.equal(master.inputs.instanceType, "m7i.large");
        assert.deepEqual((master.inputs.privateDnsNameOptions as Record<string, unknown>).hostnameType, "ip-name");
        assert.deepEqual(master.inputs.vpcSecurityGroupIds, ["demo-nodes-id", "demo-control-plane-id"]);
        assert.deepEqual(byName(T.instance, "demo-general-0").inputs.vpcSecurityGroupIds, ["demo-nodes-id"]);
    });
});

describe("tags", () => {
    test("instances carry cluster, role, pool and node tags plus the user's", () => {
        for (const node of demo.nodes) {
            const tags = tagsOf(byName(T.instance, node.name));
            assert.equal(tags["kubernetes.io/cluster/demo"], "owned");
            assert.equal(tags["kubeforge.io/cluster"], "demo");
            assert.equal(tags["kubeforge.io/role"], node.role);
            assert.equal(tags["kubeforge.io/pool"], node.pool);
            assert.equal(tags["kubeforge.io/node"], node.name);
            assert.equal(tags.Name, node.name);
            assert.equal(tags.team, "platform");
        }
    });

    test("subnets, route tables and the VPC are owned by the cluster", () => {
        const owned = [...ofCluster(demo, T.subnet), ...ofCluster(demo, "aws:ec2/routeTable:RouteTable"), ...ofCluster(demo, T.vpc)];
        assert.equal(ofCluster(demo, T.subnet).length, 6);
        for (const r of owned) {
            assert.equal(tagsOf(r)["kubernetes.io/cluster/demo"], "owned", r.name);
            assert.equal(tagsOf(r)["kubeforge.io/cluster"], "demo", r.name);
        }
    });

    test("exactly one security group per instance carries the cloud-provider cluster tag", () => {
        const groups = new Map(ofCluster(demo, T.sg).map((g) => [g.id, g]));
        for (const g of groups.values()) assert.equal(tagsOf(g)["kubeforge.io/cluster"], "demo");
        assert.equal(tagsOf(byName(T.sg, "demo-control-plane"))["kubeforge.io/role"], "control-plane");
        assert.equal(tagsOf(byName(T.sg, "demo-nodes"))["kubeforge.io/role"], undefined, "both roles use the nodes group");
        for (const instance of ofCluster(demo, T.instance)) {
            const tagged = (instance.inputs.vpcSecurityGroupIds as string[]).filter(
                (id) => tagsOf(groups.get(id)!)["kubernetes.io/cluster/demo"] === "owned",
            );
            assert.equal(tagged.length, 1, instance.name);
        }
    });
});

describe("security rules", () => {
    const SENSITIVE = [22, 6443, 2379, 2380, 10250, 30000, 32767];
    function worldOpen(b: Built): PlanResource[] {
        return ofCluster(b, T.ingress).filter((r) => {
            if (r.inputs.cidrIpv4 !== "0.0.0.0/0") return false;
            const from = Number(r.inputs.fromPort ?? 0);
            const to = Number(r.inputs.toPort ?? 65535);
            return r.inputs.ipProtocol === "-1" || SENSITIVE.some((p) => p >= from && p <= to);
        });
    }

    test("security groups have no inline rules; each rule is its own resource", () => {
        for (const g of ofCluster(demo, T.sg)) {
            assert.equal(g.inputs.ingress, undefined);
            assert.equal(g.inputs.egress, undefined);
        }
        assert.ok(ofCluster(demo, T.ingress).length >= 10);
    });

    test("nothing sensitive is open to the world unless configured", () => {
        assert.deepEqual(
            worldOpen(demo).map((r) => r.name),
            [],
        );
        assert.deepEqual(
            worldOpen(shared).map((r) => r.name),
            [],
        );
        assert.deepEqual(
            worldOpen(open)
                .map((r) => r.name)
                .sort(),
            ["open-api-lb-in-api-0-0-0-0-0", "open-nodes-in-ssh-0-0-0-0-0"],
        );
    });

    test("SSH is closed when sshAllowedCidrs is empty", () => {
        assert.deepEqual(
            ofCluster(demo, T.ingress).filter((r) => r.inputs.fromPort === 22),
            [],
        );
    });

    test("API from the allowed CIDRs and the NAT addresses, on the load balancer only", () => {
        const api = ofCluster(demo, T.ingress).filter((r) => r.inputs.fromPort === 6443 && r.inputs.cidrIpv4 !== undefined);
        for (const r of api) assert.equal(r.inputs.securityGroupId, "demo-api-lb-id", r.name);
        const cidrs = api.map((r) => String(r.inputs.cidrIpv4));
        assert.ok(cidrs.includes("203.0.113.0/24"));
        assert.equal(cidrs.filter((c) => /^198\.51\.100\.\d+\/32$/.test(c)).length, 3, "one per NAT gateway");
        const toMasters = byName(T.ingress, "demo-control-plane-in-api-from-lb");
        assert.equal(toMasters.inputs.referencedSecurityGroupId, "demo-api-lb-id");
    });

    test("etcd only between masters, kubelet only from nodes (API servers, metrics scrapers), NodePorts only from the VPC", () => {
        const etcd = ofCluster(demo, T.ingress).filter((r) => r.inputs.fromPort === 2379);
        assert.equal(etcd.length, 1);
        assert.deepEqual(
            [etcd[0].inputs.securityGroupId, etcd[0].inputs.referencedSecurityGroupId, etcd[0].inputs.toPort],
            ["demo-control-plane-id", "demo-control-plane-id", 2380],
        );
        const kubelet = ofCluster(demo, T.ingress).filter((r) => r.inputs.fromPort === 10250);
        assert.deepEqual(
            kubelet.map((r) => r.inputs.referencedSecurityGroupId),
            ["demo-nodes-id"],
        );
        const nodePorts = ofCluster(demo, T.ingress).filter((r) => r.inputs.fromPort === 30000);
        assert.deepEqual(nodePorts.map((r) => [r.inputs.ipProtocol, r.inputs.cidrIpv4]).sort(), [
            ["tcp", "10.0.0.0/16"],
            ["udp", "10.0.0.0/16"],
        ]);
    });

    test("Cilium's overlay and health ports between nodes", () => {
        const cni = ofCluster(demo, T.ingress).filter(
            (r) => r.inputs.referencedSecurityGroupId === "demo-nodes-id" && r.inputs.securityGroupId === "demo-nodes-id",
        );
        const ports = cni.map((r) => `${r.inputs.ipProtocol}/${r.inputs.fromPort}`);
        assert.ok(ports.includes("udp/8472"));
        assert.ok(ports.includes("tcp/4240"));
    });
});

describe("identity", () => {
    test("masters get the EBS CSI managed policy (its controller runs there) and the CCM control-plane actions; workers neither", () => {
        const attachments = ofCluster(demo, T.rolePolicyAttachment);
        assert.deepEqual(
            attachments.map((a) => [a.name, a.inputs.policyArn]),
            [["demo-control-plane-ebs-csi", "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicyV2"]],
        );
        assert.equal(ofCluster(demo, T.rolePolicy).filter((p) => p.name.startsWith("demo-worker") && /ebs|ccm/.test(p.name)).length, 0);
        const ccm = JSON.parse(String(byName(T.rolePolicy, "demo-control-plane-ccm").inputs.policy)) as {
            Statement: { Action: string[] }[];
        };
        for (const action of ["ec2:DescribeInstances", "elasticloadbalancing:CreateLoadBalancer", "ec2:CreateSecurityGroup"]) {
            assert.ok(ccm.Statement[0].Action.includes(action), action);
        }
        const masterProfile = byName(T.instance, "demo-cp-0").inputs.iamInstanceProfile;
        const workerProfile = byName(T.instance, "demo-general-0").inputs.iamInstanceProfile;
        assert.notEqual(masterProfile, workerProfile);
        assert.match(String(masterProfile), /^demo-control-plane-/);
    });
});

describe("existing VPC", () => {
    test("no VPC or subnets are created; the given subnets are tagged shared and used", () => {
        assert.deepEqual(ofCluster(shared, T.vpc), []);
        assert.deepEqual(ofCluster(shared, T.subnet), []);
        assert.deepEqual(ofCluster(shared, T.nat), []);
        const tags = ofCluster(shared, T.tag);
        assert.equal(tags.length, 6);
        for (const t of tags) assert.deepEqual([t.inputs.key, t.inputs.value], ["kubernetes.io/cluster/shared", "shared"]);
        const master = byName(T.instance, "shared-cp-1");
        assert.equal(master.inputs.subnetId, "subnet-0bbbbbbbbbbbbbbb1");
        const natRule = ofCluster(shared, T.ingress).filter((r) => r.inputs.cidrIpv4 === "198.51.100.7/32");
        assert.equal(natRule.length, 1);
    });
});

describe("outputs", () => {
    test("extra outputs hold ids and names, no secrets", async () => {
        const extra = demo.outputs.extraOutputs ?? {};
        assert.deepEqual(Object.keys(extra).sort(), [
            "apiLoadBalancerArn",
            "apiLoadBalancerDnsName",
            "apiPrivateDnsName",
            "apiPrivateZoneId",
            "nodeSecurityGroupId",
            "privateSubnetIds",
            "publicSubnetIds",
            "vpcId",
        ]);
        assert.equal(await pulumi.isSecret(pulumi.secret("x")), true, "the secrecy check itself works under mocks");
        for (const [key, output] of Object.entries(extra)) assert.equal(await pulumi.isSecret(output), false, key);
        assert.equal(await outputValue(extra.vpcId), "demo-vpc-id");
        assert.equal(await outputValue(extra.apiPrivateDnsName), "api.demo.kubeforge.internal");
        assert.deepEqual(await outputValue(extra.privateSubnetIds), Object.fromEntries(ZONES.map((z) => [z, `demo-private-${z}-id`])));
    });

    test("addons: the CCM and the EBS CSI driver", () => {
        assert.deepEqual(
            demo.outputs.addons.map((a) => a.name),
            ["aws-cloud-controller-manager", "aws-ebs-csi-driver"],
        );
    });

    test("the CCM needs only the API; the EBS CSI driver the CNI (its node pods), with its controller on the masters' host network", () => {
        const [ccm, ebs] = demo.outputs.addons;
        assert.ok(ccm.kind === "helm" && ebs.kind === "helm");
        assert.equal(ccm.needs, undefined, "the CCM installs beside the CNI");
        assert.deepEqual(ebs.needs, { cni: true });
        const ccmValues = ccm.values as Record<string, unknown>;
        const env = ccmValues.env as { name: string; value: string }[];
        assert.deepEqual(
            env.map((e) => [e.name, e.value]),
            [
                ["KUBERNETES_SERVICE_HOST", "api.demo.kubeforge.internal"],
                ["KUBERNETES_SERVICE_PORT", "6443"],
            ],
            "the CCM reaches the API without the kubernetes Service",
        );
        const tolerated = (ccmValues.tolerations as { key: string }[]).map((t) => t.key);
        assert.ok(tolerated.includes("node.kubernetes.io/not-ready"), "the CCM runs before the CNI makes nodes Ready");
        const controller = (ebs.values as { controller: Record<string, unknown> }).controller;
        assert.deepEqual(controller.nodeSelector, { "node-role.kubernetes.io/control-plane": "" });
        assert.ok((controller.tolerations as { key: string }[]).some((t) => t.key === "node-role.kubernetes.io/control-plane"));
        assert.deepEqual(ebs.deploymentPatches, [
            {
                name: "ebs-csi-controller",
                namespace: "kube-system",
                spec: { template: { spec: { hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" } } },
            },
        ]);
    });

    test("a single NAT when asked", () => {
        assert.equal(ofCluster(open, T.nat).length, 1);
        assert.equal(ofCluster(demo, T.nat).length, 3);
    });
});
