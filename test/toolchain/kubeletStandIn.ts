/** A stand-in for the kubelet in tests of a control plane without nodes. */
import type { KubeApi } from "../../components/lifecycle/kubeapi";

/**
 * Plays the kubelet of a node that has none: marks its pods Running and Ready, and removes a pod once
 * it is being deleted (what the kubelet does when the containers have stopped).
 *
 * @param api - an admin client of the API server
 * @param nodeName - the Node whose pods it plays
 */
export function kubeletStandIn(api: KubeApi, nodeName: string): { stop: () => Promise<void> } {
    let running = true;
    const loop = (async () => {
        while (running) {
            const pods = await api.list<{
                metadata: { name: string; namespace: string; deletionTimestamp?: string };
                status?: { phase?: string };
            }>("/api/v1/pods", { fieldSelector: `spec.nodeName=${nodeName}` });
            for (const pod of pods.items) {
                const at = `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`;
                if (pod.metadata.deletionTimestamp)
                    await api.delete(at, { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 0 });
                else if (pod.status?.phase !== "Running") {
                    const now = new Date().toISOString();
                    await api.request("PATCH", `${at}/status`, {
                        body: { status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }] } },
                        contentType: "application/merge-patch+json",
                    });
                }
            }
            await new Promise((r) => setTimeout(r, 300));
        }
    })();
    return {
        stop: async () => {
            running = false;
            await loop;
        },
    };
}
