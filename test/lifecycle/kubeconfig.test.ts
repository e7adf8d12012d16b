import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { renderKubeconfig } from "../../components/lifecycle/kubeconfig";

const args = {
    clusterName: "demo",
    server: "https://api.demo.example:6443",
    caCert: "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n",
    clientCert: "-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n",
    clientKey: "-----BEGIN EC PRIVATE KEY-----\nS0VZ\n-----END EC PRIVATE KEY-----\n",
};

const decode = (b64: string) => Buffer.from(b64, "base64").toString("utf8");

test("kubeconfig embeds the PEMs base64-encoded and points its current context at the cluster", () => {
    const doc = parse(renderKubeconfig(args));
    assert.equal(doc.apiVersion, "v1");
    assert.equal(doc.kind, "Config");
    assert.equal(doc.clusters.length, 1);
    assert.equal(doc.clusters[0].name, "demo");
    assert.equal(doc.clusters[0].cluster.server, args.server);
    assert.equal(decode(doc.clusters[0].cluster["certificate-authority-data"]), args.caCert);
    assert.equal(decode(doc.users[0].user["client-certificate-data"]), args.clientCert);
    assert.equal(decode(doc.users[0].user["client-key-data"]), args.clientKey);
    const ctx = doc.contexts.find((c: { name: string }) => c.name === doc["current-context"]);
    assert.ok(ctx, "current-context names an existing context");
    assert.equal(ctx.context.cluster, "demo");
    assert.equal(ctx.context.user, doc.users[0].name);
});

test("kubeconfig user defaults to <cluster>-admin and can be named", () => {
    assert.equal(parse(renderKubeconfig(args)).users[0].name, "demo-admin");
    const named = parse(renderKubeconfig({ ...args, user: "ops" }));
    assert.equal(named.users[0].name, "ops");
    assert.equal(named.contexts[0].context.user, "ops");
});

test("kubeconfig never carries the key in clear text", () => {
    assert.ok(!renderKubeconfig(args).includes("PRIVATE KEY"));
});
