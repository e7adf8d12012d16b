import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { renderEnvFile } from "../../bootstrap/envfile";
import { mergeArgs } from "../../bootstrap/kubeadm";

test("any value survives the env file: bash reads back exactly what was written", () => {
    const dir = mkdtempSync(join(tmpdir(), "kubeforge-envprop-"));
    try {
        // Bash strings cannot hold NUL; everything else must round-trip.
        const value = fc.string({ unit: "binary", maxLength: 40 }).filter((s) => !s.includes("\u0000"));
        fc.assert(
            fc.property(fc.array(value, { minLength: 1, maxLength: 20 }), (values) => {
                const vars = Object.fromEntries(values.map((v, i) => [`V${i}`, v]));
                writeFileSync(join(dir, "env"), renderEnvFile(vars));
                const r = spawnSync("bash", [
                    "-c",
                    `. "$1"; for i in $(seq 0 $(($2 - 1))); do n="V$i"; printf '%s\\0' "\${!n}"; done`,
                    "bash",
                    join(dir, "env"),
                    String(values.length),
                ]);
                assert.equal(r.status, 0, r.stderr.toString());
                assert.deepEqual(r.stdout.toString("utf8").split("\u0000").slice(0, -1), values);
            }),
            { numRuns: 60 },
        );
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

test("bad variable names are refused", () => {
    assert.throws(() => renderEnvFile({ "A-B": "x" }), /invalid env variable name/);
});

test("mergeArgs: one entry per name, the last list's value wins, first position kept", () => {
    const arg = fc.record({ name: fc.constantFrom("a", "b", "c", "d"), value: fc.string() });
    fc.assert(
        fc.property(fc.array(fc.array(arg)), (lists) => {
            const merged = mergeArgs(...lists);
            const flat = lists.flat();
            assert.equal(new Set(merged.map((a) => a.name)).size, merged.length);
            assert.deepEqual(
                merged.map((a) => a.name),
                [...new Set(flat.map((a) => a.name))],
            );
            for (const m of merged) assert.equal(m.value, flat.filter((a) => a.name === m.name).at(-1)!.value);
        }),
    );
});
