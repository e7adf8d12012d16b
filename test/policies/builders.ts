/**
 * Hand-built resources for the policy tests: a healthy three-master AWS cluster (which must pass every
 * policy) and small builders to break one thing at a time.
 */
import { CONTROL_PLANE_TAINT } from "../../components/core/types";
import type { ClusterRecord, NodeRecord } from "../../components/lifecycle/types";
import { API_READINESS_TYPE, NODE_LIFECYCLE_TYPE } from "../../components/lifecycle/types";
import { AWS_TYPES } from "../../components/platforms/aws/policy";
import { UNKNOWN_SENTINEL } from "../../policies/sdk";
import type { PolicyInputResource, Violation } from "../../policies/evaluate";

export const CLUSTER = "demo";
const STACK = "urn:pulumi:dev::kubeforge";

/**
 * A resource with a URN shaped like the engine's.
 *
 * @param type - type token
 * @param name - logical name
 * @param inputs - inputs
 * @param id - physical id (custom resources)
 */
export function resource(type: string, name: string, inputs: Record<string, unknown>, id?: string): PolicyInputResource {
    return { type, name, urn: `${STACK}::kubeforge:cluster:Cluster$${type}::${name}`, inputs, ...(id ? { id } : {}) };
}

/**
 * A NodeLifecycle record.
 *
 * @param name - node name
 * @param over - fields to change
 */
export function nodeRecord(name: string, over: Partial<NodeRecord> = {}): PolicyInputResource {
    const master = (over.role ?? "worker") === "control-plane";
    const record: NodeRecord = {
        cluster: CLUSTER,
        platform: "aws",
        node: name,
        role: "worker",
        pool: master ? "control-plane" : "general",
        failureDomain: "eu-west-1a",
        os: "linux",
        kubernetesVersion: "1.36.4",
        taints: master ? [CONTROL_PLANE_TAINT] : [],
        labels: {},
        spot: false,
        ...over,
    };
    return resource(NODE_LIFECYCLE_TYPE, name, { ...record, drainTimeoutSeconds: 600, skipDrain: false });
}

/**
 * An ApiReadiness record.
 *
 * @param over - fields to change
 */
export function clusterRecord(over: Partial<ClusterRecord> = {}): PolicyInputResource {
    const record: ClusterRecord = {
        cluster: CLUSTER,
        platform: "aws",
        kubernetesVersion: "1.36.4",
        controlPlaneCount: 3,
        failureDomains: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        secretsEncryption: true,
        apiAllowedCidrs: ["10.0.0.0/8"],
        sshAllowedCidrs: ["203.0.113.0/24"],
        cni: "cilium",
        ...over,
    };
    return resource(API_READINESS_TYPE, `${CLUSTER}-api`, { ...record, timeoutSeconds: 1800 });
}

/**
 * A well-configured EC2 instance of the demo cluster.
 *
 * @param name - node name
 * @param role - its role
 * @param over - inputs to change (shallow)
 */
export function instance(name: string, role: "control-plane" | "worker", over: Record<string, unknown> = {}): PolicyInputResource {
    return resource(
        AWS_TYPES.instance,
        name,
        {
            instanceType: "m7i.large",
            vpcSecurityGroupIds: [role === "control-plane" ? "demo-cp-sg-id" : "demo-worker-sg-id", "demo-nodes-sg-id"],
            rootBlockDevice: { volumeSize: 50, volumeType: "gp3", encrypted: true },
            metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" },
            tags: {
                Name: name,
                [`kubernetes.io/cluster/${CLUSTER}`]: "owned",
                "kubeforge.io/cluster": CLUSTER,
                "kubeforge.io/role": role,
                "kubeforge.io/node": name,
            },
            ...over,
        },
        `${name}-id`,
    );
}

/**
 * A security group of the demo cluster.
 *
 * @param name - logical name (its id is `<name>-id`)
 * @param role - role tag, if any
 * @param over - inputs to change
 */
export function securityGroup(name: string, role?: "control-plane" | "worker", over: Record<string, unknown> = {}): PolicyInputResource {
    return resource(
        AWS_TYPES.securityGroup,
        name,
        { vpcId: "demo-vpc-id", tags: { "kubeforge.io/cluster": CLUSTER, ...(role ? { "kubeforge.io/role": role } : {}) }, ...over },
        `${name}-id`,
    );
}

/**
 * A separate ingress rule (`aws.vpc.SecurityGroupIngressRule`).
 *
 * @param name - logical name
 * @param inputs - the rule
 */
export function ingressRule(name: string, inputs: Record<string, unknown>): PolicyInputResource {
    return resource(AWS_TYPES.ingressRule, name, inputs, `${name}-id`);
}

/**
 * The healthy cluster with `count` masters placed by `domainOf`, and its record.
 *
 * @param count - how many masters
 * @param domainOf - the failure domain of master `i`
 * @param record - record fields to change
 */
export function mastersCluster(count: number, domainOf: (i: number) => string, record: Partial<ClusterRecord> = {}): PolicyInputResource[] {
    const others = healthyCluster().filter(
        (r) => !(r.type.endsWith("NodeLifecycle") && r.name.startsWith("demo-cp-")) && !r.type.endsWith("ApiReadiness"),
    );
    const masters = Array.from({ length: count }, (_, i) =>
        nodeRecord(`demo-cp-${i}`, { role: "control-plane", failureDomain: domainOf(i) }),
    );
    return [...others, clusterRecord({ controlPlaneCount: count, ...record }), ...masters];
}

/** A healthy cluster: three masters over three zones, two workers, tight rules. Passes every policy. */
export function healthyCluster(): PolicyInputResource[] {
    const zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
    const masters = zones.map((zone, i) => nodeRecord(`demo-cp-${i}`, { role: "control-plane", failureDomain: zone }));
    const workers = [0, 1].map((i) => nodeRecord(`demo-general-${i}`, { failureDomain: zones[i] }));
    return [
        securityGroup("demo-cp-sg", "control-plane"),
        securityGroup("demo-worker-sg", "worker"),
        securityGroup("demo-nodes-sg"),
        ingressRule("demo-etcd", {
            securityGroupId: "demo-cp-sg-id",
            ipProtocol: "tcp",
            fromPort: 2379,
            toPort: 2380,
            referencedSecurityGroupId: "demo-cp-sg-id",
        }),
        ingressRule("demo-api", {
            securityGroupId: "demo-cp-sg-id",
            ipProtocol: "tcp",
            fromPort: 6443,
            toPort: 6443,
            cidrIpv4: "10.0.0.0/8",
        }),
        ingressRule("demo-api-nodes", {
            securityGroupId: "demo-cp-sg-id",
            ipProtocol: "tcp",
            fromPort: 6443,
            toPort: 6443,
            referencedSecurityGroupId: "demo-nodes-sg-id",
        }),
        ingressRule("demo-ssh", {
            securityGroupId: "demo-nodes-sg-id",
            ipProtocol: "tcp",
            fromPort: 22,
            toPort: 22,
            cidrIpv4: "203.0.113.0/24",
        }),
        ingressRule("demo-kubelet", {
            securityGroupId: "demo-nodes-sg-id",
            ipProtocol: "tcp",
            fromPort: 10250,
            toPort: 10250,
            referencedSecurityGroupId: "demo-nodes-sg-id",
        }),
        ingressRule("demo-nodeports", {
            securityGroupId: "demo-worker-sg-id",
            ipProtocol: "tcp",
            fromPort: 30000,
            toPort: 32767,
            cidrIpv4: "10.0.0.0/16",
        }),
        resource(
            AWS_TYPES.subnet,
            "demo-subnet-a",
            {
                cidrBlock: "10.0.0.0/20",
                tags: {
                    [`kubernetes.io/cluster/${CLUSTER}`]: "owned",
                    "kubeforge.io/cluster": CLUSTER,
                    "kubernetes.io/role/internal-elb": "1",
                },
            },
            "demo-subnet-a-id",
        ),
        ...zones.map((_, i) => instance(`demo-cp-${i}`, "control-plane")),
        ...[0, 1].map((i) => instance(`demo-general-${i}`, "worker")),
        clusterRecord(),
        ...masters,
        ...workers,
    ];
}

/**
 * Replaces the resource named `name` (same type) in a list.
 *
 * @param resources - the list
 * @param replacement - the resource to put in its place
 */
export function replace(resources: PolicyInputResource[], replacement: PolicyInputResource): PolicyInputResource[] {
    const i = resources.findIndex((r) => r.type === replacement.type && r.name === replacement.name);
    if (i < 0) throw new Error(`no ${replacement.type} named ${replacement.name}`);
    return resources.map((r, j) => (j === i ? replacement : r));
}

/**
 * Names of the policies violated, sorted, with duplicates kept (to count them).
 *
 * @param violations - what the runner returned
 */
export function policiesOf(violations: Violation[]): string[] {
    return violations.map((v) => v.policy).sort();
}

/**
 * The healthy cluster as a first `pulumi preview` sees it: security-group ids, the instances' group
 * lists and the NAT addresses are not known yet.
 */
export function previewCluster(): PolicyInputResource[] {
    const unknownIds = (inputs: Record<string, unknown>) => ({
        ...inputs,
        securityGroupId: UNKNOWN_SENTINEL,
        ...(inputs.referencedSecurityGroupId ? { referencedSecurityGroupId: UNKNOWN_SENTINEL } : {}),
    });
    const resources = healthyCluster().map((r): PolicyInputResource => {
        if (r.type === AWS_TYPES.ingressRule) return { ...r, inputs: unknownIds(r.inputs), id: undefined };
        if (r.type === AWS_TYPES.instance)
            return {
                ...r,
                inputs: {
                    ...r.inputs,
                    vpcSecurityGroupIds: [UNKNOWN_SENTINEL, UNKNOWN_SENTINEL],
                    tags: { ...(r.inputs.tags as object), Name: UNKNOWN_SENTINEL },
                },
                id: undefined,
            };
        return { ...r, id: undefined };
    });
    return [
        ...resources,
        ingressRule("demo-api-nat-0", {
            securityGroupId: UNKNOWN_SENTINEL,
            ipProtocol: "tcp",
            fromPort: 6443,
            toPort: 6443,
            cidrIpv4: UNKNOWN_SENTINEL,
        }),
    ];
}
