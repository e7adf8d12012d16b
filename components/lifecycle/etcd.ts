/**
 * Removing a departing master's etcd member, so the cluster never counts a dead member towards its
 * quorum. etcd is not reachable through the Kubernetes API, so a short-lived pod on ANOTHER master
 * (host network, the host's etcd client certificates) runs `etcdctl` against that master's local
 * member. Two pods run, one per command, because the etcd image has no shell to script both:
 * `member list` (to find the id of the member named after the node) and `member remove <id>`.
 *
 * Bundled into the NodeLifecycle provider's text by esbuild (components/dynamic.ts): no runtime
 * import of `@pulumi/pulumi` here.
 */
import type { KubeApi } from "./kubeapi";
import type { DrainClock, KubeNode } from "./drain";

/** Options of {@link removeEtcdMember}. */
export interface EtcdRemovalOptions extends DrainClock {
    /** Kubernetes name of the departing master; kubeadm names its etcd member after it. */
    nodeName: string;
    /** Control-plane version (`1.36.3`): picks the etcd image when the running one cannot be read. */
    kubernetesVersion: string;
    /** Give up after this many seconds (each etcdctl pod). */
    timeoutSeconds: number;
    /** Progress messages (never secrets). */
    log?: (message: string) => void;
}

/** What {@link removeEtcdMember} did. */
export type EtcdRemovalOutcome =
    { result: "removed"; memberId: string; via: string } | { result: "absent"; via: string } | { result: "skipped"; reason: string };

/** One row of `etcdctl member list` (simple output). */
export interface EtcdMember {
    /** Member id, hexadecimal, as `member remove` takes it. */
    id: string;
    /** `started` or `unstarted`. */
    status: string;
    /** Member name: kubeadm uses the node name. */
    name: string;
}

/** Label of kubeadm's masters. */
export const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";

/**
 * etcd image tags used only when the running etcd static pod's image cannot be read: the tag kubeadm
 * of each minor's pinned patch deploys (`constants.DefaultEtcdVersion` of k8s.io/kubernetes v1.34.11,
 * v1.35.8, v1.36.4; the default minor's is checked against the real kubeadm in
 * test/toolchain/toolchain.test.ts), so the image is already on the master and needs no pull.
 */
export const ETCD_FALLBACK_TAGS: Record<string, string> = { "1.34": "3.6.5-0", "1.35": "3.6.6-0", "1.36": "3.6.8-0" };

const ETCD_PKI = "/etc/kubernetes/pki/etcd";

/** Parses `etcdctl member list` simple output (`id, status, name, peerURLs, clientURLs, isLearner`). */
export function parseMemberList(text: string): EtcdMember[] {
    const members: EtcdMember[] = [];
    for (const line of text.split("\n")) {
        const parts = line.split(",").map((p) => p.trim());
        if (parts.length < 3 || !/^[0-9a-f]+$/i.test(parts[0])) continue;
        members.push({ id: parts[0], status: parts[1], name: parts[2] });
    }
    return members;
}

function isReady(node: KubeNode): boolean {
    return (node.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** The pod that runs one etcdctl command on `hostNode` against its local member. */
export function etcdctlPod(name: string, hostNode: string, image: string, args: string[]): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name,
            namespace: "kube-system",
            labels: { "app.kubernetes.io/managed-by": "kubeforge", "kubeforge.io/task": "etcd-member-removal" },
        },
        spec: {
            nodeName: hostNode,
            hostNetwork: true,
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            priorityClassName: "system-node-critical",
            tolerations: [{ key: CONTROL_PLANE_LABEL, operator: "Exists", effect: "NoSchedule" }, { operator: "Exists" }],
            containers: [
                {
                    name: "etcdctl",
                    image,
                    command: [
                        "etcdctl",
                        "--endpoints=https://127.0.0.1:2379",
                        `--cacert=${ETCD_PKI}/ca.crt`,
                        `--cert=${ETCD_PKI}/healthcheck-client.crt`,
                        `--key=${ETCD_PKI}/healthcheck-client.key`,
                        "--dial-timeout=10s",
                        "--command-timeout=30s",
                        ...args,
                    ],
                    env: [{ name: "ETCDCTL_API", value: "3" }],
                    volumeMounts: [{ name: "etcd-pki", mountPath: ETCD_PKI, readOnly: true }],
                },
            ],
            volumes: [{ name: "etcd-pki", hostPath: { path: ETCD_PKI, type: "Directory" } }],
        },
    };
}

/**
 * Runs one etcdctl command in a pod on `hostNode`, waits for it to finish, returns its log and deletes
 * the pod (also on failure). Throws when the pod fails or does not finish in time.
 */
export async function runEtcdctl(
    api: KubeApi,
    hostNode: string,
    image: string,
    args: string[],
    options: EtcdRemovalOptions,
): Promise<string> {
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const suffix = `${now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
    const name = `kubeforge-etcdctl-${args[1] ?? "cmd"}-${suffix}`.slice(0, 63).replace(/-+$/, "");
    const base = "/api/v1/namespaces/kube-system/pods";
    await api.post(base, etcdctlPod(name, hostNode, image, args));
    const deadline = now() + options.timeoutSeconds * 1000;
    let delay = options.initialDelayMs ?? 1000;
    try {
        let phase = "";
        let waiting = "";
        for (;;) {
            const pod = await api.get<{ status?: { phase?: string; containerStatuses?: { state?: { waiting?: { reason?: string } } }[] } }>(
                `${base}/${name}`,
            );
            phase = pod.status?.phase ?? "";
            waiting = pod.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? "";
            if (phase === "Succeeded" || phase === "Failed") break;
            if (now() >= deadline) {
                throw new Error(
                    `etcdctl ${args.join(" ")} on ${hostNode} did not finish within ${options.timeoutSeconds}s (pod ${name} is ${phase || "unknown"}${waiting ? `, ${waiting}` : ""})`,
                );
            }
            await sleep(delay);
            delay = Math.min(delay * 2, options.maxDelayMs ?? 5000);
        }
        const logs = await api.getText(`${base}/${name}/log`);
        if (phase !== "Succeeded") throw new Error(`etcdctl ${args.join(" ")} on ${hostNode} failed: ${logs.trim().slice(0, 500)}`);
        return logs;
    } finally {
        await api.delete(`${base}/${name}`).catch(() => undefined);
    }
}

/**
 * Removes the etcd member named after `nodeName`, running etcdctl on another master (Ready and not
 * cordoned first). Skips when no other master exists (the last one: the cluster is going away) and
 * succeeds when the member is already gone.
 */
export async function removeEtcdMember(api: KubeApi, options: EtcdRemovalOptions): Promise<EtcdRemovalOutcome> {
    const log = options.log ?? (() => undefined);
    const masters = (await api.list<KubeNode>("/api/v1/nodes", { labelSelector: CONTROL_PLANE_LABEL })).items.filter(
        (n) => n.metadata.name !== options.nodeName,
    );
    const ranked = [...masters].sort((a, b) => score(b) - score(a));
    function score(n: KubeNode): number {
        return (isReady(n) ? 2 : 0) + (n.spec?.unschedulable ? 0 : 1);
    }
    const host = ranked[0];
    if (!host || !isReady(host)) {
        const reason = host
            ? `no other Ready control-plane node (found ${masters.map((m) => m.metadata.name).join(", ")})`
            : "no other control-plane node";
        if (host)
            throw new Error(
                `cannot remove the etcd member of ${options.nodeName}: ${reason}; bring a master back or remove the member by hand with etcdctl`,
            );
        log(`${reason}: leaving etcd as it is (the cluster's last master)`);
        return { result: "skipped", reason };
    }
    const via = host.metadata.name;
    let image: string | undefined;
    const etcdPod = await api.request("GET", `/api/v1/namespaces/kube-system/pods/etcd-${encodeURIComponent(via)}`);
    if (etcdPod.status === 200) {
        image = (etcdPod.json as { spec?: { containers?: { image?: string }[] } }).spec?.containers?.[0]?.image;
    }
    if (!image) {
        const minor = options.kubernetesVersion.replace(/^v/, "").split(".").slice(0, 2).join(".");
        image = `registry.k8s.io/etcd:${ETCD_FALLBACK_TAGS[minor] ?? ETCD_FALLBACK_TAGS["1.36"]}`;
    }
    const list = parseMemberList(await runEtcdctl(api, via, image, ["member", "list"], options));
    const member = list.find((m) => m.name === options.nodeName);
    if (!member) {
        log(`etcd has no member named ${options.nodeName} (members: ${list.map((m) => m.name || m.id).join(", ")}); nothing to remove`);
        return { result: "absent", via };
    }
    const out = await runEtcdctl(api, via, image, ["member", "remove", member.id], options);
    if (!/removed/i.test(out))
        throw new Error(`etcdctl member remove ${member.id} on ${via} did not confirm the removal: ${out.trim().slice(0, 300)}`);
    log(`removed etcd member ${member.id} (${options.nodeName}) via ${via}`);
    return { result: "removed", memberId: member.id, via };
}
