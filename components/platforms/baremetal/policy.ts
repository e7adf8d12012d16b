/**
 * Bare-metal policy adapter (found by the pack by folder name, default export): the `pulumi-nodejs:dynamic/kubeforge:*` host resources the SSH bootstrap registers
 * (today `HostBootstrap`, inputs `host`, `port`, `nodeName`, `role`, files, command).
 * Bare metal has no cloud firewall, disk or metadata API the pack could judge, so most of its facts come
 * from the neutral NodeLifecycle/ApiReadiness records every platform registers (control plane, versions,
 * SSH/API intent, secrets encryption); this adapter only recognises a host and its role so machine-level
 * rules know it is a node. It reads fields loosely (top level or under `node`/`record`) so a renamed or
 * added host resource keeps being recognised.
 */
import type { NodeRole } from "../../core/types";
import { API_READINESS_TYPE, NODE_LIFECYCLE_TYPE } from "../../lifecycle/types";
import { emptyFacts } from "../../../policies/facts";
import type { PlatformAdapter, ResourceFacts, ResourceView } from "../../../policies/facts";
import { asArray, asRecord, asString, asStrings, field } from "../../../policies/props";

const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic/kubeforge:";

function roleOf(value: unknown): NodeRole | undefined {
    return value === "control-plane" || value === "worker" ? value : undefined;
}

function describeHost(resource: ResourceView): ResourceFacts {
    const facts = emptyFacts("baremetal");
    const props = resource.props;
    const nested = asRecord(field(props, "node")) ?? asRecord(field(props, "record")) ?? {};
    const role = roleOf(field(props, "role")) ?? roleOf(field(nested, "role"));
    const platform = asString(field(props, "platform")) ?? asString(field(nested, "platform"));
    // Only resources that say they are a node (a role) are hosts; other dynamic steps are not judged.
    if (role && (platform === undefined || platform === "baremetal")) {
        const files = asArray(field(props, "files")).flatMap((f) => {
            const path = asString(field(f, "path"));
            const content = asString(field(f, "content"));
            return path !== undefined && content !== undefined ? [{ path, content }] : [];
        });
        const command = asStrings(field(props, "command")).join(" ");
        // The host's kubelet labels (in the kubeadm documents it is given) say where kubeforge placed it.
        const placed = files.map((f) => /kubeforge\.io\/failure-domain=([^,\s"]+)/.exec(f.content)?.[1]).find(Boolean);
        facts.machine = {
            role,
            cluster: asString(field(props, "cluster")) ?? asString(field(nested, "cluster")),
            groups: [],
            node: asString(field(props, "nodeName")),
            failureDomain: placed,
            bootstrap:
                files.length > 0
                    ? { format: "ssh", text: command, files, sentBytes: files.reduce((n, f) => n + Buffer.byteLength(f.content), 0) }
                    : undefined,
        };
        // kube-vip's static pod on a master announces the API's virtual address on its `port`.
        const vip = files.find((f) => f.path.endsWith("/manifests/kube-vip.yaml"));
        const port = vip && /name: port\s*\n\s*value: "(\d+)"/.exec(vip.content)?.[1];
        if (port) facts.apiListener = { port: Number(port) };
    }
    return facts;
}

/** The bare-metal adapter. */
export const baremetalAdapter: PlatformAdapter = {
    platform: "baremetal",
    claims: (type) => type.startsWith(DYNAMIC_PREFIX) && type !== NODE_LIFECYCLE_TYPE && type !== API_READINESS_TYPE,
    describe: describeHost,
};

export default baremetalAdapter;
