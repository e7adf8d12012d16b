/**
 * The bare-metal inventory through the real config path (stack file → core parser → the platform's
 * parseConfig, placement and checkNodes), and the platform's pure renderers (kube-vip, addons).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import fc from "fast-check";
import { readStackConfig, stackConfigPath } from "../../../stacks/plan/stackConfig";
import { resolveStack } from "../../../stacks/program";
import { ConfigError, type ConfigIssue } from "../../../components/core/types";
import type { BaremetalConfig } from "../../../components/platforms/baremetal/config";
import { parsePoolEntry } from "../../../components/platforms/baremetal/config";
import { hostFor, placeBaremetalNodes } from "../../../components/platforms/baremetal/placement";
import { KUBE_VIP_IMAGE, KUBE_VIP_MANIFEST_PATH, kubeVipFiles } from "../../../components/platforms/baremetal/kubevip";
import { baremetalAddons, LOCAL_PATH_CHART, METALLB_CHART } from "../../../components/platforms/baremetal/addons";
import baremetal, { baremetalBootstrapFacts } from "../../../components/platforms/baremetal/index";
import { platformFiles } from "../../../components/platforms/baremetal/machines";
import { NODE_IP_FILE } from "../../../components/platforms/baremetal/network";
import { hostAddressProblem } from "../../../components/platforms/baremetal/config-hosts";
import { hostKeyProblem } from "../../../bootstrap/ssh/hostkey";

const example = readStackConfig(stackConfigPath("baremetal"), "baremetal");
type Block = { hosts: Record<string, unknown>[] } & Record<string, unknown>;
const exampleBlock = (): Block => JSON.parse(example.values["kubeforge:baremetal"]) as Block;

/** Resolves the example with the baremetal block (and other keys) replaced. */
function resolveWith(block: Block, other: Record<string, unknown> = {}) {
    const values: Record<string, string> = { ...example.values, "kubeforge:baremetal": JSON.stringify(block) };
    for (const [k, v] of Object.entries(other)) values[`kubeforge:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    return resolveStack(values);
}

function issuesOf(block: Block, other: Record<string, unknown> = {}): ConfigIssue[] {
    try {
        resolveWith(block, other);
    } catch (err) {
        if (err instanceof ConfigError) return err.issues;
        throw err;
    }
    assert.fail("expected a ConfigError");
}

function hasIssue(issues: ConfigIssue[], field: RegExp, message: RegExp): boolean {
    return issues.some((i) => field.test(i.field) && message.test(i.message));
}

describe("the example stack", () => {
    test("resolves to 3 masters in 3 racks, the first control-plane host inits, workers carry host labels", () => {
        const resolved = resolveStack(example.values);
        const config = resolved.platformConfig as BaremetalConfig;
        const masters = resolved.nodes.filter((n) => n.role === "control-plane");
        assert.deepEqual(
            masters.map((m) => m.failureDomain),
            ["rack-a", "rack-b", "rack-c"],
        );
        assert.deepEqual(
            masters.map((m) => m.initNode),
            [true, false, false],
        );
        assert.equal(hostFor(config, masters[0])?.name, "cp-a");
        const wa = resolved.nodes.find((n) => n.name === "metal-general-0")!;
        assert.equal(wa.labels["example.com/disk"], "ssd");
        assert.equal(hostFor(config, wa)?.address, "192.0.2.21");
        assert.deepEqual(config.endpoint, { kind: "vip", address: "192.0.2.10", interface: undefined });
        assert.ok(
            config.hosts.every((h) => h.address.startsWith("192.0.2.")),
            "documentation addresses only",
        );
        assert.equal(config.hosts.find((h) => h.name === "w-c")?.trustOnFirstUse, true);
        assert.equal(baremetalBootstrapFacts(config).cloudProvider, "none");
    });
});

describe("inventory validation reports every problem with field and fix", () => {
    test("duplicate address, host in two pools, count mismatch", () => {
        const block = exampleBlock();
        block.hosts[4].address = block.hosts[3].address; // same pool, same address
        block.hosts.push({ ...block.hosts[0], name: "cp-a-again", role: "worker", pool: "general" }); // a master's address as a worker
        const issues = issuesOf(block);
        assert.ok(hasIssue(issues, /baremetal\.hosts\[4\]\.address/, /already hosts\[3\].*list each machine once/), JSON.stringify(issues));
        assert.ok(hasIssue(issues, /baremetal\.hosts\[6\]\.address/, /one pool only.*"control-plane".*"general"/), JSON.stringify(issues));
        assert.ok(
            hasIssue(issues, /baremetal\.hosts$/, /pool "general" has 4 hosts but kubeforge:workerPools\[0\]\.count is 3/),
            JSON.stringify(issues),
        );
    });

    test("3 masters with spread required all in one rack are refused; preferred accepts them", () => {
        const block = exampleBlock();
        for (const h of block.hosts.slice(0, 3)) h.failureDomain = "rack-a";
        const issues = issuesOf(block);
        assert.ok(
            hasIssue(issues, /baremetal\.hosts$/, /3 control-plane hosts are in 1 failure domain \(rack-a\).*spread: required needs 3/),
            JSON.stringify(issues),
        );
        const resolved = resolveWith(block, { controlPlane: { count: 3, spread: "preferred" } });
        assert.deepEqual(
            resolved.nodes.filter((n) => n.role === "control-plane").map((n) => n.failureDomain),
            ["rack-a", "rack-a", "rack-a"],
        );
    });

    test("a VIP inside the service pool, the pod CIDR, or equal to a host", () => {
        const inPool = exampleBlock();
        inPool.endpoint = { vip: "192.0.2.241" };
        assert.ok(hasIssue(issuesOf(inPool), /baremetal\.endpoint\.vip/, /inside serviceAddressPool entry "192\.0\.2\.240\/28"/));
        const inPods = exampleBlock();
        inPods.endpoint = { vip: "10.244.3.3" };
        assert.ok(hasIssue(issuesOf(inPods), /baremetal\.endpoint\.vip/, /inside kubeforge:network\.podCidr/));
        const onHost = exampleBlock();
        onHost.endpoint = { vip: "192.0.2.12" };
        assert.ok(hasIssue(issuesOf(onHost), /baremetal\.endpoint\.vip/, /address of host cp-b/));
    });

    test("missing host key without trust-on-first-use, a bad key line, a public key given as private key", () => {
        const block = exampleBlock();
        delete block.hosts[1].hostKey;
        block.hosts[2].hostKey = "ssh-ed25519 not-base64!";
        block.hosts[3].privateKey = block.hosts[3].hostKey;
        const issues = issuesOf(block);
        assert.ok(hasIssue(issues, /hosts\[1\]\.hostKey/, /is required.*trustOnFirstUse: true/));
        assert.ok(hasIssue(issues, /hosts\[2\]\.hostKey/, /not complete base64/));
        assert.ok(hasIssue(issues, /hosts\[3\]\.privateKey/, /holds a public key/));
    });

    test("unknown pool, missing endpoint, pool overlapping the service CIDR, a host in the pool", () => {
        const block = exampleBlock();
        block.hosts[5].pool = "gpu";
        delete block.endpoint;
        block.serviceAddressPool = ["10.96.0.0/28", "192.0.2.20-192.0.2.22"];
        const issues = issuesOf(block);
        assert.ok(hasIssue(issues, /hosts\[5\]\.pool/, /"gpu" is not a worker pool; use one of general/));
        assert.ok(hasIssue(issues, /baremetal\.endpoint$/, /is required/));
        assert.ok(hasIssue(issues, /serviceAddressPool/, /"10\.96\.0\.0\/28" overlaps kubeforge:network\.serviceCidr/));
        assert.ok(hasIssue(issues, /serviceAddressPool/, /contains host w-a \(192\.0\.2\.21\)/));
    });

    test("pool entries: CIDR or range, IPv4 only, in order", () => {
        assert.deepEqual(parsePoolEntry("192.0.2.240/30"), { ok: true, value: { first: 0xc00002f0n, last: 0xc00002f3n } });
        assert.equal(parsePoolEntry("192.0.2.250-192.0.2.240").ok, false);
        assert.equal(parsePoolEntry("2001:db8::/64").ok, false);
        assert.equal(parsePoolEntry("nonsense").ok, false);
    });
});

describe("placement", () => {
    test("appending hosts to a pool never renames or moves an existing node", () => {
        const base = resolveStack(example.values);
        const config = base.platformConfig as BaremetalConfig;
        fc.assert(
            fc.property(fc.array(fc.constantFrom("rack-a", "rack-b", "rack-c", "rack-d"), { maxLength: 6 }), (racks) => {
                const extra = racks.map((rack, i) => ({
                    ...config.hosts[3],
                    name: `extra-${i}`,
                    address: `192.0.2.${100 + i}`,
                    failureDomain: rack,
                }));
                const grown: BaremetalConfig = { ...config, hosts: [...config.hosts, ...extra] };
                const spec = { ...base.spec, workerPools: base.spec.workerPools.map((p) => ({ ...p, count: p.count + extra.length })) };
                const before = placeBaremetalNodes(config, base.spec);
                const after = placeBaremetalNodes(grown, spec);
                for (const node of before) {
                    const same = after.find((n) => n.name === node.name);
                    assert.ok(same);
                    assert.equal(hostFor(grown, same)?.address, hostFor(config, node)?.address);
                    assert.equal(same.failureDomain, node.failureDomain);
                }
                const addresses = after.map((n) => hostFor(grown, n)?.address);
                assert.equal(new Set(addresses).size, after.length, "one host per node");
                assert.deepEqual(baremetal.checkNodes!(grown, spec, after), []);
            }),
            { numRuns: 30 },
        );
    });
});

describe("removing a host from the middle of a pool", () => {
    const base = resolveStack(example.values);
    const config = base.platformConfig as BaremetalConfig;

    test("with ordinals stated, the other hosts keep their node names and hosts", () => {
        const workers = config.hosts.filter((h) => h.pool === "general");
        const stated = config.hosts.map((h) => (h.pool === "general" ? { ...h, ordinal: workers.indexOf(h) } : h));
        const statedConfig: BaremetalConfig = { ...config, hosts: stated };
        const before = placeBaremetalNodes(statedConfig, base.spec);
        const middle = stated.find((h) => h.pool === "general" && h.ordinal === 1)!;
        const shrunk: BaremetalConfig = { ...config, hosts: stated.filter((h) => h !== middle) };
        const spec = { ...base.spec, workerPools: base.spec.workerPools.map((p) => ({ ...p, count: p.count - 1 })) };
        const after = placeBaremetalNodes(shrunk, spec);
        assert.deepEqual(
            before.filter((n) => n.name !== "metal-general-1").map((n) => [n.name, hostFor(statedConfig, n)?.address]),
            after.map((n) => [n.name, hostFor(shrunk, n)?.address]),
        );
        assert.ok(!after.some((n) => n.name === "metal-general-1"), "only the removed host's node leaves");
        assert.deepEqual(baremetal.checkNodes!(shrunk, spec, after), []);
    });

    test("the master with the lowest ordinal inits when master 0 has left", () => {
        const masters = config.hosts.filter((h) => h.role === "control-plane");
        const hosts = config.hosts
            .filter((h) => h !== masters[0])
            .map((h) => (h.role === "control-plane" ? { ...h, ordinal: masters.indexOf(h) } : h));
        const spec = { ...base.spec, controlPlane: { ...base.spec.controlPlane, count: 2 } };
        const nodes = placeBaremetalNodes({ ...config, hosts }, spec).filter((n) => n.role === "control-plane");
        assert.deepEqual(
            nodes.map((n) => [n.name, n.initNode]),
            [
                ["metal-cp-1", true],
                ["metal-cp-2", false],
            ],
        );
    });

    test("two hosts claiming one ordinal are refused, naming both", () => {
        const block = exampleBlock();
        const workers = block.hosts.filter((h) => h.pool === "general");
        workers[0].ordinal = 2;
        const issues = issuesOf(block);
        const a = block.hosts.indexOf(workers[0]);
        const b = block.hosts.indexOf(workers[2]);
        const clash = issues.filter((i) => /would both be node/.test(i.message));
        assert.equal(clash.length, 1, JSON.stringify(issues));
        assert.equal(clash[0].field, `kubeforge:baremetal.hosts[${b}].ordinal`);
        assert.match(
            clash[0].message,
            new RegExp(`^hosts\\[${a}\\] \\(.*\\) and hosts\\[${b}\\] \\(.*\\) would both be node 2 of pool general`),
        );
        // One error about one mistake: no cascade into "serves two nodes" or "wrong rack" about these hosts.
        assert.deepEqual(
            issues.filter((i) => /would serve both|is placed in/.test(i.message)),
            [],
            JSON.stringify(issues),
        );
    });
});

describe("kube-vip and addons", () => {
    const resolved = resolveStack(example.values);
    const config = resolved.platformConfig as BaremetalConfig;
    const settings = { address: "192.0.2.10", port: 6443, interface: "bond0" };

    test("the init master uses super-admin.conf until the bootstrap completes, then admin.conf; joiners admin.conf", () => {
        const [init, joiner] = resolved.nodes;
        const [initFile] = kubeVipFiles(init, settings);
        const [joinFile] = kubeVipFiles(joiner, settings);
        const kubeconfigOf = (text: string) =>
            (parse(text) as { spec: { volumes: { hostPath: { path: string } }[] } }).spec.volumes[0].hostPath.path;
        assert.equal(initFile.path, KUBE_VIP_MANIFEST_PATH);
        assert.equal(kubeconfigOf(initFile.content), "/etc/kubernetes/super-admin.conf");
        assert.equal(kubeconfigOf(initFile.finalContent!), "/etc/kubernetes/admin.conf");
        assert.equal(kubeconfigOf(joinFile.content), "/etc/kubernetes/admin.conf");
        assert.equal(joinFile.finalContent, undefined);
        const pod = parse(joinFile.content) as {
            spec: { hostNetwork: boolean; containers: { image: string; env: { name: string; value: string }[] }[] };
        };
        assert.equal(pod.spec.hostNetwork, true);
        const env = Object.fromEntries(pod.spec.containers[0].env.map((e) => [e.name, e.value]));
        assert.equal(env.address, "192.0.2.10");
        assert.equal(env.vip_interface, "bond0");
        assert.equal(env.cp_enable, "true");
        assert.equal(pod.spec.containers[0].image, KUBE_VIP_IMAGE);
        assert.deepEqual(
            kubeVipFiles(
                resolved.nodes.find((n) => n.role === "worker")!,
                settings,
            ),
            [],
        );
    });

    test("an external load balancer endpoint: no kube-vip; every host still pins its node IP", () => {
        const block = exampleBlock();
        block.endpoint = { loadBalancer: "api.example.com" };
        const lb = resolveWith(block);
        const lbConfig = lb.platformConfig as BaremetalConfig;
        assert.deepEqual(lbConfig.endpoint, { kind: "loadBalancer", address: "api.example.com" });
        for (const node of lb.nodes) {
            const files = platformFiles(lbConfig, node, hostFor(lbConfig, node)!);
            assert.deepEqual(
                files.map((f) => f.path),
                [NODE_IP_FILE],
            );
        }
        assert.equal(baremetalBootstrapFacts(lbConfig).nodeIpCommand, `cat ${NODE_IP_FILE}`);
        const both = exampleBlock();
        both.endpoint = { vip: "192.0.2.10", loadBalancer: "api.example.com" };
        assert.ok(hasIssue(issuesOf(both), /baremetal\.endpoint$/, /exactly one of vip or loadBalancer/));
    });

    test("MetalLB gets the user's pool, local-path is the default StorageClass, versions are exact", () => {
        const addons = baremetalAddons(config);
        assert.deepEqual(
            addons.map((a) => a.name),
            ["metallb", "metallb-pool", "local-path"],
        );
        const pool = addons[1];
        assert.ok(pool.kind === "manifest");
        const poolObject = pool.objects[0] as { kind: string; spec: { addresses: string[] } };
        assert.equal(poolObject.kind, "IPAddressPool");
        assert.deepEqual(poolObject.spec.addresses, ["192.0.2.240/28"]);
        const local = addons[2];
        assert.ok(local.kind === "helm");
        assert.equal(((local.values as Record<string, unknown>).storageClass as { defaultClass: boolean }).defaultClass, true);
        for (const chart of [METALLB_CHART, LOCAL_PATH_CHART]) assert.match(chart.version, /^\d+\.\d+\.\d+$/);
        assert.deepEqual(baremetalAddons({ ...config, serviceLoadBalancer: "none", storage: "none" }), []);
    });
});

describe("bare-metal host addresses and host keys (issue 16)", () => {
    const keyOf = () => String(exampleBlock().hosts[0].hostKey);

    test("an octet over 255, an address with a port, brackets or a bad name are refused naming the field and the fix", () => {
        const block = exampleBlock();
        block.hosts[0].address = "192.0.2.256";
        block.hosts[1].address = "192.0.2.12:2222";
        block.hosts[2].address = "[2001:db8::1]";
        block.hosts[3].address = "bad_name.example";
        const issues = issuesOf(block);
        assert.ok(hasIssue(issues, /baremetal\.hosts\[0\]\.address$/, /octet `256` is over 255/));
        assert.ok(
            hasIssue(
                issues,
                /hosts\[1\]\.address$/,
                /an address with a port; write the address alone \(`192\.0\.2\.12`\) and put 2222 in kubeforge:baremetal\.hosts\[1\]\.port/,
            ),
        );
        assert.ok(hasIssue(issues, /hosts\[2\]\.address$/, /without brackets/));
        assert.ok(hasIssue(issues, /hosts\[3\]\.address$/, /neither an IP address nor a DNS name/));
    });

    test("IPv4, IPv6 and DNS names are accepted", () => {
        for (const address of ["10.0.0.1", "2001:db8::7", "node-1.example.com", "node1"])
            assert.equal(hostAddressProblem(address), undefined, address);
    });

    test("a host key cut short but still valid base64, or whose type and key disagree, is refused", () => {
        const good = keyOf();
        assert.equal(hostKeyProblem(good), undefined);
        const [type, b64] = good.split(" ");
        const blob = Buffer.from(b64, "base64");
        // 8 bytes short, re-encoded: valid base64, not a whole key.
        const cut = `${type} ${blob.subarray(0, blob.length - 8).toString("base64")}`;
        assert.match(hostKeyProblem(cut) ?? "", /cut short|not 32 bytes/);
        assert.match(hostKeyProblem(`ecdsa-sha2-nistp256 ${b64}`) ?? "", /says ecdsa-sha2-nistp256 but the key inside is ssh-ed25519/);
        const block = exampleBlock();
        block.hosts[0].hostKey = cut;
        assert.ok(hasIssue(issuesOf(block), /hosts\[0\]\.hostKey$/, /cut short|not 32 bytes/));
    });

    test("RSA and ECDSA keys made by ssh-keygen pass; a short RSA modulus does not", async () => {
        const { execFileSync } = await import("node:child_process");
        const fs = await import("node:fs");
        const os = await import("node:os");
        const path = await import("node:path");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kf-keys-"));
        try {
            for (const [t, bits] of [
                ["rsa", "3072"],
                ["ecdsa", "384"],
                ["rsa", "1024"],
            ]) {
                const f = path.join(dir, `${t}${bits}`);
                execFileSync("ssh-keygen", ["-q", "-t", t, "-b", bits, "-N", "", "-f", f]);
                const problem = hostKeyProblem(fs.readFileSync(`${f}.pub`, "utf8"));
                if (bits === "1024") assert.match(problem ?? "", /1024 bits/);
                else assert.equal(problem, undefined, `${t} ${bits}`);
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("bare-metal messages name the key the user wrote (issue 16)", () => {
    test("no shared privateKey and none per host: one issue at kubeforge:baremetal.privateKey, not one per host", () => {
        const block = exampleBlock();
        delete block.privateKey;
        for (const h of block.hosts) delete h.privateKey;
        const keyIssues = issuesOf(block).filter((i) => /privateKey/.test(i.field));
        assert.deepEqual(
            keyIssues.map((i) => i.field),
            ["kubeforge:baremetal.privateKey"],
        );
        assert.match(keyIssues[0].message, /pulumi config set --secret --path 'kubeforge:baremetal\.privateKey'/);
    });
});
