import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readStackConfig, SECURE_PLACEHOLDER, shippedStacks } from "../../stacks/plan/stackConfig";
import { revealOrMask, SECRET_MASK } from "../../stacks/plan/run";
import { wrapSecret } from "../../stacks/plan/mocks";

const tempDirs: string[] = [];
after(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function write(text: string, name = "Pulumi.demo.yaml"): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-config-"));
    tempDirs.push(dir);
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
}

test("keys are namespaced, objects become JSON, the stack name comes from the file", () => {
    const file = write(
        ["config:", "  kubeforge:name: demo", "  kubeforge:controlPlane:", "    count: 3", "  region: x", "  aws:region: us-east-1"].join(
            "\n",
        ),
    );
    const config = readStackConfig(file);
    assert.equal(config.stack, "demo");
    assert.equal(config.values["kubeforge:name"], "demo");
    assert.deepEqual(JSON.parse(config.values["kubeforge:controlPlane"]), { count: 3 });
    assert.equal(config.values["kubeforge:region"], "x", "a bare key belongs to the project's namespace");
    assert.equal(config.values["aws:region"], "us-east-1");
    assert.deepEqual(config.secretKeys, []);
});

test("secure values, even nested, become a placeholder and mark their key secret", () => {
    const file = write(
        [
            "config:",
            "  kubeforge:token:",
            "    secure: v1:abc",
            "  kubeforge:baremetal:",
            "    hosts:",
            "      - address: 192.0.2.10",
            "        privateKey:",
            "          secure: v1:def",
        ].join("\n"),
    );
    const config = readStackConfig(file);
    assert.equal(config.values["kubeforge:token"], SECURE_PLACEHOLDER);
    assert.equal(JSON.parse(config.values["kubeforge:baremetal"]).hosts[0].privateKey, SECURE_PLACEHOLDER);
    assert.deepEqual(config.secretKeys.sort(), ["kubeforge:baremetal", "kubeforge:token"]);
});

test("a file that is not a stack config is refused with its name", () => {
    const file = write("config: [1, 2]");
    assert.throws(() => readStackConfig(file), new RegExp(`${path.basename(file)}.*not a Pulumi stack config`));
});

test("secrets are masked unless shown, at any depth", () => {
    const inputs = { a: wrapSecret("s3cret"), b: [{ c: wrapSecret({ d: "x" }) }], e: "plain" };
    assert.deepEqual(revealOrMask(inputs, false), { a: SECRET_MASK, b: [{ c: SECRET_MASK }], e: "plain" });
    assert.deepEqual(revealOrMask(inputs, true), { a: "s3cret", b: [{ c: { d: "x" } }], e: "plain" });
});

test("the shipped stacks are found", () => {
    assert.ok(shippedStacks().includes("aws"));
});
