/** The kit's IPv4-only access check, shared by the platforms whose network and API endpoint are IPv4-only. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkIpv4OnlyAccess } from "../../components/kit/access";
import type { ConfigIssue } from "../../components/core/types";
import { makeSpec } from "../platforms/aws/fixtures";

test("each IPv6 range is refused at its index, naming the platform's network; IPv4 ranges pass", () => {
    const issues: ConfigIssue[] = [];
    const spec = makeSpec({
        access: { apiAllowedCidrs: ["203.0.113.0/24", "2001:db8::/32"], sshAllowedCidrs: ["2001:db8:1::/48"], sshPublicKeys: [] },
    });
    checkIpv4OnlyAccess(spec, "gcp network", issues);
    assert.deepEqual(
        issues.map((i) => i.field),
        ["kubeforge:access.apiAllowedCidrs[1]", "kubeforge:access.sshAllowedCidrs[0]"],
    );
    assert.match(issues[0].message, /^is an IPv6 range, but the gcp network and API load balancer are IPv4-only; remove it/);
    const clean: ConfigIssue[] = [];
    checkIpv4OnlyAccess(makeSpec(), "aws VPC", clean);
    assert.deepEqual(clean, []);
});
