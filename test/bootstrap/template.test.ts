import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { placeNodes } from "../../components/core/placement";
import type { ClusterSpec, NodePlan, WorkerPoolSpec } from "../../components/core/types";
import { renderNodeBootstrap } from "../../bootstrap/render";
import { renderCloudInit } from "../../bootstrap/cloudinit";
import {
    NODE_NAME_PLACEHOLDER,
    fillNodeName,
    nodeTemplate,
    renderByTemplate,
    templateKey,
    type TemplateStats,
} from "../../bootstrap/template";
import { externalFacts, masterPki, noneFacts, spec as baseSpec, workerPki } from "./fixtures";

const pki = masterPki();
const workerMaterial = workerPki(pki);

/** What a platform delivers: cloud-init for Linux, the PowerShell script for Windows. */
function renderer(spec: ClusterSpec, facts = externalFacts()) {
    return (node: NodePlan): string => {
        const b = renderNodeBootstrap({
            spec,
            node,
            endpoint: { host: "api.demo.kubeforge.internal", port: 6443 },
            extraSans: ["*.elb.us-east-1.amazonaws.com"],
            pki: node.role === "control-plane" ? pki : workerMaterial,
            facts,
        });
        return b.powershell ?? renderCloudInit(b);
    };
}

const poolArb: fc.Arbitrary<WorkerPoolSpec> = fc.record({
    name: fc.constantFrom("general", "spot", "gpu", "batch"),
    count: fc.integer({ min: 0, max: 7 }),
    labels: fc.dictionary(
        fc.constantFrom("example.com/tier", "team", "kubeforge.dev/x"),
        fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,8}[a-z0-9])?$/),
        { maxKeys: 2 },
    ),
    taints: fc.array(
        fc.record({
            key: fc.constantFrom("dedicated", "gpu"),
            value: fc.constantFrom("a", "b"),
            effect: fc.constantFrom("NoSchedule" as const, "PreferNoSchedule" as const),
        }),
        { maxLength: 1 },
    ),
    os: fc.constantFrom("linux" as const, "linux" as const, "windows" as const),
    spot: fc.boolean(),
    diskSizeGb: fc.constantFrom(50, 80),
});

describe("rendering once per group of nodes that differ only by name", () => {
    test("gives exactly what rendering every node gives (property, real renderers)", () => {
        fc.assert(
            fc.property(
                fc.uniqueArray(poolArb, { selector: (p) => p.name, minLength: 1, maxLength: 3 }),
                fc.constantFrom(1, 3),
                fc.boolean(),
                (pools, masters, external) => {
                    const spec = baseSpec({
                        controlPlane: { count: masters, diskSizeGb: 50 },
                        workerPools: pools,
                        cni: pools.some((p) => p.os === "windows") ? "calico" : "cilium",
                    });
                    const nodes = placeNodes(spec);
                    const render = renderer(spec, external ? externalFacts() : noneFacts());
                    assert.deepEqual(renderByTemplate(nodes, render), nodes.map(render));
                },
            ),
            { numRuns: 25 },
        );
    });

    test("a pool of ten in three zones renders twice per zone (template and one real node), not ten times", () => {
        const spec = baseSpec({
            controlPlane: { count: 3, diskSizeGb: 50 },
            workerPools: [{ name: "general", count: 10, labels: {}, taints: [], os: "linux", spot: false, diskSizeGb: 80 }],
        });
        const nodes = placeNodes(spec);
        const render = renderer(spec);
        let calls = 0;
        const stats: TemplateStats = { templated: 0, perNode: 0, renders: 0 };
        const texts = renderByTemplate(nodes, (n) => (calls++, render(n)), stats);
        // Masters: the init master alone, the other two (different zones) alone too; workers: 3 zones.
        assert.equal(stats.templated, 3);
        assert.equal(stats.renders, calls);
        assert.equal(calls, 3 + 3 * 2);
        const worker = nodes.findIndex((n) => n.name === "demo-general-4");
        assert.match(texts[worker], /KUBEFORGE_NODE='demo-general-4'/);
        assert.match(texts[worker], /kubeforge\.io\/node=demo-general-4[,\s]/);
        assert.ok(!texts.some((t) => t.includes(NODE_NAME_PLACEHOLDER)));
    });

    test("a renderer that uses more than the name (the ordinal) is rendered node by node", () => {
        const spec = baseSpec({
            workerPools: [{ name: "general", count: 4, labels: {}, taints: [], os: "linux", spot: false, diskSizeGb: 80 }],
        });
        const nodes = placeNodes(spec).filter((n) => n.role === "worker");
        const render = (n: NodePlan) => `${n.name} #${n.ordinal}`;
        const stats: TemplateStats = { templated: 0, perNode: 0, renders: 0 };
        assert.deepEqual(renderByTemplate(nodes, render, stats), nodes.map(render));
        assert.ok(stats.perNode > 0);
    });

    test("a config value that contains the placeholder is never rewritten", () => {
        const spec = baseSpec({
            workerPools: [
                {
                    name: "general",
                    count: 6,
                    labels: { team: NODE_NAME_PLACEHOLDER },
                    taints: [],
                    os: "linux",
                    spot: false,
                    diskSizeGb: 80,
                },
            ],
        });
        const nodes = placeNodes(spec);
        const render = renderer(spec);
        const texts = renderByTemplate(nodes, render);
        assert.deepEqual(texts, nodes.map(render));
        assert.match(texts[nodes.length - 1], new RegExp(`team=${NODE_NAME_PLACEHOLDER}`));
    });

    test("a rendering error names the real node, not the placeholder", () => {
        const spec = baseSpec({
            workerPools: [{ name: "general", count: 3, labels: {}, taints: [], os: "linux", spot: false, diskSizeGb: 80 }],
        });
        const nodes = placeNodes(spec).filter((n) => n.role === "worker");
        assert.throws(
            () =>
                renderByTemplate(nodes, (n) => {
                    throw new Error(`node ${n.name}: broken`);
                }),
            /node demo-general-\d: broken/,
        );
    });

    test("the group key ignores the name, the ordinal and the node label, and nothing else", () => {
        const spec = baseSpec({
            workerPools: [{ name: "general", count: 6, labels: {}, taints: [], os: "linux", spot: false, diskSizeGb: 80 }],
        });
        const workers = placeNodes(spec).filter((n) => n.role === "worker");
        const sameZone = workers.filter((n) => n.failureDomain === workers[0].failureDomain);
        assert.ok(sameZone.length >= 2);
        assert.equal(templateKey(sameZone[0]), templateKey(sameZone[1]));
        assert.notEqual(templateKey(workers[0]), templateKey(workers[1]));
        assert.notEqual(templateKey(sameZone[0]), templateKey({ ...sameZone[1], spot: !sameZone[1].spot }));
        assert.equal(nodeTemplate(sameZone[1]).labels["kubeforge.io/node"], NODE_NAME_PLACEHOLDER);
        assert.equal(fillNodeName(`a ${NODE_NAME_PLACEHOLDER} b ${NODE_NAME_PLACEHOLDER}`, "x"), "a x b x");
    });
});
