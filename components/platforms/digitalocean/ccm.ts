/**
 * The DigitalOcean cloud controller manager, rendered as our own objects from its release manifest.
 *
 * Pinned: `digitalocean/digitalocean-cloud-controller-manager:v0.1.68`, the newest release, read from
 * `releases/digitalocean-cloud-controller-manager/v0.1.68.yml` (git tag v0.1.68, commit cee2339 of
 * 2026-07-06) in github.com/digitalocean/digitalocean-cloud-controller-manager. KubeOne pins v0.1.67.
 *
 * Kept from upstream: the ServiceAccount, ClusterRole and binding (same rules), host networking (it
 * reads the metadata service), `dnsPolicy: Default`, `system-cluster-critical`, the uninitialized
 * and control-plane tolerations, the token from Secret `kube-system/digitalocean` key `access-token`.
 * Changed, and why:
 * - a DaemonSet on the masters with leader election on, instead of one Deployment replica with
 *   `--leader-elect=false`: losing the master it ran on must not stop node initialisation and
 *   Service load balancers until the pod is rescheduled;
 * - `DO_CLUSTER_VPC_ID`: required when the cluster is not in the region's default VPC, or Service
 *   load balancers fail to be created (CCM `docs/getting-started.md`);
 * - `REGION` set, so nothing depends on the metadata service for it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { TOKEN_SECRET } from "./identity";
import { type ControllerPlacement, controlPlanePlacement } from "../../kit/ccm";

/** The pinned image. */
export const CCM_IMAGE = "docker.io/digitalocean/digitalocean-cloud-controller-manager:v0.1.68";

const NAME = "digitalocean-cloud-controller-manager";
const SERVICE_ACCOUNT = "cloud-controller-manager";
const CLUSTER_ROLE = "system:cloud-controller-manager";
/** The CCM on the masters, as upstream's manifest places it: it also tolerates `CriticalAddonsOnly`. */
function controllerPlacement(): ControllerPlacement {
    return controlPlanePlacement({ alsoTolerate: [{ key: "CriticalAddonsOnly", operator: "Exists" }] });
}

/** The ClusterRole rules of the release manifest. */
const RULES: Record<string, unknown>[] = [
    { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "watch", "list", "create", "update", "delete"] },
    { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "update"] },
    { apiGroups: [""], resources: ["nodes"], verbs: ["*"] },
    { apiGroups: [""], resources: ["nodes/status"], verbs: ["patch"] },
    { apiGroups: [""], resources: ["services"], verbs: ["list", "patch", "update", "watch"] },
    { apiGroups: [""], resources: ["services/status"], verbs: ["list", "patch", "update", "watch"] },
    { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["create"] },
    { apiGroups: [""], resources: ["persistentvolumes"], verbs: ["get", "list", "update", "watch"] },
    { apiGroups: [""], resources: ["endpoints"], verbs: ["create", "get", "list", "watch", "update"] },
];

/**
 * The cloud controller's objects, in apply order.
 * @param region - the region slug (`REGION`)
 * @param vpcId - the cluster's VPC (`DO_CLUSTER_VPC_ID`)
 */
export function ccmObjects(region: string, vpcId: pulumi.Input<string>): pulumi.Input<Record<string, unknown>>[] {
    const placement = controllerPlacement();
    const labels = { app: NAME };
    return [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: SERVICE_ACCOUNT, namespace: TOKEN_SECRET.namespace } },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: { name: CLUSTER_ROLE, annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" } },
            rules: RULES,
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: { name: CLUSTER_ROLE },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: CLUSTER_ROLE },
            subjects: [{ kind: "ServiceAccount", name: SERVICE_ACCOUNT, namespace: TOKEN_SECRET.namespace }],
        },
        {
            apiVersion: "apps/v1",
            kind: "DaemonSet",
            metadata: { name: NAME, namespace: TOKEN_SECRET.namespace, labels },
            spec: {
                selector: { matchLabels: labels },
                updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
                template: {
                    metadata: { labels },
                    spec: {
                        dnsPolicy: "Default",
                        hostNetwork: placement.hostNetwork,
                        serviceAccountName: SERVICE_ACCOUNT,
                        priorityClassName: "system-cluster-critical",
                        nodeSelector: placement.nodeSelector,
                        tolerations: placement.tolerations,
                        containers: [
                            {
                                name: NAME,
                                image: CCM_IMAGE,
                                imagePullPolicy: "IfNotPresent",
                                command: ["/bin/digitalocean-cloud-controller-manager", "--leader-elect=true"],
                                resources: { requests: { cpu: "100m", memory: "50Mi" } },
                                env: [
                                    {
                                        name: "DO_ACCESS_TOKEN",
                                        valueFrom: { secretKeyRef: { name: TOKEN_SECRET.name, key: TOKEN_SECRET.key } },
                                    },
                                    { name: "DO_CLUSTER_VPC_ID", value: vpcId },
                                    { name: "REGION", value: region },
                                ],
                            },
                        ],
                    },
                },
            },
        },
    ];
}
