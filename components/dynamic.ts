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
import * as fs from "node:fs";
import type { BuildFailure, Message, Metafile } from "esbuild";
import { cachedBuild, type BuildOutput } from "./buildCache";
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

let esbuildModule: typeof import("esbuild") | undefined;

/** esbuild, loaded on first build: a run served from the cache never needs it. */
function esbuild(): typeof import("esbuild") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    esbuildModule ??= require("esbuild") as typeof import("esbuild");
    return esbuildModule;
}

/** Where bundles are kept between runs (see {@link cachedBuild}); `KUBEFORGE_PROVIDER_CACHE=off` disables it. */
const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "kubeforge", "providers");

/** The version of esbuild that would build, without loading it. */
function esbuildVersion(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("esbuild/package.json") as { version: string }).version;
}

/** Every build option but the entry and the externals: part of the cache key, so a change rebuilds. */
const BUILD_OPTIONS = {
    absWorkingDir: ROOT,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    write: false,
    metafile: true,
    sourcemap: false,
    legalComments: "none",
    // Smaller text (state keeps a copy per resource), but real names in the host's stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: false,
    logLevel: "silent",
} as const;

/** The stdin entry: the host's contract is that `require(text).handler()` returns the provider object. */
function entrySource(entry: ProviderEntry): string {
    const specifier = `./${path.relative(ROOT, entry.file).split(path.sep).join("/")}`;
    return `import { ${entry.exportName} as provider } from ${JSON.stringify(specifier)};\nexport function handler() { return provider; }\n`;
}

function bundle(entry: ProviderEntry): BuildOutput {
    let result;
    try {
        result = esbuild().buildSync({
            ...BUILD_OPTIONS,
            stdin: { contents: entrySource(entry), resolveDir: ROOT, sourcefile: "provider-entry.ts", loader: "ts" },
            external: [`${SDK_PREFIX}*`, ...(entry.external ?? [])],
        });
    } catch (err) {
        const errors = (err as Partial<BuildFailure>).errors ?? [];
        const detail = errors.length > 0 ? errors.map(formatMessage).join("; ") : (err as Error).message;
        throw new Error(`${entryName(entry)}: esbuild failed: ${detail}`, { cause: err });
    }
    const text = result.outputFiles?.[0]?.text;
    if (text === undefined || !result.metafile) throw new Error(`${entryName(entry)}: esbuild produced no output`);
    checkSdkRequires(entry, text, result.metafile);
    // The files read, for the cache (the entry module given on stdin is not a file), plus the two
    // that shape how esbuild reads them without being listed: tsconfig.json (class fields, decorators)
    // and package.json (module type, side effects).
    const read = Object.keys(result.metafile.inputs).filter((file) => !file.startsWith("<") && fs.existsSync(path.join(ROOT, file)));
    const settings = ["tsconfig.json", "package.json"].filter((file) => fs.existsSync(path.join(ROOT, file)));
    return { text, inputs: [...new Set([...read, ...settings])] };
}

/**
 * The `__provider` text of a provider object: its module and everything that module reaches,
 * bundled by esbuild into one CommonJS module whose `handler()` returns the object. Built once per
 * process and entry; the same text for the same sources in every checkout and run.
 *
 * @param entry - where the provider object is exported, and what stays external
 * @returns the text the dynamic-provider host loads
 * @throws Error naming the entry when esbuild fails, or when the text would require `@pulumi/*` as it loads
 */
export function providerText(entry: ProviderEntry): string {
    const key = JSON.stringify([entry.file, entry.exportName, entry.external ?? []]);
    let text = texts.get(key);
    if (text === undefined) {
        // Bundling takes esbuild ~50 ms and a worker thread (a second V8 isolate, ~10 MB) on every run;
        // the files it read are hashed instead, so only a run after a change to them pays it.
        const build = () => bundle(entry);
        text =
            process.env.KUBEFORGE_PROVIDER_CACHE === "off"
                ? build().text
                : cachedBuild(
                      {
                          root: ROOT,
                          dir: CACHE_DIR,
                          key: JSON.stringify({
                              esbuild: esbuildVersion(),
                              options: BUILD_OPTIONS,
                              entry: entrySource(entry),
                              external: entry.external ?? [],
                          }),
                      },
                      build,
                  ).text;
        texts.set(key, text);
    }
    return text;
}

/**
 * A dynamic resource's inputs: `props` plus the provider text under `__provider`, what
 * `pulumi.dynamic.Resource` passes to `CustomResource` (whose type token must be
 * `pulumi-nodejs:dynamic/<module>:<Type>` for the engine to route it to the dynamic-provider host).
 *
 * @param entry - the provider's entry (see {@link providerText})
 * @param props - the resource's own inputs; must not hold `__provider`
 * @throws Error when `props` already holds `__provider`
 */
export function dynamicInputs(entry: ProviderEntry, props: Inputs): Inputs {
    if (props[PROVIDER_KEY]) throw new Error("A dynamic resource must not define the __provider key");
    return { ...props, [PROVIDER_KEY]: providerText(entry) };
}
