/**
 * IPv6 on AWS: the README says IPv6 ranges are refused, so the program must refuse them before any
 * resource registers, through the same path `pulumi up` and `npm run plan` take (the shipped stack with
 * one key changed). Before this check, IPv6 pod and Service ranges passed and the plan fed an IPv6
 * range to Cilium's IPv4 pool on an IPv4-only VPC.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { resolveStack } from "../../../stacks/program";
import { readStackConfig, stackConfigPath } from "../../../stacks/plan/stackConfig";
import { ConfigError } from "../../../components/core/types";

function issuesWith(overrides: Record<string, unknown>): { field: string; message: string }[] {
    const { values } = readStackConfig(stackConfigPath("aws"));
    for (const [key, value] of Object.entries(overrides)) values[`kubeforge:${key}`] = JSON.stringify(value);
    try {
        resolveStack(values);
        return [];
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.issues;
    }
}

describe("IPv6 ranges on aws are refused, as the README says", () => {
    test("the shipped stack resolves (the check below can pass)", () => {
        assert.deepEqual(issuesWith({}), []);
    });

    test("IPv6 pod and Service ranges (valid for the core) are refused on aws, each by its key, with an IPv4 example", () => {
        const issues = issuesWith({ network: { podCidr: "fd00:10:244::/56", serviceCidr: "fd00:10:96::/112", nodeCidr: "10.0.0.0/16" } });
        assert.deepEqual(issues.map((i) => i.field).sort(), ["kubeforge:network.podCidr", "kubeforge:network.serviceCidr"]);
        for (const i of issues) assert.match(i.message, /IPv6.*not supported yet\); use an IPv4 range such as 10\./);
    });

    test("an IPv6 node range, IPv6 access ranges and the ipv6 switch are refused too", () => {
        const { values: shipped } = readStackConfig(stackConfigPath("aws"));
        const awsBlock = JSON.parse(shipped["kubeforge:aws"]) as { vpc?: Record<string, unknown> };
        const node = issuesWith({
            network: { nodeCidr: "fd00:10::/48", podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12" },
            aws: { ...awsBlock, vpc: { ...awsBlock.vpc, cidr: undefined } },
        });
        assert.deepEqual(
            node.map((i) => i.field),
            ["kubeforge:aws.vpc.cidr"],
        );
        assert.match(node[0].message, /is IPv6 \(fd00:10::\/48, from kubeforge:network\.nodeCidr\).*not supported yet/);
        const access = issuesWith({ access: { apiAllowedCidrs: ["2001:db8::/32"] } });
        assert.deepEqual(
            access.map((i) => i.field),
            ["kubeforge:access.apiAllowedCidrs[0]"],
        );
        const { values } = readStackConfig(stackConfigPath("aws"));
        const block = JSON.parse(values["kubeforge:aws"]) as Record<string, unknown>;
        assert.deepEqual(
            issuesWith({ aws: { ...block, ipv6: true } }).map((i) => i.field),
            ["kubeforge:aws.ipv6"],
        );
    });
});
