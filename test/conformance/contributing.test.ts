/**
 * docs/CONTRIBUTING.md's "Add a platform" recipe lists exactly the files of the platform skeleton the
 * conformance suite checks (PLATFORM_SKELETON), in its order and with its purposes, so the two cannot drift.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../helpers/plan";
import { PLATFORM_SKELETON } from "./skeleton";

/** The recipe's skeleton list: one item per file (the file in code marks, a colon, its purpose) between the skeleton markers, code marks dropped. */
function recipeSkeleton(markdown: string): [string, string][] {
    const section = markdown.split(/^## /m).find((s) => s.startsWith("Add a platform"));
    assert.ok(section, 'docs/CONTRIBUTING.md has no "## Add a platform" section');
    const list = /<!-- skeleton:start -->\n([\s\S]*?)<!-- skeleton:end -->/.exec(section);
    assert.ok(list, "the Add a platform section has no <!-- skeleton:start --> ... <!-- skeleton:end --> list");
    return list[1]
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => {
            const item = /^- `([^`]+)`: (.+)$/.exec(line);
            assert.ok(item, `not a skeleton item (\`- \\\`file\\\`: purpose\`): ${line}`);
            return [item[1], item[2].replace(/`/g, "")];
        });
}

test("CONTRIBUTING.md's Add a platform recipe lists exactly the skeleton's files, with their purposes", () => {
    const listed = recipeSkeleton(fs.readFileSync(path.join(ROOT, "docs", "CONTRIBUTING.md"), "utf8"));
    assert.deepEqual(listed, Object.entries(PLATFORM_SKELETON));
});
