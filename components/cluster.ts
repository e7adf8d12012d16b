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
import type { BootstrapEndpoint, Platform, PlatformContext, UserDataDelivery } from "./platform-legacy";
import { ClusterPki } from "./pki";
import { renderNodeBootstrap, kubeProxyReplaced } from "../bootstrap/render";
import { renderByTemplate } from "../bootstrap/template";
import type { NodeBootstrap, PkiMaterial } from "../bootstrap/types";
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
    /** The platform that builds the machines. */
    platform: Platform<unknown>;
    /** The platform's validated config. */
    platformConfig: unknown;
    /** How long to wait for the API after the machines exist, in seconds (default 1800). */
    readinessTimeoutSeconds?: number;
}

/** Groups one platform's resources: type `kubeforge:<platform>:Infrastructure`. */
class PlatformInfrastructure extends pulumi.ComponentResource {
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
        const { spec, nodes, platform, platformConfig } = args;

        const pki = new ClusterPki(`${name}-pki`, { clusterName: spec.name }, { parent: this });
        const facts = platform.bootstrapFacts(platformConfig, spec);
        // The PKI material per role is one Output shared by every node of that role: building it per
        // node cost a dozen Output hops each (the bench's evaluation profile).
        const materials = new Map<NodePlan["role"], pulumi.Output<PkiMaterial>>();
        const material = (role: NodePlan["role"]) => {
            let m = materials.get(role);
            if (!m) materials.set(role, (m = pkiMaterial(pki, role)));
            return m;
        };

        // The platform's resources hang under one component named after it, so the tree (and
        // `pulumi stack --show-urns`) separates infrastructure from the core's resources.
        const infrastructure = new PlatformInfrastructure(platform.name, `${name}-${platform.name}`, { parent: this });
        const ctx: PlatformContext<unknown> = {
            spec,
            config: platformConfig,
            nodes,
            pki,
            parent: infrastructure,
            renderBootstrap: (node, endpoint) => renderBootstrapOutput(spec, node, endpoint, material(node.role), facts),
            renderUserData: (userDataNodes, endpoint, delivery) =>
                renderUserDataOutputs(spec, userDataNodes, endpoint, material, facts, delivery),
        };
        const built = platform.create(name, ctx);

        this.endpoint = pulumi.interpolate`https://${built.endpointHost}:${built.endpointPort}`;
        const connection = {
            endpoint: this.endpoint,
            caCert: pki.caCert,
            clientCert: pki.adminCert,
            clientKey: pki.adminKey,
        };

        const masters = built.machines.filter((m) => m.node.role === "control-plane");
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
            { parent: this, dependsOn: masters.flatMap((m) => m.dependsOn) },
        );
        this.apiServerVersion = readiness.serverVersion;

        // Masters' records form a chain: Pulumi deletes dependents first, so removing several masters
        // removes them (and their etcd members) one at a time, highest ordinal first, never two at once.
        let previousMaster: NodeLifecycle | undefined;
        for (const machine of built.machines) {
            const node = machine.node;
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
                    // A platform that removes nodes itself (bare metal over SSH) drains them there.
                    skipDrain: machine.handlesRemoval === true || !spec.lifecycle.drainOnDelete,
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
        const cniEndpoint = built.endpointHost.apply((host) => ({ host, port: built.endpointPort }));
        const cni = cniAddons(spec, cniEndpoint, kubeProxyReplaced(spec));
        new ClusterAddons(
            `${name}-addons`,
            {
                provider,
                addons: [...cni, ...built.addons],
                dependsOn: [readiness],
            },
            { parent: this },
        );

        // One `all` over every id and address, one apply: an Output per node in between cost about
        // 1.5 ms of evaluation a node (the SDK tracks each Output's resources and state), for nothing.
        this.nodes = pulumi.all(built.machines.flatMap((m) => [m.machineId, m.privateIp])).apply((values) =>
            built.machines.map((m, i) => ({
                name: m.node.name,
                role: m.node.role,
                pool: m.node.pool,
                failureDomain: m.node.failureDomain,
                os: m.node.os,
                machineId: values[2 * i],
                privateIp: values[2 * i + 1],
            })),
        );
        this.platformOutputs = built.extraOutputs ?? {};

        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            endpoint: this.endpoint,
            nodes: this.nodes,
            apiServerVersion: this.apiServerVersion,
        });
    }
}

/** The PKI material a node of `role` receives: every CA key for masters, the CA certificate and token for workers. */
function pkiMaterial(pki: ClusterPki, role: NodePlan["role"]): pulumi.Output<PkiMaterial> {
    return role === "control-plane"
        ? pulumi
              .all([
                  pki.caCert,
                  pki.caKey,
                  pki.etcdCaCert,
                  pki.etcdCaKey,
                  pki.frontProxyCaCert,
                  pki.frontProxyCaKey,
                  pki.serviceAccountKey,
                  pki.serviceAccountPub,
                  pki.bootstrapToken,
                  pki.encryptionKey,
              ])
              .apply(
                  ([
                      caCert,
                      caKey,
                      etcdCaCert,
                      etcdCaKey,
                      frontProxyCaCert,
                      frontProxyCaKey,
                      serviceAccountKey,
                      serviceAccountPub,
                      bootstrapToken,
                      encryptionKey,
                  ]) => ({
                      caCert,
                      caKey,
                      etcdCaCert,
                      etcdCaKey,
                      frontProxyCaCert,
                      frontProxyCaKey,
                      serviceAccountKey,
                      serviceAccountPub,
                      bootstrapToken,
                      encryptionKey,
                  }),
              )
        : pulumi.all([pki.caCert, pki.bootstrapToken]).apply(([caCert, bootstrapToken]) => ({ caCert, bootstrapToken }));
}

/** Resolves the endpoint and renders one node's bootstrap (secret: it holds the token, masters the CA keys). */
function renderBootstrapOutput(
    spec: ClusterSpec,
    node: NodePlan,
    endpoint: BootstrapEndpoint,
    material: pulumi.Output<PkiMaterial>,
    facts: ReturnType<Platform<unknown>["bootstrapFacts"]>,
): pulumi.Output<NodeBootstrap> {
    return pulumi.secret(
        pulumi.all([endpoint.host, pulumi.all(endpoint.extraSans ?? []), material]).apply(([host, extraSans, pkiMaterial]) =>
            renderNodeBootstrap({
                spec,
                node,
                endpoint: { host, port: endpoint.port },
                extraSans,
                pki: pkiMaterial,
                facts,
            }),
        ),
    );
}

/**
 * Every node's user data: one Output per role (the PKI material differs), inside which nodes that
 * differ only by name are rendered once ({@link renderByTemplate}); then one Output per node. Secret:
 * the material is.
 */
function renderUserDataOutputs(
    spec: ClusterSpec,
    nodes: NodePlan[],
    endpoint: BootstrapEndpoint,
    material: (role: NodePlan["role"]) => pulumi.Output<PkiMaterial>,
    facts: ReturnType<Platform<unknown>["bootstrapFacts"]>,
    delivery: UserDataDelivery,
): pulumi.Output<string>[] {
    const out = new Array<pulumi.Output<string>>(nodes.length);
    for (const role of ["control-plane", "worker"] as const) {
        const indexes = nodes.flatMap((n, i) => (n.role === role ? [i] : []));
        if (indexes.length === 0) continue;
        const roleNodes = indexes.map((i) => nodes[i]);
        const all = pulumi.secret(
            pulumi.all([endpoint.host, pulumi.all(endpoint.extraSans ?? []), material(role)]).apply(([host, extraSans, pki]) => {
                const render = (node: NodePlan) =>
                    delivery.format(
                        renderNodeBootstrap({ spec, node, endpoint: { host, port: endpoint.port }, extraSans, pki, facts }),
                        node,
                    );
                const texts = renderByTemplate(roleNodes, render);
                return texts.map((text, j) => delivery.encode(text, roleNodes[j]));
            }),
        );
        indexes.forEach((i, j) => (out[i] = all.apply((values) => values[j])));
    }
    return out;
}
