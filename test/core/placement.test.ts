import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { domainFor, isEvenSpread, placeNodes, poolDomains, requiredMasterDomains, spreadCounts } from "../../components/core/placement";
import { CONTROL_PLANE_TAINT, LABELS, type ClusterSpec, type NodePlan, type WorkerPoolSpec } from "../../components/core/types";

const domainName = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/);

/** A pool over some subset of the cluster's domains (or all of them). */
function poolArb(domains: string[]): fc.Arbitrary<WorkerPoolSpec> {
    return fc
        .record({
            count: fc.integer({ min: 0, max: 13 }),
            os: fc.constantFrom("linux" as const, "windows" as const),
            spot: fc.boolean(),
            subset: fc.option(fc.subarray(domains, { minLength: 1 }), { nil: undefined }),
            labels: fc.dictionary(fc.stringMatching(/^example\.com\/[a-z]{1,5}$/), fc.stringMatching(/^[a-z0-9]{0,5}$/), { maxKeys: 3 }),
        })
        .map(({ count, os, spot, subset, labels }) => ({
            name: "placeholder",
            count,
            os,
            spot,
            labels,
            taints: [{ key: "example.com/dedicated", value: "x", effect: "NoSchedule" as const }],
            diskSizeGb: 50,
            ...(subset ? { failureDomains: subset } : {}),
        }));
}

const specArb: fc.Arbitrary<ClusterSpec> = fc
    .record({
        name: fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/),
        domains: fc.uniqueArray(domainName, { minLength: 1, maxLength: 5 }),
        masters: fc.constantFrom(1, 3, 5, 7),
        poolNames: fc.uniqueArray(
            fc.stringMatching(/^[a-z][a-z0-9-]{0,5}[a-z0-9]$/).filter((n) => n !== "cp"),
            { maxLength: 4 },
        ),
    })
    .chain(({ name, domains, masters, poolNames }) =>
        fc.tuple(...poolNames.map(() => poolArb(domains))).map((pools) => ({
            name,
            kubernetesVersion: "1.36.4",
            kubernetesMinor: "1.36",
            controlPlane: { count: masters, diskSizeGb: 50 },
            workerPools: pools.map((p, i) => ({ ...p, name: poolNames[i] })),
            failureDomains: domains,
            network: { podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", nodeCidr: "10.0.0.0/16" },
            cni: "calico" as const,
            access: { apiAllowedCidrs: ["203.0.113.7/32"], sshAllowedCidrs: [], sshPublicKeys: [] },
            secretsEncryption: true,
            lifecycle: { drainOnDelete: true, drainTimeoutSeconds: 600, bootstrapTokenHours: 24 },
            tags: {},
            platform: "fake",
        })),
    );

/** Nodes per domain, counted here rather than by the code under test. */
function countByDomain(nodes: NodePlan[], domains: string[]): number[] {
    return domains.map((d) => nodes.filter((n) => n.failureDomain === d).length);
}

function groups(spec: ClusterSpec, nodes: NodePlan[]): { domains: string[]; nodes: NodePlan[] }[] {
    return [
        { domains: spec.failureDomains, nodes: nodes.filter((n) => n.role === "control-plane") },
        ...spec.workerPools.map((p) => ({
            domains: poolDomains(spec, p),
            nodes: nodes.filter((n) => n.role === "worker" && n.pool === p.name),
        })),
    ];
}

describe("placement properties", () => {
    test("every pool is balanced over its domains (counts differ by at most one)", () => {
        fc.assert(
            fc.property(specArb, (spec) => {
                for (const group of groups(spec, placeNodes(spec))) {
                    const counts = countByDomain(group.nodes, group.domains);
                    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `counts ${counts}`);
                    assert.deepEqual(counts, spreadCounts(group.nodes.length, group.domains));
                    assert.ok(
                        isEvenSpread(
                            group.nodes.map((n) => n.failureDomain),
                            group.domains,
                        ),
                    );
                }
            }),
        );
    });

    test("nodes only go to domains their pool allows", () => {
        fc.assert(
            fc.property(specArb, (spec) => {
                for (const group of groups(spec, placeNodes(spec))) {
                    for (const node of group.nodes)
                        assert.ok(group.domains.includes(node.failureDomain), `${node.name} in ${node.failureDomain}`);
                }
            }),
        );
    });

    test("placement is deterministic", () => {
        fc.assert(fc.property(specArb, (spec) => assert.deepEqual(placeNodes(spec), placeNodes(structuredClone(spec)))));
    });

    test("names are unique and follow <cluster>-cp-<i> / <cluster>-<pool>-<i>", () => {
        fc.assert(
            fc.property(specArb, (spec) => {
                const nodes = placeNodes(spec);
                assert.equal(new Set(nodes.map((n) => n.name)).size, nodes.length);
                assert.equal(nodes.length, spec.controlPlane.count + spec.workerPools.reduce((s, p) => s + p.count, 0));
                for (const node of nodes) {
                    const expected =
                        node.role === "control-plane" ? `${spec.name}-cp-${node.ordinal}` : `${spec.name}-${node.pool}-${node.ordinal}`;
                    assert.equal(node.name, expected);
                    assert.equal(node.labels[LABELS.node], node.name);
                    assert.equal(node.labels[LABELS.pool], node.pool);
                    assert.equal(node.labels[LABELS.role], node.role);
                    assert.equal(node.labels[LABELS.kubeforgeFailureDomain], node.failureDomain);
                    assert.equal(node.labels[LABELS.cluster], spec.name);
                }
            }),
        );
    });

    test("masters are Linux, carry the control-plane taint, and only master 0 inits", () => {
        fc.assert(
            fc.property(specArb, (spec) => {
                const nodes = placeNodes(spec);
                const masters = nodes.filter((n) => n.role === "control-plane");
                assert.equal(masters.length, spec.controlPlane.count);
                for (const m of masters) {
                    assert.equal(m.os, "linux");
                    assert.equal(m.pool, "control-plane");
                    assert.deepEqual(m.taints, [CONTROL_PLANE_TAINT]);
                    assert.equal(m.spot, false);
                }
                assert.deepEqual(
                    nodes.filter((n) => n.initNode).map((n) => n.name),
                    [`${spec.name}-cp-0`],
                );
                for (const w of nodes.filter((n) => n.role === "worker")) {
                    const pool = spec.workerPools.find((p) => p.name === w.pool);
                    assert.ok(pool);
                    assert.equal(w.os, pool.os);
                    assert.deepEqual(w.taints, pool.taints);
                    for (const [k, v] of Object.entries(pool.labels)) assert.equal(w.labels[k], v);
                    assert.equal(w.kubernetesVersion, pool.kubernetesVersion ?? spec.kubernetesVersion);
                }
            }),
        );
    });

    test("growing or shrinking a pool adds or removes only its highest ordinals and moves nothing", () => {
        fc.assert(
            fc.property(
                specArb.filter((s) => s.workerPools.length > 0),
                fc.nat(),
                fc.integer({ min: 0, max: 13 }),
                (spec, which, newCount) => {
                    const index = which % spec.workerPools.length;
                    const resized = structuredClone(spec);
                    resized.workerPools[index].count = newCount;
                    const before = new Map(placeNodes(spec).map((n) => [n.name, n]));
                    const after = new Map(placeNodes(resized).map((n) => [n.name, n]));
                    const pool = spec.workerPools[index].name;
                    const oldCount = spec.workerPools[index].count;
                    for (const [name, node] of before) {
                        const kept = after.get(name);
                        if (node.pool === pool && node.role === "worker" && node.ordinal >= newCount) {
                            assert.equal(kept, undefined, `${name} should be removed`);
                        } else {
                            assert.deepEqual(kept, node, `${name} must not change`);
                        }
                    }
                    const added = [...after.keys()].filter((n) => !before.has(n)).map((n) => after.get(n)?.ordinal);
                    assert.deepEqual(
                        added,
                        Array.from({ length: Math.max(0, newCount - oldCount) }, (_, i) => oldCount + i),
                    );
                },
            ),
        );
    });
});

describe("spread helpers", () => {
    test("5 masters over 3 zones are 2/2/1, in domain order", () => {
        assert.deepEqual(spreadCounts(5, ["a", "b", "c"]), [2, 2, 1]);
        assert.deepEqual(spreadCounts(3, ["a", "b", "c", "d", "e"]), [1, 1, 1, 0, 0]);
        assert.deepEqual(spreadCounts(0, ["a"]), [0]);
        assert.deepEqual(spreadCounts(4, []), []);
    });

    test("spreadCounts always sums to the count and differs by at most one", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 9 }), (count, d) => {
                const counts = spreadCounts(
                    count,
                    Array.from({ length: d }, (_, i) => `d${i}`),
                );
                return counts.reduce((a, b) => a + b, 0) === count && Math.max(...counts) - Math.min(...counts) <= 1;
            }),
        );
    });

    test("isEvenSpread", () => {
        assert.equal(isEvenSpread(["a", "b", "c"], ["a", "b", "c"]), true);
        assert.equal(isEvenSpread(["a", "a", "b"], ["a", "b", "c"]), false, "c is empty while a has two");
        assert.equal(isEvenSpread(["a", "a", "b"], ["a", "b"]), true);
        assert.equal(isEvenSpread(["a", "x"], ["a", "b"]), false, "a domain outside the list");
        assert.equal(isEvenSpread([], ["a"]), true);
    });

    test("required master domains: one per master up to three", () => {
        assert.deepEqual([1, 3, 5, 7].map(requiredMasterDomains), [1, 3, 3, 3]);
    });

    test("domainFor is round-robin and refuses an empty list", () => {
        assert.deepEqual(
            [0, 1, 2, 3, 4].map((i) => domainFor(i, ["a", "b", "c"])),
            ["a", "b", "c", "a", "b"],
        );
        assert.throws(() => domainFor(0, []), /no failure domain/);
    });
});
