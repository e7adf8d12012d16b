/**
 * An offline engine for kubeforge programs: the SDK's own mocks (`pulumi.runtime.setMocks`) plus a
 * record of every registration (type, name, parent, inputs, outputs), so `npm run plan`, the tests and
 * the benchmarks run the real components without a Pulumi CLI or a cloud account.
 *
 * Outputs are made to look like the real thing where later code reads them: real ECDSA keys from
 * `tls.PrivateKey` (so user-data sizes are realistic), PEM-shaped certificates, random strings of the
 * requested alphabet and length. Platforms add their own (zone lists, instance addresses) through
 * {@link PlatformMocks}, found in `components/platforms/<name>/mocks.ts`.
 */
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

import { wrapSecret, type OutputMock, type PlatformMocks } from "../../components/kit/mocks";

export { SECRET_SIG, SECRET_SIG_KEY, isWrappedSecret, wrapSecret, type OutputMock, type PlatformMocks } from "../../components/kit/mocks";

/** One registered resource, as the plan shows it. */
export interface PlanResource {
    /** URN the mock engine gave it. */
    urn: string;
    type: string;
    name: string;
    /** Physical id (components have none). */
    id?: string;
    /** URN of the parent resource (the stack for top-level ones). */
    parent?: string;
    /** URNs this resource depends on (`dependsOn` and inputs from other resources). */
    dependencies: string[];
    /** For each input that took another resource's output: the URNs it came from. */
    propertyDependencies: Record<string, string[]>;
    /** True for custom resources, false for components. */
    custom: boolean;
    /** Inputs as the provider would receive them; secrets stay wrapped (see {@link isWrappedSecret}). */
    inputs: Record<string, unknown>;
    /** State the mock returned (inputs plus computed outputs). */
    outputs: Record<string, unknown>;
}

/** Options of {@link PlanEngine}. */
export interface PlanEngineOptions {
    /** Simulated latency per resource type, in milliseconds (benchmarks); none by default. */
    latencyMs?: (type: string, name: string) => number;
    /** Platform-provided mocks. */
    platform?: PlatformMocks;
    /** Keep no record of resources (benchmarks that measure the floor). */
    record?: boolean;
}

function hash(text: string): Buffer {
    return crypto.createHash("sha256").update(text).digest();
}

function deterministicString(seed: string, length: number, alphabet: string): string {
    let out = "";
    let block = hash(seed);
    let i = 0;
    while (out.length < length) {
        if (i >= block.length) {
            block = hash(block.toString("hex"));
            i = 0;
        }
        out += alphabet[block[i++] % alphabet.length];
    }
    return out;
}

function fakePem(label: string, seed: string, bytes: number): string {
    const body = Buffer.alloc(bytes);
    let block = hash(seed);
    for (let i = 0; i < bytes; i++) {
        if (i % 32 === 0 && i > 0) block = hash(block.toString("hex"));
        body[i] = block[i % 32];
    }
    const b64 = body
        .toString("base64")
        .replace(/(.{64})/g, "$1\n")
        .trimEnd();
    return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function randomAlphabet(inputs: Record<string, unknown>): string {
    let alphabet = "";
    if (inputs.lower !== false) alphabet += "abcdefghijklmnopqrstuvwxyz";
    if (inputs.upper !== false) alphabet += "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if (inputs.numeric !== false && inputs.number !== false) alphabet += "0123456789";
    if (inputs.special !== false) alphabet += "!@#$%&*()-_=+[]{}<>:?";
    return alphabet || "abcdefghijklmnopqrstuvwxyz";
}

/** Outputs of the providers the core itself uses (tls, random, its own dynamic resources). */
const CORE_OUTPUTS: Record<string, OutputMock> = {
    // The readiness gate reports the version the API server answered with.
    "pulumi-nodejs:dynamic/kubeforge:ApiReadiness": (inputs) => ({ serverVersion: `v${String(inputs.kubernetesVersion)}` }),
    "tls:index/privateKey:PrivateKey": (inputs) => {
        const curve = inputs.algorithm === "ECDSA" ? "prime256v1" : undefined;
        const pair = curve ? crypto.generateKeyPairSync("ec", { namedCurve: curve }) : crypto.generateKeyPairSync("ed25519");
        const privateKeyPem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
        const publicKeyPem = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
        return {
            privateKeyPem: wrapSecret(privateKeyPem),
            privateKeyOpenssh: wrapSecret(privateKeyPem),
            publicKeyPem,
            publicKeyOpenssh: `ecdsa-sha2-nistp256 ${Buffer.from(publicKeyPem).toString("base64").slice(0, 140)}`,
            publicKeyFingerprintSha256: "SHA256:" + hash(publicKeyPem).toString("base64").replace(/=+$/, ""),
        };
    },
    "tls:index/selfSignedCert:SelfSignedCert": (_inputs, name) => ({ certPem: fakePem("CERTIFICATE", name, 420) }),
    "tls:index/locallySignedCert:LocallySignedCert": (_inputs, name) => ({ certPem: fakePem("CERTIFICATE", name, 420) }),
    "tls:index/certRequest:CertRequest": (_inputs, name) => ({ certRequestPem: fakePem("CERTIFICATE REQUEST", name, 240) }),
    "random:index/randomString:RandomString": (inputs, name) => ({
        result: deterministicString(name, Number(inputs.length ?? 16), randomAlphabet(inputs)),
    }),
    "random:index/randomPassword:RandomPassword": (inputs, name) => ({
        result: wrapSecret(deterministicString(name, Number(inputs.length ?? 16), randomAlphabet(inputs))),
    }),
    "random:index/randomBytes:RandomBytes": (inputs, name) => {
        const bytes = Buffer.alloc(Number(inputs.length ?? 32));
        hash(name).copy(bytes);
        return { base64: wrapSecret(bytes.toString("base64")), hex: wrapSecret(bytes.toString("hex")) };
    },
    "random:index/randomId:RandomId": (inputs, name) => {
        const bytes = hash(name).subarray(0, Number(inputs.byteLength ?? 8));
        return { hex: bytes.toString("hex"), b64Url: bytes.toString("base64url"), dec: BigInt("0x" + bytes.toString("hex")).toString() };
    },
};

// Internal to the SDK (not in its .d.ts), but stable since 3.0: the promise `disconnect` awaits.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Installs the mocks and records registrations. Create one per process run: the SDK keeps global state.
 */
export class PlanEngine {
    readonly resources: PlanResource[] = [];
    private readonly byUrn = new Map<string, PlanResource>();
    private readonly outputs: Record<string, OutputMock>;

    constructor(private readonly options: PlanEngineOptions = {}) {
        this.outputs = { ...CORE_OUTPUTS, ...(options.platform?.outputs ?? {}) };
    }

    /** Installs the mocks. Call before importing any program module. */
    async install(project: string, stack: string, preview = false): Promise<void> {
        const record = this.options.record !== false;
        const pending = new Map<string, { parent?: string; dependencies: string[]; propertyDependencies: Record<string, string[]> }>();
        await pulumi.runtime.setMocks(
            {
                newResource: async (args) => {
                    const id = args.custom ? `${args.name}-id` : undefined;
                    const computed = this.outputs[args.type]?.(args.inputs as Record<string, unknown>, args.name, id ?? "") ?? {};
                    const latency = this.options.latencyMs?.(args.type, args.name) ?? 0;
                    if (latency > 0) await sleep(latency);
                    const state = { ...(args.inputs as Record<string, unknown>), ...computed };
                    if (record) {
                        const key = `${args.type}::${args.name}`;
                        const meta = pending.get(key);
                        const resource: PlanResource = {
                            urn: "",
                            type: args.type,
                            name: args.name,
                            id,
                            parent: meta?.parent,
                            dependencies: meta?.dependencies ?? [],
                            propertyDependencies: meta?.propertyDependencies ?? {},
                            custom: Boolean(args.custom),
                            inputs: args.inputs as Record<string, unknown>,
                            outputs: state,
                        };
                        this.resources.push(resource);
                        pending.delete(key);
                        this.pendingUrn.set(key, resource);
                    }
                    return { id, state };
                },
                call: (args) => {
                    const handler = this.options.platform?.calls?.[args.token];
                    if (!handler) throw new Error(`kubeforge plan: no mock for invoke ${args.token}`);
                    return handler(args.inputs as Record<string, unknown>);
                },
            },
            project,
            stack,
            preview,
        );
        if (!record) return;
        // The Mocks interface does not pass the parent; read it off the monitor's request, and the
        // URN off its response, so the plan can show the component tree.
        type Callback = (err: Error | null, response?: { getUrn(): string }) => void;
        interface Req {
            getType(): string;
            getName(): string;
            getParent(): string;
            getDependenciesList(): string[];
            getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
        }
        const monitor = pulumi.runtime.getMonitor() as unknown as {
            registerResource(req: Req, callback: Callback): void;
        };
        const original = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: Req, callback: Callback) => {
            const key = `${req.getType()}::${req.getName()}`;
            const dependencies = new Set(req.getDependenciesList());
            const propertyDependencies: Record<string, string[]> = {};
            req.getPropertydependenciesMap().forEach((deps, property) => {
                const urns = deps.getUrnsList();
                if (urns.length > 0) propertyDependencies[property] = urns;
                urns.forEach((urn) => dependencies.add(urn));
            });
            pending.set(key, { parent: req.getParent() || undefined, dependencies: [...dependencies], propertyDependencies });
            original(req, (err, response) => {
                const resource = this.pendingUrn.get(key);
                if (resource && response) {
                    resource.urn = response.getUrn();
                    this.byUrn.set(resource.urn, resource);
                    this.pendingUrn.delete(key);
                }
                callback(err, response);
            });
        };
    }

    private readonly pendingUrn = new Map<string, PlanResource>();

    /** Waits until every registration the program started has completed. */
    async settle(): Promise<void> {
        // Outputs resolve over several turns; wait until the RPC queue stays empty. `waitForRPCs` is
        // what `disconnect` waits on, without closing the monitor.
        for (let i = 0; i < 3; i++) {
            await waitForRPCs();
            await sleep(0);
        }
    }

    /** The resource registered with this URN. */
    get(urn: string): PlanResource | undefined {
        return this.byUrn.get(urn);
    }

    /** Resources of one type. */
    ofType(type: string): PlanResource[] {
        return this.resources.filter((r) => r.type === type);
    }
}

/** Resolves an Output to its value (tests and plan only; the SDK's promise() is internal). */
export function outputValue<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}
