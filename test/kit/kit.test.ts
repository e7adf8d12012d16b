/** The kit's pure pieces, without mocks: region reader, firewall matrix, delivery encoding. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { IssueList } from "../../components/core/fields";
import { checkKnownRegion, checkKnownZone, nearMatches } from "../../components/kit/regions";
import { cniRules } from "../../components/kit/firewall";
import { encodeForDelivery } from "../../components/kit/delivery";

const KNOWN = { "europe-west4": ["europe-west4-a", "europe-west4-b"], "us-central1": ["us-central1-a"] };

describe("known-region reader", () => {
    test("an unknown region names the field, near matches and the escape hatch", () => {
        const issues = new IssueList();
        assert.equal(
            checkKnownRegion("europe-west5", "gcp.region", { platform: "gcp", known: KNOWN, allowUnlisted: false }, issues),
            false,
        );
        assert.equal(issues.items.length, 1);
        assert.equal(issues.items[0].field, "kubeforge:gcp.region");
        assert.match(issues.items[0].message, /europe-west4/);
        assert.match(issues.items[0].message, /kubeforge:gcp\.allowUnlistedRegion: true/);
    });
    test("the escape hatch lets unlisted regions and zones through; known ones pass", () => {
        const issues = new IssueList();
        assert.equal(checkKnownRegion("mars-north1", "gcp.region", { platform: "gcp", known: KNOWN, allowUnlisted: true }, issues), true);
        assert.equal(
            checkKnownZone(
                "europe-west4-a",
                "europe-west4",
                "gcp.zones[0]",
                { platform: "gcp", known: KNOWN, allowUnlisted: false },
                issues,
            ),
            true,
        );
        assert.equal(
            checkKnownZone(
                "europe-west4-z",
                "europe-west4",
                "gcp.zones[1]",
                { platform: "gcp", known: KNOWN, allowUnlisted: false },
                issues,
            ),
            false,
        );
        assert.deepEqual(
            issues.items.map((i) => i.field),
            ["kubeforge:gcp.zones[1]"],
        );
    });
    test("names every object has (constructor, toString, __proto__) are not regions", () => {
        for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
            const issues = new IssueList();
            const options = { platform: "gcp", known: KNOWN, allowUnlisted: false };
            assert.equal(checkKnownRegion(name, "gcp.region", options, issues), false, name);
            assert.equal(issues.items.length, 1, name);
        }
    });
    test("near matches come nearest first", () => {
        assert.deepEqual(nearMatches("us-centrl1", Object.keys(KNOWN)), ["us-central1"]);
    });
});

describe("firewall matrix", () => {
    test("CNI rules are node-to-node ingress only", () => {
        for (const r of [...cniRules("cilium"), ...cniRules("calico")])
            assert.deepEqual([r.group, r.direction, r.peer], ["nodes", "ingress", { group: "nodes" }]);
        assert.deepEqual(cniRules("none"), []);
    });
});

describe("delivery encoding", () => {
    test("gzip+base64 decodes back to the text, for any text", () => {
        fc.assert(
            fc.property(fc.string(), (text) => {
                const e = encodeForDelivery(text, { format: "cloud-config", encoding: "gzip+base64" }, "n");
                assert.equal(gunzipSync(Buffer.from(e.value, "base64")).toString("utf8"), text);
            }),
        );
    });
    test("a limit is checked where the provider measures it, naming the node", () => {
        const text = "x".repeat(70_000);
        assert.throws(
            () =>
                encodeForDelivery(
                    text,
                    { format: "cloud-config", encoding: "plain", limit: { bytes: 65536, measured: "text" } },
                    "demo-w-0",
                ),
            /demo-w-0 is 70000 bytes as text, over the platform's limit of 65536/,
        );
        // The same text gzips far below the limit when the provider counts compressed bytes.
        const ok = encodeForDelivery(
            text,
            { format: "cloud-config", encoding: "gzip+base64", limit: { bytes: 16384, measured: "compressed" } },
            "n",
        );
        assert.ok(ok.compressedBytes! < 16384);
    });
});
