/**
 * The Cluster component: the one place where the core, the bootstrap and a platform meet. It stays
 * thin: validation, placement and rendering happened before (pure functions); here it wires Outputs.
 *
 * Dependency shape (keeps `pulumi up` to one VM boot + one init + one join + addons):
 * - every machine depends only on the network and the PKI, never on another machine: joins retry until
 *   the API answers, so all nodes boot in parallel;
 * - the readiness gate waits for the API through the endpoint, and only the addons wait for it;
 * - each node's lifecycle record depends on its machine, so on scale-down Pulumi deletes it (draining
 *   the node) before it deletes the machine.
 */
import * as pulumi from "@pulumi/pulumi";
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import type { ClusterSpec, NodePlan } from "./core/types";
import { masterDomains } from "./core/resolve";
import type { MachineFacts, Platform, PlatformInfrastructure } from "./platform";
import { ClusterPki } from "./pki";
import { createBootstrapTokenSecret } from "./bootstrapToken";
import { kubeProxyReplaced } from "../bootstrap/render";
import { deliverBootstraps } from "./bootstraps";
import { cniAddons } from "./addons/cni";
import { ClusterAddons } from "./addons/install";
import { ApiReadiness } from "./lifecycle/readiness";
import { NodeLifecycle } from "./lifecycle/node";
import { renderKubeconfig } from "./lifecycle/kubeconfig";
import type { ClusterRecord, NodeRecord } from "./lifecycle/types";

/** Arguments of {@link Cluster}: everything already validated and placed. */
export interface ClusterArgs {
    /** The validated cluster spec. */
    spec: ClusterSpec;
    /** Every node, placed. */
    nodes: NodePlan[];
    /** The platform that builds the infrastructure and the machines. */
    platform: Platform<unknown, PlatformInfrastructure>;
    /** The platform's validated config. */
    config: unknown;
    /** How long to wait for the API after the machines exist, in seconds (default 1800). */
    readinessTimeoutSeconds?: number;
    /** The program's clock, which picks the bootstrap token's window (tests pass a fixed time; default now). */
    now?: Date;
}

/** Groups one platform's resources: type `kubeforge:<platform>:Infrastructure`. */
class PlatformInfrastructureComponent extends pulumi.ComponentResource {
    constructor(platformName: string, name: string, opts: pulumi.ComponentResourceOptions) {
        super(`kubeforge:${platformName}:Infrastructure`, name, {}, opts);
        this.registerOutputs({});
    }
}

/** One node as the stack output shows it. */
export interface NodeSummary {
    name: string;
    role: string;
    pool: string;
    failureDomain: string;
    os: string;
    machineId: string;
    privateIp: string;
}

/** A Kubernetes cluster on any platform. */
export class Cluster extends pulumi.ComponentResource {
    /** Admin kubeconfig (secret). */
    readonly kubeconfig: pulumi.Output<string>;
    /** `https://<endpoint>:<port>`. */
    readonly endpoint: pulumi.Output<string>;
    /** Every node with its role, pool, failure domain and addresses. */
    readonly nodes: pulumi.Output<NodeSummary[]>;
    /** API server version, as the readiness gate saw it. */
    readonly apiServerVersion: pulumi.Output<string>;
    /** Platform-specific outputs (no secrets). */
    readonly platformOutputs: Record<string, pulumi.Output<unknown>>;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubeforge:cluster:Cluster", name, {}, opts);
        const { spec, nodes, platform, config } = args;

        const pki = new ClusterPki(
            `${name}-pki`,
            { clusterName: spec.name, bootstrapTokenHours: spec.lifecycle.bootstrapTokenHours, now: args.now },
            { parent: this },
        );
        const facts = platform.bootstrapFacts(config, spec);

        // The platform's resources hang under one component named after it, so the tree (and
        // `pulumi stack --show-urns`) separates infrastructure from the core's resources.
        const parent = new PlatformInfrastructureComponent(platform.name, `${name}-${platform.name}`, { parent: this });
        const infrastructure = platform.createInfrastructure(name, { spec, config, nodes, parent });
        const endpoint = infrastructure.endpoint;

        // The per-node loop is the core's: each node's bootstrap in the form the platform declared, then
        // one machine per NodePlan. Machines depend only on the infrastructure, never on each other.
        const bootstraps = deliverBootstraps({ spec, pki, facts, endpoint, delivery: platform.delivery }, nodes);
        const machineContext = { spec, config, infrastructure, pki, parent };
        const machines: { node: NodePlan; facts: MachineFacts }[] = nodes.map((node, i) => ({
            node,
            facts: platform.createMachine(name, node, bootstraps[i], machineContext),
        }));

        this.endpoint = pulumi.interpolate`https://${endpoint.host}:${endpoint.port}`;
        const connection = {
            endpoint: this.endpoint,
            caCert: pki.caCert,
            clientCert: pki.adminCert,
            clientKey: pki.adminKey,
        };

        const masters = machines.filter((m) => m.node.role === "control-plane");
        const clusterRecord: ClusterRecord = {
            cluster: spec.name,
            platform: platform.name,
            kubernetesVersion: spec.kubernetesVersion,
            controlPlaneCount: masters.length,
            // The domains the masters could use: all of the cluster's when the core placed them; where the
            // user put master hosts when the platform placed them (worker-only racks do not count).
            failureDomains: platform.placeNodes ? masterDomains(spec, nodes) : spec.failureDomains,
            secretsEncryption: spec.secretsEncryption,
            apiAllowedCidrs: spec.access.apiAllowedCidrs,
            sshAllowedCidrs: spec.access.sshAllowedCidrs,
            cni: spec.cni,
        };
        const readiness = new ApiReadiness(
            `${name}-api`,
            { ...clusterRecord, ...connection, timeoutSeconds: args.readinessTimeoutSeconds ?? 1800 },
            { parent: this, dependsOn: masters.flatMap((m) => m.facts.dependsOn) },
        );
        this.apiServerVersion = readiness.serverVersion;

        // Masters' records form a chain: Pulumi deletes dependents first, so removing several masters
        // removes them (and their etcd members) one at a time, highest ordinal first, never two at once.
        let previousMaster: NodeLifecycle | undefined;
        for (const { node, facts: machine } of machines) {
            const record: NodeRecord = {
                cluster: spec.name,
                platform: platform.name,
                node: node.name,
                role: node.role,
                pool: node.pool,
                failureDomain: node.failureDomain,
                os: node.os,
                kubernetesVersion: node.kubernetesVersion,
                taints: node.taints,
                labels: node.labels,
                spot: node.spot,
            };
            const master = node.role === "control-plane";
            const lifecycle = new NodeLifecycle(
                node.name,
                {
                    ...record,
                    ...connection,
                    drainTimeoutSeconds: spec.lifecycle.drainTimeoutSeconds,
                    // One removal path on every platform: drain and etcd member removal through the API.
                    skipDrain: !spec.lifecycle.drainOnDelete,
                },
                { parent: this, dependsOn: master && previousMaster ? [...machine.dependsOn, previousMaster] : machine.dependsOn },
            );
            if (master) previousMaster = lifecycle;
        }

        this.kubeconfig = pulumi.secret(
            pulumi
                .all([this.endpoint, pki.caCert, pki.adminCert, pki.adminKey])
                .apply(([server, caCert, clientCert, clientKey]) =>
                    renderKubeconfig({ clusterName: spec.name, server, caCert, clientCert, clientKey }),
                ),
        );

        const provider = new KubernetesProvider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true },
            { parent: this, dependsOn: [readiness] },
        );
        createBootstrapTokenSecret(`${name}-bootstrap-token`, pki, provider, this);
        const cniEndpoint = endpoint.host.apply((host) => ({ host, port: endpoint.port }));
        const cni = cniAddons(spec, cniEndpoint, kubeProxyReplaced(spec));
        new ClusterAddons(`${name}-addons`, { provider, cni, addons: infrastructure.addons, dependsOn: [readiness] }, { parent: this });

        // One `all` over every id and address, one apply: an Output per node in between cost about
        // 1.5 ms of evaluation a node (the SDK tracks each Output's resources and state), for nothing.
        this.nodes = pulumi.all(machines.flatMap((m) => [m.facts.machineId, m.facts.privateIp])).apply((values) =>
            machines.map((m, i) => ({
                name: m.node.name,
                role: m.node.role,
                pool: m.node.pool,
                failureDomain: m.node.failureDomain,
                os: m.node.os,
                machineId: values[2 * i],
                privateIp: values[2 * i + 1],
            })),
        );
        this.platformOutputs = { ...infrastructure.outputs, ...perNodeOutputs(machines) };

        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            endpoint: this.endpoint,
            nodes: this.nodes,
            apiServerVersion: this.apiServerVersion,
        });
    }
}

/**
 * The machines' per-node outputs gathered by key: `{ hostKeys: { <node>: <value> } }` from each
 * machine's `outputs.hostKeys`.
 */
function perNodeOutputs(machines: { node: NodePlan; facts: MachineFacts }[]): Record<string, pulumi.Output<unknown>> {
    const keys = [...new Set(machines.flatMap((m) => Object.keys(m.facts.outputs ?? {})))];
    return Object.fromEntries(
        keys.map((key) => {
            const owners = machines.filter((m) => m.facts.outputs?.[key] !== undefined);
            const values = pulumi.all(owners.map((m) => m.facts.outputs![key]));
            return [key, values.apply((v) => Object.fromEntries(owners.map((m, i) => [m.node.name, v[i]])))];
        }),
    );
}
