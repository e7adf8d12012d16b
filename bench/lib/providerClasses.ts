/**
 * Finds the provider SDK's resource class for a type token (`aws:ec2/instance:Instance` →
 * `Instance` from `@pulumi/aws/ec2`), so the floor registers resources the way a hand-written program
 * does: through the generated class, which hands the engine every input and output property the
 * resource declares (an EC2 instance: about 60 keys, whatever the program sets), not only the ones set.
 */

import type * as pulumi from "@pulumi/pulumi";

/** A generated resource class: `new (name, args, opts)`, with its type token as a static. */
export interface ProviderClass {
    new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions): pulumi.CustomResource;
    __pulumiType?: string;
}

/** What {@link resolveProviderClass} found: the class, or why the floor falls back to a raw resource. */
export type ClassLookup = { found: true; ctor: ProviderClass; module: string } | { found: false; why: string };

/**
 * The module paths a token's class may be exported from, most specific first. Groups with dots keep
 * their first label (`helm.sh/v3` → `helm/v3`), `index` is the package root.
 */
export function candidateModules(token: string): string[] {
    const [pkg, mod] = token.split(":");
    if (pkg === "pulumi" && mod === "providers") return [`@pulumi/${token.split(":")[2]}/provider`];
    if (!pkg || !mod) return [];
    const parts = mod.split("/").map((p) => p.split(".")[0]);
    const out: string[] = [];
    for (let n = parts.length; n >= 1; n--) {
        const sub = parts
            .slice(0, n)
            .filter((p) => p !== "index")
            .join("/");
        out.push(sub ? `@pulumi/${pkg}/${sub}` : `@pulumi/${pkg}`);
    }
    out.push(`@pulumi/${pkg}`);
    return [...new Set(out)];
}

/** The token a class declares: providers declare only their package (`kubernetes`). */
function declaredToken(ctor: ProviderClass, token: string): string | undefined {
    const declared = ctor.__pulumiType;
    if (declared === undefined) return undefined;
    return token.startsWith("pulumi:providers:") ? `pulumi:providers:${declared}` : declared;
}

/**
 * The generated class registering `token`, checked against the class's own `__pulumiType`.
 * Dynamic resources (`pulumi-nodejs:dynamic/...`) have none: their provider is the program's.
 *
 * @param token - a resource type token
 * @param load - how to load a module (`require` in the floor; injectable for tests)
 */
export function resolveProviderClass(token: string, load: (id: string) => unknown): ClassLookup {
    const className = token.split(":")[2];
    if (token.startsWith("pulumi-nodejs:")) return { found: false, why: "dynamic resource: no generated class" };
    const tried: string[] = [];
    for (const id of candidateModules(token)) {
        let mod: unknown;
        try {
            mod = load(id);
        } catch {
            tried.push(id);
            continue;
        }
        const exportName = token.startsWith("pulumi:providers:") ? "Provider" : className;
        const ctor = (mod as Record<string, unknown> | undefined)?.[exportName];
        if (typeof ctor === "function" && declaredToken(ctor as ProviderClass, token) === token) {
            return { found: true, ctor: ctor as ProviderClass, module: id };
        }
        tried.push(id);
    }
    return { found: false, why: `no class declaring ${token} in ${tried.join(", ") || "any module"}` };
}
