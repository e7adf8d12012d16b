/**
 * The ApiReadiness provider: what the engine's dynamic-provider host runs for the cluster record.
 * Bundled by esbuild into the resource's `__provider` text (see `components/dynamic.ts`), so this
 * module and what it reaches import `@pulumi/pulumi` for types only: the text must load without it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { createKubeApi } from "./kubeapi";
import { waitForApi } from "./wait";
import { changedKeys, withoutProvider } from "./diffing";
import type { ClusterRecord } from "./types";

/** What the provider receives: plain values (acceptSecrets=false). */
interface ReadinessInputs extends ClusterRecord {
    endpoint: string;
    caCert: string;
    clientCert: string;
    clientKey: string;
    timeoutSeconds: number;
    providerVersion: string;
    serverVersion?: string;
    [key: string]: unknown;
}

/** Fields that, when changed, make `update` wait for the API again. */
const RECHECK_KEYS = ["endpoint", "caCert"];

async function checkReady(inputs: ReadinessInputs): Promise<string> {
    const api = createKubeApi({
        endpoint: inputs.endpoint,
        caCert: inputs.caCert,
        clientCert: inputs.clientCert,
        clientKey: inputs.clientKey,
    });
    return waitForApi(api, {
        endpoint: inputs.endpoint,
        timeoutSeconds: Number(inputs.timeoutSeconds ?? 1800),
        log: (m) => console.log(`[kubeforge ${inputs.cluster}] ${m}`),
    });
}

/** The provider object; `ApiReadiness` (readiness.ts) registers it as bundled text. */
export const apiReadinessProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: ReadinessInputs): Promise<pulumi.dynamic.CreateResult> {
        const serverVersion = await checkReady(inputs);
        return { id: `${inputs.cluster}-api`, outs: { ...withoutProvider(inputs), serverVersion } };
    },
    async diff(_id: string, olds: ReadinessInputs, news: ReadinessInputs): Promise<pulumi.dynamic.DiffResult> {
        const changed = changedKeys(olds, news).filter((k) => k !== "serverVersion");
        return { changes: changed.length > 0, replaces: [] };
    },
    async update(_id: string, olds: ReadinessInputs, news: ReadinessInputs): Promise<pulumi.dynamic.UpdateResult> {
        const recheck = changedKeys(olds, news, RECHECK_KEYS).length > 0 || !olds.serverVersion;
        const serverVersion = recheck ? await checkReady(news) : olds.serverVersion;
        return { outs: { ...withoutProvider(news), serverVersion } };
    },
    async delete(): Promise<void> {
        // Nothing to undo: readiness is an observation.
    },
};
