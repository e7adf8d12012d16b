import { test } from "node:test";
import assert from "node:assert/strict";
import { renderWindowsBootstrap } from "../../bootstrap/windows";
import { CONTAINERD } from "../../bootstrap/versions";
import { input, masterPki } from "./fixtures";

const pki = masterPki();

test("Windows user data: EC2 wrapper, re-run after reboot, pinned versions, join retried, no bash facts", () => {
    const ps = renderWindowsBootstrap(input("windows", { pki }));
    assert.ok(ps.startsWith("<powershell>\n"));
    assert.match(ps, /<\/powershell>\n<persist>true<\/persist>/);
    assert.match(ps, /Install-WindowsFeature -Name Containers/);
    assert.match(ps, new RegExp(`\\$ContainerdVersion = '${CONTAINERD.version.replace(/\./g, "\\.")}'`));
    assert.match(ps, /\$KubeVersion = '1\.36\.4'/);
    assert.match(ps, /dl\.k8s\.io\/release\/v\$KubeVersion\/bin\/windows\/amd64/);
    assert.match(ps, /kubeadm\.exe" join --config/);
    assert.match(ps, /--cloud-provider=external/);
    assert.doesNotMatch(ps, /__KUBEFORGE_/, "no bash placeholders left for Windows");
    assert.doesNotMatch(ps, /PRIVATE KEY/);
    // Every PowerShell single-quoted literal is balanced: a quick guard against broken quoting.
    assert.equal((ps.replace(/''/g, "").match(/'/g) ?? []).length % 2, 0);
});
