/**
 * Bad-config overlays: each file under test/fixtures/overlays names one policy and the smallest change
 * that must trip it. The change is applied to every shipped stack it makes sense for, so a new platform's
 * example stack inherits the whole catalogue by existing, and no fixture copies a stack that then drifts.
 *
 * Overlay file shape:
 * ```yaml
 * policy: secrets-encryption        # the policy that must fire, and no other
 * level: mandatory                  # or advisory
 * stackTags: { environment: production }   # optional: tags the policies see
 * set:                              # config paths: the Pulumi key, then nested keys
 *   kubeforge:secretsEncryption: false
 *   kubeforge:controlPlane.count: 1
 * notOn:                            # optional: platforms it cannot apply to, each with the reason
 *   someplatform: "why this policy cannot be tripped there"
 * ```
 * A path under a platform's own block (`kubeforge:aws.x`) applies only to stacks of that platform.
 *
 * Pure: reads and writes nothing but the files it is handed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";

/** One parsed overlay. */
export interface Overlay {
    /** File name without `.yaml`. */
    name: string;
    /** The policy that must fire. */
    policy: string;
    /** Its enforcement level. */
    level: "mandatory" | "advisory";
    /** Stack tags the policies see. */
    stackTags: Record<string, string>;
    /** Config path → value. */
    set: Record<string, unknown>;
    /** Platforms the overlay does not apply to, with the reason. */
    notOn: Record<string, string>;
}

/** The Pulumi config key of a path (`kubeforge:controlPlane` of `kubeforge:controlPlane.count`) and the rest. */
export function splitPath(configPath: string): { key: string; rest: string[] } {
    const colon = configPath.indexOf(":");
    if (colon <= 0) throw new Error(`overlay path "${configPath}" has no namespace (write kubeforge:<key>)`);
    const [key, ...rest] = configPath.split(".");
    if (rest.some((part) => part === "")) throw new Error(`overlay path "${configPath}" has an empty segment`);
    return { key, rest };
}

/**
 * Parses an overlay file's text; throws naming the file and the field when it is malformed.
 *
 * @param name - the overlay's name (for messages)
 * @param text - the YAML text
 */
export function parseOverlay(name: string, text: string): Overlay {
    const doc = parse(text) as Record<string, unknown> | null;
    const fail = (what: string): never => {
        throw new Error(`overlay ${name}: ${what}`);
    };
    if (!doc || typeof doc !== "object") return fail("not a YAML mapping");
    const known = new Set(["policy", "level", "stackTags", "set", "notOn"]);
    for (const key of Object.keys(doc)) if (!known.has(key)) fail(`unknown key "${key}" (known: ${[...known].join(", ")})`);
    if (typeof doc.policy !== "string" || !/^[a-z0-9-]+$/.test(doc.policy)) fail("policy: a policy name is required");
    if (doc.level !== "mandatory" && doc.level !== "advisory") fail('level: "mandatory" or "advisory" is required');
    const set = doc.set as Record<string, unknown> | undefined;
    if (!set || typeof set !== "object" || Array.isArray(set) || Object.keys(set).length === 0) fail("set: at least one path is required");
    for (const p of Object.keys(set as object)) splitPath(p);
    const stringMap = (field: string, value: unknown): Record<string, string> => {
        if (value === undefined) return {};
        if (typeof value !== "object" || value === null || Array.isArray(value)) return fail(`${field}: a mapping of strings`);
        for (const [k, v] of Object.entries(value)) if (typeof v !== "string" || v === "") fail(`${field}.${k}: a non-empty string`);
        return value as Record<string, string>;
    };
    return {
        name,
        policy: doc.policy as string,
        level: doc.level as Overlay["level"],
        stackTags: stringMap("stackTags", doc.stackTags),
        set: set as Record<string, unknown>,
        notOn: stringMap("notOn", doc.notOn),
    };
}

/** Every overlay under `dir`, sorted by name. */
export function loadOverlays(dir: string): Overlay[] {
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => parseOverlay(f.replace(/\.yaml$/, ""), fs.readFileSync(path.join(dir, f), "utf8")));
}

/**
 * Whether an overlay applies to a stack of `platform`: not excluded by `notOn`, and every path under a
 * platform block (`kubeforge:<p>.…`, p one of `platforms`) names this platform.
 *
 * @param overlay - the overlay
 * @param platform - the stack's `kubeforge:platform`
 * @param platforms - every registered platform name
 */
export function appliesTo(overlay: Overlay, platform: string, platforms: readonly string[]): boolean {
    if (overlay.notOn[platform] !== undefined) return false;
    return Object.keys(overlay.set).every((p) => {
        const block = /^kubeforge:([^.]+)/.exec(splitPath(p).key)?.[1];
        return block === undefined || !platforms.includes(block) || block === platform;
    });
}

/**
 * The stack config document with the overlay's values set (the input is not changed). Intermediate
 * maps are created; a path through a list or a scalar is an error naming the path.
 *
 * @param stackDoc - a parsed `Pulumi.<stack>.yaml` (with its top-level `config:` map)
 * @param overlay - the overlay to apply
 */
export function applyOverlay(stackDoc: { config?: Record<string, unknown> }, overlay: Overlay): { config: Record<string, unknown> } {
    const config = structuredClone(stackDoc.config ?? {}) as Record<string, unknown>;
    for (const [p, value] of Object.entries(overlay.set)) {
        const { key, rest } = splitPath(p);
        if (rest.length === 0) {
            config[key] = structuredClone(value);
            continue;
        }
        let node = (config[key] ??= {}) as Record<string, unknown>;
        rest.forEach((segment, i) => {
            if (typeof node !== "object" || node === null || Array.isArray(node)) {
                throw new Error(`overlay ${overlay.name}: ${p} passes through a value that is not a mapping`);
            }
            if (i === rest.length - 1) node[segment] = structuredClone(value);
            else node = (node[segment] ??= {}) as Record<string, unknown>;
        });
    }
    return { config };
}

/**
 * Writes the overlaid stack to `dir` as `Pulumi.<stack>.<overlay>.yaml` and returns its path.
 *
 * @param stackFile - the shipped stack's file
 * @param overlay - the overlay
 * @param dir - a temporary directory the caller removes
 */
export function writeOverlaidStack(stackFile: string, overlay: Overlay, dir: string): string {
    const stack = /^Pulumi\.(.+)\.yaml$/.exec(path.basename(stackFile))?.[1] ?? "stack";
    const doc = parse(fs.readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> };
    const file = path.join(dir, `Pulumi.${stack}.${overlay.name}.yaml`);
    fs.writeFileSync(file, stringify({ ...doc, ...applyOverlay(doc, overlay) }));
    return file;
}
