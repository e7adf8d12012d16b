/**
 * The AWS private-name probe (components/platforms/aws/endpoint-name.py), run by the real python3
 * against a DNS server on loopback that this test plays: it must say `absent` only when the private
 * zone itself answers "no such name" with its short negative TTL, `present` only for a name with an
 * address, and `wait` otherwise; and it must never ask for the API name before three random names in
 * the zone came back from the zone itself (an early NXDOMAIN for the API name would be cached).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { join } from "node:path";
import { promisify } from "node:util";
import aws from "../../../components/platforms/aws/index";
import { parseAwsConfig } from "../../../components/platforms/aws/config";
import { ENDPOINT_NAME_PROBE, ENDPOINT_NAME_PROBE_PATH } from "../../../components/platforms/aws/bootstrap";
import { NEGATIVE_CACHE_SECONDS } from "../../../components/platforms/aws/dns";
import { makeSpec, rawAws } from "./fixtures";

const PROBE = join(__dirname, "..", "..", "..", "components", "platforms", "aws", "endpoint-name.py");
const ZONE = "demo.kubeforge.internal";
const HOST = `api.${ZONE}`;
const run = promisify(execFile);

const TYPE_A = 1;
const TYPE_SOA = 6;

/** A record of a reply: its owner (a name, or an offset in the reply to point at), type, TTL and data. */
interface Rec {
    owner: string | number;
    type: number;
    ttl: number;
    rdata: Buffer;
}

/** What the server answers for one question; `silent` sends nothing. */
type Answer = { rcode: number; answers?: Rec[]; authority?: Rec[]; strayFirst?: boolean } | "silent";

function encodeName(name: string): Buffer {
    const parts = name.split(".").filter((l) => l.length > 0);
    return Buffer.concat([...parts.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "ascii")])), Buffer.from([0])]);
}

function soa(minimum: number, mname: Buffer = encodeName(`ns-0.awsdns-00.com`)): Buffer {
    const numbers = Buffer.alloc(20);
    [1, 7200, 900, 1209600, minimum].forEach((n, i) => numbers.writeUInt32BE(n, i * 4));
    return Buffer.concat([mname, encodeName("awsdns-hostmaster.amazon.com"), numbers]);
}

/** Offset of `suffix` inside the question name of a query (for compression pointers). */
function suffixOffset(query: Buffer, suffix: string): number {
    let offset = 12;
    const name = readQuestion(query).name;
    const labels = name.split(".");
    const skip = labels.length - suffix.split(".").length;
    for (let i = 0; i < skip; i++) offset += 1 + query[offset];
    return offset;
}

function readQuestion(query: Buffer): { name: string; type: number; end: number } {
    const labels: string[] = [];
    let offset = 12;
    while (query[offset] !== 0) {
        labels.push(query.subarray(offset + 1, offset + 1 + query[offset]).toString("ascii"));
        offset += 1 + query[offset];
    }
    return { name: labels.join("."), type: query.readUInt16BE(offset + 1), end: offset + 5 };
}

function reply(query: Buffer, a: Exclude<Answer, "silent">, id = query.readUInt16BE(0)): Buffer {
    const { end } = readQuestion(query);
    const header = Buffer.alloc(12);
    header.writeUInt16BE(id, 0);
    header.writeUInt16BE(0x8180 | a.rcode, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(a.answers?.length ?? 0, 6);
    header.writeUInt16BE(a.authority?.length ?? 0, 8);
    const records = [...(a.answers ?? []), ...(a.authority ?? [])].map((r) => {
        const owner = typeof r.owner === "number" ? Buffer.from([0xc0 | (r.owner >> 8), r.owner & 0xff]) : encodeName(r.owner);
        const fixed = Buffer.alloc(10);
        fixed.writeUInt16BE(r.type, 0);
        fixed.writeUInt16BE(1, 2);
        fixed.writeUInt32BE(r.ttl, 4);
        fixed.writeUInt16BE(r.rdata.length, 8);
        return Buffer.concat([owner, fixed, r.rdata]);
    });
    return Buffer.concat([header, query.subarray(12, end), ...records]);
}

/** A DNS server on loopback answering with `answer`, recording each question's name. */
class FakeDns {
    private socket!: Socket;
    port = 0;
    asked: string[] = [];
    answer: (name: string, query: Buffer) => Answer = () => "silent";

    async start(): Promise<void> {
        this.socket = createSocket("udp4");
        this.socket.on("message", (query, peer) => {
            const { name } = readQuestion(query);
            this.asked.push(name);
            const a = this.answer(name, query);
            if (a === "silent") return;
            if (a.strayFirst) this.socket.send(reply(query, a, (query.readUInt16BE(0) + 1) & 0xffff), peer.port, peer.address);
            this.socket.send(reply(query, a), peer.port, peer.address);
        });
        await new Promise<void>((resolve) => this.socket.bind(0, "127.0.0.1", resolve));
        this.port = this.socket.address().port;
    }

    stop(): void {
        this.socket.close();
    }

    /** Runs the probe against this server; its one word. */
    async probe(host = HOST, zone = ZONE): Promise<string> {
        this.asked = [];
        const { stdout } = await run("python3", [PROBE, host, zone, String(NEGATIVE_CACHE_SECONDS), `127.0.0.1:${this.port}`]);
        return stdout.trim();
    }
}

/** The zone's own NXDOMAIN, its SOA owner compressed to the question's zone suffix. */
const zoneNo =
    (minimum: number, ttl = 60) =>
    (query: Buffer): Answer => ({
        rcode: 3,
        authority: [{ owner: suffixOffset(query, ZONE), type: TYPE_SOA, ttl, rdata: soa(minimum) }],
    });
/** The public root's NXDOMAIN for `.internal` (a zone not associated with the VPC): root SOA, a day. */
const rootNo = (): Answer => ({
    rcode: 3,
    authority: [{ owner: "", type: TYPE_SOA, ttl: 86400, rdata: soa(86400, encodeName("a.root-servers.net")) }],
});
const address = (): Answer => ({ rcode: 0, answers: [{ owner: 12, type: TYPE_A, ttl: 60, rdata: Buffer.from([203, 0, 113, 10]) }] });
const PROBE_NAME = /^kubeforge-probe-[0-9a-f]{16}\.demo\.kubeforge\.internal$/;

describe("AWS private-name probe, real python3 against a DNS server on loopback", () => {
    const dns = new FakeDns();
    before(() => dns.start());
    after(() => dns.stop());

    test("zone not associated with the VPC yet (the public root answers): wait, and the API name is never asked", async () => {
        dns.answer = () => rootNo();
        assert.equal(await dns.probe(), "wait");
        assert.equal(dns.asked.length, 1);
        assert.match(dns.asked[0], PROBE_NAME);
    });

    test("zone associated but its SOA still Route 53's default (15 minutes of negative caching): wait, API name never asked", async () => {
        dns.answer = (_, q) => zoneNo(86400, 900)(q);
        assert.equal(await dns.probe(), "wait");
        assert.ok(!dns.asked.includes(HOST), dns.asked.join(", "));
    });

    test("zone answering with its short SOA and no API record yet: absent, after three fresh random names", async () => {
        dns.answer = (_, q) => zoneNo(NEGATIVE_CACHE_SECONDS)(q);
        assert.equal(await dns.probe(), "absent");
        assert.equal(dns.asked.length, 4, dns.asked.join(", "));
        assert.equal(dns.asked[3], HOST, "the API name is asked last");
        const probes = dns.asked.slice(0, 3);
        for (const p of probes) assert.match(p, PROBE_NAME);
        assert.equal(new Set(probes).size, 3, "each probe a new name");
    });

    test("the SOA's own TTL counts too (RFC 2308: the lesser of TTL and minimum)", async () => {
        dns.answer = (_, q) => zoneNo(NEGATIVE_CACHE_SECONDS, 3600)(q);
        assert.equal(await dns.probe(), "absent", "minimum 10 wins over a TTL of an hour");
        dns.answer = (_, q) => zoneNo(3600, NEGATIVE_CACHE_SECONDS)(q);
        assert.equal(await dns.probe(), "absent", "a TTL of 10 wins over a minimum of an hour");
        dns.answer = (_, q) => zoneNo(NEGATIVE_CACHE_SECONDS + 1, 3600)(q);
        assert.equal(await dns.probe(), "wait", "one second over is too long");
    });

    test("the API record exists: present", async () => {
        dns.answer = (name, q) => (name === HOST ? address() : zoneNo(NEGATIVE_CACHE_SECONDS)(q));
        assert.equal(await dns.probe(), "present");
    });

    test("one probe answered from elsewhere (a resolver not yet seeing the zone): wait, API name never asked", async () => {
        let n = 0;
        dns.answer = (_, q) => (++n === 2 ? rootNo() : zoneNo(NEGATIVE_CACHE_SECONDS)(q));
        assert.equal(await dns.probe(), "wait");
        assert.equal(dns.asked.length, 2);
        assert.ok(!dns.asked.includes(HOST));
    });

    test("the API name's NXDOMAIN must come from the zone too, and an empty NOERROR is not an absence", async () => {
        dns.answer = (name, q) => (name === HOST ? rootNo() : zoneNo(NEGATIVE_CACHE_SECONDS)(q));
        assert.equal(await dns.probe(), "wait");
        dns.answer = (name, q) =>
            name === HOST
                ? { rcode: 0, authority: [{ owner: suffixOffset(q, ZONE), type: TYPE_SOA, ttl: 60, rdata: soa(NEGATIVE_CACHE_SECONDS) }] }
                : zoneNo(NEGATIVE_CACHE_SECONDS)(q);
        assert.equal(await dns.probe(), "wait");
    });

    test("server failures, stray replies and a silent server", async () => {
        dns.answer = () => ({ rcode: 2 });
        assert.equal(await dns.probe(), "wait", "SERVFAIL");
        dns.answer = (_, q) => ({ ...(zoneNo(NEGATIVE_CACHE_SECONDS)(q) as object), rcode: 3, strayFirst: true });
        assert.equal(await dns.probe(), "absent", "a reply with another id is skipped");
        dns.answer = () => "silent";
        assert.equal(await dns.probe(), "wait", "no answer");
    });

    test("names are compared without case, and a name outside the zone is never absent", async () => {
        dns.answer = (_, q) => zoneNo(NEGATIVE_CACHE_SECONDS)(q);
        assert.equal(await dns.probe(HOST.toUpperCase(), `${ZONE.toUpperCase()}.`), "absent");
        dns.answer = (_, q) => zoneNo(NEGATIVE_CACHE_SECONDS)(q);
        assert.equal(await dns.probe("api.other.kubeforge.internal", ZONE), "wait", "SOA owner is not the name's zone");
    });

    test("a usage error says how to call it", async () => {
        await assert.rejects(
            run("python3", [PROBE, HOST]),
            (e: { code?: number; stderr?: string }) => e.code === 2 && /Usage:/.test(e.stderr ?? ""),
        );
    });
});

describe("what AWS nodes are given", () => {
    const spec = makeSpec();
    const facts = aws.bootstrapFacts(parseAwsConfig(rawAws(), spec).config!, spec);

    test("every Linux node gets this very probe, and the command asks about the cluster's zone with the SOA's negative TTL", () => {
        assert.deepEqual(facts.nodeFiles, [{ path: ENDPOINT_NAME_PROBE_PATH, content: ENDPOINT_NAME_PROBE, permissions: "0755" }]);
        assert.equal(facts.endpointNameCommand, `python3 ${ENDPOINT_NAME_PROBE_PATH} "$1" ${ZONE} ${NEGATIVE_CACHE_SECONDS}`);
    });
});
