/**
 * The pack under the real `@pulumi/policy` server: `policies/index.ts` runs in a child process the way
 * the Pulumi CLI runs a policy pack (ts-node, type-checked), serves its analyzer on 127.0.0.1, and this test speaks the analyzer gRPC
 * protocol to it the way the engine does. Its answers must match `runPolicies`, which is what proves
 * the in-process runner (used by `npm run plan`) mirrors the engine.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { policies } from "../../policies/policies";
import { type PolicyInputResource, runPolicies } from "../../policies/evaluate";
import { clusterRecord, healthyCluster, ingressRule, instance, previewCluster, replace } from "./builders";

// The grpc-js the SDK itself uses, so client and proto classes agree.
const grpc = createRequire(require.resolve("@pulumi/pulumi/package.json"))("@grpc/grpc-js") as typeof grpcTypes;
const packDir = path.resolve(__dirname, "../../policies");

let server: ChildProcess | undefined;
let client: analyzerRpc.AnalyzerClient;

type Unary<Req, Res> = (req: Req, cb: (err: grpcTypes.ServiceError | null, res: Res) => void) => unknown;

function call<Req, Res>(method: Unary<Req, Res>, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => method.call(client, req, (err, res) => (err ? reject(err) : resolve(res))));
}

before(async () => {
    // Launched as the Pulumi CLI's nodejs language host launches a policy pack: its run-policy-pack
    // entry, which compiles the TypeScript with ts-node (type-checked) and runs package.json's main.
    const runPolicyPack = path.dirname(require.resolve("@pulumi/pulumi/cmd/run-policy-pack/index.js"));
    const child = spawn(process.execPath, [runPolicyPack, "127.0.0.1:0", "."], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
    server = child;
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        child.stdout?.on("data", (d: Buffer) => {
            out += d.toString();
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) resolve(Number(m[1]));
        });
        child.on("exit", (code) => reject(new Error(`pack exited (${code}) before serving: ${stderr}`)));
    });
    client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

after(() => {
    client?.close();
    server?.kill();
});

const LEVEL: Record<number, string> = {
    [analyzer.EnforcementLevel.ADVISORY]: "advisory",
    [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
};
const LEVEL_ENUM = {
    advisory: analyzer.EnforcementLevel.ADVISORY,
    mandatory: analyzer.EnforcementLevel.MANDATORY,
    disabled: analyzer.EnforcementLevel.DISABLED,
};

function struct(value: Record<string, unknown>): Struct {
    return Struct.fromJavaScript(JSON.parse(JSON.stringify(value)) as Record<string, never>);
}

function options(): analyzer.AnalyzerResourceOptions {
    return new analyzer.AnalyzerResourceOptions().setCustomtimeouts(new analyzer.AnalyzerResourceOptions.CustomTimeouts());
}

/** What the engine would report: analyze per resource, then analyzeStack; as sorted `policy level urn message` lines. */
async function engineViolations(resources: PolicyInputResource[]): Promise<string[]> {
    const descriptions = new Map(policies.map((p) => [p.name, p.description]));
    const lines: string[] = [];
    const add = (d: analyzer.AnalyzeDiagnostic, urn: string) => {
        const message = d.getMessage().slice((descriptions.get(d.getPolicyname()) ?? "").length + 1);
        lines.push(`${d.getPolicyname()} ${LEVEL[d.getEnforcementlevel()]} ${urn} ${message}`);
    };
    for (const r of resources) {
        const req = new analyzer.AnalyzeRequest()
            .setType(r.type)
            .setUrn(r.urn)
            .setName(r.name)
            .setProperties(struct(r.inputs))
            .setOptions(options());
        const res = await call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(client.analyze, req);
        for (const d of res.getDiagnosticsList()) add(d, r.urn);
    }
    const stack = new analyzer.AnalyzeStackRequest().setResourcesList(
        resources.map((r) =>
            new analyzer.AnalyzerResource()
                .setType(r.type)
                .setUrn(r.urn)
                .setName(r.name)
                .setProperties(struct({ ...r.inputs, ...(r.id ? { id: r.id } : {}) }))
                .setOptions(options()),
        ),
    );
    const res = await call<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(client.analyzeStack, stack);
    for (const d of res.getDiagnosticsList()) add(d, d.getUrn());
    return lines.sort();
}

async function harnessViolations(resources: PolicyInputResource[], opts: Parameters<typeof runPolicies>[1]): Promise<string[]> {
    return (await runPolicies(resources, opts)).map((v) => `${v.policy} ${v.level} ${v.resource ?? ""} ${v.message}`).sort();
}

/** A cluster with something wrong in every family that has a stack or a resource policy. */
function troubled(): PolicyInputResource[] {
    let r = healthyCluster();
    r = replace(r, clusterRecord({ secretsEncryption: false, apiAllowedCidrs: ["0.0.0.0/0"], kubernetesVersion: "1.35.8" }));
    r = replace(r, instance("demo-general-1", "worker", { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 3 } }));
    r = replace(
        r,
        ingressRule("demo-etcd", {
            securityGroupId: "demo-cp-sg-id",
            ipProtocol: "tcp",
            fromPort: 2379,
            toPort: 2380,
            referencedSecurityGroupId: "demo-nodes-sg-id",
        }),
    );
    return r;
}

describe("the pack served by @pulumi/policy", () => {
    test("announces every policy with its level, under the package's version", async () => {
        const info = await call<Empty, analyzer.AnalyzerInfo>(client.getAnalyzerInfo, new Empty());
        assert.equal(info.getName(), "kubeforge");
        assert.equal(info.getVersion(), "0.1.0");
        assert.deepEqual(
            info.getPoliciesList().map((p) => [p.getName(), LEVEL[p.getEnforcementlevel()]]),
            policies.map((p) => [p.name, p.enforcementLevel]),
        );
    });

    test("reports what runPolicies reports, resource and stack policies alike", async () => {
        const resources = troubled();
        const engine = await engineViolations(resources);
        assert.ok(engine.length >= 9, engine.join("\n"));
        assert.deepEqual(engine, await harnessViolations(resources, {}));
        // Machine facts come only from components/platforms/aws/policy.ts, found by folder name inside the
        // pack's own process (ts-node, cwd policies/): no adapter found there, no IMDS or etcd finding.
        for (const policy of ["imdsv2-required", "imds-hop-limit", "etcd-masters-only"]) {
            assert.ok(
                engine.some((l) => l.startsWith(`${policy} `)),
                `${policy} missing from:\n${engine.join("\n")}`,
            );
        }
    });

    test("a preview (ids and addresses unknown) gets the same answer as from runPolicies", async () => {
        const open = ingressRule("ssh-world", {
            securityGroupId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
            ipProtocol: "tcp",
            fromPort: 22,
            toPort: 22,
            cidrIpv4: "0.0.0.0/0",
        });
        const resources = [...previewCluster(), open];
        const engine = await engineViolations(resources);
        assert.deepEqual(engine, await harnessViolations(resources, {}));
        assert.deepEqual(
            engine.map((l) => l.split(" ")[0]),
            ["ssh-not-public"],
        );
    });

    test("with stack tags and policy config sent as the CLI sends them, still the same", async () => {
        const tags = new analyzer.AnalyzerStackConfigureRequest().setStack("prod").setProject("kubeforge");
        tags.getTagsMap().set("environment", "production");
        await call<analyzer.AnalyzerStackConfigureRequest, Empty>(client.configureStack, tags);
        const config: Record<string, Record<string, unknown>> = {
            "imds-hop-limit": { enforcementLevel: "advisory", maxWorkerHopLimit: 4 },
            "secrets-encryption": { enforcementLevel: "disabled" },
            "control-plane-count": { maxControlPlane: 1 },
        };
        const req = new analyzer.ConfigureAnalyzerRequest();
        for (const [name, { enforcementLevel, ...properties }] of Object.entries(config)) {
            const c = new analyzer.PolicyConfig().setProperties(struct(properties));
            // The CLI always sends a level: the configured one, else the policy's own.
            const level =
                (enforcementLevel as keyof typeof LEVEL_ENUM | undefined) ??
                (policies.find((p) => p.name === name)?.enforcementLevel as keyof typeof LEVEL_ENUM);
            req.getPolicyconfigMap().set(name, c.setEnforcementlevel(LEVEL_ENUM[level]));
        }
        await call<analyzer.ConfigureAnalyzerRequest, Empty>(client.configure, req);
        const resources = replace(
            troubled(),
            clusterRecord({ controlPlaneCount: 1, failureDomains: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], secretsEncryption: false }),
        );
        const engine = await engineViolations(resources);
        const harness = await harnessViolations(resources, { config, stackTags: { environment: "production" } });
        assert.deepEqual(engine, harness);
        assert.ok(engine.some((l) => l.startsWith("control-plane-single-production mandatory")));
        assert.ok(!engine.some((l) => l.startsWith("secrets-encryption")));
    });
});
