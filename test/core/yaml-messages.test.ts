/**
 * YAML traps get YAML answers, and messages read as English: the values here go through the same path
 * `npm run plan` and the Pulumi CLI use (the stack file's YAML, flattened to Pulumi's config strings),
 * so what is checked is what a user who wrote that file would see.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseClusterConfig, readRawConfig } from "../../components/core/config";
import { IssueList, countOf, describeValue, readInteger, readString, readStringArray } from "../../components/core/fields";
import type { ConfigIssue } from "../../components/core/types";
import { readStackConfig } from "../../stacks/plan/stackConfig";

const MINIMAL = ["  kubeforge:name: demo", "  kubeforge:platform: aws", "  kubeforge:access:", "    apiAllowedCidrs: [203.0.113.7/32]"];

/** Every issue the core reports for a stack file made of `lines` (below `config:`). */
function issuesOfStackFile(lines: string[]): ConfigIssue[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-yaml-"));
    try {
        const file = path.join(dir, "Pulumi.yamltrap.yaml");
        fs.writeFileSync(file, ["config:", ...MINIMAL, ...lines, ""].join("\n"));
        const { values } = readStackConfig(file);
        const own = Object.fromEntries(
            Object.entries(values)
                .filter(([k]) => k.startsWith("kubeforge:"))
                .map(([k, v]) => [k.slice("kubeforge:".length), v]),
        );
        const { raw, issues } = readRawConfig(own);
        return [...issues, ...parseClusterConfig(raw).issues];
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function only(issues: ConfigIssue[], field: string): ConfigIssue {
    const found = issues.filter((i) => i.field === field);
    assert.equal(found.length, 1, `one issue on ${field}: ${JSON.stringify(issues, null, 1)}`);
    return found[0];
}

describe("YAML traps", () => {
    test('an unquoted kubernetesVersion: 1.30 is read as 1.3, and the message says to quote it as "1.30"', () => {
        const issue = only(issuesOfStackFile(["  kubeforge:kubernetesVersion: 1.30"]), "kubeforge:kubernetesVersion");
        assert.match(issue.message, /quote it, "1\.30"/);
        assert.match(issue.message, /YAML read it as the number 1\.3/);
    });

    test('a quoted "1.35" is fine, and an unsupported quoted full version gets no YAML hint', () => {
        assert.deepEqual(issuesOfStackFile(['  kubeforge:kubernetesVersion: "1.35"']), []);
        const issue = only(issuesOfStackFile(['  kubeforge:kubernetesVersion: "1.3.2"']), "kubeforge:kubernetesVersion");
        assert.doesNotMatch(issue.message, /YAML/);
    });

    test("a pool's unquoted version (a number inside a list) says what the user wrote: 1.30, not 1.3", () => {
        const issues = issuesOfStackFile([
            "  kubeforge:workerPools:",
            "    - name: general",
            "      count: 1",
            "      kubernetesVersion: 1.30",
        ]);
        const issue = only(issues, "kubeforge:workerPools[0].kubernetesVersion");
        assert.match(issue.message, /"1\.30"/);
        assert.doesNotMatch(issue.message, /\("1\.3"\)/);
    });

    test("a list written as a plain string is answered in YAML, never as JSON", () => {
        const issue = only(issuesOfStackFile(["  kubeforge:failureDomains: us-east-1a"]), "kubeforge:failureDomains");
        assert.doesNotMatch(issue.message, /JSON/);
        assert.match(issue.message, /must be a list/);
        assert.match(issue.message, /\[us-east-1a\]/);
        assert.match(issue.message, /- us-east-1a/);
    });

    test("a map written as a plain string is answered in YAML", () => {
        const issue = only(issuesOfStackFile(["  kubeforge:network: 10.0.0.0/16"]), "kubeforge:network");
        assert.doesNotMatch(issue.message, /JSON/);
        assert.match(issue.message, /must be a map/);
    });

    test("a quoted string that starts like a YAML list but is not one names YAML, not JSON", () => {
        const issue = only(issuesOfStackFile(["  kubeforge:failureDomains: '[us-east-1a, us-east-1b'"]), "kubeforge:failureDomains");
        assert.doesNotMatch(issue.message, /JSON/);
        assert.match(issue.message, /YAML list/);
    });

    test("the Norway problem: an unquoted no read as false is explained", () => {
        const issues = new IssueList();
        readString(false, "failureDomains[0]", issues);
        assert.match(issues.items[0].message, /YAML reads an unquoted .*no.* as false; quote/);
    });
});

describe("messages read as English", () => {
    test("a fraction where a whole number belongs names the value, not its type", () => {
        const issues = new IssueList();
        readInteger(3.5, "controlPlane.count", issues, 1);
        readInteger("3", "controlPlane.count", issues, 1);
        assert.equal(issues.items[0].message, "must be a whole number, not 3.5; write it without a decimal point");
        assert.equal(issues.items[1].message, 'must be a whole number, not the text "3"; write digits only, without quotes');
    });

    test("countOf: one is singular", () => {
        assert.equal(countOf(1, "node"), "1 node");
        assert.equal(countOf(0, "node"), "0 nodes");
        assert.equal(countOf(2, "failure domain"), "2 failure domains");
        assert.equal(countOf(1, "address", "addresses"), "1 address");
    });

    test("describeValue never says 'a number (…)' or 'a string (…)'", () => {
        for (const value of [3.5, 7, true, "x", [1], { a: 1 }, null]) {
            assert.doesNotMatch(describeValue(value), /^a (number|string|boolean) \(/);
        }
    });

    test("no message from a battery of bad configs says '1 <plural>', 'a number (' or 'JSON'", () => {
        const stacks: string[][] = [
            ["  kubeforge:network:", "    podCidr: 10.244.0.0/24"],
            ["  kubeforge:controlPlane:", "    count: 3.5"],
            ["  kubeforge:workerPools:", "    - name: general", "      count: 1.5", "      diskSizeGb: '50'"],
            ["  kubeforge:failureDomains: us-east-1a"],
            ["  kubeforge:workerPools: general"],
            ["  kubeforge:secretsEncryption: 1"],
            ["  kubeforge:kubernetesVersion: 1.30"],
            ["  kubeforge:tags: team"],
        ];
        const readStringArrayIssues = new IssueList();
        readStringArray([1.5, false], "failureDomains", readStringArrayIssues);
        const messages = [...stacks.flatMap(issuesOfStackFile), ...readStringArrayIssues.items].map((i) => `${i.field}: ${i.message}`);
        assert.ok(messages.length >= stacks.length, messages.join("\n"));
        for (const message of messages) {
            assert.doesNotMatch(
                message,
                /\b1 (node|master|worker|host|zone|failure domain|minor|address|attempt|character|byte)s\b/,
                message,
            );
            assert.doesNotMatch(message, /\ba (number|string|boolean) \(/, message);
            assert.doesNotMatch(message, /JSON/, message);
        }
    });
});
