import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { NODE_PORT_RANGE, cniRules, firewallMatrix } from "../../../components/kit/firewall";
import { awsRules, type AwsRule } from "../../../components/platforms/aws/firewall";
import type { ClusterSpec } from "../../../components/core/types";
import { makeSpec } from "./fixtures";

/** The kit's matrix in EC2's terms, as aws/firewall.ts creates it (the load balancer has its own group). */
function securityRules(spec: ClusterSpec, vpcCidr: string, natCidrs: string[]): AwsRule[] {
    return awsRules(firewallMatrix(spec, { endpointHasOwnGroup: true }), vpcCidr, natCidrs);
}

function portsOf(rules: AwsRule[]): string[] {
    return rules.map((r) => `${r.protocol}/${r.fromPort ?? "*"}`).sort();
}

describe("the firewall matrix in EC2's terms", () => {
    test("each CNI opens its own overlay between nodes, and only between nodes", () => {
        assert.deepEqual(portsOf(awsRules(cniRules("cilium"), "10.0.0.0/16", [])), ["icmp/8", "tcp/4240", "tcp/4244", "udp/8472"]);
        assert.deepEqual(portsOf(awsRules(cniRules("calico"), "10.0.0.0/16", [])), ["4/*", "tcp/179", "tcp/5473", "udp/4789"]);
        assert.deepEqual(cniRules("none"), []);
        for (const r of [...cniRules("cilium"), ...cniRules("calico")]) {
            assert.deepEqual([r.group, r.direction, r.peer], ["nodes", "ingress", { group: "nodes" }]);
        }
    });

    test("rule ids are unique, also with repeated CIDRs", () => {
        const spec = makeSpec({
            access: {
                apiAllowedCidrs: ["203.0.113.0/24", "203.0.113.0/24", "198.51.100.0/24"],
                sshAllowedCidrs: ["192.0.2.0/24"],
                sshPublicKeys: [],
            },
        });
        const rules = securityRules(spec, "10.0.0.0/16", ["198.51.100.7/32"]);
        const ids = rules.map((r) => `${r.group}/${r.direction}/${r.id}`);
        assert.equal(new Set(ids).size, ids.length);
        assert.equal(
            rules.filter((r) => r.group === "apiEndpoint" && r.direction === "ingress").length,
            3,
            "two distinct CIDRs and one NAT address",
        );
    });

    test("for any access lists, world-open sensitive ports appear only when a list holds 0.0.0.0/0", () => {
        const cidr = fc.constantFrom("0.0.0.0/0", "203.0.113.0/24", "198.51.100.0/25", "192.0.2.10/32");
        fc.assert(
            fc.property(
                fc.array(cidr, { maxLength: 4 }),
                fc.array(cidr, { maxLength: 4 }),
                fc.constantFrom("cilium", "calico", "none" as const),
                (api, ssh, cni) => {
                    const spec = makeSpec({ cni, access: { apiAllowedCidrs: api, sshAllowedCidrs: ssh, sshPublicKeys: [] } });
                    const rules = securityRules(spec, "10.0.0.0/16", ["198.51.100.7/32"]);
                    const open = rules.filter((r) => r.direction === "ingress" && "cidr" in r.peer && r.peer.cidr === "0.0.0.0/0");
                    for (const r of open) {
                        if (r.fromPort === 22) assert.ok(ssh.includes("0.0.0.0/0"));
                        else if (r.fromPort === 6443) assert.ok(api.includes("0.0.0.0/0"));
                        else assert.fail(`rule ${r.id} opens ${r.protocol}/${r.fromPort} to the world`);
                    }
                    assert.equal(
                        rules.some((r) => r.fromPort === 22),
                        ssh.length > 0,
                        "SSH exists exactly when allowed",
                    );
                    const etcd = rules.filter(
                        (r) =>
                            r.fromPort !== undefined && r.fromPort <= 2380 && (r.toPort ?? r.fromPort) >= 2379 && r.direction === "ingress",
                    );
                    assert.deepEqual(
                        etcd.map((r) => [r.group, r.peer]),
                        [["controlPlane", { group: "controlPlane" }]],
                    );
                    const nodePorts = rules.filter((r) => r.fromPort === NODE_PORT_RANGE.from);
                    assert.ok(nodePorts.every((r) => "cidr" in r.peer && r.peer.cidr === "10.0.0.0/16"));
                },
            ),
        );
    });
});
