import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { WINDOWS_EGRESS_URL, renderWindowsBootstrap, renderWindowsJoinConfiguration, tokenExpiredMessage } from "../../bootstrap/windows";
import { expiredTokenRemedy } from "../../bootstrap/kubeadm";
import { PLACEHOLDERS } from "../../bootstrap/layout";
import { CONTAINERD } from "../../bootstrap/versions";
import type { PlatformBootstrapFacts } from "../../bootstrap/types";
import { TOKEN_EXPIRES, externalFacts, input, masterPki } from "./fixtures";

const pki = masterPki();

/** External facts plus PowerShell ones (markers, not real IMDS calls: the renderer must not care). */
function windowsFacts(windows: PlatformBootstrapFacts["windows"]): PlatformBootstrapFacts {
    return { ...externalFacts(), windows };
}

const ALL = { nodeNameCommand: "Get-NodeNameMarker", providerIdCommand: "Get-ProviderIdMarker", nodeIpCommand: "Get-NodeIpMarker" };

/** The kubelet flags the script hands `sc.exe create`, as written (before `Fill`). */
function kubeletFlags(ps: string): string {
    const m = /\$flags = (?:Fill )?'([^']*)'/.exec(ps);
    assert.ok(m, "no kubelet flags line");
    return m[1];
}

/** Balanced PowerShell single quotes: a quick guard against broken quoting. */
function assertBalancedQuotes(ps: string): void {
    assert.equal((ps.replace(/''/g, "").match(/'/g) ?? []).length % 2, 0);
}

describe("Windows bootstrap", () => {
    test("EC2 wrapper, re-run after reboot, pinned versions, join retried", () => {
        const ps = renderWindowsBootstrap(input("windows", { pki }));
        assert.ok(ps.startsWith("<powershell>\n"));
        assert.match(ps, /<\/powershell>\n<persist>true<\/persist>/);
        assert.match(ps, /Install-WindowsFeature -Name Containers/);
        assert.match(ps, new RegExp(`\\$ContainerdVersion = '${CONTAINERD.version.replace(/\./g, "\\.")}'`));
        assert.match(ps, /\$KubeVersion = '1\.36\.4'/);
        assert.match(ps, /dl\.k8s\.io\/release\/v\$KubeVersion\/bin\/windows\/amd64/);
        assert.match(ps, /kubeadm\.exe" join --config/);
        assert.match(ps, /--cloud-provider=external/);
        assert.doesNotMatch(ps, /PRIVATE KEY/);
        assertBalancedQuotes(ps);
    });

    test("without Windows facts: NodePlan name, no provider id or node IP, no bash facts, nothing left to fill", () => {
        const facts = externalFacts();
        const ps = renderWindowsBootstrap(input("windows", { pki, facts }));
        assert.doesNotMatch(ps, /__KUBEFORGE_/, "no placeholders without facts to fill them");
        assert.doesNotMatch(ps, /Read-Fact '/);
        for (const bash of [facts.nodeNameCommand!, facts.providerIdCommand!, facts.nodeIpCommand!]) assert.ok(!ps.includes(bash));
        const flags = kubeletFlags(ps);
        assert.ok(flags.includes("--hostname-override=demo-win-0"));
        assert.ok(!flags.includes("--provider-id"));
        assert.ok(!flags.includes("--node-ip"));
        const join = parse(renderWindowsJoinConfiguration(input("windows", { pki, facts }))) as {
            nodeRegistration: { name: string; kubeletExtraArgs: { name: string }[] };
        };
        assert.equal(join.nodeRegistration.name, "demo-win-0");
        assert.deepEqual(
            join.nodeRegistration.kubeletExtraArgs.map((a) => a.name).filter((n) => n === "provider-id" || n === "node-ip"),
            [],
        );
    });

    test("with Windows facts: each is read at boot and fills the join config and the kubelet flags", () => {
        const ps = renderWindowsBootstrap(input("windows", { pki, facts: windowsFacts(ALL) }));
        assert.match(ps, /^\$NodeName = Read-Fact 'node name' \{ Get-NodeNameMarker \}$/m);
        assert.match(ps, /^\$ProviderId = Read-Fact 'provider id' \{ Get-ProviderIdMarker \}$/m);
        assert.match(ps, /^\$NodeIp = Read-Fact 'node IP' \{ Get-NodeIpMarker \}$/m);
        // Every placeholder written into the script is replaced by Fill, and Fill runs on what holds them.
        const fill = /^function Fill\(\[string\]\$Text\) \{ return \$Text(.*) \}$/m.exec(ps);
        assert.ok(fill, "no Fill function");
        for (const [placeholder, variable] of [
            [PLACEHOLDERS.nodeName, "$NodeName"],
            [PLACEHOLDERS.providerId, "$ProviderId"],
            [PLACEHOLDERS.nodeIp, "$NodeIp"],
        ]) {
            assert.ok(fill[1].includes(`.Replace('${placeholder}', ${variable})`), placeholder);
        }
        assert.match(ps, /WriteAllText\("\$Etc\\join\.yaml", \(Fill '/);
        assert.match(ps, /\$flags = Fill '/);
        // The facts are read before anything that needs them.
        assert.ok(ps.indexOf("$NodeName = Read-Fact") < ps.indexOf("join.yaml"));
        assert.ok(ps.indexOf("function Fill") < ps.indexOf("$flags = Fill"));

        const flags = kubeletFlags(ps).split(" ");
        assert.ok(flags.includes(`--hostname-override=${PLACEHOLDERS.nodeName}`));
        assert.ok(flags.includes(`--provider-id=${PLACEHOLDERS.providerId}`));
        assert.ok(flags.includes(`--node-ip=${PLACEHOLDERS.nodeIp}`));
        assertBalancedQuotes(ps);

        const join = parse(renderWindowsJoinConfiguration(input("windows", { pki, facts: windowsFacts(ALL) }))) as {
            nodeRegistration: { name: string; criSocket: string; kubeletExtraArgs: { name: string; value: string }[] };
        };
        assert.equal(join.nodeRegistration.name, PLACEHOLDERS.nodeName);
        assert.equal(join.nodeRegistration.criSocket, "npipe:////./pipe/containerd-containerd");
        const args = Object.fromEntries(join.nodeRegistration.kubeletExtraArgs.map((a) => [a.name, a.value]));
        assert.equal(args["provider-id"], PLACEHOLDERS.providerId);
        assert.equal(args["node-ip"], PLACEHOLDERS.nodeIp);
    });

    test("only the facts given are used: a node name alone leaves no provider id or node IP", () => {
        const ps = renderWindowsBootstrap(input("windows", { pki, facts: windowsFacts({ nodeNameCommand: "Get-NodeNameMarker" }) }));
        assert.match(ps, /\$NodeName = Read-Fact/);
        assert.doesNotMatch(ps, /\$ProviderId|\$NodeIp|__KUBEFORGE_PROVIDER_ID__|__KUBEFORGE_NODE_IP__/);
        const flags = kubeletFlags(ps);
        assert.ok(flags.includes(`--hostname-override=${PLACEHOLDERS.nodeName}`));
        assert.ok(!flags.includes("--provider-id") && !flags.includes("--node-ip"));
    });

    test("an expired bootstrap token stops the bootstrap before every join attempt, with the problem and the fix in the log", () => {
        const ps = renderWindowsBootstrap(input("windows", { pki }));
        assert.ok(
            ps.includes(`$TokenExpires = [DateTimeOffset]::Parse('${TOKEN_EXPIRES}', [Globalization.CultureInfo]::InvariantCulture)`),
        );
        const check =
            /^function Assert-TokenValid \{\n {2}if \(\[DateTimeOffset\]::UtcNow -ge \$TokenExpires\) \{\n {4}Log '(.*)'\n {4}exit 1\n {2}\}\n\}$/m.exec(
                ps,
            );
        assert.ok(check, "no Assert-TokenValid function");
        const logged = check[1].replace(/''/g, "'");
        assert.equal(logged, `ERROR: ${tokenExpiredMessage(TOKEN_EXPIRES, expiredTokenRemedy({}, "aws"))}`);
        assert.ok(logged.includes(`expired at ${TOKEN_EXPIRES}`), logged);
        assert.match(logged, /Run pulumi up .*replace this machine .*kubeforge:aws\.replaceNodes/);
        assert.match(logged, /kubeforge:lifecycle\.bootstrapTokenHours/);
        // Checked inside the retry loop, right before kubeadm join (a node can sit in the loop past the expiry).
        // The join loop (the egress wait before the downloads has a loop of its own).
        const joinLoop = ps.indexOf("while ($true) {", ps.indexOf("$deadline = (Get-Date).AddMinutes(30)"));
        const loop = ps.slice(joinLoop);
        assert.ok(loop.indexOf("Assert-TokenValid") >= 0 && loop.indexOf("Assert-TokenValid") < loop.indexOf('kubeadm.exe" join'));
        assert.ok(ps.indexOf("function Assert-TokenValid") < joinLoop);
        assert.doesNotMatch(logged, new RegExp(pki.bootstrapToken.split(".")[1]), "the token itself is never logged");
        assertBalancedQuotes(ps);
    });

    test("no expiry rendered: the check is a no-op, the join still runs", () => {
        const ps = renderWindowsBootstrap(input("windows", { pki: { ...pki, bootstrapTokenExpires: undefined } }));
        assert.match(ps, /^function Assert-TokenValid \{ \}$/m);
        assert.doesNotMatch(ps, /\$TokenExpires/);
        assert.match(ps, /kubeadm\.exe" join --config/);
    });
});

describe("egress", () => {
    test("the first download waits, bounded, for the way out (machines no longer wait for the NAT route), after the reboot for Containers", () => {
        const ps = renderWindowsBootstrap(input("windows", { pki }));
        assertBalancedQuotes(ps);
        const call = ps.indexOf(`Wait-Egress '${WINDOWS_EGRESS_URL}' 900`);
        assert.ok(call > 0, "Wait-Egress is called with its bound");
        assert.ok(call > ps.indexOf("Restart-Computer -Force"), "after the Containers feature's reboot (no download before it)");
        const firstDownload = ps.indexOf("Get-Verified $url");
        assert.ok(firstDownload > 0 && call < firstDownload, "before the first download");
        const fn = ps.slice(ps.indexOf("function Wait-Egress"), call);
        assert.match(fn, /catch \{ if \(\$_\.Exception\.Response\) \{ break \} \}/, "an HTTP error status still proves the way out");
        assert.match(fn, /throw "no egress to the internet after \$\{waited\}s/);
        assert.match(fn, /Start-Sleep -Seconds 5/);
    });
});
