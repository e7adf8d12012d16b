/** AWS machines: one instance per NodePlan in its zone's subnet, image, IMDS, disks, spot, user data, tags (harness: built.ts). */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { isWrappedSecret, outputValue } from "../../../stacks/plan/mocks";
import awsMocks from "../../../components/platforms/aws/mocks";
import { UBUNTU_2404_AMI_PARAMETER } from "../../../components/platforms/aws/config";
import { T, buildClusters, byName, engine, ofCluster, options, tagsOf, type Built } from "./built";

let demo: Built;
let shared: Built;

before(async () => {
    ({ demo, shared } = await buildClusters());
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
            demo.machines.map((m) => m.node.name),
            demo.nodes.map((n) => n.name),
        );
        for (const m of demo.machines) {
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
