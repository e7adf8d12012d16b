import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { runPolicies } from "../../policies/evaluate";
import { AWS_TYPES } from "../../components/platforms/aws/policy";
import { clusterRecord, healthyCluster, ingressRule, policiesOf, replace, resource, securityGroup } from "./builders";

const rule = (name: string, inputs: Record<string, unknown>) => ingressRule(name, { securityGroupId: "demo-nodes-sg-id", ...inputs });

describe("ssh-not-public", () => {
    test("the cluster's sshAllowedCidrs open to the world is reported on the record", async () => {
        for (const cidr of ["0.0.0.0/0", "::/0"]) {
            const v = await runPolicies(replace(healthyCluster(), clusterRecord({ sshAllowedCidrs: ["203.0.113.0/24", cidr] })));
            assert.deepEqual(policiesOf(v), ["ssh-not-public"], cidr);
            assert.match(v[0].message, /kubeforge:access\.sshAllowedCidrs/);
        }
    });
    test("a world-open rule on 22 is reported, in every AWS rule shape", async () => {
        const shapes = [
            rule("demo-ssh", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }),
            rule("demo-ssh", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv6: "::/0" }),
            rule("demo-ssh", { ipProtocol: "6", fromPort: 20, toPort: 23, cidrIpv4: "0.0.0.0/0" }),
        ];
        for (const shape of shapes) {
            const v = await runPolicies(replace(healthyCluster(), shape));
            assert.deepEqual(policiesOf(v), ["ssh-not-public"], JSON.stringify(shape.inputs));
            assert.match(v[0].resource ?? "", /SecurityGroupIngressRule::demo-ssh$/);
        }
        const ec2Rule = resource(AWS_TYPES.securityGroupRule, "legacy-ssh", {
            type: "ingress",
            protocol: "tcp",
            fromPort: 22,
            toPort: 22,
            cidrBlocks: ["0.0.0.0/0"],
            securityGroupId: "demo-nodes-sg-id",
        });
        assert.deepEqual(policiesOf(await runPolicies([...healthyCluster(), ec2Rule])), ["ssh-not-public"]);
        const inline = securityGroup("demo-nodes-sg", undefined, {
            ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: [], ipv6CidrBlocks: ["::/0"] }],
        });
        assert.deepEqual(policiesOf(await runPolicies(replace(healthyCluster(), inline))), ["ssh-not-public"]);
    });
    test("egress rules, UDP on 22 and narrow sources pass", async () => {
        const egress = resource(AWS_TYPES.securityGroupRule, "out", {
            type: "egress",
            protocol: "-1",
            fromPort: 0,
            toPort: 0,
            cidrBlocks: ["0.0.0.0/0"],
        });
        const udp = rule("udp22", { ipProtocol: "udp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" });
        const inline = securityGroup("demo-nodes-sg", undefined, {
            ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["198.51.100.7/32"] }],
            egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        });
        assert.deepEqual(policiesOf(await runPolicies([...replace(healthyCluster(), inline), egress, udp])), []);
    });
});

describe("api-not-public and api-public-by-config", () => {
    const openApi = rule("demo-api", {
        securityGroupId: "demo-cp-sg-id",
        ipProtocol: "tcp",
        fromPort: 6443,
        toPort: 6443,
        cidrIpv4: "0.0.0.0/0",
    });
    test("a world-open API rule the config did not ask for is mandatory", async () => {
        const v = await runPolicies(replace(healthyCluster(), openApi));
        assert.deepEqual(
            v.map((x) => [x.policy, x.level]),
            [["api-not-public", "mandatory"]],
        );
        assert.match(v[0].resource ?? "", /SecurityGroupIngressRule::demo-api$/);
    });
    test("opened on purpose through apiAllowedCidrs it is advisory only", async () => {
        const v = await runPolicies(replace(replace(healthyCluster(), openApi), clusterRecord({ apiAllowedCidrs: ["0.0.0.0/0"] })));
        assert.deepEqual(
            v.map((x) => [x.policy, x.level]),
            [["api-public-by-config", "advisory"]],
        );
        assert.match(v[0].resource ?? "", /ApiReadiness::demo-api$/);
    });
    test("an all-traffic rule from the world opens the API too", async () => {
        const all = rule("everything", { securityGroupId: "demo-cp-sg-id", ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" });
        const v = await runPolicies([...healthyCluster(), all]);
        assert.deepEqual([...new Set(policiesOf(v))], ["api-not-public", "etcd-masters-only", "nodeports-not-public", "ssh-not-public"]);
    });
    test("allowPublicApi and apiPort are configurable", async () => {
        assert.deepEqual(
            policiesOf(await runPolicies(replace(healthyCluster(), openApi), { config: { "api-not-public": { allowPublicApi: true } } })),
            [],
        );
        const other = rule("demo-api-alt", { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" });
        assert.deepEqual(policiesOf(await runPolicies([...healthyCluster(), other])), []);
        assert.deepEqual(policiesOf(await runPolicies([...healthyCluster(), other], { config: { "api-not-public": { apiPort: 443 } } })), [
            "api-not-public",
        ]);
    });
});

describe("nodeports-not-public", () => {
    test("any overlap with 30000-32767 from the world is reported, TCP or UDP", async () => {
        for (const [protocol, from, to] of [
            ["tcp", 30000, 32767],
            ["udp", 31000, 31000],
            ["tcp", 32767, 40000],
        ] as const) {
            const v = await runPolicies(
                replace(
                    healthyCluster(),
                    rule("demo-nodeports", {
                        securityGroupId: "demo-worker-sg-id",
                        ipProtocol: protocol,
                        fromPort: from,
                        toPort: to,
                        cidrIpv4: "0.0.0.0/0",
                    }),
                ),
            );
            assert.deepEqual(policiesOf(v), ["nodeports-not-public"], `${protocol} ${from}-${to}`);
        }
    });
    test("ports just outside the range pass, and the range is configurable", async () => {
        const below = rule("web", { ipProtocol: "tcp", fromPort: 29000, toPort: 29999, cidrIpv4: "0.0.0.0/0" });
        assert.deepEqual(policiesOf(await runPolicies([...healthyCluster(), below])), []);
        assert.deepEqual(
            policiesOf(
                await runPolicies([...healthyCluster(), below], {
                    config: { "nodeports-not-public": { nodePortMin: 29000, nodePortMax: 29999 } },
                }),
            ),
            ["nodeports-not-public"],
        );
    });
});

describe("etcd-masters-only", () => {
    const etcd = (inputs: Record<string, unknown>) =>
        ingressRule("demo-etcd", { securityGroupId: "demo-cp-sg-id", ipProtocol: "tcp", fromPort: 2379, toPort: 2380, ...inputs });
    test("the masters' own group passes; the shared nodes group and the workers' group do not", async () => {
        assert.deepEqual(policiesOf(await runPolicies(healthyCluster())), []);
        for (const group of ["demo-nodes-sg-id", "demo-worker-sg-id"]) {
            const v = await runPolicies(replace(healthyCluster(), etcd({ referencedSecurityGroupId: group })));
            assert.deepEqual(policiesOf(v), ["etcd-masters-only"], group);
            assert.match(v[0].message, new RegExp(group));
        }
    });
    test("a self rule on a group that workers share is reported", async () => {
        const v = await runPolicies(
            replace(
                healthyCluster(),
                ingressRule("demo-etcd", {
                    securityGroupId: "demo-nodes-sg-id",
                    ipProtocol: "tcp",
                    fromPort: 2379,
                    toPort: 2380,
                    referencedSecurityGroupId: "demo-nodes-sg-id",
                }),
            ),
        );
        assert.deepEqual(policiesOf(v), ["etcd-masters-only"]);
    });
    test("a CIDR source is reported unless listed in allowedCidrs; an unknown group is reported", async () => {
        const cidr = replace(healthyCluster(), etcd({ referencedSecurityGroupId: undefined, cidrIpv4: "10.0.0.0/20" }));
        assert.deepEqual(policiesOf(await runPolicies(cidr)), ["etcd-masters-only"]);
        assert.deepEqual(policiesOf(await runPolicies(cidr, { config: { "etcd-masters-only": { allowedCidrs: ["10.0.0.0/20"] } } })), []);
        const unknown = replace(healthyCluster(), etcd({ referencedSecurityGroupId: "sg-elsewhere" }));
        assert.deepEqual(policiesOf(await runPolicies(unknown)), ["etcd-masters-only"]);
    });
    test("a group declared for masters but with no machine yet counts as the masters'", async () => {
        const resources = [
            ...healthyCluster(),
            securityGroup("demo-cp2-sg", "control-plane"),
            ingressRule("etcd2", {
                securityGroupId: "demo-cp-sg-id",
                ipProtocol: "tcp",
                fromPort: 2379,
                toPort: 2379,
                referencedSecurityGroupId: "demo-cp2-sg-id",
            }),
        ];
        assert.deepEqual(policiesOf(await runPolicies(resources)), []);
    });
});
