import assert from "node:assert/strict";
import { ConfigError, type ConfigIssue } from "../../components/core/types";

/**
 * Runs `run`, which must throw a {@link ConfigError}, and returns its issues.
 *
 * @param run - the call expected to reject the config
 */
export function configIssues(run: () => unknown): ConfigIssue[] {
    try {
        run();
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.issues;
    }
    assert.fail("expected a ConfigError");
}
