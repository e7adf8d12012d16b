/**
 * The simulated engine sleeps what the model says is left of a resource's latency (bench/lib/trace.ts
 * `leftToSleepMs`), so the bench's measured run follows the modelled path: kubeadm init, whose request
 * comes when the load balancer is done, ends at max(its machine and egress + 150 s, the SOA + 90 s).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { leftToSleepMs } from "../../bench/lib/trace";

const MS = 5; // wall ms per simulated second
const at = (seconds: number) => seconds * MS;

describe("what the simulated engine sleeps", () => {
    // Machine running at 40 s, the NAT route at 107 s, the SOA at 83 s; the request comes with the LB at 186 s.
    const init = (soaEnd: number) => [
        { endMs: at(40), role: "work" as const },
        { endMs: at(107), role: "work" as const },
        { endMs: at(soaEnd), role: { last: 90 } },
        { endMs: at(186), role: "bound" as const },
    ];

    test("init sleeps what is left after its machine and egress + 150 s when the SOA is early", () => {
        assert.equal(leftToSleepMs(at(150), init(83), true, at(186), MS), at(107 + 150 - 186));
    });

    test("a late SOA holds init's last 90 s after it", () => {
        assert.equal(leftToSleepMs(at(150), init(230), true, at(186), MS), at(230 + 90 - 186));
    });

    test("a `last` dependency alone makes the work start early even where the row does not", () => {
        assert.equal(leftToSleepMs(at(150), init(230), false, at(186), MS), at(230 + 90 - 186));
    });

    test("nothing early: the whole latency; never a negative sleep", () => {
        assert.equal(leftToSleepMs(at(150), [{ endMs: at(40), role: "work" }], false, at(40), MS), at(150));
        assert.equal(leftToSleepMs(at(150), init(83), true, at(400), MS), 0);
    });
});
