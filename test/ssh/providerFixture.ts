/**
 * Test fixture: three real sshd hosts (m0, m1, w0) whose PATH holds a stub `kubeadm` (and `kubectl`,
 * which must never run now that the delete only resets), all writing to one shared log, plus the
 * HostBootstrap props of each. Registers its hooks in the calling `describe`.
 */
import { after, before, beforeEach } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { keygen, startSshd, type SshdHost } from "./sshd";
import {
    hostBootstrapProvider,
    HOST_BOOTSTRAP_PROVIDER_VERSION,
    type HostBootstrapOutputs,
    type HostBootstrapProps,
} from "../../bootstrap/ssh/provider";

const KUBECTL_STUB = `#!/bin/bash
echo "$KF_HOST kubectl $*" >> "$KF_LOG"
exit 0
`;
const KUBEADM_STUB = `#!/bin/bash
echo "$KF_HOST kubeadm $*" >> "$KF_LOG"
`;

/** What {@link providerHosts} gives a test. */
export interface ProviderHosts {
    /** The temp dir of everything (each host's files under `<root>/<node>`). */
    readonly root: string;
    /** The hosts by node name. */
    readonly hosts: Record<string, SshdHost>;
    /** The client key every host accepts. */
    readonly client: { privateKey: string; publicKey: string };
    /** Props of a node's HostBootstrap, with overrides. */
    props(node: string, overrides?: Partial<HostBootstrapProps>): HostBootstrapProps;
    /** Creates and returns the outputs. */
    created(p: HostBootstrapProps): Promise<HostBootstrapOutputs>;
    /** Lines of the shared log (emptied before each test). */
    logLines(): string[];
    /** Empties the shared log. */
    clearLog(): void;
}

/** Starts the hosts before the suite and stops them after it. */
export function providerHosts(): ProviderHosts {
    let root: string;
    let log: string;
    const hosts: Record<string, SshdHost> = {};
    const client = { privateKey: "", publicKey: "" };

    before(async () => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "kf-provider-"));
        log = path.join(root, "log");
        const bin = path.join(root, "bin");
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(bin, "kubectl"), KUBECTL_STUB, { mode: 0o755 });
        fs.writeFileSync(path.join(bin, "kubeadm"), KUBEADM_STUB, { mode: 0o755 });
        Object.assign(client, keygen(root, "client"));
        for (const [name, address] of [
            ["m0", "127.0.0.21"],
            ["m1", "127.0.0.22"],
            ["w0", "127.0.0.23"],
        ]) {
            hosts[name] = await startSshd({
                host: address,
                clientKey: client,
                // KUBEFORGE_ROOT: the reset's cleanup acts under the host's own sandbox, not this machine's /etc.
                setEnv: { KF_HOST: name, KF_LOG: log, KF_DIR: root, KUBEFORGE_ROOT: path.join(root, name), PATH: `${bin}:/usr/bin:/bin` },
            });
            fs.mkdirSync(path.join(root, name));
        }
    });
    after(async () => {
        await Promise.all(Object.values(hosts).map((h) => h.stop()));
        fs.rmSync(root, { recursive: true, force: true });
    });
    beforeEach(() => fs.writeFileSync(log, ""));

    async function created(p: HostBootstrapProps): Promise<HostBootstrapOutputs> {
        const result = await hostBootstrapProvider.create(p);
        assert.ok(result.outs);
        return result.outs;
    }

    const logLines = () => fs.readFileSync(log, "utf8").split("\n").filter(Boolean);
    const clearLog = () => fs.writeFileSync(log, "");

    function props(node: string, overrides: Partial<HostBootstrapProps> = {}): HostBootstrapProps {
        const h = hosts[node];
        const dir = path.join(root, node);
        return {
            providerVersion: HOST_BOOTSTRAP_PROVIDER_VERSION,
            host: h.host,
            port: h.port,
            user: h.user,
            privateKey: client.privateKey,
            hostKey: h.hostKey.publicKey,
            nodeName: node,
            role: node.startsWith("m") ? "control-plane" : "worker",
            files: [
                {
                    path: `${dir}/lib/bootstrap.sh`,
                    content: `#!/bin/bash\necho "$KF_HOST bootstrap $*" >> "$KF_LOG"\n`,
                    permissions: "0755",
                },
                { path: `${dir}/etc/kubeadm.yaml`, content: "token: SECRET-TOKEN-abcdef\n", permissions: "0600" },
                { path: `${dir}/etc/labels`, content: "pool=a\n", permissions: "0644" },
            ],
            command: [`${dir}/lib/bootstrap.sh`, "--node", node],
            forceRemoveUnreachable: false,
            concurrency: 4,
            options: {
                connectTimeoutSeconds: 5,
                connectAttempts: 2,
                connectBackoffMs: 50,
                commandTimeoutSeconds: 60,
                stateDir: `${dir}/state`,
            },
            ...overrides,
        };
    }

    return {
        get root() {
            return root;
        },
        hosts,
        client,
        props,
        created,
        logLines,
        clearLog,
    };
}
