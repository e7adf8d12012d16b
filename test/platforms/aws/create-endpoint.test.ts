/** The AWS API endpoint: NLB, listener, target attachments, the private API name and the certificate's names (harness: built.ts). */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { outputValue } from "../../../stacks/plan/mocks";
import { T, buildClusters, byName, engine, ofCluster, sanCovers, tagsOf, type Built } from "./built";
import { ZONES } from "./fixtures";

let demo: Built;
let open: Built;
let shared: Built;

before(async () => {
    ({ demo, open, shared } = await buildClusters());
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
        assert.equal(await outputValue(demo.infrastructure.endpoint.host), dnsName);
        assert.equal(demo.infrastructure.endpoint.port, 6443);
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

    test("Linux instances do not wait for the private zone or its SOA: their bootstrap asks the zone itself", () => {
        for (const b of [demo, shared]) {
            const zone = byName(T.zone, `${b.name}-private-zone`);
            const soa = byName(T.record, `${b.name}-private-zone-soa`);
            const instances = ofCluster(b, T.instance);
            assert.ok(instances.length > 0);
            for (const instance of instances) {
                assert.ok(!instance.dependencies.includes(zone.urn), instance.name);
                assert.ok(!instance.dependencies.includes(soa.urn), instance.name);
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
