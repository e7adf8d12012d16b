/**
 * Data at rest: disks on every platform whose adapter reports them, and Secrets in etcd.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { clusterRecordOf, facts, outsideConfig } from "./support";

/** Every root and data disk asks for encryption at rest. */
export const disksEncrypted: ResourceValidationPolicy = {
    name: "disks-encrypted",
    description:
        "Root and data disks (instances, launch templates, volumes, storage classes for persistent volumes) are encrypted at rest.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        const f = facts(args);
        if (!f || f.disks.length === 0) return args.notApplicable("no disks");
        for (const disk of f.disks) {
            if (!disk.encrypted) {
                reportViolation(
                    `${disk.label} of ${args.name} is not encrypted (and cannot be once it exists); ` +
                        outsideConfig("encrypts every disk it makes", disk.fix ?? "set encrypted: true"),
                );
            }
        }
    },
};

/** The API server encrypts Secrets before they reach etcd (and its backups). */
export const secretsEncryption: ResourceValidationPolicy = {
    name: "secrets-encryption",
    description: "Kubernetes Secrets are encrypted at rest in etcd.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        const cluster = clusterRecordOf(args.type, args.props);
        if (!cluster) return args.notApplicable("not an ApiReadiness record");
        if (!cluster.secretsEncryption) {
            reportViolation(
                `cluster "${cluster.cluster}" stores Secrets in etcd in plain text (and in every etcd snapshot); set kubeforge:secretsEncryption to true`,
            );
        }
    },
};

/** The data family, in report order. */
export const dataPolicies = [disksEncrypted, secretsEncryption];
