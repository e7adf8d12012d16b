/**
 * The kit's ownership tags, without mocks: which keys mark a resource as the cluster's and a machine's
 * identity, how they are shaped under each kind of provider limits (key/value map, GCP-style label map,
 * DigitalOcean-style list), and label-safe text for any input (property test).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { LABELS } from "../../components/core/types";
import type { TagLimits } from "../../components/platform";
import { formatTags, labelSafe, nodeTags, ownershipTags, tagLimitIssues, type TagRules } from "../../components/kit/tags";
import aws from "../../components/platforms/aws";
import digitalocean from "../../components/platforms/digitalocean";
import gcp from "../../components/platforms/gcp";

const SPEC = { name: "demo", tags: { team: "platform", [LABELS.cluster]: "spoofed" } };
const NODE = { name: "demo-general-1", role: "worker", pool: "general", failureDomain: "europe-west4-b" } as const;

// The limits the platforms declare: each kind of shape, as a platform really asks for it.
const MAP: TagLimits = aws.limits.tags!;
const LABELS_GCP: TagLimits = gcp.limits.tags!;
const LIST: TagLimits = digitalocean.limits.tags!;

/** GCP's label pattern (keys and values; keys also start with a letter, which labelSafe does not promise). */
const GCP_LABEL_TEXT = /^[a-z0-9_-]*$/;

describe("ownershipTags and nodeTags", () => {
    test("the user's tags first, kubeforge's cluster tag wins over a user tag of the same key", () => {
        assert.deepEqual(ownershipTags(SPEC), { team: "platform", [LABELS.cluster]: "demo" });
        assert.deepEqual(ownershipTags({ name: "demo", tags: {} }, { extra: "1" }), { [LABELS.cluster]: "demo", extra: "1" });
    });
    test("a machine carries the node's role, pool, name and failure domain", () => {
        assert.deepEqual(nodeTags(SPEC, NODE), {
            team: "platform",
            [LABELS.cluster]: "demo",
            [LABELS.role]: "worker",
            [LABELS.pool]: "general",
            [LABELS.node]: "demo-general-1",
            [LABELS.kubeforgeFailureDomain]: "europe-west4-b",
        });
    });
});

describe("formatTags", () => {
    test("a map provider without patterns keeps keys and values as they are", () => {
        const tags = nodeTags(SPEC, NODE);
        assert.deepEqual(formatTags(tags, MAP), tags);
    });
    test("a label map provider gets label-safe keys and values; what already fits is kept", () => {
        const out = formatTags({ [LABELS.role]: "control-plane", team: "Platform Eng", ok: "fine" }, LABELS_GCP) as Record<string, string>;
        assert.deepEqual(out, { kubeforge_io_role: "control-plane", team: "platform_eng", ok: "fine" });
        for (const [k, v] of Object.entries(out)) {
            assert.match(k, new RegExp(LABELS_GCP.keyPattern!));
            assert.match(v, new RegExp(LABELS_GCP.valuePattern!));
        }
    });
    test("a list provider gets `key:value` strings, a bare key for an empty value, made label-safe where the pattern refuses", () => {
        assert.deepEqual(formatTags({ team: "platform", solo: "", [LABELS.node]: "demo-cp-0" }, LIST), [
            "team:platform",
            "solo",
            "kubeforge_io_node:demo-cp-0",
        ]);
    });
    test("over the provider's count throws, naming both numbers", () => {
        const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, "v"]));
        assert.throws(() => formatTags(many, MAP), /51 tags, over the provider's limit of 50/);
        assert.equal(Object.keys(formatTags(Object.fromEntries(Object.entries(many).slice(1)), MAP)).length, 50);
    });
});

describe("labelSafe", () => {
    test("examples: the slash-and-dot keys of other providers, upper case, cut to the limit", () => {
        assert.equal(labelSafe("kubeforge.io/role", 63), "kubeforge_io_role");
        assert.equal(labelSafe("Cost Center", 63), "cost_center");
        assert.equal(labelSafe("abcdef", 3), "abc");
    });
    test("for any input the result matches GCP's label pattern, within the max length, and is stable", () => {
        fc.assert(
            fc.property(fc.string({ unit: "grapheme", maxLength: 120 }), fc.integer({ min: 0, max: 63 }), (text, max) => {
                const safe = labelSafe(text, max);
                assert.match(safe, GCP_LABEL_TEXT);
                assert.ok(safe.length <= max, `${safe.length} > ${max}`);
                assert.equal(labelSafe(safe, max), safe, "label-safe text must come back unchanged");
                assert.equal(labelSafe(text, max), safe, "the same input must give the same result");
            }),
            { numRuns: 500 },
        );
    });
});

describe("tagLimitIssues", () => {
    const rules: TagRules = {
        provider: "AWS",
        noun: "tag",
        reserved: 10,
        refuseKey: (key) => (key.startsWith("aws:") ? "uses the `aws:` prefix, which AWS reserves; rename the tag" : undefined),
    };
    const fields = (tags: Record<string, string>, r: TagRules = rules) => tagLimitIssues(tags, MAP, r).map((i) => i.field);

    test("within the limits: nothing", () => {
        assert.deepEqual(tagLimitIssues({ team: "platform", "cost/center": "42" }, MAP, rules), []);
    });
    test("the count leaves kubeforge its share, and the message says how many to keep", () => {
        const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, "v"]));
        assert.deepEqual(fields(tags(40)), []);
        const issues = tagLimitIssues(tags(41), MAP, rules);
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:tags"],
        );
        assert.equal(
            issues[0].message,
            "has 41 tags; AWS allows 50 tags per resource and kubeforge keeps 10 for its own, so keep at most 40",
        );
    });
    test('a long key and a long value are reported at the key\'s path (kubeforge:tags.<key>, or tags["<key>"] when not a plain name), naming the limit and the fix', () => {
        const long = "k".repeat(129);
        const issues = tagLimitIssues({ [long]: "v", "team/a.b": "v".repeat(257) }, MAP, rules);
        assert.deepEqual(
            issues.map((i) => i.field),
            [`kubeforge:tags.${long}`, 'kubeforge:tags["team/a.b"]'],
        );
        assert.equal(issues[0].message, "is 129 characters long; AWS tag keys hold at most 128, shorten it");
        assert.equal(issues[1].message, "has a value of 257 characters; AWS tag values hold at most 256, shorten it");
        assert.deepEqual(fields({ ["k".repeat(128)]: "v".repeat(256) }), []);
    });
    test("the platform's refusal of a key comes instead of its length; of a value, instead of its length", () => {
        const strict: TagRules = { ...rules, refuseValue: (v) => (v.includes(" ") ? "has a space; remove it" : undefined) };
        const issues = tagLimitIssues({ [`aws:${"k".repeat(200)}`]: `a b${"v".repeat(300)}` }, MAP, strict);
        assert.deepEqual(
            issues.map((i) => i.message),
            ["uses the `aws:` prefix, which AWS reserves; rename the tag", "has a space; remove it"],
        );
    });
});
