/**
 * The core config parser on kubeforge:network (CIDRs, overlaps, sizes), cni, access, secretsEncryption
 * and tags.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { base, issuesOf, specOf, expectIssue, pool } from "./configFixture";

describe("network", () => {
    test("malformed and host-bit CIDRs", () => {
        expectIssue(base({ network: { podCidr: "10.244.0.0" } }), "kubeforge:network.podCidr", /no prefix length/);
        expectIssue(base({ network: { podCidr: "10.244.0.0/33" } }), "kubeforge:network.podCidr", /invalid prefix/);
        expectIssue(
            base({ network: { nodeCidr: "10.0.0.1/16" } }),
            "kubeforge:network.nodeCidr",
            /host bits set; write the network address 10\.0\.0\.0\/16/,
        );
    });
    test("overlaps name both fields", () => {
        expectIssue(base({ network: { podCidr: "10.96.0.0/16" } }), "kubeforge:network.serviceCidr", /overlaps kubeforge:network\.podCidr/);
        expectIssue(
            base({ network: { nodeCidr: "10.244.128.0/20" } }),
            "kubeforge:network.nodeCidr",
            /overlaps kubeforge:network\.podCidr/,
        );
        const issues = issuesOf(base({ network: { podCidr: "10.0.0.0/8", serviceCidr: "10.96.0.0/12", nodeCidr: "10.10.0.0/16" } }));
        // 10.0.0.0/8 holds both others; the service and node ranges are disjoint from each other.
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:network.serviceCidr", "kubeforge:network.nodeCidr"],
        );
    });
    test("IPv6 ranges are accepted, mixed pod/service families are not", () => {
        const spec = specOf(base({ network: { podCidr: "fd00:10:244::/56", serviceCidr: "fd00:10:96::/112" } }));
        assert.equal(spec.network.podCidr, "fd00:10:244::/56");
        expectIssue(
            base({ network: { serviceCidr: "fd00:10:96::/112" } }),
            "kubeforge:network.serviceCidr",
            /IPv6 but kubeforge:network\.podCidr is IPv4/,
        );
        expectIssue(
            base({ network: { podCidr: "fd00:10:244::/56", serviceCidr: "fd00:10:96::/64" } }),
            "kubeforge:network.serviceCidr",
            /too large.*\/108/,
        );
    });
    test("service range size limits", () => {
        expectIssue(base({ network: { serviceCidr: "10.96.0.0/11" } }), "kubeforge:network.serviceCidr", /too large.*\/12/);
        expectIssue(base({ network: { serviceCidr: "10.96.0.0/29" } }), "kubeforge:network.serviceCidr", /only 8 addresses/);
    });
    test("the pod range has a /24 for every node", () => {
        assert.equal(
            specOf(base({ network: { podCidr: "10.244.0.0/22" }, controlPlane: { count: 1 }, workerPools: [pool({ count: 3 })] })).network
                .podCidr,
            "10.244.0.0/22",
        );
        expectIssue(
            base({ network: { podCidr: "10.244.0.0/22" }, workerPools: [pool({ count: 2 })] }),
            "kubeforge:network.podCidr",
            /room for 4 nodes .* has 5/,
        );
        expectIssue(base({ network: { podCidr: "10.244.0.0/25" } }), "kubeforge:network.podCidr", /room for 0 nodes/);
    });
    test("unknown network keys", () => {
        expectIssue(base({ network: { podCIDR: "10.1.0.0/16" } }), "kubeforge:network.podCIDR", /did you mean "podCidr"/);
    });
});

describe("cni, access, secretsEncryption, tags", () => {
    test("cni is one of cilium, calico, none", () => {
        assert.equal(specOf(base({ cni: "none" })).cni, "none");
        expectIssue(base({ cni: "flannel" }), "kubeforge:cni", /"cilium", "calico", "none"/);
    });
    test("apiAllowedCidrs is required, non-empty, and the message asks for the user's /32", () => {
        expectIssue({ name: "demo", platform: "aws" }, "kubeforge:access.apiAllowedCidrs", /is required; there is no safe default.*\/32/);
        expectIssue(base({ access: {} }), "kubeforge:access.apiAllowedCidrs", /is required.*\/32/);
        expectIssue(base({ access: { apiAllowedCidrs: [] } }), "kubeforge:access.apiAllowedCidrs", /is empty.*\/32/);
        expectIssue(base({ access: { apiAllowedCidrs: ["203.0.113.7/24"] } }), "kubeforge:access.apiAllowedCidrs[0]", /host bits/);
        assert.deepEqual(specOf(base({ access: { apiAllowedCidrs: ["0.0.0.0/0", "::/0"] } })).access.apiAllowedCidrs, [
            "0.0.0.0/0",
            "::/0",
        ]);
    });
    test("ssh CIDRs and keys", () => {
        expectIssue(
            base({ access: { apiAllowedCidrs: ["203.0.113.7/32"], sshAllowedCidrs: ["nope"] } }),
            "kubeforge:access.sshAllowedCidrs[0]",
            /no prefix length/,
        );
        const issues = issuesOf(
            base({ access: { apiAllowedCidrs: ["203.0.113.7/32"], sshPublicKeys: ["-----BEGIN OPENSSH PRIVATE KEY----- abc"] } }),
        );
        assert.equal(issues.length, 1);
        assert.equal(issues[0].field, "kubeforge:access.sshPublicKeys[0]");
        assert.doesNotMatch(issues[0].message, /PRIVATE KEY/, "the value is not echoed");
        expectIssue(
            base({ access: { apiAllowedCidrs: ["203.0.113.7/32"], sshkeys: [] } }),
            "kubeforge:access.sshkeys",
            /known keys|did you mean/,
        );
    });
    test("secretsEncryption is a boolean", () => {
        expectIssue(base({ secretsEncryption: "yes" }), "kubeforge:secretsEncryption", /true or false/);
    });
    test("tags are strings and not kubeforge's own", () => {
        expectIssue(base({ tags: { cost: 12 } }), "kubeforge:tags.cost", /quote/);
        expectIssue(base({ tags: { "kubeforge.io/cluster": "x" } }), 'kubeforge:tags["kubeforge.io/cluster"]', /set themselves/);
        expectIssue(base({ tags: ["a"] }), "kubeforge:tags", /must be a map/);
    });
});
