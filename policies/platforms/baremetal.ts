/**
 * Bare-metal adapter: the `pulumi-nodejs:dynamic/kubeforge:*` host resources the SSH bootstrap registers
 * (today `HostBootstrap`, inputs `host`, `port`, `nodeName`, `role`, files, command).
 * Bare metal has no cloud firewall, disk or metadata API the pack could judge, so most of its facts come
 * from the neutral NodeLifecycle/ApiReadiness records every platform registers (control plane, versions,
 * SSH/API intent, secrets encryption); this adapter only recognises a host and its role so machine-level
 * rules know it is a node. It reads fields loosely (top level or under `node`/`record`) so a renamed or
 * added host resource keeps being recognised.
 */
import type { NodeRole } from "../../components/core/types";
import { API_READINESS_TYPE, NODE_LIFECYCLE_TYPE } from "../../components/lifecycle/types";
import { emptyFacts } from "../facts";
import type { PlatformAdapter, ResourceFacts, ResourceView } from "../facts";
import { asRecord, asString, field } from "../props";

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
        facts.machine = { role, cluster: asString(field(props, "cluster")) ?? asString(field(nested, "cluster")), groups: [] };
    }
    return facts;
}

/** The bare-metal adapter. */
export const baremetalAdapter: PlatformAdapter = {
    platform: "baremetal",
    claims: (type) => type.startsWith(DYNAMIC_PREFIX) && type !== NODE_LIFECYCLE_TYPE && type !== API_READINESS_TYPE,
    describe: describeHost,
};
