/** The core's checks of what a platform declares (components/core/limits.ts), without mocks. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseClusterConfig, type RawConfig } from "../../components/core/config";
import { placeNodes } from "../../components/core/placement";
import { declaredLimitIssues, notYetReported, type DeclaringPlatform } from "../../components/core/limits";
import type { ClusterSpec } from "../../components/core/types";

function cluster(extra: RawConfig = {}): { spec: ClusterSpec; nodes: ReturnType<typeof placeNodes> } {
    const parsed = parseClusterConfig({
        name: "demo",
        platform: "fake",
        cni: "calico",
        failureDomains: ["z1", "z2", "z3"],
        access: { apiAllowedCidrs: ["203.0.113.0/24"] },
        ...extra,
    });
    assert.deepEqual(parsed.issues, []);
    const spec = parsed.spec as ClusterSpec;
    return { spec, nodes: placeNodes(spec) };
}

const linuxOnly: DeclaringPlatform = { name: "fake", delivery: { linux: { format: "ssh" } }, limits: { machineNameMax: 63 } };
const windowsToo: DeclaringPlatform = {
    name: "fake",
    delivery: { linux: { format: "ssh" }, windows: { format: "powershell", wrapper: "none", encoding: "plain" } },
    limits: { machineNameMax: 63, windowsNameMax: 15 },
};

describe("declaredLimitIssues", () => {
    test("a cluster within every declared limit has no issue", () => {
        const { spec, nodes } = cluster({
            workerPools: [
                { name: "general", count: 3 },
                { name: "win", count: 2, os: "windows" },
            ],
        });
        assert.deepEqual(declaredLimitIssues(windowsToo, spec, nodes), []);
    });

    test("master names over the machine-name limit: one issue on kubeforge:name with the longest name", () => {
        const { spec, nodes } = cluster({ controlPlane: { count: 3 } });
        const issues = declaredLimitIssues({ ...linuxOnly, limits: { machineNameMax: 8 } }, spec, nodes);
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:name"],
        );
        assert.match(
            issues[0].message,
            /master names of 9 characters \(`demo-cp-0`\), over the fake limit of 8 for machine names; shorten kubeforge:name/,
        );
    });

    test("a pool whose node names are too long: one issue for the pool, not one per node", () => {
        const { spec, nodes } = cluster({
            workerPools: [
                { name: "ok", count: 2 },
                { name: "a-rather-long-pool-name", count: 12 },
            ],
        });
        const issues = declaredLimitIssues({ ...linuxOnly, limits: { machineNameMax: 30 } }, spec, nodes);
        assert.equal(issues.length, 1);
        assert.equal(issues[0].field, "kubeforge:workerPools[1].name");
        assert.match(issues[0].message, /node names of 31 characters \(`demo-a-rather-long-pool-name-10`\)/);
    });

    test("Windows pools need a declared Windows delivery", () => {
        const { spec, nodes } = cluster({
            workerPools: [
                { name: "linux", count: 1 },
                { name: "win", count: 1, os: "windows" },
            ],
        });
        const issues = declaredLimitIssues(linuxOnly, spec, nodes);
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:workerPools[1].os"],
        );
        assert.match(issues[0].message, /the fake platform cannot boot Windows machines.*use os: linux/);
    });

    test("Windows names over the computer-name limit, unless the platform shortens them itself", () => {
        const { spec, nodes } = cluster({ workerPools: [{ name: "windows-long", count: 1, os: "windows" }] });
        const issues = declaredLimitIssues(windowsToo, spec, nodes);
        assert.equal(issues.length, 1);
        assert.equal(issues[0].field, "kubeforge:workerPools[0].name");
        assert.match(issues[0].message, /19 characters \(`demo-windows-long-0`\), over the fake limit of 15 for Windows computer names/);
        const shortening = { ...windowsToo, limits: { ...windowsToo.limits, shortensWindowsNames: true } };
        assert.deepEqual(declaredLimitIssues(shortening, spec, nodes), []);
    });
});

test("notYetReported keeps the platform's own message for a field it already reported", () => {
    const platformSaid = [{ field: "kubeforge:workerPools[1].os", message: "no Windows droplet image" }];
    const core = [
        { field: "kubeforge:workerPools[1].os", message: "cannot boot Windows machines" },
        { field: "kubeforge:name", message: "too long" },
    ];
    assert.deepEqual(notYetReported(core, platformSaid), [{ field: "kubeforge:name", message: "too long" }]);
});
