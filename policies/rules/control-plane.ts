/**
 * Control-plane shape, checked on the neutral records every platform registers: how many masters,
 * how they are spread over failure domains, what they run and whether they keep user pods away.
 */
import type { PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { CONTROL_PLANE_TAINT } from "../../components/core/types";
import { clustersOf, isProduction, nodeRecordOf, outsideConfig, settings } from "./support";

const countSchema: PolicyConfigSchema = {
    properties: {
        maxControlPlane: {
            type: "integer",
            minimum: 1,
            default: 7,
            description: "Largest number of masters allowed (etcd write latency grows with members).",
        },
    },
};

/** Masters must be odd (etcd quorum) and not more than `maxControlPlane`. */
export const controlPlaneCount: StackValidationPolicy = {
    name: "control-plane-count",
    description: "The control plane has an odd number of masters, at most 7, so stacked etcd keeps quorum.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: countSchema,
    validateStack: (args, reportViolation) => {
        const { maxControlPlane } = settings<{ maxControlPlane: number }>(countSchema, args);
        for (const cluster of clustersOf(args)) {
            const masters = cluster.nodes.filter((n) => n.value.role === "control-plane");
            const count = cluster.record?.value.controlPlaneCount || masters.length;
            const urn = cluster.record?.urn ?? masters[0]?.urn;
            if (count > 0 && count % 2 === 0) {
                reportViolation(
                    `cluster "${cluster.name}" has ${count} masters: an even count tolerates no more failures than ${count - 1} and ` +
                        `splits etcd votes; set kubeforge:controlPlane.count to ${count - 1} or ${count + 1}`,
                    urn,
                );
            }
            if (count > maxControlPlane) {
                reportViolation(
                    `cluster "${cluster.name}" has ${count} masters, more than ${maxControlPlane}: every etcd write waits for a majority; ` +
                        `set kubeforge:controlPlane.count to at most ${maxControlPlane}`,
                    urn,
                );
            }
        }
    },
};

/** No failure domain holds more masters than an even spread over the cluster's domains allows. */
export const controlPlaneSpread: StackValidationPolicy = {
    name: "control-plane-spread",
    description: "Masters are spread evenly over the cluster's failure domains, so losing one domain keeps etcd quorum.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        for (const cluster of clustersOf(args)) {
            const masters = cluster.nodes.filter((n) => n.value.role === "control-plane");
            if (masters.length === 0) continue;
            const declared = cluster.record?.value.failureDomains ?? [];
            const domains = declared.length > 0 ? declared : [...new Set(masters.map((m) => m.value.failureDomain))];
            const allowed = Math.ceil(masters.length / domains.length);
            const perDomain = new Map<string, string[]>();
            for (const m of masters) perDomain.set(m.value.failureDomain, [...(perDomain.get(m.value.failureDomain) ?? []), m.urn]);
            for (const [domain, urns] of perDomain) {
                if (declared.length > 0 && !declared.includes(domain)) {
                    reportViolation(
                        `cluster "${cluster.name}" places ${urns.length} master(s) in "${domain}", which is not one of its failure domains (${declared.join(", ")}); ` +
                            `add it to kubeforge:failureDomains or let placement choose`,
                        urns[0],
                    );
                } else if (urns.length > allowed) {
                    reportViolation(
                        `cluster "${cluster.name}" places ${urns.length} of its ${masters.length} masters in failure domain "${domain}", ` +
                            `more than the ${allowed} an even spread over ${domains.length} domain(s) (${domains.join(", ")}) allows; ` +
                            `list every domain in kubeforge:failureDomains and let placement spread the masters`,
                        urns[allowed],
                    );
                }
            }
        }
    },
};

const productionSchema: PolicyConfigSchema = {
    properties: {
        environmentTag: { type: "string", default: "environment", description: "Stack tag that names the environment." },
        productionValues: {
            type: "array",
            items: { type: "string" },
            default: ["production", "prod"],
            description: "Values of that tag that mean production (case-insensitive).",
        },
        alwaysProduction: { type: "boolean", default: false, description: "Treat every stack as production, whatever its tags." },
    },
};

/** Clusters with a single master: a single point of failure. */
export const singleControlPlane: StackValidationPolicy = {
    name: "control-plane-single",
    description: "A single master is a single point of failure: fine for development, not for production.",
    enforcementLevel: "advisory",
    severity: "medium",
    // The same settings as control-plane-single-production: on a production stack that policy reports
    // the finding as mandatory, and this one stays silent so the finding is reported once.
    configSchema: productionSchema,
    validateStack: (args, reportViolation) => {
        const c = settings<{ environmentTag: string; productionValues: string[]; alwaysProduction: boolean }>(productionSchema, args);
        if (c.alwaysProduction || isProduction(args.stackTags, c.environmentTag, c.productionValues)) {
            args.notApplicable("production stack: control-plane-single-production reports this");
        }
        for (const cluster of clustersOf(args)) {
            const masters = cluster.nodes.filter((n) => n.value.role === "control-plane");
            const count = cluster.record?.value.controlPlaneCount || masters.length;
            if (count === 1) {
                reportViolation(
                    `cluster "${cluster.name}" has one master: losing it stops the API and etcd; set kubeforge:controlPlane.count to 3 for anything that must stay up`,
                    cluster.record?.urn ?? masters[0]?.urn,
                );
            }
        }
    },
};

/** The same finding, blocking, when the stack is production (by stack tag or config). */
export const singleControlPlaneProduction: StackValidationPolicy = {
    name: "control-plane-single-production",
    description: "A production stack (stack tag environment=production, or config alwaysProduction) needs at least three masters.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: productionSchema,
    validateStack: (args, reportViolation) => {
        const c = settings<{ environmentTag: string; productionValues: string[]; alwaysProduction: boolean }>(productionSchema, args);
        if (!c.alwaysProduction && !isProduction(args.stackTags, c.environmentTag, c.productionValues)) {
            args.notApplicable(`stack tag ${c.environmentTag} does not mark production`);
        }
        for (const cluster of clustersOf(args)) {
            const masters = cluster.nodes.filter((n) => n.value.role === "control-plane");
            const count = cluster.record?.value.controlPlaneCount || masters.length;
            if (count === 1) {
                reportViolation(
                    `production cluster "${cluster.name}" has one master; set kubeforge:controlPlane.count to 3 (or 5)`,
                    cluster.record?.urn ?? masters[0]?.urn,
                );
            }
        }
    },
};

/** Masters run Linux: the control plane's static pods and etcd have no Windows build. */
export const controlPlaneLinux: ResourceValidationPolicy = {
    name: "control-plane-linux",
    description: "Masters run Linux (the control plane and etcd have no Windows build).",
    enforcementLevel: "mandatory",
    severity: "critical",
    validateResource: (args, reportViolation) => {
        const node = nodeRecordOf(args.type, args.props);
        if (!node || node.role !== "control-plane") return args.notApplicable("not a master's NodeLifecycle record");
        if (node.os !== "linux") {
            reportViolation(
                `master "${node.node}" runs ${node.os}; masters must run Linux: set kubeforge:controlPlane.os to linux (or leave it out; ` +
                    "only a pool in kubeforge:workerPools may set os: windows)",
            );
        }
    },
};

/** Masters keep the control-plane taint so user workloads never land next to etcd. */
export const controlPlaneTaint: ResourceValidationPolicy = {
    name: "control-plane-taint",
    description: "Masters carry the node-role.kubernetes.io/control-plane:NoSchedule taint, so user workloads stay off them.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        const node = nodeRecordOf(args.type, args.props);
        if (!node || node.role !== "control-plane") return args.notApplicable("not a master's NodeLifecycle record");
        const tainted = node.taints.some(
            (t) => t.key === CONTROL_PLANE_TAINT.key && (t.effect === "NoSchedule" || t.effect === "NoExecute"),
        );
        if (!tainted) {
            reportViolation(
                `master "${node.node}" lacks the ${CONTROL_PLANE_TAINT.key}:${CONTROL_PLANE_TAINT.effect} taint, so user pods would share it with etcd and the API server; ` +
                    outsideConfig(
                        "gives every master this taint",
                        "restore it (to run workloads on more machines, add a pool to kubeforge:workerPools)",
                    ),
            );
        }
    },
};

/** The control-plane family, in report order. */
export const controlPlanePolicies = [
    controlPlaneCount,
    controlPlaneSpread,
    singleControlPlane,
    singleControlPlaneProduction,
    controlPlaneLinux,
    controlPlaneTaint,
];
