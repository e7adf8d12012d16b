/**
 * Plausible outputs for the DigitalOcean resources this platform registers, for `npm run plan`, tests
 * and benchmarks under the offline engine. Deterministic: the same name always gives the same ids and
 * addresses. Public addresses come from the documentation range 198.51.100.0/24 (RFC 5737); private
 * ones from the VPC's own range when the inputs name it, else 10.0.0.0/16.
 */
import * as crypto from "node:crypto";
import type { OutputMock, PlatformMocks } from "../../kit/mocks";

function digest(seed: string): Buffer {
    return crypto.createHash("sha256").update(seed).digest();
}

/**
 * A UUID-shaped id, stable per seed.
 * @param seed - e.g. the resource name
 */
export function mockUuid(seed: string): string {
    const h = digest(seed).toString("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A public address in 198.51.100.0/24, stable per seed.
 * @param seed - e.g. the resource name
 */
export function mockPublicIp(seed: string): string {
    return `198.51.100.${(digest(seed)[0] % 250) + 2}`;
}

/**
 * A private address, stable per seed, in 10.0.0.0/16.
 * @param seed - e.g. the resource name
 */
export function mockPrivateIp(seed: string): string {
    const d = digest(seed);
    return `10.0.${d[0] % 250}.${(d[1] % 250) + 2}`;
}

const outputs: Record<string, OutputMock> = {
    "digitalocean:index/vpc:Vpc": (inputs, name) => ({
        urn: `do:vpc:${mockUuid(name)}`,
        default: false,
        createdAt: "2026-12-04T00:00:00Z",
        ipRange: inputs.ipRange ?? "10.0.0.0/16",
    }),
    "digitalocean:index/loadBalancer:LoadBalancer": (inputs, name) => ({
        ip: inputs.network === "INTERNAL" ? mockPrivateIp(name) : mockPublicIp(name),
        status: "active",
        loadBalancerUrn: `do:loadbalancer:${mockUuid(name)}`,
        sizeUnit: 1,
    }),
    "digitalocean:index/firewall:Firewall": () => ({ status: "succeeded", createdAt: "2026-12-04T00:00:00Z", pendingChanges: [] }),
    "digitalocean:index/droplet:Droplet": (_inputs, name) => ({
        ipv4Address: mockPublicIp(name),
        ipv4AddressPrivate: mockPrivateIp(name),
        urn: `do:droplet:${digest(name).readUInt32BE(0)}`,
        status: "active",
        locked: false,
        memory: 4096,
        vcpus: 2,
        disk: 80,
        priceMonthly: 24,
    }),
    "digitalocean:index/sshKey:SshKey": (_inputs, name) => ({
        fingerprint: [...digest(name).subarray(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join(":"),
    }),
    "digitalocean:index/dnsRecord:DnsRecord": (inputs) => ({ fqdn: `${String(inputs.name)}.${String(inputs.domain)}` }),
};

/** The DigitalOcean platform's mocks. */
const digitalOceanMocks: PlatformMocks = { outputs };

export default digitalOceanMocks;
