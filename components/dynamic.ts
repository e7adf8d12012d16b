/**
 * Packaging of the toolkit's dynamic providers. The engine stores a dynamic resource's provider as
 * JavaScript text in the `__provider` input and runs it in its dynamic-provider host, which loads the
 * text with `require-from-string` and calls its `handler()` for the provider object. The SDK's
 * `pulumi.dynamic.Resource` makes that text with its closure serializer, which costs about half a
 * second of CPU per program run (an inspector session, the TypeScript parser over every reached
 * function); here esbuild bundles the provider's own modules instead, once per process.
 *
 * Used by the lifecycle resources and the bare-metal bootstrap alike, so it knows nothing of either.
 */
import * as path from "node:path";
import { buildSync, type BuildFailure, type Message, type Metafile } from "esbuild";
import type { Inputs } from "@pulumi/pulumi";

/** Where a provider object lives, and what its bundle leaves to the host's `node_modules`. */
export interface ProviderEntry {
    /** Absolute path of the module exporting the provider, with or without its extension. */
    file: string;
    /** Name of the export holding the provider object. */
    exportName: string;
    /**
     * Packages required from the project's `node_modules` at run time instead of bundled (`ssh2`,
     * whose optional native parts cannot be bundled). Node builtins and `@pulumi/*` always are.
     */
    external?: string[];
}

/** The input key the dynamic-provider host reads the provider text from. */
const PROVIDER_KEY = "__provider";

/**
 * The repository root: esbuild's working directory, so the paths it sees (and any it could write
 * into the text) are relative to it and the text is the same in every checkout.
 */
const ROOT = path.resolve(__dirname, "..");

/** The SDK's packages: the host has them, and no provider may need them just to load. */
const SDK_PREFIX = "@pulumi/";

const texts = new Map<string, string>();

function entryName(entry: ProviderEntry): string {
    return `dynamic provider ${entry.exportName} of ${path.relative(ROOT, entry.file)}`;
}

function formatMessage(m: Message): string {
    const at = m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : "";
    return `${at}${m.text}`;
}

/**
 * Fails when the text would require an SDK package as it loads. A provider may reach `@pulumi/*`
 * only through a `require()` it writes itself inside the function that needs it (the bare-metal
 * provider's progress log): the host then resolves it at call time. A value import turns into a
 * require at load time, which loads the whole SDK into every provider and means resource-class
 * code has slipped into the provider's modules. Counting works because esbuild emits one require
 * per value import it keeps (unused and type-only imports are dropped, though the metafile still
 * lists them) and leaves explicit requires of external packages as written.
 */
function checkSdkRequires(entry: ProviderEntry, text: string, metafile: Metafile): void {
    const explicit = new Map<string, number>();
    const importedBy = new Map<string, string[]>();
    for (const [file, input] of Object.entries(metafile.inputs)) {
        for (const imported of input.imports) {
            if (!imported.external || !imported.path.startsWith(SDK_PREFIX)) continue;
            if (imported.kind === "require-call" || imported.kind === "dynamic-import") {
                explicit.set(imported.path, (explicit.get(imported.path) ?? 0) + 1);
            } else {
                importedBy.set(imported.path, [...(importedBy.get(imported.path) ?? []), file]);
            }
        }
    }
    const emitted = new Map<string, number>();
    for (const m of text.matchAll(/\brequire\(\s*(["'`])(@pulumi\/[^"'`]+)\1\s*\)/g)) {
        const spec = m[2] ?? "";
        emitted.set(spec, (emitted.get(spec) ?? 0) + 1);
    }
    for (const [spec, count] of emitted) {
        if (count <= (explicit.get(spec) ?? 0)) continue;
        const from = importedBy.get(spec)?.join(", ") ?? "an unknown module";
        throw new Error(
            `${entryName(entry)}: the bundle would require ${spec} when it loads (value import in ${from}); ` +
                `import its types only, and require it inside the function that needs it`,
        );
    }
}

function bundle(entry: ProviderEntry): string {
    const specifier = `./${path.relative(ROOT, entry.file).split(path.sep).join("/")}`;
    let result;
    try {
        result = buildSync({
            // The host's contract: `require(text).handler()` returns the provider object.
            stdin: {
                contents: `import { ${entry.exportName} as provider } from ${JSON.stringify(specifier)};\nexport function handler() { return provider; }\n`,
                resolveDir: ROOT,
                sourcefile: "provider-entry.ts",
                loader: "ts",
            },
            absWorkingDir: ROOT,
            bundle: true,
            platform: "node",
            format: "cjs",
            target: "node20",
            external: [`${SDK_PREFIX}*`, ...(entry.external ?? [])],
            write: false,
            metafile: true,
            sourcemap: false,
            legalComments: "none",
            // Smaller text (state keeps a copy per resource), but real names in the host's stack traces.
            minifyWhitespace: true,
            minifySyntax: true,
            minifyIdentifiers: false,
            logLevel: "silent",
        });
    } catch (err) {
        const errors = (err as Partial<BuildFailure>).errors ?? [];
        const detail = errors.length > 0 ? errors.map(formatMessage).join("; ") : (err as Error).message;
        throw new Error(`${entryName(entry)}: esbuild failed: ${detail}`, { cause: err });
    }
    const text = result.outputFiles?.[0]?.text;
    if (text === undefined || !result.metafile) throw new Error(`${entryName(entry)}: esbuild produced no output`);
    checkSdkRequires(entry, text, result.metafile);
    return text;
}

/**
 * The `__provider` text of a provider object: its module and everything that module reaches,
 * bundled by esbuild into one CommonJS module whose `handler()` returns the object. Built once per
 * process and entry; the same text for the same sources in every checkout and run.
 *
 * @param entry where the provider object is exported, and what stays external
 * @returns the text the dynamic-provider host loads
 * @throws Error naming the entry when esbuild fails, or when the text would require `@pulumi/*` as it loads
 */
export function providerText(entry: ProviderEntry): string {
    const key = JSON.stringify([entry.file, entry.exportName, entry.external ?? []]);
    let text = texts.get(key);
    if (text === undefined) {
        text = bundle(entry);
        texts.set(key, text);
    }
    return text;
}

/**
 * A dynamic resource's inputs: `props` plus the provider text under `__provider`, what
 * `pulumi.dynamic.Resource` passes to `CustomResource` (whose type token must be
 * `pulumi-nodejs:dynamic/<module>:<Type>` for the engine to route it to the dynamic-provider host).
 *
 * @param entry the provider's entry (see {@link providerText})
 * @param props the resource's own inputs; must not hold `__provider`
 * @throws Error when `props` already holds `__provider`
 */
export function dynamicInputs(entry: ProviderEntry, props: Inputs): Inputs {
    if (props[PROVIDER_KEY]) throw new Error("A dynamic resource must not define the __provider key");
    return { ...props, [PROVIDER_KEY]: providerText(entry) };
}
