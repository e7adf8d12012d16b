/** The bootstrap token's windows and expiry, and its config key. Pure: the clock is a parameter. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { MAX_BOOTSTRAP_TOKEN_HOURS, MIN_BOOTSTRAP_TOKEN_HOURS, tokenWindow } from "../../components/core/token-window";
import { parseClusterConfig } from "../../components/core/config";

const HOUR = 3600 * 1000;

describe("tokenWindow", () => {
    test("24 h: windows of 12 h; a token minted at 10:00 expires at midnight after next", () => {
        const w = tokenWindow(new Date("2026-12-04T10:00:00Z"), 24);
        assert.equal(w.expiresAt, "2026-12-05T00:00:00Z");
        assert.equal(tokenWindow(new Date("2026-12-04T11:59:59Z"), 24).index, w.index, "same window, same token");
        assert.equal(tokenWindow(new Date("2026-12-04T12:00:00Z"), 24).index, w.index + 1, "a new window mints a new token");
    });

    test("property: every up hands out a token with at least half its lifetime left and never more than all of it", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 0, max: 4_000_000_000_000 }),
                fc.integer({ min: MIN_BOOTSTRAP_TOKEN_HOURS, max: MAX_BOOTSTRAP_TOKEN_HOURS }),
                (ms, hours) => {
                    const left = Date.parse(tokenWindow(new Date(ms), hours).expiresAt) - ms;
                    return left > (hours * HOUR) / 2 - 1000 && left <= hours * HOUR;
                },
            ),
        );
    });

    test("a lifetime under the minimum is a programming error", () => {
        assert.throws(() => tokenWindow(new Date(0), 1), RangeError);
    });
});

describe("kubeforge:lifecycle.bootstrapTokenHours", () => {
    const base = { name: "demo", platform: "aws", access: { apiAllowedCidrs: ["203.0.113.7/32"] } };
    const issues = (value: unknown) => parseClusterConfig({ ...base, lifecycle: { bootstrapTokenHours: value } }).issues;

    test("24 by default; any whole number of hours from 2 to 720", () => {
        assert.equal(parseClusterConfig(base).spec?.lifecycle.bootstrapTokenHours, 24);
        assert.equal(parseClusterConfig({ ...base, lifecycle: { bootstrapTokenHours: 72 } }).spec?.lifecycle.bootstrapTokenHours, 72);
    });

    test("too short, too long, fractional or quoted values are refused, naming the key and the fix", () => {
        for (const [value, pattern] of [
            [1, /at least 2/],
            [721, /at most 720/],
            [1.5, /whole number, not 1\.5/],
            ["24", /whole number, not the text "24"/],
        ] as const) {
            const found = issues(value);
            assert.equal(found.length, 1, JSON.stringify(found));
            assert.equal(found[0].field, "kubeforge:lifecycle.bootstrapTokenHours");
            assert.match(found[0].message, pattern);
        }
    });
});
