/**
 * Instance metadata: credentials of the node's cloud identity are one HTTP call away, so require
 * session tokens (IMDSv2 on AWS) and keep the response from travelling past the host's own network
 * namespace on masters.
 */
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { facts, outsideConfig, settings } from "./support";

/** Metadata requests need a session token (IMDSv2), which SSRF through a pod cannot fetch. */
export const imdsv2Required: ResourceValidationPolicy = {
    name: "imdsv2-required",
    description: "Machines and machine templates require metadata session tokens (IMDSv2 on AWS).",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        const m = facts(args)?.metadata;
        if (!m) return args.notApplicable("no instance metadata settings");
        if (!m.endpointDisabled && !m.tokensRequired) {
            reportViolation(
                `${args.name} accepts metadata requests without a session token; ` +
                    outsideConfig("requires session tokens on every machine it makes", m.fix?.tokens ?? "require session tokens on it"),
            );
        }
    },
};

const hopSchema: PolicyConfigSchema = {
    properties: {
        maxControlPlaneHopLimit: {
            type: "integer",
            minimum: 1,
            default: 1,
            description: "Largest metadata response hop limit on masters (1: pods cannot reach the masters' cloud identity).",
        },
        maxWorkerHopLimit: {
            type: "integer",
            minimum: 1,
            default: 1,
            description:
                "Largest hop limit on workers (1: pods cannot reach a worker's user data or role; kubeforge runs its IMDS users on the host network).",
        },
    },
};

/** Pods reach IMDS through one extra hop: masters keep it at 1 so pods never get their identity. */
export const imdsHopLimit: ResourceValidationPolicy = {
    name: "imds-hop-limit",
    description: "The metadata response hop limit is 1 on masters and on workers (workers: configurable maximum).",
    enforcementLevel: "mandatory",
    severity: "medium",
    configSchema: hopSchema,
    validateResource: (args, reportViolation) => {
        const c = settings<{ maxControlPlaneHopLimit: number; maxWorkerHopLimit: number }>(hopSchema, args);
        const m = facts(args)?.metadata;
        if (!m || m.endpointDisabled || m.hopLimit === undefined) return args.notApplicable("hop limit not set");
        const master = m.role === "control-plane";
        const max = master ? c.maxControlPlaneHopLimit : c.maxWorkerHopLimit;
        if (m.hopLimit > max) {
            reportViolation(
                `${args.name} (${m.role ?? "unknown role, judged as a worker"}) lets metadata responses travel ${m.hopLimit} hops, more than ${max}; ` +
                    (m.hopLimitKey
                        ? `set ${m.hopLimitKey} to ${max}`
                        : outsideConfig(
                              `keeps the hop limit of ${master ? "masters" : "its machines"} at 1`,
                              `${m.fix?.hopLimit ?? "lower its hop limit"} to ${max}`,
                          )),
            );
        }
    },
};

/** The metadata family, in report order. */
export const metadataPolicies = [imdsv2Required, imdsHopLimit];
