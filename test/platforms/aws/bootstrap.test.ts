import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import aws from "../../../components/platforms/aws/index";
import { CLOUD_CONFIG_PATH, imdsCommand } from "../../../components/platforms/aws/bootstrap";
import { awsAddons, ccmValues, ebsCsiValues } from "../../../components/platforms/aws/addons";
import { parseAwsConfig } from "../../../components/platforms/aws/config";
import { makeSpec, rawAws } from "./fixtures";

const spec = makeSpec();
const config = parseAwsConfig(rawAws(), spec).config!;
const facts = aws.bootstrapFacts(config, spec);

/**
 * A fake IMDSv2 on 127.0.0.1: answers metadata GETs only with the token its PUT handed out, as EC2
 * does when `httpTokens: required`.
 */
function fakeImds(metadata: Record<string, string>): Promise<{ url: string; close: () => void; requests: string[] }> {
    const token = "test-token-123";
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        if (req.method === "PUT" && req.url === "/latest/api/token") {
            if (!req.headers["x-aws-ec2-metadata-token-ttl-seconds"]) return res.writeHead(400).end();
            return res.writeHead(200).end(token);
        }
        if (req.headers["x-aws-ec2-metadata-token"] !== token) return res.writeHead(401).end();
        const key = req.url?.replace("/latest/meta-data/", "") ?? "";
        if (req.method === "GET" && key in metadata) return res.writeHead(200).end(metadata[key]);
        res.writeHead(404).end();
    });
    return new Promise((resolve) =>
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as AddressInfo;
            resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close(), requests });
        }),
    );
}

const execFileAsync = promisify(execFile);

/**
 * Runs a facts command the way the bootstrap does (`bash -c`), pointed at the fake IMDS. Async: the
 * fake server answers from this process's event loop.
 */
async function runAgainst(command: string, imdsUrl: string): Promise<{ code: number; stdout: string }> {
    const local = command.replaceAll("http://169.254.169.254", imdsUrl);
    assert.notEqual(local, command, "the command should talk to the link-local IMDS address");
    try {
        const { stdout } = await execFileAsync("bash", ["-c", local], { encoding: "utf8" });
        return { code: 0, stdout };
    } catch (error) {
        const e = error as { code?: number; stdout?: string };
        return { code: e.code ?? -1, stdout: e.stdout ?? "" };
    }
}

describe("bootstrap facts", () => {
    test("external cloud provider; AWS's 16 KB user data limit is declared with the delivery, counted after gzip", () => {
        assert.equal(facts.cloudProvider, "external");
        assert.deepEqual(aws.delivery.linux, {
            format: "cloud-config",
            encoding: "gzip+base64",
            limit: { bytes: 16384, measured: "compressed" },
        });
    });

    test("the commands read IMDSv2 with a token and print node name, provider id and IP", async () => {
        const imds = await fakeImds({
            "local-hostname": "ip-10-0-1-23.ec2.internal",
            "placement/availability-zone": "us-east-1b",
            "instance-id": "i-0123456789abcdef0",
            "local-ipv4": "10.0.1.23",
        });
        try {
            assert.deepEqual(await runAgainst(facts.nodeNameCommand!, imds.url), { code: 0, stdout: "ip-10-0-1-23.ec2.internal" });
            assert.deepEqual(await runAgainst(facts.providerIdCommand!, imds.url), {
                code: 0,
                stdout: "aws:///us-east-1b/i-0123456789abcdef0",
            });
            assert.deepEqual(await runAgainst(facts.nodeIpCommand!, imds.url), { code: 0, stdout: "10.0.1.23" });
            assert.ok(imds.requests.filter((r) => r.startsWith("PUT")).length >= 3, "each command gets its own token");
        } finally {
            imds.close();
        }
    });

    test("a command fails (non-zero, nothing usable printed) when IMDS refuses", async () => {
        const imds = await fakeImds({});
        try {
            const result = await runAgainst(facts.providerIdCommand!, imds.url);
            assert.notEqual(result.code, 0);
            assert.equal(result.stdout, "");
            assert.ok(
                imds.requests.some((r) => r.startsWith("GET")),
                "it got as far as reading metadata",
            );
        } finally {
            imds.close();
        }
    });

    test("the commands pass shellcheck", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeforge-aws-"));
        try {
            for (const [name, command] of Object.entries({
                name: facts.nodeNameCommand,
                id: facts.providerIdCommand,
                ip: facts.nodeIpCommand,
            })) {
                const file = path.join(dir, `${name}.sh`);
                fs.writeFileSync(file, `#!/bin/bash\n${command}\n`);
                const result = spawnSync("shellcheck", ["-s", "bash", file], { encoding: "utf8" });
                assert.equal(result.status, 0, `${name}: ${result.stdout}${result.stderr}`);
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    test("masters get the cloud config naming the cluster", () => {
        assert.deepEqual(facts.controlPlaneFiles, [
            { path: CLOUD_CONFIG_PATH, content: "[Global]\nKubernetesClusterID=demo\n", permissions: "0644" },
        ]);
        assert.equal(imdsCommand(["a", "b"], "%s-%s").split("curl").length - 1, 3, "one token PUT and one GET per path");
    });
});

describe("addons", () => {
    const addons = awsAddons(spec, config);

    test("CCM then EBS CSI, pinned charts", () => {
        assert.deepEqual(
            addons.map((a) => a.kind === "helm" && [a.name, a.repository, a.version]),
            [
                ["aws-cloud-controller-manager", "https://kubernetes.github.io/cloud-provider-aws", "0.0.11"],
                ["aws-ebs-csi-driver", "https://kubernetes-sigs.github.io/aws-ebs-csi-driver", "2.64.0"],
            ],
        );
        for (const a of addons) assert.ok(a.kind === "helm" && /^\d+\.\d+\.\d+$/.test(a.version));
    });

    test("the CCM runs on masters, host network, with the flags kubeforge relies on", () => {
        const v = ccmValues(spec) as {
            args: string[];
            hostNetworking: boolean;
            tolerations: { key: string }[];
            nodeSelector: Record<string, string>;
        };
        assert.equal(v.hostNetworking, true);
        for (const arg of [
            "--cloud-provider=aws",
            "--configure-cloud-routes=false",
            "--cluster-name=demo",
            `--cloud-config=${CLOUD_CONFIG_PATH}`,
        ]) {
            assert.ok(v.args.includes(arg), arg);
        }
        assert.deepEqual(v.tolerations.map((t) => t.key).sort(), [
            "node-role.kubernetes.io/control-plane",
            "node.cloudprovider.kubernetes.io/uninitialized",
            "node.kubernetes.io/not-ready",
        ]);
        assert.ok("node-role.kubernetes.io/control-plane" in v.nodeSelector);
    });

    test("the EBS CSI controller runs on the masters (their role has its policy) and the default class is encrypted gp3", () => {
        const withKms = parseAwsConfig(rawAws({ ebsKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/abcd-1234" }), spec).config!;
        const v = ebsCsiValues(spec, withKms) as {
            controller: {
                region: string;
                nodeSelector: Record<string, string>;
                tolerations: { key: string }[];
                replicaCount: number;
                affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { topologyKey: string }[] } };
            };
            storageClasses: { annotations: Record<string, string>; parameters: Record<string, string> }[];
        };
        assert.equal(v.controller.region, "us-east-1");
        assert.deepEqual(v.controller.nodeSelector, { "node-role.kubernetes.io/control-plane": "" });
        assert.ok(v.controller.tolerations.some((t) => t.key === "node-role.kubernetes.io/control-plane"));
        assert.ok(v.controller.replicaCount <= spec.controlPlane.count);
        assert.equal(
            v.controller.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey,
            "kubernetes.io/hostname",
        );
        assert.equal(v.storageClasses.length, 1);
        assert.equal(v.storageClasses[0].annotations["storageclass.kubernetes.io/is-default-class"], "true");
        assert.deepEqual(v.storageClasses[0].parameters, { type: "gp3", encrypted: "true", kmsKeyId: withKms.ebsKmsKeyArn });
    });
});
