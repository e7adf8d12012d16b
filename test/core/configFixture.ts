/**
 * Shared helpers of the core config parser's tests (config*.test.ts): the smallest valid config and
 * one-issue assertions.
 */
import assert from "node:assert/strict";
import { parseClusterConfig, type RawConfig } from "../../components/core/config";
import type { ClusterSpec, ConfigIssue } from "../../components/core/types";

/** The smallest valid config. */
export function base(extra: RawConfig = {}): RawConfig {
    return { name: "demo", platform: "aws", access: { apiAllowedCidrs: ["203.0.113.7/32"] }, ...extra };
}

/** The issues of `raw`, with the platform names known when given. */
export function issuesOf(raw: RawConfig, platformNames?: string[]): ConfigIssue[] {
    return parseClusterConfig(raw, platformNames ? { platformNames } : {}).issues;
}

/** The spec of a valid `raw` (asserts there are no issues). */
export function specOf(raw: RawConfig): ClusterSpec {
    const result = parseClusterConfig(raw);
    assert.deepEqual(result.issues, []);
    assert.ok(result.spec);
    return result.spec;
}

/** Asserts exactly one issue on `field` whose message matches `pattern`, and a "; " before the fix. */
export function expectIssue(raw: RawConfig, field: string, pattern: RegExp): void {
    const issues = issuesOf(raw);
    const matching = issues.filter((i) => i.field === field);
    assert.equal(matching.length, 1, `expected one issue on ${field}, got ${JSON.stringify(issues, null, 1)}`);
    assert.match(matching[0].message, pattern);
    assert.match(matching[0].message, /; /, "message says what is wrong; how to fix");
    assert.equal(parseClusterConfig(raw).spec, undefined, "no spec when there are issues");
}

/** A valid worker pool. */
export function pool(extra: RawConfig = {}): RawConfig {
    return { name: "general", count: 2, ...extra };
}
