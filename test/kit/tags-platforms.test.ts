/**
 * The platforms' tag rules on top of the kit's count and length checks (tagLimitIssues): each keeps its
 * own refusals (reserved prefixes, kubeforge's own keys, forbidden characters) at the key's path,
 * and the limits it checks are the ones it declares to the core.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import azure from "../../components/platforms/azure";
import { AZURE_TAGS, checkAzureTags } from "../../components/platforms/azure/tags";
import { makeSpec } from "../platforms/aws/fixtures";

test("Azure: forbidden characters, reserved prefixes and kubeforge's own keys are refused before any length", () => {
    const spec = makeSpec({
        tags: {
            "a/b": "v",
            MicrosoftThing: "v",
            [AZURE_TAGS.node]: "v",
            ["k".repeat(513)]: "v",
            team: "v".repeat(257),
            fine: "ok",
        },
    });
    const issues = checkAzureTags(spec);
    assert.deepEqual(
        issues.map((i) => [i.field, i.message.split(";")[0]]),
        [
            ['kubeforge:tags["a/b"]', "contains one of < > % & \\ ? /, which Azure tag names may not"],
            ["kubeforge:tags.MicrosoftThing", "starts with a prefix Azure reserves (microsoft, azure, windows)"],
            [`kubeforge:tags[${JSON.stringify(AZURE_TAGS.node)}]`, "is a tag kubeforge sets itself on azure"],
            [`kubeforge:tags.${"k".repeat(513)}`, "is 513 characters long"],
            ["kubeforge:tags.team", "has a value of 257 characters"],
        ],
    );
});

test("Azure: the count it checks is the one it declares, less its own tags", () => {
    const room = azure.limits.tags!.maxCount! - Object.keys(AZURE_TAGS).length;
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, "v"]));
    assert.deepEqual(checkAzureTags(makeSpec({ tags: tags(room) })), []);
    assert.deepEqual(
        checkAzureTags(makeSpec({ tags: tags(room + 1) })).map((i) => i.message),
        [`has ${room + 1} tags; Azure allows 50 tags per resource and kubeforge keeps 5 for its own, so keep at most ${room}`],
    );
});
