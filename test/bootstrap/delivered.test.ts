/**
 * What nodes receive of the bootstrap scripts (and AWS's python probe): the sources without their
 * whole-line comments. Checked by the interpreters themselves: bash prints a function's body as it parsed
 * it, comments gone, and python's ast drops them, so equal prints mean only comments were removed.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SCRIPT_NAMES, deliveredScriptText, scriptText, withoutCommentLines } from "../../bootstrap/scripts";
import { ENDPOINT_NAME_PROBE } from "../../components/platforms/aws/bootstrap";

/** bash's own rendering of a script's text, parsed as a function body (nothing runs). */
function bashParsed(text: string): string {
    const r = spawnSync("bash", ["-c", 'eval "kubeforge_parsed() {\n$1\n}" && declare -f kubeforge_parsed', "bash", text]);
    assert.equal(r.status, 0, r.stderr.toString());
    return r.stdout.toString();
}

function pythonParsed(text: string): string {
    const r = spawnSync("python3", ["-c", "import ast,sys; print(ast.dump(ast.parse(sys.stdin.read())))"], { input: text });
    assert.equal(r.status, 0, r.stderr.toString());
    return r.stdout.toString();
}

describe("scripts as nodes receive them", () => {
    for (const name of SCRIPT_NAMES) {
        test(`${name}: bash parses the delivered text exactly as the source, and it is smaller`, () => {
            const delivered = deliveredScriptText(name);
            assert.equal(bashParsed(delivered), bashParsed(scriptText(name)));
            assert.ok(delivered.length < scriptText(name).length, "comments were dropped");
            assert.ok(delivered.startsWith("#!/usr/bin/env bash\n") || name === "common.sh", "the shebang stays");
        });
    }

    test("the AWS probe: python parses the delivered text exactly as the source", () => {
        const source = readFileSync(join(__dirname, "..", "..", "components", "platforms", "aws", "endpoint-name.py"), "utf8");
        assert.equal(pythonParsed(ENDPOINT_NAME_PROBE), pythonParsed(source));
        assert.ok(ENDPOINT_NAME_PROBE.length < source.length * 0.75, "its long explanation stays in the repository");
        assert.match(ENDPOINT_NAME_PROBE, /^#!\/usr\/bin\/env python3\n/);
    });

    test("here-documents are data: their lines stay, comment-looking or not; <<< is not one; shellcheck directives stay", () => {
        const text =
            "#!/bin/bash\n# a comment\n# shellcheck disable=SC2034\ncat <<EOF\n# kept\n  # kept too\nEOF\n  # dropped\nx=$(cat <<<'y')\n# dropped\ncat <<-'END'\n\t# kept\n\tEND\necho done\n";
        assert.equal(
            withoutCommentLines(text),
            "#!/bin/bash\n# shellcheck disable=SC2034\ncat <<EOF\n# kept\n  # kept too\nEOF\nx=$(cat <<<'y')\ncat <<-'END'\n\t# kept\n\tEND\necho done\n",
        );
    });

    test("the check can fail: dropping a line of a here-document changes what bash parses", () => {
        const text = "cat <<EOF\n# data\nEOF\n";
        assert.notEqual(bashParsed(text.replace("# data\n", "")), bashParsed(text));
    });
});
