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

/** What a platform folder default-exports from `mocks.ts`. */
export interface PlatformMocks {
    /** Extra computed outputs, by resource type token. */
    outputs?: Record<string, OutputMock>;
    /** Results of invokes, by full token (e.g. `aws:index/getAvailabilityZones:getAvailabilityZones`): exactly those the platform makes. */
    calls?: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
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
