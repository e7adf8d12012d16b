/**
 * JSON Schema of `components/platforms/<name>/compare.yaml` (see {@link PlatformData} in data.ts):
 * every price row must carry a source and a retrieval date, every latency row a source.
 */

/** The bring-up phases a latency row may name, in the order they happen (data.ts's `Phase` is this list's type). */
export const PHASES = ["network", "endpoint", "dns", "egress", "machine", "init", "join", "addon", "identity", "local", "other"] as const;

const sourced = {
    source: { type: "string", minLength: 8 },
    retrieved: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
    note: { type: "string" },
} as const;

const capability = {
    type: "object",
    additionalProperties: false,
    required: ["gives", "detail"],
    properties: { gives: { type: "boolean" }, detail: { type: "string", minLength: 3 } },
} as const;

/** The schema (ajv, strict mode). */
export const COMPARE_DATA_SCHEMA = {
    type: "object",
    additionalProperties: false,
    required: ["platform", "currency", "hoursPerMonth", "machines", "prices", "resources", "latency", "fit"],
    properties: {
        platform: { type: "string", pattern: "^[a-z0-9-]+$" },
        currency: { type: "string", pattern: "^[A-Z]{3}$" },
        hoursPerMonth: { type: "number", exclusiveMinimum: 0, maximum: 744 },
        regionFrom: { type: "string" },
        costNote: { type: "string" },
        machines: {
            type: "array",
            items: {
                type: "object",
                additionalProperties: false,
                required: ["region", "type", "vcpu", "memoryGiB", "onDemandHourly", "source", "retrieved"],
                properties: {
                    region: { type: "string", minLength: 1 },
                    type: { type: "string", minLength: 1 },
                    os: { enum: ["linux", "windows"] },
                    vcpu: { type: "number", exclusiveMinimum: 0 },
                    memoryGiB: { type: "number", exclusiveMinimum: 0 },
                    onDemandHourly: { type: "number", minimum: 0 },
                    spotHourly: { type: "number", minimum: 0 },
                    billableHoursCap: { type: "number", exclusiveMinimum: 0 },
                    ...sourced,
                },
            },
        },
        prices: {
            type: "array",
            items: {
                type: "object",
                additionalProperties: false,
                required: ["kind", "region", "source", "retrieved"],
                properties: {
                    kind: { enum: ["loadBalancer", "nat", "publicAddress", "disk"] },
                    region: { type: "string", minLength: 1 },
                    sku: { type: "string" },
                    hourly: { type: "number", minimum: 0 },
                    monthly: { type: "number", minimum: 0 },
                    perGbMonth: { type: "number", minimum: 0 },
                    tiers: {
                        type: "array",
                        minItems: 1,
                        items: {
                            type: "object",
                            additionalProperties: false,
                            required: ["maxGb", "monthly"],
                            properties: { maxGb: { type: "number", exclusiveMinimum: 0 }, monthly: { type: "number", minimum: 0 } },
                        },
                    },
                    per: { enum: ["machine"] },
                    maxHourly: { type: "number", minimum: 0 },
                    ...sourced,
                },
                anyOf: [{ required: ["hourly"] }, { required: ["monthly"] }, { required: ["perGbMonth"] }, { required: ["tiers"] }],
            },
        },
        managedControlPlane: {
            type: "object",
            additionalProperties: false,
            required: ["name", "source", "retrieved"],
            properties: {
                name: { type: "string" },
                hourly: { type: "number", minimum: 0 },
                monthly: { type: "number", minimum: 0 },
                ...sourced,
            },
            anyOf: [{ required: ["hourly"] }, { required: ["monthly"] }],
        },
        resources: {
            type: "array",
            items: {
                type: "object",
                additionalProperties: false,
                required: ["type", "kind"],
                properties: {
                    type: { type: "string", minLength: 3 },
                    kind: { enum: ["machine", "loadBalancer", "nat", "publicAddress", "disk"] },
                    machineType: { type: "string" },
                    defaultMachineType: { type: "string" },
                    spot: {
                        type: "object",
                        additionalProperties: false,
                        required: ["path", "equals"],
                        properties: { path: { type: "string" }, equals: { type: ["string", "boolean"] } },
                    },
                    publicAddress: {
                        type: "object",
                        additionalProperties: false,
                        required: ["path", "equals"],
                        properties: { path: { type: "string" }, equals: { type: ["string", "boolean"] } },
                    },
                    disks: {
                        type: "array",
                        items: {
                            type: "object",
                            additionalProperties: false,
                            properties: {
                                sizeGb: { type: "string" },
                                sku: { type: "string" },
                                defaultSku: { type: "string" },
                                defaultSizeGb: { type: "number" },
                            },
                        },
                    },
                    sku: { type: "string" },
                    defaultSku: { type: "string" },
                    sizeGb: { type: "string" },
                },
            },
        },
        latency: {
            type: "array",
            items: {
                type: "object",
                additionalProperties: false,
                required: ["seconds", "phase", "source"],
                properties: {
                    type: { type: "string" },
                    typePattern: { type: "string" },
                    name: { type: "string" },
                    seconds: { type: "number", minimum: 0 },
                    phase: { enum: PHASES },
                    source: { type: "string", minLength: 8 },
                },
            },
        },
        fit: {
            type: "object",
            additionalProperties: false,
            required: ["failureDomains", "cloudController", "csi", "loadBalancerServices", "windows", "spot", "privateNodes"],
            properties: {
                failureDomains: { type: "string", minLength: 3 },
                cloudController: capability,
                csi: capability,
                loadBalancerServices: capability,
                windows: capability,
                spot: capability,
                privateNodes: capability,
            },
        },
    },
} as const;
