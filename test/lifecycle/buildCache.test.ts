/**
 * The file cache behind the dynamic providers' bundles (components/buildCache.ts): a record serves
 * only while every file the build read still has its recorded content and the key is the same.
 */
import { afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cachedBuild, type BuildCacheOptions } from "../../components/buildCache";

describe("the build cache", () => {
    let root: string;
    let options: BuildCacheOptions;
    let builds: number;
    const old = Date.now() - 60_000;
    /** Writes a source file with an mtime well before any build (as a checkout's files are). */
    const source = (name: string, content: string) => {
        fs.writeFileSync(path.join(root, name), content);
        fs.utimesSync(path.join(root, name), old / 1000, old / 1000);
    };
    /** A "build" that concatenates a.ts and b.ts and reports both as read. */
    const build = () => {
        builds++;
        const text = ["a.ts", "b.ts"].map((f) => fs.readFileSync(path.join(root, f), "utf8")).join("|");
        return { text, inputs: ["a.ts", "b.ts"] };
    };

    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "kf-build-cache-"));
        options = { root, dir: path.join(root, ".cache"), key: "tool 1.0 / options" };
        builds = 0;
        source("a.ts", "A1");
        source("b.ts", "B1");
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    test("builds once, then serves the record while the inputs are unchanged", () => {
        assert.deepEqual(cachedBuild(options, build), { text: "A1|B1", fromCache: false });
        assert.deepEqual(cachedBuild(options, build), { text: "A1|B1", fromCache: true });
        assert.equal(builds, 1);
    });

    test("a changed input, a deleted input or another key builds again", () => {
        cachedBuild(options, build);
        source("b.ts", "B2");
        assert.deepEqual(cachedBuild(options, build), { text: "A1|B2", fromCache: false });
        assert.equal(cachedBuild(options, build).fromCache, true);
        fs.rmSync(path.join(root, "a.ts"));
        assert.throws(() => cachedBuild(options, build), /ENOENT/, "the build itself fails: the record was not served");
        source("a.ts", "A1");
        assert.equal(cachedBuild({ ...options, key: "tool 1.1 / options" }, build).fromCache, false);
        assert.equal(builds, 4);
    });

    test("a build whose inputs were saved during it is not recorded", () => {
        fs.writeFileSync(path.join(root, "a.ts"), "A-fresh");
        assert.equal(cachedBuild(options, build).fromCache, false);
        assert.equal(cachedBuild(options, build).fromCache, false, "not recorded: the file may have changed under the build");
        assert.equal(builds, 2);
    });

    test("a corrupt record or an unwritable cache directory only means building", () => {
        cachedBuild(options, build);
        const [record] = fs.readdirSync(options.dir);
        fs.writeFileSync(path.join(options.dir, record), "{ not json");
        assert.equal(cachedBuild(options, build).fromCache, false);
        const blocked = { ...options, dir: path.join(root, "a.ts", "cache") };
        assert.deepEqual(cachedBuild(blocked, build), { text: "A1|B1", fromCache: false });
        assert.equal(builds, 3);
    });
});
