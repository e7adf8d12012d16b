/**
 * Bare-metal values that parse but cannot work, refused when the config is read (before any host is
 * touched), each at the key the user wrote: a private key that is a path or passphrase-protected, a
 * login name that cannot be one, a host address no host has.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertOneIssue, issuesWith } from "./blockFixture";
import { hostAddressProblem } from "../../../components/platforms/baremetal/config-hosts";

describe("bare-metal values that cannot work", () => {
    test("a private key given as a file path, shared or per host, is refused at its key without echoing it", () => {
        assertOneIssue(
            issuesWith((b) => (b.privateKey = "~/.ssh/kubeforge")),
            "privateKey",
            /holds a file path, not a key/,
        );
        const issues = issuesWith((b) => (b.hosts[3].privateKey = "/home/me/.ssh/id_ed25519"));
        assertOneIssue(issues, "hosts[3].privateKey", /holds a file path, not a key/);
        assert.ok(!issues[0].message.includes("/home/me"));
    });

    test("a login name that cannot be one: empty, user@host pasted whole", () => {
        assertOneIssue(
            issuesWith((b) => (b.hosts[3].user = "")),
            "hosts[3].user",
            /is empty; give the login user/,
        );
        assertOneIssue(
            issuesWith((b) => (b.user = "kubeforge@192.0.2.11")),
            "user",
            /cannot be a login name .*give the account name alone/,
        );
    });

    test("addresses no host has: unspecified, broadcast, multicast, padded with spaces", () => {
        for (const [address, message] of [
            ["0.0.0.0", /unspecified address/],
            ["::", /unspecified address/],
            ["255.255.255.255", /broadcast/],
            ["224.0.0.1", /multicast/],
            ["ff02::1", /multicast/],
            [" 192.0.2.21", /has spaces around it/],
        ] as const) {
            assert.match(hostAddressProblem(address) ?? "", message, address);
            assertOneIssue(
                issuesWith((b) => (b.hosts[3].address = address)),
                "hosts[3].address",
                message,
            );
        }
        for (const ok of ["127.0.0.1", "192.0.2.21", "2001:db8::1", "::1", "node-1.example.com"])
            assert.equal(hostAddressProblem(ok), undefined, ok);
    });
});
