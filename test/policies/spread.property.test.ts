import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { domainFor, isEvenSpread } from "../../components/core/placement";
import { controlPlaneSpread } from "../../policies/rules/control-plane";
import { runPolicies } from "../../policies/evaluate";
import { clusterRecord, nodeRecord } from "./builders";

const domainsArb = fc.uniqueArray(fc.constantFrom("a", "b", "c", "d", "e", "f"), { minLength: 1, maxLength: 6 });

async function spreadViolations(assigned: string[], domains: string[]): Promise<number> {
    const resources = [
        clusterRecord({ controlPlaneCount: assigned.length, failureDomains: domains }),
        ...assigned.map((d, i) => nodeRecord(`demo-cp-${i}`, { role: "control-plane", failureDomain: d })),
    ];
    return (await runPolicies(resources, { policies: [controlPlaneSpread] })).length;
}

test("the core's round-robin placement of masters always passes", async () => {
    await fc.assert(
        fc.asyncProperty(fc.constantFrom(1, 3, 5, 7), domainsArb, async (count, domains) => {
            const assigned = Array.from({ length: count }, (_, i) => domainFor(i, domains));
            assert.equal(await spreadViolations(assigned, domains), 0);
        }),
        { numRuns: 150 },
    );
});

test("any placement: reported exactly when a domain holds more than ceil(masters / domains), and never when the core calls it even", async () => {
    const placement = domainsArb.chain((domains) =>
        fc.tuple(fc.constant(domains), fc.array(fc.constantFrom(...domains), { minLength: 1, maxLength: 9 })),
    );
    await fc.assert(
        fc.asyncProperty(placement, async ([domains, assigned]) => {
            const found = await spreadViolations(assigned, domains);
            const most = Math.max(...domains.map((d) => assigned.filter((a) => a === d).length));
            assert.equal(found > 0, most > Math.ceil(assigned.length / domains.length));
            if (isEvenSpread(assigned, domains)) assert.equal(found, 0);
        }),
        { numRuns: 300 },
    );
});
