import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { candidateModules, resolveProviderClass } from "../../bench/lib/providerClasses";
import { runPlan } from "../../stacks/plan/run";

const STACKS = path.join(__dirname, "..", "..", "stacks");

describe("the evaluation floor finds each provider resource's generated class", () => {
    test("module candidates follow the token", () => {
        assert.deepEqual(candidateModules("aws:ec2/instance:Instance"), ["@pulumi/aws/ec2/instance", "@pulumi/aws/ec2", "@pulumi/aws"]);
        assert.deepEqual(candidateModules("kubernetes:helm.sh/v3:Release"), [
            "@pulumi/kubernetes/helm/v3",
            "@pulumi/kubernetes/helm",
            "@pulumi/kubernetes",
        ]);
        assert.deepEqual(candidateModules("tls:index/privateKey:PrivateKey"), ["@pulumi/tls/privateKey", "@pulumi/tls"]);
        assert.deepEqual(candidateModules("pulumi:providers:kubernetes"), ["@pulumi/kubernetes/provider"]);
    });

    test("a class is accepted only when it declares the token", () => {
        class Other {
            static __pulumiType = "aws:ec2/vpc:Vpc";
        }
        const lookup = resolveProviderClass("aws:ec2/instance:Instance", () => ({ Instance: Other }));
        assert.equal(lookup.found, false);
        assert.equal(resolveProviderClass("pulumi-nodejs:dynamic/kubeforge:NodeLifecycle", require).found, false);
    });

    for (const stack of ["aws", "baremetal"]) {
        test(`every non-dynamic type of the ${stack} stack resolves`, async () => {
            const types = new Set<string>();
            await runPlan({
                configFile: path.join(STACKS, `Pulumi.${stack}.yaml`),
                skipPolicies: true,
                onSettled: (engine) => engine.resources.filter((r) => r.custom).forEach((r) => types.add(r.type)),
            });
            assert.ok(types.size > 0);
            for (const type of types) {
                if (type.startsWith("pulumi-nodejs:")) continue;
                const lookup = resolveProviderClass(type, require);
                assert.ok(lookup.found, `${type}: ${lookup.found ? "" : lookup.why}`);
            }
        });
    }
});
