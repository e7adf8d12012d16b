/**
 * `checkAzureNodes` on placed nodes: `replaceNodes` naming no node and IPv6 access ranges (both the
 * kit's checks), each naming the field and the fix. Pure: no mocks.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseAzureConfig } from "../../../components/platforms/azure/config";
import { checkAzureNodes } from "../../../components/platforms/azure/checks";
import { placeNodes } from "../../../components/core/placement";
import { makeSpec, rawAzure } from "./fixtures";

describe("azure checks on placed nodes", () => {
    test("replaceNodes naming no node, and an IPv6 access range", () => {
        const spec = makeSpec({ access: { apiAllowedCidrs: ["2001:db8::/32"], sshAllowedCidrs: [], sshPublicKeys: [] } });
        const { config } = parseAzureConfig(rawAzure({ replaceNodes: ["demo-general-0", "demo-nope-9"] }), spec);
        assert.ok(config);
        const issues = checkAzureNodes(config, spec, placeNodes(spec));
        assert.deepEqual(
            issues.map((i) => i.field),
            ["kubeforge:azure.replaceNodes[1]", "kubeforge:access.apiAllowedCidrs[0]"],
        );
        assert.match(
            issues[0].message,
            /`demo-nope-9` is not a node of this cluster; use a name from the plan such as `demo-cp-0`, or remove it/,
        );
        assert.match(issues[1].message, /IPv6 range.*IPv4-only; remove it or list the IPv4 ranges/);
    });

    test("a clean cluster has no issues", () => {
        const spec = makeSpec();
        const { config } = parseAzureConfig(rawAzure({ replaceNodes: ["demo-general-0"] }), spec);
        assert.ok(config);
        assert.deepEqual(checkAzureNodes(config, spec, placeNodes(spec)), []);
    });
});
