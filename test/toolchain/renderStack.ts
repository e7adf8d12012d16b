/**
 * Runs a shipped stack's real program under the plan engine's mocks (with real certificates, see
 * realTls.ts) and prints, as JSON on stdout, what kubeadm and the API server need to judge it: every
 * node bootstrap the program rendered (exactly the objects handed to the platform, caught on their way
 * through the platform context), the stack's kubeconfig output and the addon manifests registered.
 * One stack per process: the SDK keeps global state (see stacks/plan/run.ts).
 *
 * Usage: tsx test/toolchain/renderStack.ts STACK_CONFIG_FILE (e.g. stacks/Pulumi.aws.yaml). The output holds secrets (the
 * test's own throwaway PKI): tests write it only into their temp folders.
 */
import { gunzipSync } from "node:zlib";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import type { NodeBootstrap } from "../../bootstrap/types";
import type { NodePlan } from "../../components/core/types";
import { PlanEngine, outputValue, isWrappedSecret } from "../../stacks/plan/mocks";
import { platformMocks } from "../../stacks/plan/run";
import { readStackConfig } from "../../stacks/plan/stackConfig";
import { resolveStack, type ResolvedStack } from "../../stacks/program";
import { REAL_TLS_OUTPUTS } from "./realTls";

/** One node's rendered bootstrap. */
export interface RenderedNode {
    node: NodePlan;
    bootstrap: NodeBootstrap;
}

/** A Kubernetes object the program registers through `@pulumi/kubernetes` (not a Helm chart). */
export interface RegisteredManifest {
    /** Pulumi type token, e.g. `kubernetes:storage.k8s.io/v1:StorageClass`. */
    type: string;
    /** The object as the provider would send it. */
    object: Record<string, unknown>;
}

/** What {@link renderStack} prints. */
export interface RenderedStack {
    stack: string;
    /** Where the stack came from when not `stacks/Pulumi.<stack>.yaml` (tests' own clusters). */
    source?: string;
    platform: string;
    kubernetesVersion: string;
    nodes: RenderedNode[];
    kubeconfig: string;
    manifests: RegisteredManifest[];
    /** Helm releases the program registers (named only: their charts cannot be fetched here). */
    helmReleases: string[];
    /** Patch resources (named only: they apply over objects a Helm chart creates). */
    patches: string[];
}

/**
 * The files a cloud-config user data writes (what the machine gets), decoded back into a bootstrap.
 *
 * @param value - the user data as delivered
 * @param encoding - `gzip+base64`, `base64` or `plain`
 */
export function bootstrapFromUserData(value: string, encoding: string | undefined): NodeBootstrap {
    const raw =
        encoding === "gzip+base64"
            ? gunzipSync(Buffer.from(value, "base64"))
            : encoding === "base64"
              ? Buffer.from(value, "base64")
              : Buffer.from(value);
    const doc = parse(raw.toString("utf8")) as {
        write_files?: { path: string; content?: string; encoding?: string; permissions?: string }[];
    };
    const files = (doc.write_files ?? []).map((f) => {
        const content = f.content ?? "";
        const text =
            f.encoding === "gz+b64" || f.encoding === "gzip+base64"
                ? gunzipSync(Buffer.from(content, "base64")).toString("utf8")
                : f.encoding === "b64" || f.encoding === "base64"
                  ? Buffer.from(content, "base64").toString("utf8")
                  : content;
        return { path: f.path, content: text, permissions: f.permissions ?? "0644" };
    });
    return { nodeName: "", files, command: [], containsSecrets: true };
}

/** The platform a stack resolved to. */
type AnyPlatform = ResolvedStack["platform"];

/** Wraps a platform so every bootstrap the core hands one of its machines is also recorded in `sink`. */
function recording(platform: AnyPlatform, sink: Map<string, NodeBootstrap>): AnyPlatform {
    const createMachine: AnyPlatform["createMachine"] = (name, node, delivered, ctx) => {
        if (delivered.kind === "ssh") delivered.bootstrap.apply((b) => sink.set(node.name, b));
        else if (delivered.form.format === "cloud-config") {
            const encoding = delivered.form.encoding;
            delivered.value.apply((v) => sink.set(node.name, bootstrapFromUserData(v, encoding)));
        }
        return platform.createMachine(name, node, delivered, ctx);
    };
    return Object.assign(Object.create(platform) as AnyPlatform, { createMachine });
}

function reveal(value: unknown): unknown {
    if (isWrappedSecret(value)) return reveal(value.value);
    if (Array.isArray(value)) return value.map(reveal);
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
    }
    return value;
}

/** Runs the stack and collects what it rendered. */
export async function renderStack(configFile: string): Promise<RenderedStack> {
    const config = readStackConfig(configFile);
    const resolved = resolveStack(config.values);
    const own = platformMocks(resolved.platform.name);
    const engine = new PlanEngine({ platform: { calls: own?.calls, outputs: { ...own?.outputs, ...REAL_TLS_OUTPUTS } } });
    await engine.install(config.project, config.stack);
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);

    // Imported only now, as in stacks/plan/run.ts: modules that register resources load after the mocks.
    const program = await import("../../stacks/program.js");
    const sink = new Map<string, NodeBootstrap>();
    const outputs = program.buildCluster({ ...resolved, platform: recording(resolved.platform, sink) });
    const kubeconfig = await outputValue(outputs.kubeconfig);
    await engine.settle();

    const manifests: RegisteredManifest[] = [];
    const helmReleases: string[] = [];
    const patches: string[] = [];
    for (const r of engine.resources) {
        if (!r.type.startsWith("kubernetes:") || r.type === "pulumi:providers:kubernetes") continue;
        const inputs = reveal(r.inputs) as Record<string, unknown>;
        if (r.type.startsWith("kubernetes:helm.sh/")) helmReleases.push(`${r.type} ${r.name}`);
        // A ConfigGroup is a remote component: the engine sees its objects as its input.
        else if (r.type.startsWith("kubernetes:yaml/")) {
            for (const object of (inputs.objs as Record<string, unknown>[] | undefined) ?? []) manifests.push({ type: r.type, object });
        } else if (r.type.endsWith("Patch")) {
            // A patch of an object a Helm chart creates (e.g. the EBS CSI controller's host network): it
            // can only be applied over that object, which cannot be installed here, so it is listed instead.
            patches.push(`${r.type} ${r.name}`);
        } else if (r.custom) manifests.push({ type: r.type, object: inputs });
    }
    return {
        stack: config.stack,
        platform: resolved.platform.name,
        kubernetesVersion: resolved.spec.kubernetesVersion,
        // Only real nodes (the template renderer also renders a placeholder node).
        nodes: resolved.nodes.flatMap((node) => {
            const bootstrap = sink.get(node.name);
            return bootstrap ? [{ node, bootstrap }] : [];
        }),
        kubeconfig,
        manifests,
        patches,
        helmReleases,
    };
}

if (require.main === module) {
    const file = process.argv[2];
    if (!file) {
        console.error("usage: tsx test/toolchain/renderStack.ts <stack config file>");
        process.exit(2);
    }
    renderStack(file).then(
        (result) => {
            // Exit once the pipe took everything (the SDK's mock monitor keeps handles open).
            process.stdout.write(JSON.stringify(result), () => process.exit(0));
        },
        (err: unknown) => {
            console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
            process.exit(1);
        },
    );
}
