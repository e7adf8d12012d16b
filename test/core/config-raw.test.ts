/**
 * Reading the raw stack values (readRawConfig) and the parser's robustness on any JSON.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseClusterConfig, readRawConfig } from "../../components/core/config";
import { base } from "./configFixture";

describe("readRawConfig", () => {
    test("parses objects and arrays, reads booleans, keeps strings, and reads the platform's block", () => {
        const values: Record<string, string> = {
            name: "demo",
            platform: "aws",
            kubernetesVersion: "1.36",
            controlPlane: '{"count":3}',
            workerPools: '[{"name":"a","count":1}]',
            secretsEncryption: "false",
            aws: '{"region":"eu-west-1"}',
        };
        const { raw, issues } = readRawConfig((key) => values[key]);
        assert.deepEqual(issues, []);
        assert.deepEqual(raw, {
            name: "demo",
            platform: "aws",
            kubernetesVersion: "1.36",
            controlPlane: { count: 3 },
            workerPools: [{ name: "a", count: 1 }],
            secretsEncryption: false,
            aws: { region: "eu-west-1" },
        });
    });

    test("a record source reads every key it holds, so unknown keys reach the parser", () => {
        const { raw } = readRawConfig({ name: "demo", nmae: "x", baremetal: '{"hosts":[]}' });
        assert.deepEqual(raw, { name: "demo", nmae: "x", baremetal: { hosts: [] } });
    });

    test("a map that is not one (plain or malformed text) is an issue naming the key in YAML terms, without echoing the value", () => {
        const { raw, issues } = readRawConfig({ controlPlane: '{"count": 3', access: "s3cr3t-not-json" });
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:controlPlane", "kubeforge:access"],
        );
        for (const issue of issues) {
            assert.match(issue.message, /YAML map/);
            assert.doesNotMatch(issue.message, /s3cr3t/);
        }
        assert.equal(raw.controlPlane, undefined);
    });

    test("a getter reads only the listed keys (plus the platform block)", () => {
        const seen: string[] = [];
        readRawConfig(
            (key) => {
                seen.push(key);
                return key === "platform" ? "aws" : undefined;
            },
            ["platform", "name"],
        );
        assert.deepEqual(seen, ["platform", "name", "aws"]);
    });
});

describe("robustness", () => {
    const anyValue = fc.jsonValue({ maxDepth: 3 });
    const poolLike = fc.dictionary(
        fc.constantFrom(
            "name",
            "count",
            "labels",
            "taints",
            "os",
            "spot",
            "diskSizeGb",
            "failureDomains",
            "kubernetesVersion",
            "machineType",
            "x",
        ),
        anyValue,
        { maxKeys: 6 },
    );

    test("any JSON anywhere gives issues, never an exception, and a spec exactly when there are none", () => {
        fc.assert(
            fc.property(
                fc.dictionary(
                    fc.constantFrom(
                        "name",
                        "platform",
                        "kubernetesVersion",
                        "controlPlane",
                        "failureDomains",
                        "network",
                        "cni",
                        "access",
                        "secretsEncryption",
                        "tags",
                        "aws",
                        "other",
                    ),
                    anyValue,
                    { maxKeys: 6 },
                ),
                fc.option(fc.array(poolLike, { maxLength: 3 }), { nil: undefined }),
                (overrides, pools) => {
                    const raw = { ...base(), ...overrides, ...(pools ? { workerPools: pools } : {}) };
                    const result = parseClusterConfig(raw);
                    assert.equal(result.spec === undefined, result.issues.length > 0);
                    for (const issue of result.issues) {
                        assert.match(issue.field, /^kubeforge:/);
                        assert.match(issue.message, /; /, `${issue.field}: ${issue.message}`);
                    }
                },
            ),
            { numRuns: 300 },
        );
    });
});
