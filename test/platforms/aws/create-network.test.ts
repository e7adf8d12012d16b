/** AWS security groups and rules, identity, an existing VPC, outputs and addons (harness: built.ts). */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { outputValue, type PlanResource } from "../../../stacks/plan/mocks";
import { T, buildClusters, byName, ofCluster, type Built } from "./built";
import { ZONES } from "./fixtures";

let demo: Built;
let open: Built;
let shared: Built;

before(async () => {
    ({ demo, open, shared } = await buildClusters());
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
        const extra = demo.infrastructure.outputs;
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
            demo.infrastructure.addons.map((a) => a.name),
            ["aws-cloud-controller-manager", "aws-ebs-csi-driver"],
        );
    });

    test("the CCM and the EBS CSI driver need only the API (host network both), the CSI controller on the masters", () => {
        const [ccm, ebs] = demo.infrastructure.addons;
        assert.ok(ccm.kind === "helm" && ebs.kind === "helm");
        assert.equal(ccm.needs, undefined, "the CCM installs beside the CNI");
        assert.equal(ebs.needs, undefined, "the EBS CSI node pods run on the host network: the driver installs beside the CNI");
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
