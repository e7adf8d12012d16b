/**
 * Child: the floor of evaluation cost. Registers the same custom resources a plan run recorded (same
 * types, names and inputs, secrets re-wrapped as secrets) directly, under the same mock engine and
 * platform mocks: no components, no apply chains, no rendering. The same modules are loaded first, so
 * memory baselines match.
 *
 * Each resource goes through its provider SDK's generated class (`new Instance(name, inputs)`), as a
 * program written by hand against `@pulumi/aws` would; the toolkit's dynamic resources, which have
 * none, through `new pulumi.CustomResource` with the recorded provider text. Each is wired to the
 * resources it depended on in the program: an input that took another resource's output gets that
 * output (`vpcId: vpc.id`, `role: role.name`), a `dependsOn` stays a `dependsOn`, and the run checks afterwards that the
 * engine saw the program's dependency graph, input by input. `--unwired` passes recorded values
 * only, no dependencies. `--raw` registers every resource through `pulumi.CustomResource` with only
 * the recorded keys and no dependencies: cheaper than any program using the generated classes can
 * be (see bench/README.md), kept as a second reference.
 *
 *   node --import tsx bench/floor.ts --in resources.json --out result.json [--raw | --unwired]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { arg, CpuClock, quiesce, MemorySampler, REPO_ROOT, round, runChild, type Measurement } from "./lib/child";
import { dependencyMismatches, shareGroups, wire, type RecordedPlan } from "./lib/recorded";
import { profileCall, summarizeProfile, type ProfileSummary } from "./lib/profile";
import "../stacks/program";
import { PlanEngine, isWrappedSecret, type PlatformMocks } from "../stacks/plan/mocks";
import { resolveProviderClass, type ProviderClass } from "./lib/providerClasses";

/** `CustomResource` is abstract in the SDK's types; the floor needs it as is. */
class RawResource extends pulumi.CustomResource {
    constructor(type: string, name: string, inputs: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
        super(type, name, inputs, opts);
    }
}

/** What the floor reports. */
export interface FloorResult extends Measurement {
    /** `classes` (the provider SDKs' generated classes) or `raw` (`pulumi.CustomResource`, recorded keys only). */
    mode: "classes" | "raw";
    /** Inputs from other resources passed as their outputs, `dependsOn` kept (not with `--raw` or `--unwired`). */
    wired: boolean;
    customResources: number;
    /** Resources registered through a generated class (the rest: dynamic resources, raw). */
    throughClasses: number;
    /** With `--profile`: where the time went. */
    profile?: ProfileSummary;
}

/**
 * Turns the recorded (serialized) inputs back into what a program passes: secrets as secret Outputs,
 * shared strings as one string.
 */
function revive(value: unknown, strings: string[]): unknown {
    if (isWrappedSecret(value)) return pulumi.secret(revive(value.value, strings));
    if (Array.isArray(value)) return value.map((v) => revive(v, strings));
    if (typeof value === "object" && value !== null) {
        const ref = (value as { $str?: unknown }).$str;
        if (typeof ref === "number" && Object.keys(value).length === 1) return strings[ref];
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = revive(v, strings);
        return out;
    }
    return value;
}

async function main(): Promise<FloorResult> {
    // The program's modules are imported above and the platform's here (its provider SDK submodules),
    // so the memory baseline matches a plan run's; nothing registers a resource at import.
    const file = arg("in");
    // The platform's name is near the top of the file; reading only that keeps the heap clean.
    const head = Buffer.alloc(4096);
    const fd = fs.openSync(file, "r");
    fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    const platformName = /"platform":"([^"]*)"/.exec(head.toString("utf8"))?.[1] ?? "";
    const platformDir = path.join(REPO_ROOT, "components", "platforms", platformName);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(platformDir, "index.ts"));
    const mocksFile = path.join(platformDir, "mocks.ts");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const platform = fs.existsSync(mocksFile) ? (require(mocksFile) as { default?: PlatformMocks }).default : undefined;

    // Memory counts from here, as a plan run's does from before the program runs: the floor must hold
    // its inputs just as the program holds the values it computed (strings it shares, such as the
    // dynamic providers' code, are written once in the file and shared here too).
    const memory = new MemorySampler();
    const recorded = JSON.parse(fs.readFileSync(file, "utf8")) as RecordedPlan;
    const inputs = recorded.resources.map((r) => revive(r.inputs, recorded.strings) as Record<string, unknown>);

    const raw = process.argv.includes("--raw");
    // The raw floor is the cheapest registration there is: no classes, no dependencies.
    const wired = !raw && !process.argv.includes("--unwired");
    const registered: pulumi.CustomResource[] = [];
    const shares = shareGroups(recorded.resources);
    const shared: unknown[] = [];
    const classes = new Map<string, ProviderClass | undefined>();
    await quiesce();
    const cpu0 = new CpuClock();
    const t0 = performance.now();
    const engine = new PlanEngine({ platform });
    const register = async () => {
        await engine.install(recorded.project, recorded.stack);
        recorded.resources.forEach((r, i) => {
            // Looked up on first use, inside the clock: the provider SDKs load each resource class
            // lazily (on first access of `Instance`), so the program pays the same module loads.
            if (!raw && !classes.has(r.type)) {
                // The provider class by module id, loaded lazily as the SDK loads it for the program.
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                const lookup = resolveProviderClass(r.type, (id) => require(id));
                if (!lookup.found && !r.type.startsWith("pulumi-nodejs:")) throw new Error(`floor: ${lookup.why}`);
                classes.set(r.type, lookup.found ? lookup.ctor : undefined);
            }
            const Class = classes.get(r.type);
            let args = inputs[i];
            let opts: pulumi.CustomResourceOptions | undefined;
            if (wired) {
                const on = (j: number) => {
                    if (j >= i) throw new Error(`floor: ${r.name} depends on ${recorded.resources[j]?.name}, registered after it`);
                    return registered[j];
                };
                if (r.propertyDependencies) {
                    args = { ...args };
                    for (const [key, deps] of Object.entries(r.propertyDependencies)) {
                        if (!(key in args)) continue;
                        // `role: role.name`: the dependency's own output property, when it has one.
                        const property = r.fromOutputs?.[key];
                        const output = property === undefined ? undefined : (on(deps[0]) as unknown as Record<string, unknown>)[property];
                        if (pulumi.Output.isInstance(output)) {
                            args[key] = output;
                            continue;
                        }
                        const share = shares[i][key];
                        args[key] = shared[share] ??= wire(
                            args[key],
                            deps.map(on),
                            deps.map((j) => recorded.resources[j].id),
                        );
                    }
                }
                if (r.dependsOn) opts = { dependsOn: r.dependsOn.map(on) };
            }
            registered.push(Class ? new Class(r.name, args, opts) : new RawResource(r.type, r.name, args, opts));
        });
        await engine.settle();
    };
    let profile: ProfileSummary | undefined;
    if (process.argv.includes("--profile")) {
        const profiled = await profileCall(register);
        if (process.argv.includes("--profile-raw")) fs.writeFileSync(arg("profile-raw"), JSON.stringify(profiled.profile));
        profile = summarizeProfile(profiled.profile, 40);
    } else {
        await register();
    }
    const ms = performance.now() - t0;
    const cpuMs = cpu0.elapsedMs();
    const mem = memory.stop();
    if (engine.resources.length !== recorded.resources.length) {
        throw new Error(`floor registered ${engine.resources.length} of ${recorded.resources.length} resources`);
    }
    if (wired) {
        // The same dependency graph as the program's, input by input, or it is not the same resources.
        const mismatched = dependencyMismatches(recorded.resources, engine.resources);
        if (mismatched.length > 0)
            throw new Error(
                `floor: ${mismatched.length} resources declared other dependencies than the program's: ${mismatched.slice(0, 3).join("; ")}`,
            );
    }
    const throughClasses = recorded.resources.filter((r) => classes.get(r.type) !== undefined).length;
    return {
        mode: raw ? "raw" : "classes",
        wired,
        customResources: engine.resources.length,
        throughClasses,
        ms: round(ms, 1),
        cpuMs: round(cpuMs, 0),
        ...mem,
        profile,
    };
}

runChild(main);
