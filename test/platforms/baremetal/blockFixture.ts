/**
 * The example bare-metal stack with one value of its `kubeforge:baremetal` block changed, and a
 * one-issue assertion: shared by the tests of single bad values (yaml-traps, config-checks).
 */
import assert from "node:assert/strict";
import { readStackConfig, stackConfigPath } from "../../../stacks/plan/stackConfig";
import { resolveStack } from "../../../stacks/program";
import { ConfigError, type ConfigIssue } from "../../../components/core/types";

const example = readStackConfig(stackConfigPath("baremetal"), "baremetal");

/** The block as the example writes it (hosts[3] is a worker). */
export type Block = { hosts: Record<string, unknown>[]; endpoint: Record<string, unknown> } & Record<string, unknown>;

/**
 * The issues of the example stack after `set` changed its block (none when it resolves).
 *
 * @param set - changes the block in place
 */
export function issuesWith(set: (block: Block) => void): ConfigIssue[] {
    const block = JSON.parse(example.values["kubeforge:baremetal"]) as Block;
    set(block);
    try {
        resolveStack({ ...example.values, "kubeforge:baremetal": JSON.stringify(block) });
    } catch (err) {
        if (err instanceof ConfigError) return err.issues;
        throw err;
    }
    return [];
}

/**
 * Exactly one issue, at `kubeforge:baremetal.<key>`, matching `message`.
 *
 * @param issues - what the config gave
 * @param key - the key below `kubeforge:baremetal`
 * @param message - what the message must say
 */
export function assertOneIssue(issues: ConfigIssue[], key: string, message: RegExp): void {
    assert.deepEqual(
        issues.map((i) => i.field),
        [`kubeforge:baremetal.${key}`],
        issues.map((i) => `${i.field}: ${i.message}`).join("\n"),
    );
    assert.match(issues[0].message, message);
}
