/**
 * IAM for the machines: one role and instance profile for masters, one for workers.
 *
 * - Masters: the cloud-provider-aws control-plane policy (the CCM runs there, host network, IMDS
 *   hop limit 1) plus the node policy.
 * - Workers: the cloud-provider-aws node policy plus the EBS CSI driver's managed policy: the CSI
 *   controller runs on workers, whose IMDS hop limit lets pods reach the role (see machines.ts).
 *   With `ebsKmsKeyArn`, the driver also gets the KMS grants it needs for that key.
 *
 * Actions are those listed in kubernetes/cloud-provider-aws `docs/prerequisites.md` and
 * kubernetes-sigs/aws-ebs-csi-driver `docs/install.md` (read 2026-11).
 */
import type * as pulumi from "@pulumi/pulumi";
import { InstanceProfile, Role, RolePolicy, RolePolicyAttachment } from "@pulumi/aws/iam";
import type { ClusterSpec } from "../../core/types";
import type { AwsConfig } from "./config";
import { resourceTags } from "./tags";

/** cloud-provider-aws control-plane policy actions (docs/prerequisites.md). */
export const CCM_CONTROL_PLANE_ACTIONS = [
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeLaunchConfigurations",
    "autoscaling:DescribeTags",
    "ec2:DescribeInstances",
    "ec2:DescribeRegions",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVolumes",
    "ec2:DescribeAvailabilityZones",
    "ec2:CreateSecurityGroup",
    "ec2:CreateTags",
    "ec2:CreateVolume",
    "ec2:ModifyInstanceAttribute",
    "ec2:ModifyVolume",
    "ec2:AttachVolume",
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:CreateRoute",
    "ec2:DeleteRoute",
    "ec2:DeleteSecurityGroup",
    "ec2:DeleteVolume",
    "ec2:DetachVolume",
    "ec2:RevokeSecurityGroupIngress",
    "ec2:DescribeVpcs",
    "ec2:DescribeInstanceTopology",
    "elasticloadbalancing:AddTags",
    "elasticloadbalancing:AttachLoadBalancerToSubnets",
    "elasticloadbalancing:ApplySecurityGroupsToLoadBalancer",
    "elasticloadbalancing:CreateLoadBalancer",
    "elasticloadbalancing:CreateLoadBalancerPolicy",
    "elasticloadbalancing:CreateLoadBalancerListeners",
    "elasticloadbalancing:ConfigureHealthCheck",
    "elasticloadbalancing:DeleteLoadBalancer",
    "elasticloadbalancing:DeleteLoadBalancerListeners",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DetachLoadBalancerFromSubnets",
    "elasticloadbalancing:DeregisterInstancesFromLoadBalancer",
    "elasticloadbalancing:ModifyLoadBalancerAttributes",
    "elasticloadbalancing:RegisterInstancesWithLoadBalancer",
    "elasticloadbalancing:SetLoadBalancerPoliciesForBackendServer",
    "elasticloadbalancing:CreateListener",
    "elasticloadbalancing:CreateTargetGroup",
    "elasticloadbalancing:DeleteListener",
    "elasticloadbalancing:DeleteTargetGroup",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeLoadBalancerPolicies",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    "elasticloadbalancing:ModifyListener",
    "elasticloadbalancing:ModifyTargetGroup",
    "elasticloadbalancing:RegisterTargets",
    "elasticloadbalancing:DeregisterTargets",
    "elasticloadbalancing:SetLoadBalancerPoliciesOfListener",
    "elasticloadbalancing:SetSecurityGroups",
    "iam:CreateServiceLinkedRole",
    "kms:DescribeKey",
] as const;

/** cloud-provider-aws node policy actions (docs/prerequisites.md). */
export const CCM_NODE_ACTIONS = [
    "ec2:DescribeInstances",
    "ec2:DescribeRegions",
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:GetRepositoryPolicy",
    "ecr:DescribeRepositories",
    "ecr:ListImages",
    "ecr:BatchGetImage",
] as const;

/**
 * The AWS-managed EBS CSI policy. V2 is what aws-ebs-csi-driver's install guide now points to: the
 * same actions as `AmazonEBSCSIDriverPolicy`, but scoped to volumes and snapshots the driver tagged
 * (`ebs.csi.aws.com/cluster=true`), which matters because pods on workers can reach this role.
 * @param partition - ARN partition
 */
export function ebsCsiPolicyArn(partition: string): string {
    return `arn:${partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicyV2`;
}

/** KMS actions the EBS CSI driver needs for volumes encrypted with a customer key (docs/install.md). */
export const EBS_CSI_KMS_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant"] as const;

/**
 * The EC2 trust policy of the node roles.
 * @param partition - ARN partition (China uses a different service principal)
 */
export function ec2TrustPolicy(partition: string): string {
    const service = partition === "aws-cn" ? "ec2.amazonaws.com.cn" : "ec2.amazonaws.com";
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    });
}

function allowAll(actions: readonly string[], resource: string | string[] = "*"): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: [...actions], Resource: resource }] });
}

/** Instance profiles by role. */
export interface AwsIdentity {
    /** Masters' instance profile. */
    controlPlaneProfile: InstanceProfile;
    /** Workers' instance profile. */
    workerProfile: InstanceProfile;
    /** Resources an instance should wait for (policies attached before boot). */
    ready: pulumi.Resource[];
}

/**
 * Creates the roles, their policies and the instance profiles.
 * @param name - prefix of every resource name
 * @param spec - the cluster
 * @param config - the aws config
 * @param parent - parent of every resource
 */
export function createIdentity(name: string, spec: ClusterSpec, config: AwsConfig, parent: pulumi.Resource): AwsIdentity {
    const opts: pulumi.CustomResourceOptions = { parent };
    const trust = ec2TrustPolicy(config.partition);

    const cpName = `${name}-control-plane`;
    const cpRole = new Role(
        cpName,
        { assumeRolePolicy: trust, tags: resourceTags(spec, cpName, { "kubeforge.io/role": "control-plane" }) },
        opts,
    );
    const cpCcm = new RolePolicy(`${cpName}-ccm`, { role: cpRole.name, policy: allowAll(CCM_CONTROL_PLANE_ACTIONS) }, opts);
    const cpNode = new RolePolicy(`${cpName}-node`, { role: cpRole.name, policy: allowAll(CCM_NODE_ACTIONS) }, opts);
    const controlPlaneProfile = new InstanceProfile(cpName, { role: cpRole.name, tags: resourceTags(spec, cpName) }, opts);

    const wName = `${name}-worker`;
    const wRole = new Role(wName, { assumeRolePolicy: trust, tags: resourceTags(spec, wName, { "kubeforge.io/role": "worker" }) }, opts);
    const wNode = new RolePolicy(`${wName}-node`, { role: wRole.name, policy: allowAll(CCM_NODE_ACTIONS) }, opts);
    const wCsi = new RolePolicyAttachment(`${wName}-ebs-csi`, { role: wRole.name, policyArn: ebsCsiPolicyArn(config.partition) }, opts);
    const ready: pulumi.Resource[] = [cpCcm, cpNode, wNode, wCsi];
    if (config.ebsKmsKeyArn) {
        ready.push(
            new RolePolicy(`${wName}-ebs-kms`, { role: wRole.name, policy: allowAll(EBS_CSI_KMS_ACTIONS, config.ebsKmsKeyArn) }, opts),
        );
    }
    const workerProfile = new InstanceProfile(wName, { role: wRole.name, tags: resourceTags(spec, wName) }, opts);

    return { controlPlaneProfile, workerProfile, ready };
}
