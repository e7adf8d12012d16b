/**
 * The DigitalOcean platform's pure pieces: firewall rules, tags, the API load balancers' allow list,
 * the cloud controller and CSI objects, and the policy adapter's facts. No mocks.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { doFirewallRules } from "../../../components/platforms/digitalocean/firewall";
import { clusterTags, dropletTags, userTags, TAG_NAME_RE } from "../../../components/platforms/digitalocean/tags";
import { apiAllowRules, apiName } from "../../../components/platforms/digitalocean/endpoint";
import { CCM_IMAGE, ccmObjects } from "../../../components/platforms/digitalocean/ccm";
import { CSI_DRIVER, CSI_IMAGES, DEFAULT_STORAGE_CLASS, csiObjects } from "../../../components/platforms/digitalocean/csi";
import { digitalOceanAdapter, portsOf } from "../../../components/platforms/digitalocean/policy";
import type { NodePlan } from "../../../components/core/types";
import { doSpec } from "./fixtures";

/** The parts of rendered objects the tests read. */
interface Container {
    name: string;
    image: string;
    env: unknown[];
    command?: string[];
    args?: string[];
}
interface Rendered {
    kind: string;
    metadata: { name: string; annotations?: Record<string, string> };
    spec: { template: { spec: { hostNetwork?: boolean; nodeSelector?: Record<string, string>; containers: Container[] } } };
    provisioner?: string;
    volumeBindingMode?: string;
}
type Obj = Record<string, unknown>;

const master: NodePlan = {
    name: "demo-cp-0",
    role: "control-plane",
    pool: "control-plane",
    ordinal: 0,
    failureDomain: "fra1",
    os: "linux",
    diskSizeGb: 50,
    spot: false,
    labels: {},
    taints: [],
    kubernetesVersion: "1.36.4",
    initNode: true,
};

describe("firewall rules (the kit's matrix on DigitalOcean)", () => {
    const rulesOf = (spec = doSpec()) => doFirewallRules(spec, "10.0.0.0/16");

    test("SSH is closed unless access.sshAllowedCidrs opens it, and only to those ranges", () => {
        assert.equal(rulesOf().inbound.nodes.filter((r) => r.portRange === "22").length, 0);
        const open = rulesOf(
            doSpec({ access: { apiAllowedCidrs: ["203.0.113.0/24"], sshAllowedCidrs: ["198.51.100.0/24"], sshPublicKeys: [] } }),
        );
        assert.deepEqual(
            open.inbound.nodes.filter((r) => r.portRange === "22").map((r) => r.addresses),
            [["198.51.100.0/24"]],
        );
    });

    test("masters admit the API only from the load balancers and the cluster, etcd only from masters; NodePorts only from the VPC", () => {
        const rules = rulesOf();
        const api = rules.inbound.controlPlane.filter((r) => r.portRange === "6443");
        assert.deepEqual(
            api.map((r) => [r.loadBalancers, r.tags, r.addresses]),
            [
                [true, [], []],
                [false, ["kubeforge-demo"], []],
            ],
        );
        assert.ok(!rules.inbound.nodes.some((r) => r.portRange === "6443"), "workers have no API rule");
        assert.deepEqual(rules.inbound.controlPlane.find((r) => r.id === "etcd")?.tags, ["kubeforge-demo-control-plane"]);
        for (const r of rules.inbound.nodes.filter((r) => r.id.startsWith("nodeports"))) assert.deepEqual(r.addresses, ["10.0.0.0/16"]);
        const inbound = [...rules.inbound.nodes, ...rules.inbound.controlPlane];
        assert.ok(
            inbound.every((r) => !r.addresses.includes("0.0.0.0/0")),
            "nothing from the world by default",
        );
    });

    test("the API's client ranges go to the external load balancer's allow list, egress is open, protocols are DigitalOcean's", () => {
        const rules = rulesOf();
        assert.deepEqual(rules.apiAllows, ["cidr:203.0.113.0/24"]);
        assert.deepEqual(
            rules.outbound.nodes.map((r) => [r.protocol, r.portRange, r.addresses]),
            [
                ["tcp", "all", ["0.0.0.0/0", "::/0"]],
                ["udp", "all", ["0.0.0.0/0", "::/0"]],
                ["icmp", undefined, ["0.0.0.0/0", "::/0"]],
            ],
        );
        const calico = rulesOf(doSpec({ cni: "calico" }));
        assert.ok(
            calico.inbound.nodes.every((r) => ["tcp", "udp", "icmp"].includes(r.protocol)),
            "no IP-in-IP: DigitalOcean cannot filter it",
        );
        assert.ok(calico.inbound.nodes.some((r) => r.id === "calico-vxlan"));
    });
});

describe("tags", () => {
    test("droplets carry the cluster's selectors and their identity, all valid DigitalOcean tag names", () => {
        const tags = dropletTags(doSpec(), master);
        const selectors = clusterTags("demo");
        assert.ok(tags.includes(selectors.nodes) && tags.includes(selectors.controlPlane));
        for (const t of [
            "kubeforge-role:control-plane",
            "kubeforge-pool:control-plane",
            "kubeforge-node:demo-cp-0",
            "kubeforge-cluster:demo",
            "team:platform",
        ]) {
            assert.ok(tags.includes(t), t);
        }
        for (const t of tags) assert.match(t, TAG_NAME_RE);
        const worker = dropletTags(doSpec(), { ...master, name: "demo-general-0", role: "worker", pool: "general", initNode: false });
        assert.ok(!worker.includes(selectors.controlPlane), "workers are not behind the API load balancers");
    });

    test("user tags become key:value, or the key alone for an empty value", () => {
        assert.deepEqual(userTags({ team: "platform", prod: "" }), ["team:platform", "prod"]);
    });
});

describe("API endpoint", () => {
    test("the external load balancer admits exactly access.apiAllowedCidrs", () => {
        assert.deepEqual(
            apiAllowRules(
                doSpec({
                    access: {
                        apiAllowedCidrs: ["203.0.113.0/24", "203.0.113.0/24", "2001:db8::/32"],
                        sshAllowedCidrs: [],
                        sshPublicKeys: [],
                    },
                }),
            ),
            ["cidr:203.0.113.0/24", "cidr:2001:db8::/32"],
        );
    });

    test("the API name exists only with apiDomain", () => {
        assert.equal(apiName(doSpec(), {}), undefined);
        assert.equal(apiName(doSpec(), { apiDomain: "example.com" }), "api.demo.example.com");
    });
});

describe("cloud controller and CSI objects", () => {
    test("the CCM: pinned image, token from the Secret, the VPC and region set, on the masters with host networking", () => {
        const objects = ccmObjects("fra1", "vpc-uuid") as unknown as Rendered[];
        const ds = objects.find((o) => o.kind === "DaemonSet")!;
        const pod = ds.spec.template.spec;
        const container = pod.containers[0];
        assert.equal(container.image, CCM_IMAGE);
        assert.match(CCM_IMAGE, /:v0\.1\.68$/);
        assert.deepEqual(container.env[0], {
            name: "DO_ACCESS_TOKEN",
            valueFrom: { secretKeyRef: { name: "digitalocean", key: "access-token" } },
        });
        assert.deepEqual(container.env.slice(1), [
            { name: "DO_CLUSTER_VPC_ID", value: "vpc-uuid" },
            { name: "REGION", value: "fra1" },
        ]);
        assert.equal(pod.hostNetwork, true);
        assert.deepEqual(pod.nodeSelector, { "node-role.kubernetes.io/control-plane": "" });
        assert.ok(container.command?.includes("--leader-elect=true"));
    });

    test("CSI: pinned images, token only in the controller, host networking for the metadata service, our StorageClass only", () => {
        const objects = csiObjects("fra1") as unknown as Rendered[];
        const images = JSON.stringify(objects)
            .match(/"image":"[^"]+"/g)!
            .map((m) => m.slice(9, -1));
        assert.deepEqual([...new Set(images)].sort(), Object.values(CSI_IMAGES).sort());
        for (const image of images) assert.match(image, /:v?\d+\.\d+(\.\d+)?$/, `${image} is pinned`);
        const classes = objects.filter((o) => o.kind === "StorageClass");
        assert.deepEqual(
            classes.map((c) => [c.metadata.name, c.provisioner, c.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"]]),
            [[DEFAULT_STORAGE_CLASS, CSI_DRIVER, "true"]],
        );
        assert.equal(classes[0].volumeBindingMode, "WaitForFirstConsumer");
        assert.ok(!objects.some((o) => o.kind === "VolumeSnapshotClass"), "no snapshot objects without the snapshot CRDs");
        const controller = objects.find((o) => o.kind === "StatefulSet")!.spec.template.spec;
        assert.equal(controller.hostNetwork, true);
        assert.ok(controller.containers.find((c) => c.name === "csi-do-plugin")?.args?.includes("--region=fra1"));
        const node = objects.find((o) => o.kind === "DaemonSet")!.spec.template.spec;
        assert.equal(node.hostNetwork, true);
        assert.ok(!JSON.stringify(node).includes("access-token"), "node plugins run without the token");
    });
});

describe("policy adapter", () => {
    test("a droplet: role, cluster, node, region, groups from tags, and its user data decoded", () => {
        const text = "#cloud-config\nwrite_files: []\n";
        const facts = digitalOceanAdapter.describe({
            type: "digitalocean:index/droplet:Droplet",
            name: "demo-cp-0",
            urn: "urn",
            props: { region: "fra1", userData: text, tags: dropletTags(doSpec(), master) },
        });
        assert.equal(facts.machine?.role, "control-plane");
        assert.equal(facts.machine?.cluster, "demo");
        assert.equal(facts.machine?.node, "demo-cp-0");
        assert.equal(facts.machine?.failureDomain, "fra1");
        assert.ok(facts.machine?.groups.includes("kubeforge-demo-control-plane"));
        assert.deepEqual(facts.machine?.bootstrap, { format: "cloud-config", text, sentBytes: text.length, limitBytes: 65536 });
        assert.deepEqual(facts.tagging?.required, ["kubeforge-cluster:", "kubeforge-role:"]);
        assert.deepEqual(facts.metadata, undefined);
    });

    test("a firewall: ingress per rule, tag sources as groups, the target tag as self", () => {
        const facts = digitalOceanAdapter.describe({
            type: "digitalocean:index/firewall:Firewall",
            name: "fw",
            urn: "urn",
            props: {
                tags: ["kubeforge-demo"],
                inboundRules: [
                    { protocol: "tcp", portRange: "22", sourceAddresses: ["0.0.0.0/0"] },
                    { protocol: "tcp", portRange: "2379-2380", sourceTags: ["kubeforge-demo-control-plane"] },
                    { protocol: "udp", portRange: "8472", sourceTags: ["kubeforge-demo"] },
                    { protocol: "icmp", sourceTags: ["kubeforge-demo"] },
                ],
            },
        });
        assert.deepEqual(
            facts.ingress.map((i) => [i.protocol, i.fromPort, i.toPort, i.sources]),
            [
                ["tcp", 22, 22, [{ kind: "cidr", cidr: "0.0.0.0/0" }]],
                ["tcp", 2379, 2380, [{ kind: "group", group: "kubeforge-demo-control-plane" }]],
                ["udp", 8472, 8472, [{ kind: "self" }]],
                ["icmp", 0, 65535, [{ kind: "self" }]],
            ],
        );
    });

    test("a load balancer: the API listener, its allow list as sources, the world when it has none, its VPC when internal", () => {
        const rules = [{ entryProtocol: "tcp", entryPort: 6443, targetProtocol: "tcp", targetPort: 6443 }];
        const lb = (props: Obj) =>
            digitalOceanAdapter.describe({
                type: "digitalocean:index/loadBalancer:LoadBalancer",
                name: "lb",
                urn: "u",
                props: { forwardingRules: rules, ...props },
            });
        const filtered = lb({ firewall: { allows: ["cidr:203.0.113.0/24", "ip:198.51.100.7"] } });
        assert.deepEqual(filtered.apiListener, { port: 6443 });
        assert.deepEqual(filtered.ingress[0].sources, [
            { kind: "cidr", cidr: "203.0.113.0/24" },
            { kind: "cidr", cidr: "198.51.100.7/32" },
        ]);
        assert.deepEqual(
            lb({}).ingress[0].sources.map((s) => (s.kind === "cidr" ? s.cidr : s.kind)),
            ["0.0.0.0/0", "::/0"],
        );
        assert.deepEqual(lb({ network: "INTERNAL", vpcUuid: "v" }).ingress[0].sources, [{ kind: "group", group: "vpc:v" }]);
    });

    test("port ranges", () => {
        assert.deepEqual(portsOf("tcp", "all"), { fromPort: 0, toPort: 65535 });
        assert.deepEqual(portsOf("tcp", "30000-32767"), { fromPort: 30000, toPort: 32767 });
        assert.deepEqual(portsOf("icmp", undefined), { fromPort: 0, toPort: 65535 });
    });
});
