/**
 * The pack finds platform policy adapters by folder name, as the core finds platforms: a folder with a
 * `policy.ts` default-exporting an adapter is found without any list being edited; a folder without one
 * is not silently passed over but reported by the conformance skeleton check.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { listPlatforms } from "../../components/core/registry";
import { factsOf, listAdapterPlatforms, loadAdapter, loadAdapters, registeredAdapters } from "../../policies/adapters";
import { missingPieces } from "../conformance/skeleton";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-adapters-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A platform folder under the temp dir with an `index.ts` and, when given, a `policy.ts`. */
function platformFolder(name: string, policy?: string): void {
    fs.mkdirSync(path.join(tmp, name), { recursive: true });
    fs.writeFileSync(path.join(tmp, name, "index.ts"), "export default {};\n");
    if (policy !== undefined) fs.writeFileSync(path.join(tmp, name, "policy.ts"), policy);
}

const adapterSource = (platform: string): string =>
    `export default { platform: ${JSON.stringify(platform)}, claims: (t: string) => t === "fake:vm", ` +
    `describe: () => ({ platform: ${JSON.stringify(platform)}, disks: [{ label: "root", encrypted: false }], ingress: [] }) };\n`;

platformFolder("fakecloud", adapterSource("fakecloud"));
platformFolder("bare", undefined);
platformFolder("misnamed", adapterSource("othercloud"));

describe("policy adapters found by platform name", () => {
    test("every platform in components/platforms has its adapter, named after its folder", () => {
        assert.deepEqual(listAdapterPlatforms(), listPlatforms());
        assert.deepEqual(
            registeredAdapters().map((a) => a.platform),
            listPlatforms(),
        );
    });

    test("a new folder with a policy.ts is found and describes its resources, no list edited", () => {
        const fake = loadAdapter("fakecloud", tmp);
        assert.equal(fake.platform, "fakecloud");
        assert.deepEqual(factsOf({ type: "fake:vm", name: "vm", urn: "urn:vm", props: {} }, [fake])?.disks, [
            { label: "root", encrypted: false },
        ]);
    });

    test("a folder without a policy.ts is not loaded, and the skeleton check names what it lacks", () => {
        assert.ok(!listAdapterPlatforms(tmp).includes("bare"));
        assert.ok(
            missingPieces("bare", tmp).some((m) => m.startsWith("bare: policy.ts (")),
            missingPieces("bare", tmp).join("\n"),
        );
        assert.ok(!missingPieces("fakecloud", tmp).some((m) => m.includes("policy.ts")));
    });

    test("an adapter not named after its folder is refused, naming both", () => {
        assert.throws(() => loadAdapters(tmp), /adapter for "othercloud"; it must be named after its folder, "misnamed"/);
    });
});
