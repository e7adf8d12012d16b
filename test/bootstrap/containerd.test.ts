import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { renderContainerdConfig, tomlString } from "../../bootstrap/containerd";
import { CONTAINERD, KUBERNETES_PATCHES, PAUSE_VERSIONS, RUNC, SUPPORTED_MINORS, minorOf, pauseImage } from "../../bootstrap/versions";

/** A minimal reading of the TOML we emit: tables, and `key = value` where value is JSON-compatible. */
function readToml(text: string): Map<string, Record<string, unknown>> {
    const tables = new Map<string, Record<string, unknown>>([["", {}]]);
    let current = "";
    for (const raw of text.split("\n")) {
        const line = raw.trim();
        if (line === "" || line.startsWith("#")) continue;
        const header = /^\[([^\]]+)\]$/.exec(line);
        if (header) {
            current = header[1];
            assert.ok(!tables.has(current), `duplicate table ${current}`);
            tables.set(current, {});
            continue;
        }
        const kv = /^([A-Za-z0-9_]+) = (.+)$/.exec(line);
        assert.ok(kv, `not key = value: ${line}`);
        tables.get(current)![kv[1]] = JSON.parse(kv[2]);
    }
    return tables;
}

describe("containerd config", () => {
    for (const minor of SUPPORTED_MINORS) {
        test(`Kubernetes ${minor}: version 3, systemd cgroups, certs.d, pinned pause`, () => {
            const t = readToml(renderContainerdConfig(`${minor}.0`));
            assert.equal(t.get("")!.version, 3);
            const runc = t.get(`plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc`)!;
            assert.equal(runc.runtime_type, "io.containerd.runc.v2");
            assert.equal(t.get(`plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options`)!.SystemdCgroup, true);
            assert.equal(t.get(`plugins."io.containerd.cri.v1.images".registry`)!.config_path, "/etc/containerd/certs.d");
            assert.equal(
                t.get(`plugins."io.containerd.cri.v1.images".pinned_images`)!.sandbox,
                `registry.k8s.io/pause:${PAUSE_VERSIONS[minor]}`,
            );
        });
    }
    test("unsupported minors and bad strings are refused", () => {
        assert.throws(() => pauseImage("1.20.1"), /no pause image pinned for Kubernetes 1\.20/);
        assert.throws(() => tomlString("a\nb"), /control characters/);
        assert.equal(tomlString(`a"b\\c`), `"a\\"b\\\\c"`);
    });
});

describe("version pins", () => {
    test("one newest patch per supported minor 1.34–1.36, each with a pause image", () => {
        assert.deepEqual(SUPPORTED_MINORS, ["1.34", "1.35", "1.36"]);
        for (const minor of SUPPORTED_MINORS) {
            assert.equal(minorOf(KUBERNETES_PATCHES[minor]), minor);
            assert.ok(PAUSE_VERSIONS[minor]);
        }
    });
    test("containerd is 2.x and every checksum is a sha256", () => {
        assert.match(CONTAINERD.version, /^2\.\d+\.\d+$/);
        for (const a of [CONTAINERD, RUNC]) for (const sum of Object.values(a.sha256)) assert.match(sum, /^[0-9a-f]{64}$/);
        assert.notEqual(CONTAINERD.sha256.amd64, CONTAINERD.sha256.arm64);
    });
    test("minorOf reads full and v-prefixed versions", () => {
        assert.equal(minorOf("v1.36.4"), "1.36");
        assert.throws(() => minorOf("latest"), /not a Kubernetes version/);
    });
});
