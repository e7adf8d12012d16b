import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseGcpConfig } from "../../../components/platforms/gcp/config";
import { checkGcpNodes } from "../../../components/platforms/gcp/checks";
import gcp from "../../../components/platforms/gcp/index";
import { declaredLimitIssues } from "../../../components/core/limits";
import {
    ARM_SERIES,
    BOTH_KINDS_SERIES,
    HYPERDISK_ONLY_SERIES,
    bootDiskType,
    chooseStorage,
    diskKindOf,
    isArmMachineType,
} from "../../../components/platforms/gcp/disks";
import { customRoleId, serviceAccountId } from "../../../components/platforms/gcp/roles";
import type { ClusterSpec } from "../../../components/core/types";
import { makeNodes, makeSpec, rawGcp } from "./fixtures";

function issuesOf(spec: ClusterSpec, overrides: Record<string, unknown> = {}) {
    const { config } = parseGcpConfig(rawGcp(overrides), spec);
    assert.ok(config);
    return checkGcpNodes(config, spec, makeNodes(spec));
}

describe("gcp disks", () => {
    test("disk kind and boot disk by series", () => {
        assert.equal(diskKindOf("n2-standard-4"), "pd");
        assert.equal(diskKindOf("e2-medium"), "pd");
        assert.equal(diskKindOf("c4-standard-8"), "hyperdisk");
        assert.equal(diskKindOf("n4-standard-2"), "hyperdisk");
        assert.equal(diskKindOf("c3-highcpu-192-metal"), "hyperdisk", "bare metal attaches Hyperdisk only");
        assert.equal(diskKindOf("c3-standard-8"), "pd", "C3 VMs attach both; Persistent Disk by default");
        assert.equal(bootDiskType("c4a-standard-4"), "hyperdisk-balanced");
        assert.equal(bootDiskType("n2d-standard-4"), "pd-balanced");
        assert.ok(isArmMachineType("t2a-standard-1") && isArmMachineType("c4a-highmem-8") && !isArmMachineType("n2-standard-2"));
        for (const list of [HYPERDISK_ONLY_SERIES, BOTH_KINDS_SERIES, ARM_SERIES]) assert.equal(new Set(list).size, list.length);
    });

    test("storage choice: the workers' kind, both-kinds series join either side, mixed pools refused by name", () => {
        const g = (pool: string, machineType: string) => ({ field: `f.${pool}`, pool, machineType });
        const cp = g("control-plane", "n2-standard-2");
        assert.deepEqual(chooseStorage([g("a", "n2-standard-4"), g("b", "c3-standard-4")], cp), {
            ok: true,
            kind: "pd",
            storageClassType: "pd-balanced",
        });
        assert.deepEqual(chooseStorage([g("a", "c4-standard-4"), g("b", "c3-standard-4")], cp), {
            ok: true,
            kind: "hyperdisk",
            storageClassType: "hyperdisk-balanced",
        });
        assert.deepEqual(chooseStorage([], g("control-plane", "n4-standard-2")), {
            ok: true,
            kind: "hyperdisk",
            storageClassType: "hyperdisk-balanced",
        });
        const mixed = chooseStorage([g("general", "n2-standard-4"), g("fast", "c4-standard-8")], cp);
        assert.equal(mixed.ok, false);
        assert.ok(
            !mixed.ok &&
                mixed.field === "f.fast" &&
                /fast \(c4-standard-8\)/.test(mixed.message) &&
                /general \(n2-standard-4\)/.test(mixed.message),
        );
    });

    test("property: a cluster is refused exactly when strict pools of both kinds exist", () => {
        const types = ["n2-standard-4", "e2-medium", "c4-standard-4", "n4-standard-2", "c3-standard-4", "z3-highmem-8"];
        fc.assert(
            fc.property(fc.array(fc.constantFrom(...types), { maxLength: 5 }), (picked) => {
                const groups = picked.map((t, i) => ({ field: `f${i}`, pool: `p${i}`, machineType: t }));
                const choice = chooseStorage(groups, { field: "cp", pool: "control-plane", machineType: "n2-standard-2" });
                const strict = picked.filter((t) => !t.startsWith("c3-") && !t.startsWith("z3-"));
                const mixed = strict.some((t) => diskKindOf(t) === "pd") && strict.some((t) => diskKindOf(t) === "hyperdisk");
                return choice.ok === !mixed;
            }),
        );
    });
});

describe("gcp node checks", () => {
    test("the example cluster passes", () => {
        assert.deepEqual(issuesOf(makeSpec()), []);
    });

    test("mixed disk kinds name the pool to change", () => {
        const base = makeSpec();
        const spec = makeSpec({ workerPools: [base.workerPools[0], { ...base.workerPools[1], machineType: "c4-standard-4" }] });
        const issues = issuesOf(spec);
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:workerPools[1].machineType"],
        );
        assert.match(issues[0].message, /spot \(c4-standard-4\)/);
    });

    test("Windows on Arm, foreign machine types, IPv6 access, bad labels, unknown replaceNodes, a digit-first name", () => {
        const base = makeSpec();
        const spec = makeSpec({
            name: "1demo",
            controlPlane: { ...base.controlPlane, machineType: "m7i.large" },
            workerPools: [{ ...base.workerPools[0], os: "windows", machineType: "t2a-standard-4" }],
            access: { apiAllowedCidrs: ["2001:db8::/32"], sshAllowedCidrs: [], sshPublicKeys: [] },
            tags: { Team: "x", ok: "Not Lower" },
        });
        const fields = issuesOf(spec, { replaceNodes: ["demo-nope-9"] }).map((i) => i.field);
        assert.deepEqual(fields.sort(), [
            "kubeforge:access.apiAllowedCidrs[0]",
            "kubeforge:controlPlane.machineType",
            "kubeforge:gcp.replaceNodes[0]",
            "kubeforge:name",
            "kubeforge:tags.Team",
            "kubeforge:tags.ok",
            "kubeforge:workerPools[0].machineType",
        ]);
        const unknown = issuesOf(makeSpec(), { replaceNodes: ["demo-nope-9"] });
        assert.equal(unknown[0].field, "kubeforge:gcp.replaceNodes[0]");
        assert.match(
            unknown[0].message,
            /`demo-nope-9` is not a node of this cluster; use a name from the plan such as `demo-cp-0`, or remove it/,
        );
    });

    test("a zone outside kubeforge:gcp.zones; a node name over 63 characters is the core's check of the declared limit", () => {
        const base = makeSpec();
        const long = "p".repeat(60);
        const spec = makeSpec({
            failureDomains: ["europe-west1-b", "europe-west1-c"],
            workerPools: [{ ...base.workerPools[0], name: long }],
        });
        const fields = issuesOf(spec, { zones: ["europe-west1-b", "europe-west1-d"] }).map((i) => i.field);
        assert.deepEqual(fields, ["kubeforge:failureDomains"]);
        const declared = declaredLimitIssues(gcp, spec, makeNodes(spec));
        assert.deepEqual(
            declared.map((i) => i.field),
            ["kubeforge:workerPools[0].name"],
        );
        assert.match(declared[0].message, /over the gcp limit of 63 for machine names/);
    });
});

describe("gcp identity names", () => {
    test("service account ids fit 6-30 characters and start with a letter", () => {
        fc.assert(
            fc.property(fc.stringMatching(/^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/), (name) => {
                for (const suffix of ["cp", "node"] as const) {
                    const id = serviceAccountId(name, suffix);
                    if (!/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(id)) return false;
                }
                return true;
            }),
        );
        assert.equal(serviceAccountId("demo", "cp"), "demo-cp");
    });

    test("custom role ids use the allowed characters", () => {
        assert.equal(customRoleId("my-demo", "ccm", "a1b2c3"), "kubeforge_my_demo_ccm_a1b2c3");
        assert.match(customRoleId("x".repeat(32), "pdcsi", "ffffff"), /^[a-zA-Z0-9_.]{3,64}$/);
    });
});
