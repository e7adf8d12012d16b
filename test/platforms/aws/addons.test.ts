/**
 * The EBS CSI driver installs beside the CNI: its node DaemonSet runs on the host network (not on the
 * masters, whose host port the controller holds), reaches the API under the endpoint name and
 * tolerates not-ready nodes, so nothing of it waits for pod networking. The value keys are the
 * pinned chart's (aws-ebs-csi-driver 2.64.0 `values.yaml`/`values.schema.json`: `node.hostNetwork`,
 * `node.env`, `node.affinity`, `node.tolerateAllTaints`).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { awsAddons, ebsCsiValues, EBS_CSI_CHART } from "../../../components/platforms/aws/addons";
import { parseAwsConfig } from "../../../components/platforms/aws/config";
import { addonWaits } from "../../../components/addons/install";
import type { AddonSpec } from "../../../components/platform";
import { makeSpec, rawAws } from "./fixtures";

const spec = makeSpec();
const config = parseAwsConfig(rawAws(), spec).config!;

interface NodeValues {
    hostNetwork: boolean;
    env: { name: string; value: string }[];
    tolerateAllTaints: boolean;
    affinity: {
        nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: { matchExpressions: { key: string; operator: string; values?: string[] }[] }[];
            };
        };
    };
}

describe("EBS CSI node DaemonSet", () => {
    const node = (ebsCsiValues(spec, config) as { node: NodeValues }).node;

    test("the pinned chart is the one whose values were checked", () => {
        assert.equal(EBS_CSI_CHART.version, "2.64.0");
    });

    test("host network, and the API under the endpoint name (no kubernetes Service, so no CNI or kube-proxy)", () => {
        assert.equal(node.hostNetwork, true);
        assert.deepEqual(node.env, [
            { name: "KUBERNETES_SERVICE_HOST", value: "api.demo.kubeforge.internal" },
            { name: "KUBERNETES_SERVICE_PORT", value: "6443" },
        ]);
    });

    test("tolerates not-ready nodes (every taint), but never lands on a master", () => {
        assert.equal(node.tolerateAllTaints, true);
        const terms = node.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
        // One term: every expression must hold, so "no control-plane label" excludes every master.
        assert.equal(terms.length, 1);
        assert.ok(
            terms[0].matchExpressions.some((e) => e.key === "node-role.kubernetes.io/control-plane" && e.operator === "DoesNotExist"),
        );
        // The chart's own default (not EKS Fargate, Auto or hybrid nodes) is kept, since this replaces it.
        assert.ok(terms[0].matchExpressions.some((e) => e.key === "eks.amazonaws.com/compute-type" && e.operator === "NotIn"));
    });
});

describe("install order", () => {
    test("the EBS CSI driver and the CCM wait for nothing but the API: they install beside the CNI", () => {
        const cilium: AddonSpec = { kind: "manifest", name: "cilium", objects: [] };
        const waits = addonWaits([cilium], awsAddons(spec, config));
        assert.deepEqual(Object.fromEntries(waits), { cilium: [], "aws-cloud-controller-manager": [], "aws-ebs-csi-driver": [] });
    });
});
