/**
 * YAML traps in the `kubeforge:baremetal` block: every key, given what YAML makes of a value written
 * the wrong way (an unquoted version or number where text belongs, `yes`/`no` read as booleans, `0755`
 * read as octal 493, `1e3` read as 1000, a list written as one string, quotes around a number), gets
 * one message at that key saying what YAML read and how to write it, and nothing else: no "is required"
 * for a value that is there, no count or placement error about the other hosts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertOneIssue, issuesWith, type Block } from "./blockFixture";

/** What YAML hands the program for each trap, and what the message must say about it. */
const AS_TEXT: [string, unknown, RegExp][] = [
    ["an unquoted version 1.30", 1.3, /YAML reads an unquoted 1\.30 as the number 1\.3; quote it: "1\.30"/],
    ["an unquoted number", 2222, /YAML reads an unquoted 2222 as a number; quote it: "2222"/],
    ["an octal-looking 0755", 0o755, /if the file says 0755, YAML read it as octal: quote "0755"/],
    ["1e3", 1e3, /YAML reads an unquoted 1000 as a number; quote it/],
    ["yes", true, /YAML reads an unquoted yes, no, on, off, true or false as true; quote the text you meant/],
    ["off", false, /YAML reads an unquoted yes, no, on, off, true or false as false; quote the text you meant/],
    ["a list", ["a", "b"], /must be a string, not a list; write one value on the key's line/],
];
const AS_NUMBER: [string, unknown, RegExp][] = [
    ["a quoted number", "22", /must be a whole number, not the text "22"; write digits only, without quotes/],
    ["a quoted octal", "0755", /not the text "0755"; write digits only, without quotes/],
    ["a decimal", 22.5, /must be a whole number, not 22\.5; write it without a decimal point/],
    ["yes", true, /must be a whole number, not true; write digits only/],
];
const AS_BOOLEAN: [string, unknown, RegExp][] = [
    ['a quoted "yes"', "yes", /must be true or false, not the text "yes"; write true or false without quotes/],
    ['a quoted "true"', "true", /not the text "true"; write true or false without quotes/],
    ["1", 1, /must be true or false, not 1; write true or false without quotes/],
];

/** Every key of the block, where it lives, and the traps of its type. */
const KEYS: { key: string; set: (b: Block, v: unknown) => void; traps: [string, unknown, RegExp][] }[] = [
    ...["address", "name", "user", "privateKey", "hostKey", "failureDomain", "role", "pool"].map((k) => ({
        key: `hosts[3].${k}`,
        set: (b: Block, v: unknown) => (b.hosts[3][k] = v),
        traps: AS_TEXT,
    })),
    {
        key: 'hosts[3].labels["example.com/disk"]',
        set: (b, v) => ((b.hosts[3].labels as Record<string, unknown>)["example.com/disk"] = v),
        traps: AS_TEXT,
    },
    { key: "hosts[3].port", set: (b, v) => (b.hosts[3].port = v), traps: AS_NUMBER },
    { key: "hosts[3].ordinal", set: (b, v) => (b.hosts[3].ordinal = v), traps: AS_NUMBER },
    { key: "hosts[3].trustOnFirstUse", set: (b, v) => (b.hosts[3].trustOnFirstUse = v), traps: AS_BOOLEAN },
    ...["privateKey", "user", "serviceLoadBalancer", "storage"].map((k) => ({
        key: k,
        set: (b: Block, v: unknown) => (b[k] = v),
        traps: AS_TEXT,
    })),
    { key: "endpoint.vip", set: (b, v) => (b.endpoint.vip = v), traps: AS_TEXT },
    { key: "endpoint.interface", set: (b, v) => (b.endpoint.interface = v), traps: AS_TEXT },
    {
        key: "endpoint.loadBalancer",
        set: (b, v) => {
            delete b.endpoint.vip;
            b.endpoint.loadBalancer = v;
        },
        traps: AS_TEXT,
    },
    { key: "concurrency", set: (b, v) => (b.concurrency = v), traps: AS_NUMBER },
    { key: "forceRemoveUnreachable", set: (b, v) => (b.forceRemoveUnreachable = v), traps: AS_BOOLEAN },
    { key: "serviceAddressPool[0]", set: (b, v) => (b.serviceAddressPool = [v]), traps: AS_TEXT },
];

describe("bare-metal YAML traps", () => {
    test("the example resolves (the table changes one value of a valid stack)", () => {
        assert.deepEqual(
            issuesWith(() => {}),
            [],
        );
    });

    for (const { key, set, traps } of KEYS) {
        for (const [what, value, message] of traps) {
            test(`${key}: ${what} gets one YAML answer at that key, nothing cascades`, () => {
                assertOneIssue(
                    issuesWith((b) => set(b, value)),
                    key,
                    message,
                );
            });
        }
    }

    test("a list written as one string, a map as text, a host as text: answered as the YAML they need", () => {
        const cases: [(b: Block) => void, string, RegExp][] = [
            [
                (b) => (b.serviceAddressPool = "192.0.2.240/29, 192.0.2.250/32"),
                "serviceAddressPool",
                /must be a list, not the text "192\.0\.2\.240\/29, 192\.0\.2\.250\/32"; write it as a YAML list, \[192\.0\.2\.240\/29, 192\.0\.2\.250\/32\]/,
            ],
            [
                (b) => (b.hosts = "cp-a" as unknown as Block["hosts"]),
                "hosts",
                /must be a list, not the text "cp-a"; write it as a YAML list/,
            ],
            [(b) => (b.endpoint = "192.0.2.10" as unknown as Block["endpoint"]), "endpoint", /must be a map .* write it as a YAML map/],
            [(b) => (b.hosts[3].labels = "disk=ssd"), "hosts[3].labels", /must be a map .*not the text "disk=ssd"; write it as a YAML map/],
            [(b) => (b.hosts[3] = "w-a" as unknown as Record<string, unknown>), "hosts[3]", /must be a map .*`- address: \.\.\.`/],
        ];
        for (const [set, key, message] of cases) {
            assertOneIssue(issuesWith(set), key, message);
        }
    });

    test("a single range as plain text is still one entry (not a trap)", () => {
        assert.deepEqual(
            issuesWith((b) => (b.serviceAddressPool = "192.0.2.240/28")),
            [],
        );
    });
});
