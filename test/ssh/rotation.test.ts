/**
 * Bootstrap token rotation on bare metal: an `up` that mints a fresh token changes every host's
 * bootstrap inputs (the join config, the first master's init config, the expiry in the environment),
 * but only a host not bootstrapped yet needs it. The HostBootstrap provider, against real sshd hosts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { providerHosts } from "./providerFixture";
import { isoHoursFromNow } from "../helpers/clock";
import { hostBootstrapProvider, type HostBootstrapOutputs, type HostBootstrapProps } from "../../bootstrap/ssh/provider";

const OLD = { token: "abcdef.0123456789abcdef", expires: isoHoursFromNow(24) };
const NEW = { token: "ghijkl.fedcba9876543210", expires: isoHoursFromNow(48) };

describe("bootstrap token rotation on bare metal", () => {
    const { props, created, logLines, clearLog } = providerHosts();

    /** A host's props carrying `t` as the kubeadm bootstrap does: in the join config and the environment. */
    function withToken(node: string, t: typeof OLD, overrides: Partial<HostBootstrapProps> = {}): HostBootstrapProps {
        const p = props(node);
        const files = p.files.map((f) =>
            f.path.endsWith("kubeadm.yaml") ? { ...f, content: `discovery:\n  bootstrapToken:\n    token: ${t.token}\n`, secret: true } : f,
        );
        const env = {
            path: p.files[0].path.replace(/lib\/bootstrap\.sh$/, "etc/env"),
            content: `KUBEFORGE_TOKEN_EXPIRES=${t.expires}\n`,
            permissions: "0600",
        };
        return { ...p, files: [...files, env], secrets: [t.token, "ENCRYPTION-KEY"], volatile: [t.token, t.expires], ...overrides };
    }

    const tokenFile = (p: HostBootstrapProps) => fs.readFileSync(p.files.find((f) => f.path.endsWith("kubeadm.yaml"))!.path, "utf8");

    test("a new token alone: no change on a joined host; a new host joins with the new token", async () => {
        const joined = await created(withToken("m0", OLD));
        clearLog();
        const rotated = withToken("m0", NEW);
        assert.deepEqual(await hostBootstrapProvider.diff!("id", joined, rotated), {
            changes: false,
            replaces: [],
            deleteBeforeReplace: false,
        });

        // With another, state-only change the engine calls update: still nothing on the host, and state
        // keeps what the host has (the old token's file hashes and redactions).
        const both = { ...rotated, forceRemoveUnreachable: true };
        assert.equal((await hostBootstrapProvider.diff!("id", joined, both)).changes, true);
        const { outs } = await hostBootstrapProvider.update!("id", joined, both);
        assert.deepEqual(logLines(), [], "the bootstrap did not rerun");
        assert.match(tokenFile(rotated), new RegExp(OLD.token));
        assert.deepEqual(outs!.fileHashes, joined.fileHashes);
        assert.ok(outs!.redactions?.includes(OLD.token));
        assert.equal(outs!.forceRemoveUnreachable, true);
        // And the next up with the same new token sees nothing to do either.
        assert.equal((await hostBootstrapProvider.diff!("id", outs!, both)).changes, false);

        const fresh = withToken("w0", NEW);
        await created(fresh);
        assert.deepEqual(logLines(), ["w0 bootstrap --node w0"]);
        assert.match(tokenFile(fresh), new RegExp(NEW.token), "the new host got the new token");
    });

    test("a new token with a real change reruns the host with the new token", async () => {
        const joined = await created(withToken("m1", OLD));
        clearLog();
        const changed = withToken("m1", NEW);
        changed.files = changed.files.map((f) => (f.path.endsWith("labels") ? { ...f, content: "pool=b\n" } : f));
        assert.equal((await hostBootstrapProvider.diff!("id", joined, changed)).changes, true);
        await hostBootstrapProvider.update!("id", joined, changed);
        assert.deepEqual(logLines(), ["m1 bootstrap --node m1"]);
        assert.match(tokenFile(changed), new RegExp(NEW.token));
    });

    test("a token that is not declared volatile, or state from before, still reruns the host", async () => {
        const joined = await created(withToken("m1", OLD));
        assert.equal((await hostBootstrapProvider.diff!("id", joined, withToken("m1", NEW, { volatile: [] }))).changes, true);
        const older: HostBootstrapOutputs = { ...joined, stableHash: undefined };
        assert.equal((await hostBootstrapProvider.diff!("id", older, withToken("m1", NEW))).changes, true);
        // A host whose bootstrap never completed (no applied hash) takes the new token.
        assert.equal((await hostBootstrapProvider.diff!("id", { ...joined, appliedHash: "" }, withToken("m1", NEW))).changes, true);
    });
});
