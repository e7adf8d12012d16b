/**
 * The metadata guard as rendered: valid objects of the CNI's API (a strict schema of the fields used,
 * with names and types as in the upstream CRDs: cilium `ciliumclusterwidenetworkpolicies.yaml`,
 * Calico `projectcalico.org/v3` Tier and GlobalNetworkPolicy references), selecting every pod and no
 * host, and denying exactly the guarded traffic (an interpreter of the rendered rules).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import Ajv from "ajv";
import { parse, stringify } from "yaml";
import {
    AZURE_WIRESERVER,
    CALICO_ALL_PODS,
    GUARD_TIER,
    GUARD_TIER_ORDER,
    INSTANCE_METADATA,
    type K8sObject,
    calicoGuard,
    ciliumGuard,
    metadataGuardAddons,
    metadataGuardObjects,
} from "../../components/addons/metadataGuard";

const AZURE = [INSTANCE_METADATA, AZURE_WIRESERVER];
const DNS1123_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
const CIDR = "^\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}$";

const metadata = {
    type: "object",
    additionalProperties: false,
    required: ["name"],
    properties: {
        name: { type: "string", pattern: DNS1123_SUBDOMAIN, maxLength: 253 },
        labels: { type: "object", additionalProperties: { type: "string", maxLength: 63 } },
        annotations: { type: "object", additionalProperties: { type: "string" } },
    },
};
const obj = (apiVersion: string, kind: string, spec: object) => ({
    type: "object",
    additionalProperties: false,
    required: ["apiVersion", "kind", "metadata", "spec"],
    properties: { apiVersion: { const: apiVersion }, kind: { const: kind }, metadata, spec },
});

const SCHEMAS: Record<string, object> = {
    "cilium.io/v2/CiliumClusterwideNetworkPolicy": obj("cilium.io/v2", "CiliumClusterwideNetworkPolicy", {
        type: "object",
        additionalProperties: false,
        required: ["endpointSelector"],
        properties: {
            description: { type: "string" },
            endpointSelector: { type: "object", additionalProperties: false, properties: { matchLabels: { type: "object" } } },
            enableDefaultDeny: {
                type: "object",
                additionalProperties: false,
                properties: { egress: { type: "boolean" }, ingress: { type: "boolean" } },
            },
            egressDeny: {
                type: "array",
                minItems: 1,
                items: {
                    type: "object",
                    additionalProperties: false,
                    properties: {
                        toCIDR: { type: "array", items: { type: "string", pattern: CIDR } },
                        toPorts: {
                            type: "array",
                            items: {
                                type: "object",
                                additionalProperties: false,
                                properties: {
                                    ports: {
                                        type: "array",
                                        items: {
                                            type: "object",
                                            additionalProperties: false,
                                            required: ["port"],
                                            properties: {
                                                port: { type: "string", pattern: "^\\d{1,5}$" },
                                                protocol: { enum: ["TCP", "UDP", "SCTP", "ANY"] },
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    }),
    "projectcalico.org/v3/Tier": obj("projectcalico.org/v3", "Tier", {
        type: "object",
        additionalProperties: false,
        properties: { order: { type: "number" }, defaultAction: { enum: ["Deny", "Pass"] } },
    }),
    "projectcalico.org/v3/GlobalNetworkPolicy": obj("projectcalico.org/v3", "GlobalNetworkPolicy", {
        type: "object",
        additionalProperties: false,
        required: ["selector", "types", "egress"],
        properties: {
            tier: { type: "string" },
            order: { type: "number" },
            selector: { type: "string" },
            types: { type: "array", items: { enum: ["Ingress", "Egress"] } },
            egress: {
                type: "array",
                items: {
                    type: "object",
                    additionalProperties: false,
                    required: ["action"],
                    properties: {
                        action: { enum: ["Allow", "Deny", "Log", "Pass"] },
                        protocol: { enum: ["TCP", "UDP", "ICMP", "SCTP"] },
                        destination: {
                            type: "object",
                            additionalProperties: false,
                            properties: {
                                nets: { type: "array", items: { type: "string", pattern: CIDR } },
                                ports: { type: "array", items: { type: "integer", minimum: 1, maximum: 65535 } },
                            },
                        },
                    },
                },
            },
        },
    }),
};

function validate(o: K8sObject): string[] {
    const key = `${String(o.apiVersion)}/${String(o.kind)}`;
    const schema = SCHEMAS[key];
    if (!schema) return [`no schema for ${key}`];
    const ajv = new Ajv({ allErrors: true, strict: true });
    const check = ajv.compile(schema);
    return check(o) ? [] : (check.errors ?? []).map((e) => `${key} ${e.instancePath} ${e.message ?? ""}`);
}

/** A connection from a pod. */
interface Flow {
    dst: string;
    protocol: "TCP" | "UDP";
    port: number;
}

function inCidr(ip: string, cidr: string): boolean {
    const [net, bits] = cidr.split("/");
    const toInt = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
    const mask = Number(bits) === 0 ? 0 : 2 ** 32 - 2 ** (32 - Number(bits));
    return (toInt(ip) & mask) >>> 0 === (toInt(net) & mask) >>> 0;
}

type Spec = Record<string, unknown>;
const spec = (o: K8sObject) => o.spec as Spec;

/** What Cilium does with a pod's flow under the rendered policy alone: `deny`, or `allow` (default-allow kept). */
function ciliumVerdict(policy: K8sObject, flow: Flow): "deny" | "allow" {
    const rules = spec(policy).egressDeny as { toCIDR: string[]; toPorts?: { ports: { port: string; protocol: string }[] }[] }[];
    for (const rule of rules) {
        if (!rule.toCIDR.some((c) => inCidr(flow.dst, c))) continue;
        const ports = rule.toPorts?.flatMap((p) => p.ports);
        if (!ports || ports.some((p) => Number(p.port) === flow.port && (p.protocol === flow.protocol || p.protocol === "ANY")))
            return "deny";
    }
    const defaultDeny = spec(policy).enableDefaultDeny as { egress?: boolean } | undefined;
    // Cilium: default deny is on for a direction with rules unless explicitly false.
    return defaultDeny?.egress === false ? "allow" : "deny";
}

/** What Calico's guard tier does with a pod's flow: `deny`, or `pass` to the next tier. */
function calicoVerdict(objects: K8sObject[], flow: Flow): "deny" | "pass" | "allow" {
    const [tier, policy] = objects;
    for (const rule of spec(policy).egress as {
        action: string;
        protocol?: string;
        destination?: { nets?: string[]; ports?: number[] };
    }[]) {
        if (rule.protocol && rule.protocol !== flow.protocol) continue;
        if (rule.destination?.nets && !rule.destination.nets.some((c) => inCidr(flow.dst, c))) continue;
        if (rule.destination?.ports && !rule.destination.ports.includes(flow.port)) continue;
        if (rule.action === "Deny") return "deny";
        if (rule.action === "Pass") return "pass";
        if (rule.action === "Allow") return "allow";
    }
    return spec(tier).defaultAction === "Pass" ? "pass" : "deny";
}

const GUARDED: Flow[] = [
    { dst: "169.254.169.254", protocol: "TCP", port: 80 },
    { dst: "169.254.169.254", protocol: "UDP", port: 53 },
    { dst: "168.63.129.16", protocol: "TCP", port: 80 },
    { dst: "168.63.129.16", protocol: "TCP", port: 32526 },
];
const OPEN: Flow[] = [
    { dst: "168.63.129.16", protocol: "UDP", port: 53 },
    { dst: "168.63.129.16", protocol: "TCP", port: 53 },
    { dst: "169.254.169.253", protocol: "TCP", port: 80 },
    { dst: "10.0.1.4", protocol: "TCP", port: 443 },
    { dst: "20.42.1.1", protocol: "TCP", port: 443 },
];

test("every rendered object is valid for its API, for both CNIs", () => {
    for (const cni of ["cilium", "calico"] as const) {
        for (const o of metadataGuardObjects(cni, AZURE)) assert.deepEqual(validate(o), [], `${cni}: ${JSON.stringify(o)}`);
    }
});

test("the objects survive a YAML round trip as Kubernetes reads them", () => {
    for (const cni of ["cilium", "calico"] as const) {
        const objects = metadataGuardObjects(cni, AZURE);
        assert.deepEqual(
            objects.map((o) => parse(stringify(o), { version: "1.1" }) as unknown),
            objects,
        );
    }
});

test("Cilium: denies the guarded flows and keeps every other flow default-allow", () => {
    const policy = ciliumGuard(AZURE);
    for (const flow of GUARDED) assert.equal(ciliumVerdict(policy, flow), "deny", JSON.stringify(flow));
    for (const flow of OPEN) assert.equal(ciliumVerdict(policy, flow), "allow", JSON.stringify(flow));
});

test("Calico: denies the guarded flows and passes every other flow to the next tier (never allows)", () => {
    const objects = calicoGuard(AZURE);
    for (const flow of GUARDED) assert.equal(calicoVerdict(objects, flow), "deny", JSON.stringify(flow));
    for (const flow of OPEN) assert.equal(calicoVerdict(objects, flow), "pass", JSON.stringify(flow));
});

test("the instance metadata service alone is guarded by default (GCP, DigitalOcean)", () => {
    const [addon] = metadataGuardAddons("cilium");
    assert.equal(addon.kind, "manifest");
    const policy = addon.objects[0];
    assert.equal(ciliumVerdict(policy, { dst: "169.254.169.254", protocol: "TCP", port: 80 }), "deny");
    assert.equal(ciliumVerdict(policy, { dst: "168.63.129.16", protocol: "TCP", port: 80 }), "allow");
});

test("selects every pod in every namespace and no host: Cilium", () => {
    const s = spec(ciliumGuard(AZURE));
    // Empty endpointSelector = all endpoints, every namespace; a nodeSelector would make it a host policy.
    assert.deepEqual(s.endpointSelector, {});
    assert.equal(s.nodeSelector, undefined);
    assert.equal(s.ingress, undefined);
    assert.equal(s.ingressDeny, undefined);
    assert.deepEqual(s.enableDefaultDeny, { egress: false, ingress: false });
});

test("selects every pod in every namespace and no host: Calico", () => {
    const [tier, policy] = calicoGuard(AZURE);
    const s = spec(policy);
    assert.equal(s.selector, CALICO_ALL_PODS);
    // `has(label)` is the whole selector: true for any workload endpoint (Calico labels each with its
    // namespace), false for a host endpoint (no namespace).
    const label = /^has\(([^)]+)\)$/.exec(String(s.selector))?.[1];
    assert.equal(label, "projectcalico.org/namespace");
    for (const key of ["namespaceSelector", "serviceAccountSelector", "applyOnForward", "preDNAT", "doNotTrack"]) {
        assert.equal(s[key], undefined, key);
    }
    assert.deepEqual(s.types, ["Egress"]);
    // Its own tier, first: nothing in `default` (NetworkPolicies) or the admin tiers (order 1000) can allow around it.
    assert.equal(s.tier, GUARD_TIER);
    assert.ok(String((policy.metadata as Spec).name).startsWith(`${GUARD_TIER}.`));
    assert.equal((tier.metadata as Spec).name, GUARD_TIER);
    assert.ok(GUARD_TIER_ORDER < 1000);
    assert.equal(spec(tier).defaultAction, "Pass");
});

test("no objects for cni none; an empty endpoint list is a programming error", () => {
    assert.deepEqual(metadataGuardAddons("none", AZURE), []);
    assert.throws(() => metadataGuardObjects("cilium", []), /no endpoint/);
});
