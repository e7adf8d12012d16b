/**
 * Plausible outputs for the GCP resources this platform registers, for `npm run plan`, tests and
 * benchmarks. Deterministic: the same name always gives the same ids and addresses. The platform makes
 * no invoke (zones are data, images are resolved by Compute Engine at create time), so there are no
 * call mocks: an invoke added later fails the plan until it is mocked here.
 */
import * as crypto from "node:crypto";
import type { OutputMock, PlatformMocks } from "../../kit/mocks";

function digest(seed: string): Buffer {
    return crypto.createHash("sha256").update(seed).digest();
}

function numericId(seed: string): string {
    return BigInt("0x" + digest(seed).toString("hex").slice(0, 15)).toString();
}

const API = "https://www.googleapis.com/compute/v1";

function projectOf(inputs: Record<string, unknown>): string {
    return typeof inputs.project === "string" ? inputs.project : "kubeforge-demo-123";
}

function nameOf(inputs: Record<string, unknown>, name: string): string {
    return typeof inputs.name === "string" ? inputs.name : name;
}

function selfLink(inputs: Record<string, unknown>, name: string, scope: string, collection: string): Record<string, unknown> {
    const link = `${API}/projects/${projectOf(inputs)}/${scope}/${collection}/${nameOf(inputs, name)}`;
    return { selfLink: link, name: nameOf(inputs, name) };
}

/**
 * A node address, stable per name, inside 10.0.0.0/16.
 * @param name - the resource name
 */
export function mockPrivateIp(name: string): string {
    const d = digest(name);
    return `10.0.${d[0]}.${(d[1] % 250) + 4}`;
}

function publicIp(name: string, net: string): string {
    const d = digest(name);
    return `${net}.${(d[0] % 250) + 1}`;
}

const regional =
    (collection: string): OutputMock =>
    (inputs, name) =>
        selfLink(inputs, name, `regions/${String(inputs.region ?? "europe-west1")}`, collection);
const global =
    (collection: string): OutputMock =>
    (inputs, name) =>
        selfLink(inputs, name, "global", collection);

const outputs: Record<string, OutputMock> = {
    "gcp:compute/network:Network": global("networks"),
    "gcp:compute/subnetwork:Subnetwork": (inputs, name) => ({ ...regional("subnetworks")(inputs, name, ""), gatewayAddress: "10.0.0.1" }),
    "gcp:compute/router:Router": regional("routers"),
    "gcp:compute/routerNat:RouterNat": (inputs, name) => ({ name: nameOf(inputs, name) }),
    "gcp:compute/address:Address": (inputs, name) => ({
        ...regional("addresses")(inputs, name, ""),
        address: publicIp(name, "198.51.100"),
    }),
    "gcp:compute/globalAddress:GlobalAddress": (inputs, name) => ({
        ...global("addresses")(inputs, name, ""),
        address: publicIp(name, "203.0.113"),
    }),
    "gcp:compute/firewall:Firewall": global("firewalls"),
    "gcp:compute/healthCheck:HealthCheck": global("healthChecks"),
    "gcp:compute/securityPolicy:SecurityPolicy": (inputs, name) => ({
        ...global("securityPolicies")(inputs, name, ""),
        fingerprint: digest(name).toString("hex").slice(0, 12),
    }),
    "gcp:compute/backendService:BackendService": global("backendServices"),
    "gcp:compute/targetTCPProxy:TargetTCPProxy": (inputs, name) => ({
        ...global("targetTcpProxies")(inputs, name, ""),
        proxyId: Number(numericId(name).slice(0, 12)),
    }),
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": global("forwardingRules"),
    "gcp:compute/instanceGroup:InstanceGroup": (inputs, name) => ({
        ...selfLink(inputs, name, `zones/${String(inputs.zone)}`, "instanceGroups"),
        size: Array.isArray(inputs.instances) ? inputs.instances.length : 0,
    }),
    "gcp:compute/instance:Instance": (inputs, name) => {
        const nics = Array.isArray(inputs.networkInterfaces) ? (inputs.networkInterfaces as Record<string, unknown>[]) : [{}];
        return {
            ...selfLink(inputs, name, `zones/${String(inputs.zone)}`, "instances"),
            instanceId: numericId(name),
            currentStatus: "RUNNING",
            networkInterfaces: nics.map((nic, i) => ({ ...nic, name: `nic${i}`, networkIp: mockPrivateIp(name) })),
        };
    },
    "gcp:serviceaccount/account:Account": (inputs, name) => {
        const email = `${String(inputs.accountId ?? name)}@${projectOf(inputs)}.iam.gserviceaccount.com`;
        return {
            email,
            member: `serviceAccount:${email}`,
            name: `projects/${projectOf(inputs)}/serviceAccounts/${email}`,
            uniqueId: numericId(name),
        };
    },
    "gcp:projects/iAMCustomRole:IAMCustomRole": (inputs) => ({
        name: `projects/${projectOf(inputs)}/roles/${String(inputs.roleId)}`,
        deleted: false,
    }),
    "gcp:projects/iAMMember:IAMMember": (_inputs, name) => ({ etag: `BwY${digest(name).toString("base64").slice(0, 8)}` }),
    "gcp:serviceaccount/iAMMember:IAMMember": (_inputs, name) => ({ etag: `BwY${digest(name).toString("base64").slice(0, 8)}` }),
};

/** The GCP platform's mocks. */
const gcpMocks: PlatformMocks = { outputs };

export default gcpMocks;
