/**
 * DigitalOcean's bootstrap facts and user data: the metadata commands run for real in bash against a
 * fake metadata service on loopback, every rendered user data through the real `cloud-init schema`,
 * under 64 KiB as sent, and the size check failing with the node named.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as http from "node:http";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";
import { parse } from "yaml";
import { renderNodeBootstrap } from "../../../bootstrap/render";
import { DO_DELIVERY, USER_DATA_LIMIT_BYTES, digitalOceanBootstrapFacts } from "../../../components/platforms/digitalocean/bootstrap";
import { type UserDataForm, encodeForDelivery, formFor, formatBootstrap } from "../../../components/kit/delivery";
import { cloudInitSchemaErrors, shellcheckErrors } from "../../helpers/validators";
import { input, type NodeKind } from "../../bootstrap/fixtures";

const facts = digitalOceanBootstrapFacts();
const execFileAsync = promisify(execFile);

function fakeMetadata(values: Record<string, string>): Promise<{ url: string; close: () => void }> {
    const server = http.createServer((req, res) => {
        const key = req.url?.replace("/metadata/v1/", "") ?? "";
        if (req.method === "GET" && key in values) return res.writeHead(200).end(values[key]);
        res.writeHead(404).end();
    });
    return new Promise((resolve) =>
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as AddressInfo;
            resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() });
        }),
    );
}

async function runAgainst(command: string, url: string): Promise<{ code: number; stdout: string }> {
    const local = command.replaceAll("http://169.254.169.254", url);
    assert.notEqual(local, command, "the command should read the link-local metadata address");
    try {
        const { stdout } = await execFileAsync("bash", ["-c", local], { encoding: "utf8" });
        return { code: 0, stdout };
    } catch (error) {
        const e = error as { code?: number; stdout?: string };
        return { code: e.code ?? -1, stdout: e.stdout ?? "" };
    }
}

const linuxForm = formFor(DO_DELIVERY, { name: "demo-cp-0", os: "linux" }) as UserDataForm;

function userDataFor(kind: NodeKind): string {
    const bootstrap = renderNodeBootstrap(input(kind, { facts }));
    return formatBootstrap(bootstrap, linuxForm);
}

describe("bootstrap facts", () => {
    test("external cloud provider, kubelet address preference, 64 KiB", () => {
        assert.equal(facts.cloudProvider, "external");
        assert.deepEqual(facts.apiServerExtraArgs, [{ name: "kubelet-preferred-address-types", value: "InternalIP,ExternalIP,Hostname" }]);
        assert.deepEqual(DO_DELIVERY.linux, {
            format: "cloud-config",
            encoding: "plain",
            fileEncoding: "gz+b64",
            extraKeys: { ssh_pwauth: false },
            limit: { bytes: 65536, measured: "text" },
        });
        assert.equal(DO_DELIVERY.windows, undefined, "no Windows droplets");
        assert.equal(facts.nodeNameCommand, undefined, "the node name is the droplet name, the NodePlan's");
    });

    test("provider id and VPC address come from the metadata service", async () => {
        const md = await fakeMetadata({ id: "523455120", "interfaces/private/0/ipv4/address": "10.0.3.7" });
        try {
            assert.deepEqual(await runAgainst(facts.providerIdCommand!, md.url), { code: 0, stdout: "digitalocean://523455120" });
            assert.deepEqual(await runAgainst(facts.nodeIpCommand!, md.url), { code: 0, stdout: "10.0.3.7" });
        } finally {
            md.close();
        }
    });

    test("a command fails, printing nothing, when the service does not answer or answers empty", async () => {
        const md = await fakeMetadata({ id: "" });
        try {
            assert.equal((await runAgainst(facts.providerIdCommand!, md.url)).stdout, "");
            assert.notEqual((await runAgainst(facts.providerIdCommand!, md.url)).code, 0);
            assert.notEqual((await runAgainst(facts.nodeIpCommand!, md.url)).code, 0);
        } finally {
            md.close();
        }
    });

    test("the commands pass shellcheck", async () => {
        for (const command of [facts.providerIdCommand!, facts.nodeIpCommand!]) {
            assert.deepEqual(await shellcheckErrors(`#!/bin/bash\n${command}\n`), []);
        }
    });
});

describe("user data", () => {
    for (const kind of ["init", "control-plane", "worker"] as const) {
        test(`${kind}: valid for cloud-init, plain text under 64 KiB, files gzipped, password logins off`, async () => {
            const text = userDataFor(kind);
            assert.ok(text.startsWith("#cloud-config\n"));
            assert.deepEqual(await cloudInitSchemaErrors(text), []);
            assert.ok(Buffer.byteLength(text) < USER_DATA_LIMIT_BYTES, `${Buffer.byteLength(text)} bytes`);
            const doc = parse(text) as { write_files: { path: string; encoding: string; content: string }[]; ssh_pwauth: boolean };
            assert.equal(doc.ssh_pwauth, false);
            assert.ok(doc.write_files.length > 0);
            for (const f of doc.write_files) {
                assert.equal(f.encoding, "gz+b64", f.path);
                assert.ok(gunzipSync(Buffer.from(f.content, "base64")).length > 0, f.path);
            }
            assert.equal(encodeForDelivery(text, linuxForm, input(kind).node.name).value, text, "sent as it is: plain text");
        });
    }

    test("over the limit: an error naming the node, the size and the limit, before DigitalOcean's API would refuse it", () => {
        const text = userDataFor("init");
        assert.throws(
            () => encodeForDelivery(text, { ...linuxForm, limit: { bytes: 1000, measured: "text" } }, "demo-cp-0"),
            (e: Error) =>
                /node demo-cp-0 is \d+ bytes as text, over the platform's limit of 1000 bytes; its files are already gzipped/.test(
                    e.message,
                ),
        );
        const big = `#cloud-config\n# ${"x".repeat(USER_DATA_LIMIT_BYTES)}\n`;
        assert.throws(
            () => encodeForDelivery(big, linuxForm, "demo-general-0"),
            /demo-general-0 is 655\d\d bytes as text, over the platform's limit of 65536/,
        );
    });
});
