/**
 * The AWS platform's infrastructure and machines under the offline engine: real components, mocked
 * cloud, driven as the core drives them (createInfrastructure once, then createMachine per NodePlan
 * with a bootstrap in the form AWS declares). Three clusters are built in one process (one engine per
 * test file): `demo` (the fixture), `open` (API and SSH deliberately opened to the world) and `shared`
 * (an existing VPC). The create-*.test.ts files share this harness.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { PlanEngine, outputValue, type PlanResource } from "../../../stacks/plan/mocks";
import awsMocks from "../../../components/platforms/aws/mocks";
import aws from "../../../components/platforms/aws/index";
import type { AwsConfig } from "../../../components/platforms/aws/config";
import type { AwsInfrastructure } from "../../../components/platforms/aws/machines";
import { encodeForDelivery, formatBootstrap, formFor, type UserDataForm } from "../../../components/kit/delivery";
import type { ClusterSpec, NodePlan } from "../../../components/core/types";
import type { ApiEndpoint, DeliveredBootstrap, MachineFacts } from "../../../components/platform";
import type { ClusterPkiOutputs } from "../../../components/pki";
import type { NodeBootstrap } from "../../../bootstrap/types";
import { ZONES, makeNodes, makeSpec, rawAws } from "./fixtures";
import { isoHoursFromNow } from "../../helpers/clock";

/** RFC 6125 matching of a certificate DNS name (a wildcard covers exactly one leftmost label). */
export function sanCovers(san: string, host: string): boolean {
    if (!san.startsWith("*.")) return san === host;
    const dot = host.indexOf(".");
    return dot > 0 && host.slice(dot + 1) === san.slice(2);
}

/** The resource types the tests look at. */
export const T = {
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

/** The engine of this test process. */
export const engine = new PlanEngine({ platform: awsMocks });

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
        bootstrapTokenExpires: isoHoursFromNow(7 * 24),
        encryptionKey: pulumi.secret("c2VjcmV0"),
        adminCert: pub("admin"),
        adminKey: key("admin"),
    };
}

/** One cluster's AWS resources as the tests see them. */
export interface Built {
    name: string;
    spec: ClusterSpec;
    nodes: NodePlan[];
    parent: pulumi.ComponentResource;
    /** What createInfrastructure returned. */
    infrastructure: AwsInfrastructure;
    /** What createMachine returned, per node in plan order. */
    machines: (MachineFacts & { node: NodePlan })[];
    /** The endpoint each node's bootstrap was rendered for (host, port, extra SANs). */
    endpoints: Map<string, { host: string; port: number; extraSans: string[] }>;
}

/**
 * A stand-in for the core's rendering (tested with the Cluster): a small bootstrap naming the endpoint
 * the node joins and holding the token, formatted and encoded in the form AWS declares for the node.
 */
function deliver(node: NodePlan, endpoint: ApiEndpoint, pki: ClusterPkiOutputs, seen: Built["endpoints"]): DeliveredBootstrap {
    const form = formFor(aws.delivery, node) as UserDataForm;
    const value = pulumi
        .all([pulumi.output(endpoint.nodeHost ?? endpoint.host), pulumi.all(endpoint.extraSans ?? []), pki.bootstrapToken])
        .apply(([host, sans, token]) => {
            seen.set(node.name, { host, port: endpoint.port, extraSans: sans });
            const bootstrap: NodeBootstrap = {
                nodeName: node.name,
                files: [
                    { path: "/etc/kubeforge/endpoint", content: `${host}:${endpoint.port}\n`, permissions: "0644" },
                    { path: "/etc/kubeforge/token", content: token, permissions: "0600", secret: true },
                ],
                command: ["/usr/local/lib/kubeforge/bootstrap.sh", node.initNode ? "init" : "join"],
                containsSecrets: true,
            };
            return encodeForDelivery(formatBootstrap(bootstrap, form), form, node.name).value;
        });
    return { kind: "user-data", form, value: pulumi.secret(value) };
}

function build(name: string, spec: ClusterSpec, raw: Record<string, unknown>): Built {
    const parsed = aws.parseConfig(raw, spec);
    assert.deepEqual(parsed.issues, []);
    const config = parsed.config as AwsConfig;
    const nodes = makeNodes(spec);
    assert.deepEqual(aws.checkNodes?.(config, spec, nodes), []);
    const parent = new TestParent(`${name}-cluster`);
    const pki = fakePki();
    const endpoints: Built["endpoints"] = new Map();
    const infrastructure = aws.createInfrastructure(name, { spec, config, nodes, parent });
    const context = { spec, config, infrastructure, pki, parent };
    const machines = nodes.map((node) => ({
        node,
        ...aws.createMachine(name, node, deliver(node, infrastructure.endpoint, pki, endpoints), context),
    }));
    return { name, spec, nodes, parent, infrastructure, machines, endpoints };
}

/** Resource options as the engine receives them (the plan records inputs only), by resource name. */
export const options = new Map<string, { ignoreChanges: string[]; replaceOnChanges: string[] }>();

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

/** The three clusters of this process. */
export interface Clusters {
    demo: Built;
    open: Built;
    shared: Built;
}

/** Builds the three clusters and waits for every machine's user data to be rendered. Call once, in `before`. */
export async function buildClusters(): Promise<Clusters> {
    await engine.install("kubeforge", "test");
    recordOptions();
    const demo = build("demo", makeSpec(), rawAws({ replaceNodes: ["demo-general-2"] }));
    const open = build(
        "open",
        makeSpec({ name: "open", access: { apiAllowedCidrs: ["0.0.0.0/0"], sshAllowedCidrs: ["0.0.0.0/0"], sshPublicKeys: [] } }),
        rawAws({ vpc: { cidr: "10.0.0.0/16", natGateways: "single" } }),
    );
    const subnetIds = Object.fromEntries(
        ZONES.map((z, i) => [z, { public: `subnet-0aaaaaaaaaaaaaaa${i}`, private: `subnet-0bbbbbbbbbbbbbbb${i}` }]),
    );
    const shared = build(
        "shared",
        makeSpec({ name: "shared" }),
        rawAws({
            vpc: { existingVpcId: "vpc-0123456789abcdef0", subnetIds, egressCidrs: ["198.51.100.7/32"] },
            ami: "ami-0123456789abcdef0",
        }),
    );
    await engine.settle();
    // Bootstrap renderings resolve through applies; wait for every machine's user data to be read.
    await Promise.all([demo, open, shared].flatMap((b) => b.machines.map((m) => outputValue(m.privateIp))));
    await engine.settle();
    return { demo, open, shared };
}

/** The resources of `type` that belong to cluster `b`. */
export function ofCluster(b: Built, type: string): PlanResource[] {
    return engine.ofType(type).filter((r) => r.name.startsWith(`${b.name}-`));
}

/** The resource of `type` named `name`. */
export function byName(type: string, name: string): PlanResource {
    const found = engine.ofType(type).find((r) => r.name === name);
    assert.ok(found, `no ${type} named ${name}`);
    return found;
}

/** A resource's tags input. */
export function tagsOf(r: PlanResource): Record<string, string> {
    return (r.inputs.tags ?? {}) as Record<string, string>;
}
