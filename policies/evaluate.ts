/**
 * Runs the pack's policies in-process the way the Pulumi engine's analyzer would, without constructing
 * a `PolicyPack` (which would bind a gRPC port). Used by the tests and by `npm run plan`.
 *
 * Mirrors `@pulumi/policy` 1.21 `server.js`: resource policies get `ResourceValidationArgs` built from
 * each resource's inputs, stack policies get `StackValidationArgs` whose resources carry outputs and
 * linked `parent` / `dependencies` / `propertyDependencies`; the enforcement level is the config's,
 * else the policy's, else the pack's; `remediate` reports as `mandatory`; `disabled` skips the policy;
 * `notApplicable()` throws and silences that policy for that resource; props are wrapped in the SDK's
 * unknown-checking proxy, so a value still unknown (the SDK's sentinel, as in a preview) read by a
 * policy yields the engine's advisory "can't run ... during preview". Like the Pulumi CLI, config is
 * validated against each policy's `configSchema` and its defaults are filled in before a policy runs.
 */
import Ajv from "ajv";
import { UnknownValueError, unknownCheckingProxy } from "./sdk";
import type {
    EnforcementLevel,
    Policies,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, policies as packPolicies } from "./policies";

/** One resource as the plan (or a test) recorded it. */
export interface PolicyInputResource {
    /** Type token. */
    type: string;
    /** Logical name. */
    name: string;
    /** URN. */
    urn: string;
    /** Inputs, with secrets unwrapped or masked. */
    inputs: Record<string, unknown>;
    /** Physical id (custom resources); stack policies see it as `props.id`, as with a real engine. */
    id?: string;
    /** Outputs, when known; stack policies see these (else the inputs), as with a real engine. */
    outputs?: Record<string, unknown>;
    /** Parent URN. */
    parent?: string;
    /** URNs this resource depends on. */
    dependencies?: string[];
    /** URNs each input property depends on. */
    propertyDependencies?: Record<string, string[]>;
}

/** Levels a violation can be reported at (`remediate` reports as `mandatory`, `disabled` never reports). */
export type ViolationLevel = "advisory" | "mandatory";

/** One policy violation. */
export interface Violation {
    /** Policy name. */
    policy: string;
    /** Effective enforcement level. */
    level: ViolationLevel;
    /** URN of the offending resource; undefined when the stack as a whole violates the policy. */
    resource?: string;
    /** What is wrong and how to fix it. */
    message: string;
}

/** Options of {@link runPolicies}. */
export interface RunPoliciesOptions {
    /**
     * Policy config by policy name, as in a `--policy-pack-config` file: each policy's config properties
     * plus an optional `enforcementLevel`.
     */
    config?: Record<string, Record<string, unknown>>;
    /** Stack tags (e.g. `{ environment: "production" }`). */
    stackTags?: Record<string, string>;
    /** Policies to run; the kubeforge pack's by default. */
    policies?: Policies;
    /** Pack-wide enforcement level for policies that set none; the pack's own by default. */
    enforcementLevel?: EnforcementLevel;
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Thrown by `notApplicable()`, as the SDK's own (unexported) error is. */
export class NotApplicableError extends Error {
    /**
     * @param reason - why the policy does not apply
     */
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
        this.name = "NotApplicableError";
    }
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicableError(reason);
}

type ResourceClass = { new (...rest: never[]): unknown; __pulumiType?: string; isInstance?: (o: unknown) => boolean };

/** Same test as the SDK's `isTypeOf`: the class's registered type token, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
    const cls = resourceClass as ResourceClass;
    if (typeof cls.__pulumiType === "string") return cls.__pulumiType === type;
    return typeof cls.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
}

function defaultOptions(parent?: string): PolicyResourceOptions {
    const opts: PolicyResourceOptions = {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
    };
    if (parent) opts.parent = parent;
    return opts;
}

/**
 * Validates each policy's config against its schema and fills in defaults, as the Pulumi CLI does.
 * Unknown policy names and unknown keys are errors (a typo would otherwise silently do nothing).
 */
function resolveConfig(policies: Policies, config: Record<string, Record<string, unknown>>): Map<string, Record<string, unknown>> {
    const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: false });
    const byName = new Map(policies.map((p) => [p.name, p]));
    const problems: string[] = [];
    for (const name of Object.keys(config)) {
        if (!byName.has(name)) problems.push(`unknown policy "${name}"`);
    }
    const resolved = new Map<string, Record<string, unknown>>();
    for (const p of policies) {
        const given = structuredClone(config[p.name] ?? {});
        const schema: PolicyConfigSchema = p.configSchema ?? { properties: {} };
        const validate = ajv.compile({
            type: "object",
            properties: { ...schema.properties, enforcementLevel: { enum: LEVELS } },
            required: schema.required ?? [],
            additionalProperties: false,
        });
        if (!validate(given)) {
            for (const e of validate.errors ?? [])
                problems.push(
                    `${p.name}${e.instancePath}: ${e.message ?? "invalid"}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`,
                );
        }
        resolved.set(p.name, given);
    }
    if (problems.length > 0) throw new Error(`invalid policy config:\n  - ${problems.join("\n  - ")}`);
    return resolved;
}

function isStackPolicy(p: Policy): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
}

/** What the engine reports when a policy reads a value a preview cannot know: advisory, whatever the policy's level. */
function cannotRunInPreview(policy: string, urn: string | undefined, e: Error): Violation {
    return { policy, level: "advisory", resource: urn, message: `can't run policy '${policy}' during preview: ${e.message}` };
}

function wrapError(policy: string, what: string, e: unknown): Error {
    const message = e instanceof Error ? e.message : String(e);
    return new Error(`Error validating ${what} with policy '${policy}': ${message}`, { cause: e });
}

/**
 * Runs every policy over the resources and returns the violations, resource policies first (in
 * resource order), then stack policies. Throws when the config is invalid or a policy fails.
 *
 * @param resources - every resource of the stack, as recorded
 * @param options - policy config, stack tags, and (for tests) another policy list or pack level
 */
export async function runPolicies(resources: PolicyInputResource[], options: RunPoliciesOptions = {}): Promise<Violation[]> {
    const policies = options.policies ?? packPolicies;
    const packLevel = options.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL;
    const config = resolveConfig(policies, options.config ?? {});
    const stackTags: ReadonlyMap<string, string> = new Map(Object.entries(options.stackTags ?? {}));
    const violations: Violation[] = [];

    const active = policies.flatMap((p) => {
        const { enforcementLevel: configured, ...properties } = config.get(p.name) ?? {};
        const level = (configured as EnforcementLevel | undefined) || p.enforcementLevel || packLevel;
        if (level === "disabled") return [];
        const effective: ViolationLevel = level === "advisory" ? "advisory" : "mandatory";
        return [{ policy: p, level: effective, getConfig: <T extends object>(): T => structuredClone(properties) as T }];
    });

    const reporter =
        (policy: string, level: ViolationLevel, fallbackUrn: string | undefined): ReportViolation =>
        (message: string, urn?: string) => {
            // Resource validations always report against the validated resource, as the engine does.
            violations.push({ policy, level, resource: fallbackUrn ?? urn, message });
        };

    for (const r of resources) {
        for (const { policy, level, getConfig } of active) {
            if (isStackPolicy(policy)) continue;
            const validations = (policy as ResourceValidationPolicy).validateResource;
            if (!validations) continue;
            const list = Array.isArray(validations) ? validations : [validations];
            const onlyType = !Array.isArray(validations) ? (validations as { __pulumiType?: string }).__pulumiType : undefined;
            if (onlyType && onlyType !== r.type) continue;
            for (const validation of list) {
                const props = unknownCheckingProxy(structuredClone(r.inputs)) as Record<string, unknown>;
                const args: ResourceValidationArgs = {
                    type: r.type,
                    props,
                    urn: r.urn,
                    name: r.name,
                    opts: defaultOptions(r.parent),
                    stackTags,
                    isType: (cls) => isTypeOf(r.type, cls),
                    asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
                    getConfig,
                    notApplicable: throwNotApplicable,
                };
                try {
                    await validation(args, reporter(policy.name, level, r.urn));
                } catch (e) {
                    if (e instanceof NotApplicableError) continue;
                    if (e instanceof UnknownValueError) {
                        violations.push(cannotRunInPreview(policy.name, r.urn, e));
                        continue;
                    }
                    throw wrapError(policy.name, `resource ${r.urn}`, e);
                }
            }
        }
    }

    const stackPolicies = active.filter((a) => isStackPolicy(a.policy));
    if (stackPolicies.length > 0) {
        const stackResources = linkResources(resources);
        for (const { policy, level, getConfig } of stackPolicies) {
            const args: StackValidationArgs = { resources: stackResources, stackTags, getConfig, notApplicable: throwNotApplicable };
            try {
                await (policy as StackValidationPolicy).validateStack(args, reporter(policy.name, level, undefined));
            } catch (e) {
                if (e instanceof NotApplicableError) continue;
                if (e instanceof UnknownValueError) {
                    violations.push(cannotRunInPreview(policy.name, undefined, e));
                    continue;
                }
                throw wrapError(policy.name, "the stack", e);
            }
        }
    }
    return violations;
}

/** Builds the engine's `PolicyResource` graph: outputs as props, parent and dependencies as objects. */
function linkResources(resources: PolicyInputResource[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const built = resources.map((r) => {
        const raw: Record<string, unknown> = structuredClone(r.outputs ?? r.inputs);
        if (r.id !== undefined && raw.id === undefined) raw.id = r.id;
        const props = unknownCheckingProxy(raw) as Record<string, unknown>;
        const resource: PolicyResource = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: defaultOptions(r.parent),
            dependencies: [],
            propertyDependencies: {},
            isType: (cls) => isTypeOf(r.type, cls),
            asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
        };
        byUrn.set(r.urn, resource);
        return { r, resource };
    });
    for (const { r, resource } of built) {
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        if (parent) resource.parent = parent;
        resource.dependencies = (r.dependencies ?? []).flatMap((u) => byUrn.get(u) ?? []);
        for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
            resource.propertyDependencies[key] = urns.flatMap((u) => byUrn.get(u) ?? []);
        }
    }
    return built.map((b) => b.resource);
}
