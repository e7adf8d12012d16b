/**
 * The API's names, known before any resource exists (pure).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiServerExtraSans, loadBalancerWildcardSan, privateApiHost, privateZoneName } from "../../../components/platforms/aws/names";

test("the private zone and API host hang off kubeforge.internal, one zone per cluster", () => {
    assert.equal(privateZoneName("demo"), "demo.kubeforge.internal");
    assert.equal(privateApiHost("demo"), "api.demo.kubeforge.internal");
    assert.notEqual(privateZoneName("a"), privateZoneName("b"));
});

test("the NLB wildcard follows the regional ELB domain, China included", () => {
    // NLB names as AWS documents them: <name>-<id>.elb.<region>.amazonaws.com(.cn).
    assert.equal(loadBalancerWildcardSan("us-east-1"), "*.elb.us-east-1.amazonaws.com");
    assert.equal(loadBalancerWildcardSan("eu-west-3"), "*.elb.eu-west-3.amazonaws.com");
    assert.equal(loadBalancerWildcardSan("us-gov-west-1"), "*.elb.us-gov-west-1.amazonaws.com");
    assert.equal(loadBalancerWildcardSan("cn-north-1"), "*.elb.cn-north-1.amazonaws.com.cn");
});

test("extra SANs: the wildcard and the private host, plain strings", () => {
    assert.deepEqual(apiServerExtraSans("demo", "eu-central-1"), ["*.elb.eu-central-1.amazonaws.com", "api.demo.kubeforge.internal"]);
});
