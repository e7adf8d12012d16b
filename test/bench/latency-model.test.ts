/**
 * The deploy model is no kinder than before: every latency is the one the 2026-11-23 run used (only
 * the graph changed), and letting a resource's work start early never lets it finish before any of
 * its dependencies, nor later than when all of them gate its work.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { LATENCY_TABLE, idealSeconds, latencyRow, overlapApplies } from "../../stacks/compare/latency-table";
import { graphCriticalPath, longestChainOf, type DependencyRole } from "../../stacks/compare/critical-path";
import { upTo } from "./graph";
import type { TracedResource } from "../../bench/lib/trace";

/** (type, name, seconds, phase) of every row as of the 2026-11-23 15:49 UTC bench run (527 s). */
const TABLE_OF_2026_11_23: [string, string | null, number, string][] = [
    ["aws:ec2/vpc:Vpc", null, 3, "network"],
    ["aws:ec2/subnet:Subnet", null, 2, "network"],
    ["aws:ec2/internetGateway:InternetGateway", null, 2, "network"],
    ["aws:ec2/internetGatewayAttachment:InternetGatewayAttachment", null, 2, "network"],
    ["aws:ec2/eip:Eip", null, 1, "network"],
    ["aws:ec2/natGateway:NatGateway", null, 100, "egress"],
    ["aws:ec2/routeTable:RouteTable", null, 2, "network"],
    ["aws:ec2/route:Route", null, 2, "network"],
    ["aws:ec2/routeTableAssociation:RouteTableAssociation", null, 1, "network"],
    ["aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation", null, 1, "network"],
    ["aws:ec2/securityGroup:SecurityGroup", null, 3, "network"],
    ["^aws:(vpc|ec2)\\/securityGroup(Ingress|Egress)?Rule:", null, 1, "network"],
    ["^aws:ec2\\/vpcEndpoint:", null, 60, "network"],
    ["^aws:ec2\\/(networkAcl|networkAclRule|defaultSecurityGroup|defaultRouteTable|defaultNetworkAcl|vpcDhcpOptions)", null, 2, "network"],
    ["aws:lb/loadBalancer:LoadBalancer", null, 180, "endpoint"],
    ["aws:lb/targetGroup:TargetGroup", null, 2, "endpoint"],
    ["aws:lb/listener:Listener", null, 2, "endpoint"],
    ["aws:lb/targetGroupAttachment:TargetGroupAttachment", null, 2, "endpoint"],
    ["^aws:route53\\/record:", null, 40, "endpoint"],
    ["^aws:route53\\/zone:", null, 40, "endpoint"],
    ["aws:ec2/instance:Instance", null, 30, "machine"],
    ["aws:ec2/launchTemplate:LaunchTemplate", null, 1, "machine"],
    ["^aws:autoscaling\\/group:", null, 60, "machine"],
    ["aws:ec2/keyPair:KeyPair", null, 1, "machine"],
    ["^aws:ec2\\/(volumeAttachment|ebsVolume):", null, 10, "machine"],
    ["aws:iam/role:Role", null, 2, "identity"],
    ["^aws:iam\\/(rolePolicy|rolePolicyAttachment|policy|policyAttachment):", null, 1, "identity"],
    ["aws:iam/instanceProfile:InstanceProfile", null, 8, "identity"],
    [
        "^aws:(ssm\\/parameter|secretsmanager\\/secret|secretsmanager\\/secretVersion|kms\\/key|kms\\/alias|s3\\/bucket[A-Za-z]*|s3\\/object|s3\\/bucketObjectv2):",
        null,
        1,
        "identity",
    ],
    ["pulumi-nodejs:dynamic/kubeforge:ApiReadiness", null, 150, "init"],
    ["pulumi-nodejs:dynamic/kubeforge:NodeLifecycle", null, 45, "join"],
    ["^pulumi-nodejs:dynamic\\/kubeforge:(Host|Ssh|Bootstrap|Prep|Join|Init)", null, 60, "join"],
    ["kubernetes:helm.sh/v3:Release", "cilium|calico", 90, "addon"],
    ["kubernetes:helm.sh/v3:Release", "csi|ebs", 60, "addon"],
    ["kubernetes:helm.sh/v3:Release", null, 40, "addon"],
    ["^kubernetes:yaml\\/v2:ConfigGroup$", null, 5, "addon"],
    ["^kubernetes:(storage\\.k8s\\.io|core|rbac\\.authorization\\.k8s\\.io|apps)\\/", null, 2, "addon"],
    ["^pulumi:providers:", null, 0, "local"],
    ["^(tls|random):", null, 0, "local"],
    ["^kubeforge:", null, 0, "local"],
];

/**
 * Rows added since, each with the row of the 2026-11-23 table it is inserted before: the SOA record,
 * which the machines no longer wait for (their bootstrap does), gets its own phase, not other seconds.
 */
const ADDED_SINCE: { row: [string, string | null, number, string]; before: string }[] = [
    { row: ["aws:route53/record:Record", "-private-zone-soa$", 40, "dns"], before: "^aws:route53\\/record:" },
];

/** The 2026-11-23 table with the rows added since, where they were inserted. */
function expectedTable(): [string, string | null, number, string][] {
    const out = [...TABLE_OF_2026_11_23];
    for (const { row, before } of ADDED_SINCE)
        out.splice(
            out.findIndex((r) => r[0] === before && r[1] === null),
            0,
            row,
        );
    return out;
}

const seconds = (type: string) => Number(/:(\d+)$/.exec(type)?.[1] ?? 0);
const node = (urn: string, deps: string[] = []): TracedResource => ({
    urn,
    type: `t:${urn}`,
    name: urn,
    custom: true,
    deps,
    start: 0,
    end: 0,
});

describe("latency table", () => {
    test("every row keeps the latency and phase it had in the 527 s model: only the graph changes", () => {
        const now = LATENCY_TABLE.map((r) => [
            typeof r.type === "string" ? r.type : r.type.source,
            r.name?.source ?? null,
            r.seconds,
            r.phase,
        ]);
        assert.deepEqual(now, expectedTable());
    });

    test("a row added since gives the resources it matches the seconds the 2026-11-23 table gave them", () => {
        for (const { row, before } of ADDED_SINCE) {
            const old = TABLE_OF_2026_11_23.find((r) => r[0] === before && r[1] === null);
            assert.equal(row[2], old?.[2], row[0]);
        }
    });

    test("the private zone's SOA record is the nodes' name service; the zone and the API's alias record stay endpoint", () => {
        assert.equal(latencyRow("aws:route53/record:Record", "demo-private-zone-soa")?.phase, "dns");
        assert.equal(latencyRow("aws:route53/record:Record", "demo-api-private")?.phase, "endpoint");
        assert.equal(latencyRow("aws:route53/zone:Zone", "demo-private-zone")?.phase, "endpoint");
        assert.match(
            latencyRow("aws:route53/record:Record", "demo-private-zone-soa")?.source ?? "",
            /INSYNC.*before the API name's first lookup/,
        );
    });

    test("kubeadm init's seconds after the name service are its 150 s less the package install its source names", () => {
        const readiness = latencyRow("pulumi-nodejs:dynamic/kubeforge:ApiReadiness", "demo-api");
        const install = Number(/package install \(~(\d+) s\)/.exec(readiness?.source ?? "")?.[1]);
        assert.equal(install, 60);
        assert.equal(readiness?.afterDnsSeconds, 150 - install);
        // Only the gate's row says so: no other row's end waits for the name service.
        assert.deepEqual(
            LATENCY_TABLE.filter((r) => r.afterDnsSeconds !== undefined).map((r) => r.type),
            ["pulumi-nodejs:dynamic/kubeforge:ApiReadiness"],
        );
    });

    test("every row says where its figure comes from", () => {
        for (const row of LATENCY_TABLE) assert.ok(row.source.length > 10, String(row.type));
    });

    test("the early start of kubeadm init applies only where the platform lets the init master skip the endpoint", () => {
        const readiness = latencyRow("pulumi-nodejs:dynamic/kubeforge:ApiReadiness", "demo-api");
        assert.deepEqual(overlapApplies(readiness, true), ["machine"]);
        assert.equal(overlapApplies(readiness, false), undefined);
        assert.equal(overlapApplies(latencyRow("aws:lb/loadBalancer:LoadBalancer", "x"), true), undefined);
    });
});

describe("critical path with work that starts early", () => {
    // vpc:3 -> lb:180; vpc:3 -> nat:100 -> vm:30; gate:150 needs vm (work) and lb (bound); addon:90 after gate.
    const graph = [
        node("vpc:3"),
        node("lb:180", ["vpc:3"]),
        node("nat:100", ["vpc:3"]),
        node("vm:30", ["nat:100"]),
        node("gate:150", ["vm:30", "lb:180"]),
        node("addon:90", ["gate:150"]),
    ];
    const lbBounds = (from: TracedResource, to: TracedResource) => (from.urn === "gate:150" && to.urn === "lb:180" ? "bound" : "work");

    test("without the overlap the gate's work follows the load balancer, as in the 527 s model", () => {
        assert.equal(graphCriticalPath(graph, seconds).seconds, 3 + 180 + 150 + 90);
    });

    test("with it, the gate finishes at max(load balancer, machine + its work), never before the load balancer", () => {
        assert.equal(graphCriticalPath(graph, seconds, undefined, lbBounds).seconds, 3 + Math.max(180, 100 + 30 + 150) + 90);
        const slowLb = graph.map((r) => (r.urn === "gate:150" ? { ...r, deps: ["vm:30", "lb:999"] } : r));
        slowLb.push(node("lb:999", ["vpc:3"]));
        const bound = (_from: TracedResource, to: TracedResource) => (to.urn.startsWith("lb:") ? "bound" : "work");
        assert.equal(graphCriticalPath(slowLb, seconds, undefined, bound).seconds, 3 + 999 + 90);
    });

    test("a dependency that gates only the last seconds: finish at max(work + all, it + its seconds), the chain names what it added", () => {
        // vpc:3 -> zone:40 -> soa:140 gates the gate's last 90; the machine gates all of its 150.
        const dns = [
            node("vpc:3"),
            node("zone:40", ["vpc:3"]),
            node("soa:140", ["zone:40"]),
            node("vm:30", ["vpc:3"]),
            node("gate:150", ["vm:30", "soa:140"]),
            node("addon:90", ["gate:150"]),
        ];
        const last = (_from: TracedResource, to: TracedResource): DependencyRole => (to.urn === "soa:140" ? { last: 90 } : "work");
        const path = graphCriticalPath(dns, seconds, undefined, last);
        assert.equal(path.seconds, Math.max(3 + 30 + 150, 3 + 40 + 140 + 90) + 90);
        assert.deepEqual(
            path.chain.map((c) => `${c.name} ${c.seconds}`),
            ["vpc:3 3", "zone:40 40", "soa:140 140", "gate:150 90", "addon:90 90"],
        );
        // A fast name service leaves the machine and the whole 150 s on the path.
        const fast = [
            ...dns.filter((r) => r.urn !== "soa:140" && r.urn !== "gate:150"),
            node("soa:40", ["zone:40"]),
            node("gate:150", ["vm:30", "soa:40"]),
        ];
        const fastLast = (_f: TracedResource, to: TracedResource): DependencyRole => (to.urn === "soa:40" ? { last: 90 } : "work");
        assert.equal(graphCriticalPath(fast, seconds, undefined, fastLast).seconds, Math.max(3 + 30 + 150, 3 + 40 + 40 + 90) + 90);
        // As a work dependency it would hold all 150 s: the `last` role is kinder, and only by what runs before it.
        assert.equal(graphCriticalPath(dns, seconds).seconds, 3 + 40 + 140 + 150 + 90);
    });

    test("property: bounds and `last` dependencies never finish a resource before a dependency (+ its seconds), nor after the all-work path", () => {
        fc.assert(
            fc.property(
                fc.array(
                    fc.record({
                        s: fc.integer({ min: 0, max: 200 }),
                        deps: fc.array(fc.nat(), { maxLength: 3 }),
                        roles: fc.array(
                            fc.oneof(fc.constantFrom("work" as const, "bound" as const), fc.double({ min: 0, max: 1, noNaN: true })),
                            {
                                maxLength: 3,
                            },
                        ),
                    }),
                    { minLength: 1, maxLength: 12 },
                ),
                (spec) => {
                    const rs = spec.map((r, i) =>
                        node(`r${i}:${r.s}`, [...new Set(r.deps.filter((d) => d < i).map((d) => `r${d}:${spec[d].s}`))]),
                    );
                    // A fraction f says: the dependency gates the last f of the resource's seconds.
                    const role = (from: TracedResource, to: TracedResource): DependencyRole => {
                        const i = rs.indexOf(from);
                        const r = spec[i].roles[from.deps.indexOf(to.urn)] ?? "work";
                        return typeof r === "number" ? { last: Math.round(r * spec[i].s) } : r;
                    };
                    const early = graphCriticalPath(rs, seconds, undefined, role).seconds;
                    const strict = graphCriticalPath(rs, seconds).seconds;
                    const longestSingle = Math.max(...rs.map((r) => seconds(r.type)));
                    if (early > strict || early < longestSingle) return false;
                    const finish = (urn: string) => graphCriticalPath(upTo(rs, urn), seconds, undefined, role).seconds;
                    for (const r of rs) {
                        for (const d of r.deps) {
                            const k = role(
                                r,
                                rs.find((x) => x.urn === d)!,
                            );
                            if (finish(r.urn) < finish(d) + (typeof k === "object" ? k.last : 0)) return false;
                        }
                    }
                    return true;
                },
            ),
        );
    });
});

describe("ideal and addon chains", () => {
    test("addons that wait for each other chain; side-by-side ones do not add up", () => {
        const rs = [node("gate:150"), node("cni:90", ["gate:150"]), node("ccm:40", ["gate:150"]), node("csi:60", ["gate:150", "cni:90"])];
        assert.equal(
            longestChainOf(rs, seconds, (r) => r.urn !== "gate:150"),
            150,
        );
    });

    test("the ideal with init beside the load balancer still counts the NAT gateway or the boot, whichever is slower, before init", () => {
        const planned = [
            { type: "aws:ec2/vpc:Vpc", name: "v" },
            { type: "aws:ec2/subnet:Subnet", name: "s" },
            { type: "aws:lb/loadBalancer:LoadBalancer", name: "lb" },
            { type: "aws:lb/listener:Listener", name: "l" },
            { type: "aws:ec2/natGateway:NatGateway", name: "n" },
            { type: "aws:ec2/instance:Instance", name: "i" },
            { type: "pulumi-nodejs:dynamic/kubeforge:ApiReadiness", name: "api" },
            { type: "pulumi-nodejs:dynamic/kubeforge:NodeLifecycle", name: "n0" },
        ];
        assert.equal(idealSeconds(planned, 150, false).total, 5 + 182 + 150 + 150);
        // The machine boots while the NAT gateway is created; init's work waits for both.
        assert.equal(idealSeconds(planned, 150, true).total, 5 + Math.max(182, Math.max(100, 30) + 150) + 150);
        assert.equal(idealSeconds(planned, 150, true).endpointOrBootIs, "NAT gateway");
        const noNat = planned.filter((r) => r.type !== "aws:ec2/natGateway:NatGateway");
        assert.equal(idealSeconds(noNat, 150, true).total, 5 + Math.max(182, 30 + 150) + 150);
    });

    test("the ideal's init ends no earlier than the name service (VPC, zone, SOA) plus init's seconds after it", () => {
        const dns = [
            { type: "aws:route53/zone:Zone", name: "demo-private-zone" },
            { type: "aws:route53/record:Record", name: "demo-private-zone-soa" },
        ];
        const gate = { type: "pulumi-nodejs:dynamic/kubeforge:ApiReadiness", name: "api" };
        const tiny = [{ type: "aws:ec2/vpc:Vpc", name: "v" }, ...dns, gate];
        const ideal = idealSeconds(tiny, 90, true);
        assert.deepEqual([ideal.dns, ideal.afterDns], [3 + 40 + 40, 150 - 60]);
        // Nothing else holds init: the name service then sets it (3 + 150 = 153 < 173).
        assert.equal(ideal.total, Math.max(3 + 150, 3 + 40 + 40 + (150 - 60)) + 90);
        assert.equal(ideal.endpointOrBootIs, "private name service");
        assert.equal(ideal.strictTotal, ideal.total);
        assert.equal(idealSeconds(tiny, 90, false).total, ideal.total);
        // Without a name service resource there is no such term.
        assert.deepEqual([idealSeconds([tiny[0], gate], 90, true).dns, idealSeconds([tiny[0], gate], 90, true).total], [0, 3 + 150 + 90]);
    });
});
