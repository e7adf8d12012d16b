import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseGcpConfig } from "../../../components/platforms/gcp/config";
import { gcpAddons, defaultStorageClass } from "../../../components/platforms/gcp/addons";
import { CCM_IMAGE, CLOUD_CONFIG_PATH, ccmArgs, ccmObjects, gceConf } from "../../../components/platforms/gcp/ccm";
import { CSI_IMAGES, PD_CSI_DRIVER, csiObjects } from "../../../components/platforms/gcp/csi";
import { makeSpec, rawGcp } from "./fixtures";
import { kubernetesErrors } from "../../helpers/k8sValidate";

type Obj = Record<string, unknown>;

function config(overrides: Record<string, unknown> = {}) {
    const { config } = parseGcpConfig(rawGcp(overrides), makeSpec());
    assert.ok(config);
    return config;
}

function kinds(objects: Obj[]): string[] {
    return objects.map((o) => `${String(o.kind)}/${String((o.metadata as Obj).name)}`);
}

function podSpec(o: Obj): Obj {
    return ((o.spec as Obj).template as Obj).spec as Obj;
}

describe("gcp addons", () => {
    test("install order: CCM, then CSI with the StorageClass, then the metadata guard", () => {
        const addons = gcpAddons(makeSpec(), config());
        assert.deepEqual(
            addons.map((a) => a.name),
            ["gcp-cloud-controller-manager", "gcp-pd-csi-driver", "metadata-guard"],
        );
        for (const a of addons) assert.equal(a.kind, "manifest");
    });

    test("the CCM: host network on masters, the args, the pinned image and command", () => {
        const objects = ccmObjects(makeSpec());
        assert.deepEqual(kinds(objects), [
            "ServiceAccount/cloud-controller-manager",
            "ClusterRole/system:cloud-controller-manager",
            "ClusterRoleBinding/system:cloud-controller-manager",
            "RoleBinding/cloud-controller-manager:apiserver-authentication-reader",
            "DaemonSet/cloud-controller-manager",
        ]);
        const ds = podSpec(objects[4]);
        assert.equal(ds.hostNetwork, true);
        assert.deepEqual(ds.nodeSelector, { "node-role.kubernetes.io/control-plane": "", "kubernetes.io/os": "linux" });
        const tolerated = (ds.tolerations as Obj[]).map((t) => t.key);
        assert.ok(tolerated.includes("node.cloudprovider.kubernetes.io/uninitialized"));
        assert.ok(tolerated.includes("node-role.kubernetes.io/control-plane"));
        const c = (ds.containers as Obj[])[0];
        assert.equal(c.image, CCM_IMAGE);
        assert.match(CCM_IMAGE, /^registry\.k8s\.io\/cloud-provider-gcp\/cloud-controller-manager:v36\.\d+\.\d+$/);
        assert.deepEqual(c.command, ["/cloud-controller-manager"]);
        for (const arg of [
            "--cloud-provider=gce",
            "--cluster-name=demo",
            `--cloud-config=${CLOUD_CONFIG_PATH}`,
            "--allocate-node-cidrs=false",
            "--configure-cloud-routes=false",
            "--controllers=*,-node-ipam-controller,-node-route-controller",
        ]) {
            assert.ok((c.args as string[]).includes(arg), `missing ${arg}`);
        }
        assert.deepEqual(c.args, ccmArgs("demo"));
        assert.ok(!JSON.stringify(objects).includes("GOOGLE_APPLICATION_CREDENTIALS"), "no key file: metadata-server credentials");
    });

    test("gce.conf names the project, network, subnetwork, node tag and multizone", () => {
        const text = gceConf({
            projectId: "p-123456",
            networkProjectId: "host-1",
            networkName: "demo",
            subnetworkName: "demo-nodes",
            nodeTag: "demo-node",
            nodeInstancePrefix: "demo",
            multizone: true,
        });
        assert.equal(
            text,
            "[global]\nproject-id = p-123456\nnetwork-project-id = host-1\nnetwork-name = demo\nsubnetwork-name = demo-nodes\nnode-tags = demo-node\nnode-instance-prefix = demo\nmultizone = true\n",
        );
        const single = gceConf({
            projectId: "p",
            networkName: "n",
            subnetworkName: "s",
            nodeTag: "t",
            nodeInstancePrefix: "d",
            multizone: false,
        });
        assert.ok(!single.includes("multizone") && !single.includes("network-project-id"));
    });

    test("the PD CSI driver: controller on masters with host network, no cloud-sa secret, pinned images", () => {
        const objects = csiObjects(makeSpec());
        const controller = objects.find((o) => o.kind === "Deployment");
        assert.ok(controller);
        const spec = podSpec(controller);
        assert.equal(spec.hostNetwork, true);
        assert.equal((spec.nodeSelector as Obj)["node-role.kubernetes.io/control-plane"], "");
        assert.equal((controller.spec as Obj).replicas, 2);
        const text = JSON.stringify(objects);
        assert.ok(!text.includes("cloud-sa"), "no service-account key secret");
        assert.ok(!text.includes("GOOGLE_APPLICATION_CREDENTIALS"));
        const images = new Set(
            objects.flatMap((o) =>
                o.kind === "Deployment" || o.kind === "DaemonSet" ? (podSpec(o).containers as Obj[]).map((c) => c.image) : [],
            ),
        );
        assert.deepEqual([...images].sort(), Object.values(CSI_IMAGES).sort());
        for (const image of images) assert.match(String(image), /:v\d+\.\d+\.\d+$/, "every image pinned to a release tag");
        assert.ok(
            !objects.some((o) => o.kind === "DaemonSet" && (o.metadata as Obj).name === "csi-gce-pd-node-win"),
            "no Windows node plugin without Windows pools",
        );
        assert.ok(objects.some((o) => o.kind === "CSIDriver" && (o.metadata as Obj).name === PD_CSI_DRIVER));
    });

    test("Windows pools add the Windows node plugin; one master runs one controller", () => {
        const base = makeSpec();
        const spec = makeSpec({
            controlPlane: { count: 1, machineType: "n2-standard-2", diskSizeGb: 50 },
            cni: "calico",
            workerPools: [
                ...base.workerPools,
                { name: "win", count: 1, labels: {}, taints: [], os: "windows", spot: false, diskSizeGb: 64 },
            ],
        });
        const objects = csiObjects(spec);
        const win = objects.find((o) => o.kind === "DaemonSet" && (o.metadata as Obj).name === "csi-gce-pd-node-win");
        assert.ok(win);
        assert.equal((podSpec(win).nodeSelector as Obj)["kubernetes.io/os"], "windows");
        assert.equal((objects.find((o) => o.kind === "Deployment")?.spec as Obj).replicas, 1);
    });

    test("the default StorageClass follows the workers' disk kind and the CMEK key", () => {
        const pd = gcpAddons(makeSpec(), config())[1];
        assert.equal(pd.kind, "manifest");
        const sc = (pd.kind === "manifest" ? pd.objects : []).find((o) => (o as Obj).kind === "StorageClass") as Obj;
        assert.equal((sc.metadata as Obj).name, "pd-balanced");
        assert.equal(sc.provisioner, PD_CSI_DRIVER);
        assert.equal(sc.volumeBindingMode, "WaitForFirstConsumer");
        assert.equal(((sc.metadata as Obj).annotations as Obj)["storageclass.kubernetes.io/is-default-class"], "true");

        const kms = "projects/k-123456/locations/europe-west1/keyRings/r/cryptoKeys/k";
        const hyper = defaultStorageClass({ ok: true, kind: "hyperdisk", storageClassType: "hyperdisk-balanced" }, kms);
        assert.deepEqual(hyper.parameters, { type: "hyperdisk-balanced", "disk-encryption-kms-key": kms });
    });

    test("every rendered object is valid for the Kubernetes API (real validation code)", async () => {
        const withWindows = makeSpec({
            cni: "calico",
            workerPools: [
                ...makeSpec().workerPools,
                { name: "win", count: 1, labels: {}, taints: [], os: "windows", spot: false, diskSizeGb: 64 },
            ],
        });
        for (const spec of [makeSpec(), withWindows]) {
            const objects = gcpAddons(spec, config()).flatMap((a) => (a.kind === "manifest" ? (a.objects as Obj[]) : []));
            const custom = [
                "cilium.io/v2/CiliumClusterwideNetworkPolicy",
                "projectcalico.org/v3/Tier",
                "projectcalico.org/v3/GlobalNetworkPolicy",
            ];
            assert.deepEqual(await kubernetesErrors(objects, custom), []);
        }
    });

    test("the checker does reject a broken object", async () => {
        const ds = structuredClone(ccmObjects(makeSpec())[4]);
        (podSpec(ds) as Obj).hostNetwrok = true;
        const errors = await kubernetesErrors([ds]);
        assert.equal(errors.length, 1);
        assert.match(errors[0], /hostNetwrok/);
        const noSelector = structuredClone(ccmObjects(makeSpec())[4]);
        delete (noSelector.spec as Obj).selector;
        assert.match((await kubernetesErrors([noSelector])).join("\n"), /selector/);
    });
});
