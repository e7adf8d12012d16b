import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { runPolicies } from "../../policies/evaluate";
import { healthyCluster, mastersCluster, nodeRecord, policiesOf, replace } from "./builders";

const zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];

describe("control-plane-count", () => {
    test("3, 5 and 7 masters pass", async () => {
        for (const n of [3, 5, 7]) {
            const v = await runPolicies(mastersCluster(n, (i) => zones[i % 3]));
            assert.deepEqual(policiesOf(v), [], `${n} masters`);
        }
    });
    test("an even count is reported on the cluster record", async () => {
        const v = await runPolicies(mastersCluster(4, (i) => zones[i % 3]));
        assert.deepEqual(policiesOf(v), ["control-plane-count"]);
        assert.equal(v[0].level, "mandatory");
        assert.match(v[0].resource ?? "", /ApiReadiness::demo-api$/);
        assert.match(v[0].message, /4 masters.*kubeforge:controlPlane\.count to 3 or 5/);
    });
    test("9 masters exceed the default maximum of 7", async () => {
        const v = await runPolicies(mastersCluster(9, (i) => zones[i % 3]));
        assert.deepEqual(policiesOf(v), ["control-plane-count"]);
        assert.match(v[0].message, /more than 7/);
    });
    test("maxControlPlane is configurable", async () => {
        const v = await runPolicies(
            mastersCluster(7, (i) => zones[i % 3]),
            { config: { "control-plane-count": { maxControlPlane: 5 } } },
        );
        assert.deepEqual(policiesOf(v), ["control-plane-count"]);
        assert.match(v[0].message, /more than 5/);
    });
    test("without a cluster record the master records are counted", async () => {
        const resources = mastersCluster(2, (i) => zones[i]).filter((r) => !r.type.endsWith("ApiReadiness"));
        const v = await runPolicies(resources);
        assert.deepEqual(policiesOf(v), ["control-plane-count"]);
    });
});

describe("control-plane-spread", () => {
    test("two of three masters in one of three zones is reported once, on the extra master", async () => {
        const v = await runPolicies(mastersCluster(3, (i) => zones[Math.min(i, 1)]));
        assert.deepEqual(policiesOf(v), ["control-plane-spread"]);
        assert.match(v[0].resource ?? "", /NodeLifecycle::demo-cp-2$/);
        assert.match(v[0].message, /2 of its 3 masters in failure domain "eu-west-1b"/);
    });
    test("five masters over three zones may put two in a zone, not three", async () => {
        const ok = await runPolicies(mastersCluster(5, (i) => zones[i % 3]));
        assert.deepEqual(policiesOf(ok), []);
        const bad = await runPolicies(mastersCluster(5, (i) => (i < 3 ? zones[0] : zones[i - 2])));
        assert.deepEqual(policiesOf(bad), ["control-plane-spread"]);
    });
    test("three masters in the cluster's only domain pass", async () => {
        const v = await runPolicies(mastersCluster(3, () => zones[0], { failureDomains: [zones[0]] }));
        assert.deepEqual(policiesOf(v), []);
    });
});

describe("control-plane-single", () => {
    const single = () => mastersCluster(1, () => zones[0]);
    test("one master is advisory outside production", async () => {
        const v = await runPolicies(single());
        assert.deepEqual(
            v.map((x) => [x.policy, x.level]),
            [["control-plane-single", "advisory"]],
        );
    });
    test("stack tag environment=production makes it mandatory, reported once", async () => {
        const v = await runPolicies(single(), { stackTags: { environment: "Production" } });
        assert.deepEqual(
            v.map((x) => [x.policy, x.level]),
            [["control-plane-single-production", "mandatory"]],
        );
    });
    test("config alwaysProduction, or another tag, says production", async () => {
        const always = await runPolicies(single(), { config: { "control-plane-single-production": { alwaysProduction: true } } });
        assert.ok(policiesOf(always).includes("control-plane-single-production"));
        const tagged = await runPolicies(single(), {
            stackTags: { tier: "live" },
            config: { "control-plane-single-production": { environmentTag: "tier", productionValues: ["live"] } },
        });
        assert.ok(policiesOf(tagged).includes("control-plane-single-production"));
    });
    test("a staging tag or three masters in production pass", async () => {
        assert.deepEqual(policiesOf(await runPolicies(single(), { stackTags: { environment: "staging" } })), ["control-plane-single"]);
        assert.deepEqual(policiesOf(await runPolicies(healthyCluster(), { stackTags: { environment: "production" } })), []);
    });
});

describe("control-plane-linux and control-plane-taint", () => {
    test("a Windows master is reported", async () => {
        const v = await runPolicies(replace(healthyCluster(), nodeRecord("demo-cp-0", { role: "control-plane", os: "windows" })));
        assert.deepEqual(policiesOf(v), ["control-plane-linux"]);
        assert.match(v[0].resource ?? "", /NodeLifecycle::demo-cp-0$/);
    });
    test("a Windows worker is fine", async () => {
        const v = await runPolicies(replace(healthyCluster(), nodeRecord("demo-general-0", { os: "windows" })));
        assert.deepEqual(policiesOf(v), []);
    });
    test("a master without the control-plane taint is reported; PreferNoSchedule does not count", async () => {
        const none = await runPolicies(
            replace(healthyCluster(), nodeRecord("demo-cp-1", { role: "control-plane", failureDomain: zones[1], taints: [] })),
        );
        assert.deepEqual(policiesOf(none), ["control-plane-taint"]);
        const soft = await runPolicies(
            replace(
                healthyCluster(),
                nodeRecord("demo-cp-1", {
                    role: "control-plane",
                    failureDomain: zones[1],
                    taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "PreferNoSchedule" }],
                }),
            ),
        );
        assert.deepEqual(policiesOf(soft), ["control-plane-taint"]);
    });
});

describe("control-plane-spread: domains outside the cluster's list", () => {
    test("a master in a domain the cluster does not list is reported", async () => {
        const v = await runPolicies(
            replace(healthyCluster(), nodeRecord("demo-cp-2", { role: "control-plane", failureDomain: "eu-west-1z" })),
        );
        assert.deepEqual(policiesOf(v), ["control-plane-spread"]);
        assert.match(v[0].message, /"eu-west-1z", which is not one of its failure domains/);
    });
});
