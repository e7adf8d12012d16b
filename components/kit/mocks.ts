/**
 * What a platform's `mocks.ts` provides, and helpers to write it. Under the offline plan engine
 * (stacks/plan/mocks.ts: `npm run plan`, tests, benchmarks, the conformance suite) a platform makes its
 * resources' computed outputs plausible and answers EXACTLY the invokes (data sources) it makes: an
 * invoke without a mock fails the plan, naming the token. Deterministic: the same name always gives
 * the same ids and addresses, so plans compare.
 */
import * as crypto from "node:crypto";

/** The SDK's serialized-secret signature (a value wrapped with it is a secret in mock outputs). */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The signature's value. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * A value wrapped as a Pulumi secret in the serialized form the SDK uses.
 *
 * @param value - the value to mark secret
 */
export function wrapSecret(value: unknown): Record<string, unknown> {
    return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

/**
 * True for a value wrapped by {@link wrapSecret}.
 *
 * @param value - any value
 */
export function isWrappedSecret(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** Computes mock outputs for one resource type. Return only the computed fields; inputs are merged. */
export type OutputMock = (inputs: Record<string, unknown>, name: string, id: string) => Record<string, unknown>;

/** A stack's config as its file's `config:` map holds it: Pulumi keys (`kubeforge:workerPools`) to values. */
export type StackConfigValues = Record<string, unknown>;

/**
 * How a suite resizes a pool on a platform whose pool size is bound to an inventory (bare metal: a pool
 * has exactly as many nodes as it lists hosts), where changing `count` alone is a config error. Both
 * return a new config and leave the one given unchanged; the suite changes the pool's `count` itself.
 */
export interface PoolInventory {
    /**
     * The config with one more inventory entry for `pool`, taking the pool's next ordinal, so no other
     * node is renamed. Throws when the pool has no entry to take the login from.
     */
    grow(config: StackConfigValues, pool: string): StackConfigValues;
    /** The config without the entry of `pool`'s highest ordinal (the node a count -1 removes). */
    shrink(config: StackConfigValues, pool: string): StackConfigValues;
}

/** What a platform folder default-exports from `mocks.ts`. */
export interface PlatformMocks {
    /** Extra computed outputs, by resource type token. */
    outputs?: Record<string, OutputMock>;
    /** Results of invokes, by full token (e.g. `aws:index/getAvailabilityZones:getAvailabilityZones`): exactly those the platform makes. */
    calls?: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
    /** Only for platforms whose pools are inventories: how to add or remove one entry of a pool. */
    inventory?: PoolInventory;
}

/**
 * SHA-256 of a seed: the source of every deterministic mock value.
 *
 * @param seed - usually the resource name
 */
export function mockDigest(seed: string): Buffer {
    return crypto.createHash("sha256").update(seed).digest();
}

/**
 * A deterministic hex id, e.g. `vpc-0f3a...` (AWS) or a 32-hex Azure GUID body.
 *
 * @param prefix - id prefix without the dash; empty for none
 * @param seed - usually the resource name
 * @param length - hex digits
 */
export function mockHexId(prefix: string, seed: string, length = 17): string {
    const hex = mockDigest(seed).toString("hex").slice(0, length);
    return prefix ? `${prefix}-${hex}` : hex;
}

/**
 * A deterministic IPv4 address inside a /16 (the last octet avoids .0-.3 and .255, reserved on clouds).
 *
 * @param seed - usually the resource name
 * @param prefix16 - the first two octets, e.g. `10.0`
 */
export function mockIpv4(seed: string, prefix16 = "10.0"): string {
    const d = mockDigest(seed);
    return `${prefix16}.${d[0]}.${(d[1] % 250) + 4}`;
}

/**
 * A deterministic integer id (DigitalOcean droplet ids, GCP numeric ids).
 *
 * @param seed - usually the resource name
 * @param digits - how many decimal digits
 */
export function mockNumericId(seed: string, digits = 9): string {
    const n = mockDigest(seed).readUInt32BE(0) % 10 ** Math.min(digits, 9);
    return String(n).padStart(digits, "1");
}

/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * A deterministic, well-formed SSH host key line (`ssh-ed25519 AAAA...`) for a host a test invents: a
 * real Ed25519 public key derived from the seed, so structural checks accept it.
 *
 * @param seed - usually the host's name
 */
export function mockEd25519HostKey(seed: string): string {
    const privateKey = crypto.createPrivateKey({
        key: Buffer.concat([ED25519_PKCS8_PREFIX, mockDigest(`ed25519:${seed}`)]),
        format: "der",
        type: "pkcs8",
    });
    const point = crypto.createPublicKey(privateKey).export({ format: "der", type: "spki" }).subarray(-32);
    // SSH wire format: each field is its uint32 length, then its bytes.
    const wire = (b: Buffer) => {
        const length = Buffer.alloc(4);
        length.writeUInt32BE(b.length);
        return Buffer.concat([length, b]);
    };
    return `ssh-ed25519 ${Buffer.concat([wire(Buffer.from("ssh-ed25519")), wire(point)]).toString("base64")}`;
}
