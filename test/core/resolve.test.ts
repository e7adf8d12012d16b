import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { resolveCluster } from "../../components/core/resolve";
import { masterPlan, placeNodes } from "../../components/core/placement";
import { ConfigError, type ClusterSpec, type NodePlan } from "../../components/core/types";
import { configIssues } from "./config-error";
import type { Platform } from "../../components/platform";
import type { RawConfig } from "../../components/core/config";

interface FakeConfig {
    zones: string[];
}

/** A platform whose block is `{zones}`; hooks let a test add placement and node checks. */
function fakePlatform(
    hooks: Partial<Pick<Platform<FakeConfig>, "placeNodes" | "checkNodes">> & { seen?: ClusterSpec[]; throwOnDraft?: boolean } = {},
): Platform<FakeConfig> {
    return {
        name: "fake",
        description: "test double",
        parseConfig(raw, spec) {
            hooks.seen?.push(spec);
            if (hooks.throwOnDraft) throw new Error("cannot read a draft");
            const block = (raw ?? {}) as { zones?: unknown };
            if (block.zones !== undefined && !Array.isArray(block.zones)) {
                return { issues: [{ field: "kubeforge:fake.zones", message: "must be a list; list the zones" }] };
            }
            return { config: { zones: (block.zones as string[] | undefined) ?? ["z1", "z2", "z3"] }, issues: [] };
        },
        failureDomains: (config) => config.zones,
        bootstrapFacts: () => ({ cloudProvider: "none" }),
        ...(hooks.placeNodes ? { placeNodes: hooks.placeNodes } : {}),
        ...(hooks.checkNodes ? { checkNodes: hooks.checkNodes } : {}),
        delivery: { linux: { format: "ssh" } },
        limits: { machineNameMax: 63 },
        createInfrastructure() {
            throw new Error("not in these tests");
        },
        createMachine() {
            throw new Error("not in these tests");
        },
    };
}

function base(extra: RawConfig = {}): RawConfig {
    return { name: "demo", platform: "fake", access: { apiAllowedCidrs: ["203.0.113.7/32"] }, ...extra };
}

describe("resolveCluster", () => {
    test("defaults the failure domains to the platform's and places the nodes", () => {
        const resolved = resolveCluster(base({ workerPools: [{ name: "w", count: 4 }] }), fakePlatform());
        assert.deepEqual(resolved.spec.failureDomains, ["z1", "z2", "z3"]);
        assert.deepEqual(resolved.platformConfig, { zones: ["z1", "z2", "z3"] });
        assert.equal("platformConfig" in resolved.spec, false, "the spec is the core's; the platform's block travels beside it");
        assert.deepEqual(
            resolved.nodes.map((n) => `${n.name}@${n.failureDomain}`),
            ["demo-cp-0@z1", "demo-cp-1@z2", "demo-cp-2@z3", "demo-w-0@z1", "demo-w-1@z2", "demo-w-2@z3", "demo-w-3@z1"],
        );
    });

    test("an empty list (Pulumi.yaml's default) also means the platform's domains", () => {
        assert.deepEqual(resolveCluster(base({ failureDomains: [] }), fakePlatform()).spec.failureDomains, ["z1", "z2", "z3"]);
    });

    test("configured domains keep their order and must be offered", () => {
        const resolved = resolveCluster(base({ failureDomains: ["z3", "z1", "z2"] }), fakePlatform());
        assert.deepEqual(
            resolved.nodes.map((n) => n.failureDomain),
            ["z3", "z1", "z2"],
        );
        const issues = configIssues(() => resolveCluster(base({ failureDomains: ["z1", "z2", "z9"] }), fakePlatform()));
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:failureDomains[2]"],
        );
        assert.match(issues[0].message, /"z9" is not one of the failure domains of the fake platform \(z1, z2, z3\)/);
    });

    test("pool domains are checked against the platform when the cluster's are defaulted", () => {
        const issues = configIssues(() =>
            resolveCluster(base({ workerPools: [{ name: "w", count: 1, failureDomains: ["z4"] }] }), fakePlatform()),
        );
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:workerPools[0].failureDomains[0]"],
        );
    });

    test("spread: required needs min(masters, 3) domains; preferred does not", () => {
        const issues = configIssues(() => resolveCluster(base({ fake: { zones: ["z1", "z2"] } }), fakePlatform()));
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:failureDomains"],
        );
        assert.match(issues[0].message, /3 masters .* need at least 3 failure domains, but only 2 .*spread to preferred/);
        const five = configIssues(() => resolveCluster(base({ controlPlane: { count: 5 }, failureDomains: ["z1", "z2"] }), fakePlatform()));
        assert.match(five[0].message, /5 masters .* at least 3/);
        const preferred = resolveCluster(base({ controlPlane: { spread: "preferred" }, fake: { zones: ["z1", "z2"] } }), fakePlatform());
        assert.deepEqual(
            preferred.nodes.map((n) => n.failureDomain),
            ["z1", "z2", "z1"],
        );
        const single = resolveCluster(base({ controlPlane: { count: 1 }, fake: { zones: ["only"] } }), fakePlatform());
        assert.deepEqual(
            single.nodes.map((n) => n.failureDomain),
            ["only"],
        );
    });

    test("a platform offering no domain is an error", () => {
        const issues = configIssues(() => resolveCluster(base({ fake: { zones: [] } }), fakePlatform()));
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:fake"],
        );
    });

    test("core and platform issues are reported together", () => {
        const seen: ClusterSpec[] = [];
        const issues = configIssues(() =>
            resolveCluster(base({ controlPlane: { count: 2 }, fake: { zones: "z1" } }), fakePlatform({ seen })),
        );
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:controlPlane.count", "kubeforge:fake.zones"],
        );
        assert.equal(seen.length, 1, "the platform saw a draft spec");
    });

    test("a platform that throws on a draft does not hide the core's issues", () => {
        const issues = configIssues(() => resolveCluster(base({ name: "Bad" }), fakePlatform({ throwOnDraft: true })));
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:name"],
        );
        assert.throws(
            () => resolveCluster(base(), fakePlatform({ throwOnDraft: true })),
            /cannot read a draft/,
            "on a valid spec a platform bug surfaces",
        );
    });

    test("the config must name the platform being used", () => {
        const issues = configIssues(() => resolveCluster(base({ platform: "aws" }), fakePlatform()));
        assert.ok(issues.some((i) => i.field === "kubeforge:platform" && /"fake" platform was loaded/.test(i.message)));
    });

    test("other platforms' blocks are accepted when their names are given", () => {
        assert.ok(resolveCluster(base({ aws: { region: "x" } }), fakePlatform(), { platformNames: ["aws", "fake"] }));
        const issues = configIssues(() => resolveCluster(base({ aws: { region: "x" } }), fakePlatform()));
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:aws"],
        );
    });

    test("a platform's own placement is used and its masters must still spread evenly", () => {
        const stacked = (_: FakeConfig, spec: ClusterSpec): NodePlan[] => [0, 1, 2].map((i) => masterPlan(spec, i, "z1"));
        const issues = configIssues(() => resolveCluster(base(), fakePlatform({ placeNodes: stacked })));
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:controlPlane.spread"],
        );
        assert.match(issues[0].message, /z1, z1, z1, which is not an even spread over at least 3 failure domains/);
        const ok = resolveCluster(base({ controlPlane: { spread: "preferred" } }), fakePlatform({ placeNodes: stacked }));
        assert.deepEqual(
            ok.nodes.map((n) => n.failureDomain),
            ["z1", "z1", "z1"],
        );
    });

    test("a platform's masters are judged over the domains holding masters, not worker-only ones", () => {
        const five =
            (domains: string[]) =>
            (_: FakeConfig, spec: ClusterSpec): NodePlan[] =>
                domains.map((d, i) => masterPlan(spec, i, d));
        const raw = base({ controlPlane: { count: 5 }, failureDomains: ["z1", "z2", "z3", "z4", "z5"] });
        const offered = fakePlatform({ placeNodes: five(["z1", "z2", "z3", "z1", "z2"]) });
        const widened = { ...offered, failureDomains: () => ["z1", "z2", "z3", "z4", "z5"] };
        const ok = resolveCluster(raw, widened);
        assert.equal(ok.nodes.length, 5, "2/2/1 over three master racks passes though two racks hold only workers");
        const uneven = { ...widened, placeNodes: five(["z1", "z1", "z1", "z2", "z3"]) };
        assert.deepEqual(
            configIssues(() => resolveCluster(raw, uneven)).map((i) => i.field),
            ["kubeforge:controlPlane.spread"],
        );
    });

    test("the platform's node checks run on the placed nodes", () => {
        let checked: readonly NodePlan[] = [];
        const issues = configIssues(() =>
            resolveCluster(
                base(),
                fakePlatform({
                    checkNodes: (_c, _s, nodes) => {
                        checked = nodes;
                        return [{ field: "kubeforge:fake.hosts", message: "2 hosts for 3 masters; add a host" }];
                    },
                }),
            ),
        );
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:fake.hosts"],
        );
        assert.equal(checked.length, 3);
    });

    test("the ConfigError message lists every field", () => {
        try {
            resolveCluster(base({ name: "", cni: "x" }), fakePlatform());
            assert.fail("should throw");
        } catch (error) {
            assert.ok(error instanceof ConfigError);
            assert.match(error.message, /2 problems/);
            assert.match(error.message, /kubeforge:name/);
            assert.match(error.message, /kubeforge:cni/);
        }
    });

    test("same nodes as the core placement when the platform has none of its own", () => {
        const resolved = resolveCluster(base({ workerPools: [{ name: "w", count: 5 }] }), fakePlatform());
        assert.deepEqual(resolved.nodes, placeNodes(resolved.spec));
    });
});
