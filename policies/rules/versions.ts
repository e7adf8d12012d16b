/**
 * Kubernetes versions: inside the window kubeforge supports, and kubelets within the skew the
 * Kubernetes version-skew policy allows (never newer than the API server, at most three minors older).
 */
import type { PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { formatMinor, minorsAhead, parseMinor } from "../versions";
import { clusterRecordOf, clustersOf, nodeRecordOf, settings } from "./support";

const windowSchema: PolicyConfigSchema = {
    properties: {
        minVersion: { type: "string", pattern: "^v?\\d+\\.\\d+$", default: "1.34", description: "Oldest supported minor." },
        maxVersion: { type: "string", pattern: "^v?\\d+\\.\\d+$", default: "1.36", description: "Newest supported minor." },
    },
};

/** Control plane and kubelets run a supported minor. */
export const versionWindow: ResourceValidationPolicy = {
    name: "kubernetes-version-window",
    description: "The control plane and every kubelet run a Kubernetes minor inside the supported window (1.34-1.36).",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: windowSchema,
    validateResource: (args, reportViolation) => {
        const c = settings<{ minVersion: string; maxVersion: string }>(windowSchema, args);
        const cluster = clusterRecordOf(args.type, args.props);
        const node = nodeRecordOf(args.type, args.props);
        const subject = cluster ? `control plane of "${cluster.cluster}"` : node ? `node "${node.node}"` : undefined;
        const version = cluster?.kubernetesVersion ?? node?.kubernetesVersion;
        if (subject === undefined) return args.notApplicable("not a kubeforge record");
        const min = parseMinor(c.minVersion);
        const max = parseMinor(c.maxVersion);
        const v = parseMinor(version);
        if (!min || !max)
            throw new Error(`policy config minVersion/maxVersion must be minors such as "1.34" (got "${c.minVersion}", "${c.maxVersion}")`);
        if (!v) {
            reportViolation(
                `${subject} has no readable Kubernetes version ("${version ?? ""}"); set kubeforge:kubernetesVersion to a version such as 1.36`,
            );
        } else if (minorsAhead(v, min) < 0 || minorsAhead(v, max) > 0) {
            reportViolation(
                `${subject} runs Kubernetes ${version}, outside the supported window ${formatMinor(min)}-${formatMinor(max)}; ` +
                    `set kubeforge:kubernetesVersion (and any pool's kubernetesVersion) inside it`,
            );
        }
    },
};

const skewSchema: PolicyConfigSchema = {
    properties: {
        maxSkew: {
            type: "integer",
            minimum: 0,
            maximum: 3,
            default: 3,
            description: "How many minors a kubelet may lag the API server (Kubernetes allows 3).",
        },
    },
};

/** No kubelet is newer than the API server or more than `maxSkew` minors behind it. */
export const kubeletSkew: StackValidationPolicy = {
    name: "kubelet-skew",
    description: "No kubelet is newer than the API server or more than 3 minors older.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: skewSchema,
    validateStack: (args, reportViolation) => {
        const { maxSkew } = settings<{ maxSkew: number }>(skewSchema, args);
        for (const cluster of clustersOf(args)) {
            const cp = parseMinor(cluster.record?.value.kubernetesVersion);
            if (!cp) continue;
            for (const node of cluster.nodes) {
                const v = parseMinor(node.value.kubernetesVersion);
                if (!v) continue;
                const behind = minorsAhead(cp, v);
                if (behind < 0) {
                    reportViolation(
                        `node "${node.value.node}" runs kubelet ${node.value.kubernetesVersion}, newer than the API server (${cluster.record?.value.kubernetesVersion}); upgrade the control plane first: ` +
                            `raise kubeforge:kubernetesVersion, or lower pool "${node.value.pool}"'s kubernetesVersion in kubeforge:workerPools`,
                        node.urn,
                    );
                } else if (behind > maxSkew) {
                    reportViolation(
                        `node "${node.value.node}" runs kubelet ${node.value.kubernetesVersion}, ${behind} minors behind the API server (${cluster.record?.value.kubernetesVersion}), more than ${maxSkew}; ` +
                            `raise pool "${node.value.pool}"'s kubernetesVersion in kubeforge:workerPools (or leave it out to follow kubeforge:kubernetesVersion)`,
                        node.urn,
                    );
                }
            }
        }
    },
};

/** The version family, in report order. */
export const versionPolicies = [versionWindow, kubeletSkew];
