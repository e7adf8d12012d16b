/**
 * The Pulumi program (`main` in Pulumi.yaml). `pulumi up -s aws` reads `stacks/Pulumi.aws.yaml`.
 * Config errors surface here as one message listing every problem, before any resource exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildCluster, resolveStack } from "./program";

const outputs = buildCluster(resolveStack(pulumi.runtime.allConfig()));

/** Admin kubeconfig (secret): `pulumi stack output kubeconfig --show-secrets > kubeconfig`. */
export const kubeconfig = outputs.kubeconfig;
/** API endpoint URL. */
export const endpoint = outputs.endpoint;
/** Nodes with role, pool, failure domain and addresses. */
export const nodes = outputs.nodes;
/** API server version reported once the cluster answered. */
export const apiServerVersion = outputs.apiServerVersion;
/** Platform outputs (network ids, load balancer name, ...). */
export const platform = outputs.platform;
