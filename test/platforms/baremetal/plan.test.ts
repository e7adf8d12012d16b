/**
 * The example bare-metal stack under the offline engine: the real program registers one HostBootstrap
 * per node under the Cluster, with secrets wrapped, the provider serialized (no private key inside it),
 * kube-vip on masters only, and the rendered bootstrap scripts passing shellcheck. No SSH happens.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { shellcheckErrors } from "../../helpers/validators";
import * as pulumi from "@pulumi/pulumi";
import { PlanEngine, isWrappedSecret, type PlanResource } from "../../../stacks/plan/mocks";
import baremetalMocks from "../../../components/platforms/baremetal/mocks";
import { readStackConfig, stackConfigPath } from "../../../stacks/plan/stackConfig";
import { resolveStack } from "../../../stacks/program";
import { HOST_BOOTSTRAP_PROVIDER_VERSION, HOST_BOOTSTRAP_TYPE } from "../../../bootstrap/ssh/provider";
import { KUBE_VIP_MANIFEST_PATH } from "../../../components/platforms/baremetal/kubevip";
import type { HostFile } from "../../../bootstrap/ssh/host";

const engine = new PlanEngine({ platform: baremetalMocks });
const config = readStackConfig(stackConfigPath("baremetal"), "baremetal");
const resolved = resolveStack(config.values);

function unwrap<T>(value: unknown): T {
    return (isWrappedSecret(value) ? value.value : value) as T;
}

describe("baremetal stack under the offline engine", () => {
    let hosts: PlanResource[] = [];
    let cluster: PlanResource | undefined;
    let outputs: Record<string, pulumi.Output<unknown>> = {};

    before(async () => {
        await engine.install(config.project, config.stack);
        pulumi.runtime.setAllConfig(config.values, config.secretKeys);
        const program = await import("../../../stacks/program.js");
        outputs = program.buildCluster(resolved).platform;
        await engine.settle();
        hosts = engine.ofType(HOST_BOOTSTRAP_TYPE);
        cluster = engine.ofType("kubeforge:cluster:Cluster")[0];
    });

    test("one HostBootstrap per node, under the Cluster (through the platform's component), named after the node", () => {
        assert.ok(cluster);
        assert.equal(hosts.length, resolved.nodes.length);
        for (const n of resolved.nodes)
            assert.ok(
                hosts.some((h) => h.name.endsWith(n.name) && h.inputs.nodeName === n.name),
                n.name,
            );
        for (const h of hosts) {
            let parent = h.parent ? engine.get(h.parent) : undefined;
            while (parent && parent !== cluster) parent = parent.parent ? engine.get(parent.parent) : undefined;
            assert.equal(parent, cluster, `${h.name} is under the Cluster`);
            assert.equal(h.custom, true);
            assert.equal(h.inputs.providerVersion, HOST_BOOTSTRAP_PROVIDER_VERSION);
        }
        // Named after the node alone (the cluster name once); the former name is an alias, so a stack
        // made before the rename re-bootstraps (or resets) no host.
        for (const h of hosts) {
            assert.equal(h.name, h.inputs.nodeName);
            assert.deepEqual(h.aliases, [`${resolved.spec.name}-${String(h.inputs.nodeName)}`]);
        }
        const init = hosts.find((h) => h.inputs.nodeName === "metal-cp-0")!;
        assert.equal(init.inputs.host, "192.0.2.11");
        assert.equal(init.inputs.role, "control-plane");
    });

    test("the private key, the files and the secrets are secret; no master's access is handed to a host; the provider holds no key", () => {
        for (const h of hosts) {
            assert.ok(isWrappedSecret(h.inputs.privateKey), `${h.name} privateKey`);
            assert.ok(isWrappedSecret(h.inputs.files), `${h.name} files`);
            // The delete only resets the host itself (NodeLifecycle drains through the API).
            assert.equal(h.inputs.controlPlane, undefined, `${h.name} controlPlane`);
            assert.ok(isWrappedSecret(h.inputs.secrets), `${h.name} secrets`);
            const provider = h.inputs.__provider;
            assert.equal(typeof provider, "string", "the provider is bundled into the inputs");
            assert.ok(!(provider as string).includes(unwrap<string>(h.inputs.privateKey)));
            assert.match(provider as string, /require\("ssh2"\)/);
            assert.doesNotMatch(provider as string, /require\("ssh2\/lib/);
        }
    });

    test("masters get kube-vip (the init master switching kubeconfig after init); workers do not", () => {
        for (const h of hosts) {
            const files = unwrap<HostFile[]>(h.inputs.files);
            const vip = files.find((f) => f.path === KUBE_VIP_MANIFEST_PATH);
            if (h.inputs.role === "worker") assert.equal(vip, undefined);
            else {
                assert.ok(vip);
                assert.equal(vip.finalContent !== undefined, h.inputs.nodeName === "metal-cp-0");
            }
            assert.equal(files.find((f) => f.path === "/etc/kubeforge/node-ip")?.content, `${h.inputs.host}\n`);
        }
    });

    test("the rendered bootstrap scripts, as uploaded side by side, pass shellcheck", async () => {
        const checked = new Set<string>();
        for (const h of hosts) {
            const files = unwrap<HostFile[]>(h.inputs.files);
            const command = unwrap<string[]>(h.inputs.command);
            assert.ok(
                files.some((f) => f.path === command[0]),
                "the command runs an uploaded script",
            );
            for (const f of files.filter((f) => f.path.endsWith(".sh"))) {
                const key = `${f.path}\0${f.content}`;
                if (checked.has(key)) continue;
                checked.add(key);
                // The node's other files by name, so `source` (of scripts and the env file) resolves.
                const siblings = Object.fromEntries(files.map((o) => [path.basename(o.path), o.content]));
                assert.deepEqual(
                    await shellcheckErrors(f.content, { siblings, name: path.basename(f.path) }),
                    [],
                    `${f.path} on ${h.name}`,
                );
            }
        }
        assert.ok(checked.size > 0, "some script was checked");
    });

    test("platform outputs name the init node and the endpoint kind; mock host keys are recorded", async () => {
        const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
        assert.equal(await value(outputs.endpointKind as pulumi.Output<string>), "vip");
        assert.match(await value(outputs.initNode as pulumi.Output<string>), /^metal-cp-0 on cp-a \(192\.0\.2\.11\)$/);
        const keys = await value(outputs.hostKeys as pulumi.Output<Record<string, string>>);
        assert.equal(Object.keys(keys).length, resolved.nodes.length);
        assert.match(keys["metal-cp-0"], /^ssh-ed25519 AAAA/);
    });
});
