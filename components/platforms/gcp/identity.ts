/**
 * Identity for the machines: one service account for masters, one for workers, two custom roles
 * (cloud controller, PD CSI controller) bound to the masters' account on the project, and the masters'
 * account allowed to act as both node accounts (attaching disks to their instances). The permission
 * lists and why they are what they are: `roles.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import { Account, IAMMember as ServiceAccountIAMMember } from "@pulumi/gcp/serviceaccount";
import { IAMCustomRole, IAMMember as ProjectIAMMember } from "@pulumi/gcp/projects";
import { RandomId } from "@pulumi/random";
import type { ClusterSpec } from "../../core/types";
import type { GcpConfig } from "./config";
import { CCM_PERMISSIONS, PD_CSI_PERMISSIONS, SERVICE_ACCOUNT_USER_ROLE, customRoleId, serviceAccountId } from "./roles";

/** The machines' service accounts. */
export interface GcpIdentity {
    /** Masters' account (CCM and PD CSI controller). */
    controlPlane: Account;
    /** Workers' account (no role). */
    worker: Account;
    /** What an instance should wait for: the role bindings, so the CCM has its rights when it starts. */
    ready: pulumi.Resource[];
}

/**
 * Creates the accounts, roles and bindings.
 * @param name - prefix of every resource name
 * @param spec - the cluster
 * @param config - the gcp config
 * @param parent - parent of every resource
 */
export function createIdentity(name: string, spec: ClusterSpec, config: GcpConfig, parent: pulumi.Resource): GcpIdentity {
    const opts: pulumi.CustomResourceOptions = { parent };
    const project = config.project;
    const controlPlane = new Account(
        `${name}-cp`,
        {
            project,
            accountId: serviceAccountId(spec.name, "cp"),
            displayName: `kubeforge ${spec.name}: masters`,
            description: "Masters of the cluster: cloud-controller-manager and PD CSI controller (host network)",
        },
        opts,
    );
    const worker = new Account(
        `${name}-node`,
        {
            project,
            accountId: serviceAccountId(spec.name, "node"),
            displayName: `kubeforge ${spec.name}: workers`,
            description: "Workers of the cluster: no project role",
        },
        opts,
    );
    // A deleted custom role's id stays taken for 37 days: a random suffix lets a cluster be recreated.
    const suffix = new RandomId(`${name}-role-suffix`, { byteLength: 3 }, opts);
    const role = (component: "ccm" | "pdcsi", title: string, permissions: readonly string[]) =>
        new IAMCustomRole(
            `${name}-${component}`,
            {
                project,
                roleId: suffix.hex.apply((hex) => customRoleId(spec.name, component, hex)),
                title,
                description: `kubeforge cluster ${spec.name}`,
                permissions: [...permissions],
                stage: "GA",
            },
            opts,
        );
    const ccmRole = role("ccm", `kubeforge ${spec.name} cloud controller`, CCM_PERMISSIONS);
    const csiRole = role("pdcsi", `kubeforge ${spec.name} PD CSI controller`, PD_CSI_PERMISSIONS);
    const member = pulumi.interpolate`serviceAccount:${controlPlane.email}`;
    const actAs = (target: string, account: Account) =>
        new ServiceAccountIAMMember(
            `${name}-cp-acts-as-${target}`,
            { serviceAccountId: account.name, role: SERVICE_ACCOUNT_USER_ROLE, member },
            opts,
        );
    const ready: pulumi.Resource[] = [
        new ProjectIAMMember(`${name}-cp-ccm`, { project, role: ccmRole.name, member }, opts),
        new ProjectIAMMember(`${name}-cp-pdcsi`, { project, role: csiRole.name, member }, opts),
        actAs("cp", controlPlane),
        actAs("node", worker),
    ];
    return { controlPlane, worker, ready };
}
