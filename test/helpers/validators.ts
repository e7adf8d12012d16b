/**
 * Reusable validators for generated artefacts: Kubernetes config documents (strict JSON Schemas in
 * test/fixtures/schemas), cloud-init user data (`cloud-init schema`) and shell scripts (`shellcheck`).
 * Each returns a list of problems; an empty list means valid.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";

/** Directory of the strict schemas (copied from the shared schema set, with its README). */
export const SCHEMA_DIR = join(__dirname, "..", "fixtures", "schemas");

let validators: Map<string, ValidateFunction> | undefined;

function schemaValidators(): Map<string, ValidateFunction> {
    if (validators) return validators;
    const ajv = new Ajv({ allErrors: true, strict: true });
    validators = new Map();
    for (const f of readdirSync(SCHEMA_DIR)
        .filter((n) => n.endsWith(".schema.json"))
        .sort()) {
        const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, f), "utf8")) as {
            properties: { apiVersion: { const: string }; kind: { const: string } };
        };
        validators.set(`${schema.properties.apiVersion.const}/${schema.properties.kind.const}`, ajv.compile(schema));
    }
    return validators;
}

/**
 * Validates every document of a YAML stream against the schema of its apiVersion/kind. YAML is read
 * with 1.1 rules, as Kubernetes reads it, so an unquoted `yes` is a boolean here too. Unknown kinds
 * and empty documents are errors.
 *
 * @param yamlText - one or more YAML documents
 * @returns problems, each naming the document index, kind and path
 */
export function validateK8sDocuments(yamlText: string): string[] {
    const errors: string[] = [];
    const byGvk = schemaValidators();
    parseAllDocuments(yamlText, { version: "1.1" }).forEach((d, i) => {
        for (const e of d.errors) errors.push(`doc ${i}: YAML: ${e.message}`);
        const doc = d.toJS() as { apiVersion?: unknown; kind?: unknown } | null;
        if (doc === null || typeof doc !== "object") {
            errors.push(`doc ${i}: not a mapping`);
            return;
        }
        const gvk = `${String(doc.apiVersion)}/${String(doc.kind)}`;
        const validate = byGvk.get(gvk);
        if (!validate) {
            errors.push(`doc ${i}: no schema for ${gvk}`);
            return;
        }
        if (!validate(doc)) {
            for (const e of validate.errors ?? []) {
                errors.push(`doc ${i} ${gvk}: ${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
            }
        }
    });
    return errors;
}

interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}

function run(cmd: string, args: string[], cwd?: string): Promise<RunResult> {
    return new Promise((resolve) => {
        execFile(cmd, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
            const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
            resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        });
    });
}

/**
 * Checks user data with the installed `cloud-init schema --config-file`.
 *
 * @param userDataText - the `#cloud-config` text (not gzipped)
 * @returns problems reported by cloud-init; empty when valid
 */
export async function cloudInitSchemaErrors(userDataText: string): Promise<string[]> {
    const dir = mkdtempSync(join(tmpdir(), "kubeforge-cloudinit-"));
    try {
        const file = join(dir, "user-data.yaml");
        writeFileSync(file, userDataText);
        const r = await run("cloud-init", ["schema", "--config-file", file]);
        if (r.code === 0) return [];
        const lines = `${r.stdout}\n${r.stderr}`.split("\n").map((l) => l.trim());
        const problems = lines.filter((l) => l && !/^Valid cloud-config/i.test(l));
        return problems.length > 0 ? problems : [`cloud-init schema exited with ${r.code}`];
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** Options of {@link shellcheckErrors}. */
export interface ShellcheckOptions {
    /**
     * Files placed next to the script (name → content) so `source` directives can be followed, e.g.
     * the scripts a script sources and the rendered env file. Only used when checking text.
     */
    siblings?: Record<string, string>;
    /** File name for text input (matters for `source=` directives); `script.sh` by default. */
    name?: string;
}

/**
 * Runs `shellcheck -x` (following sourced files) on a script file or on script text.
 *
 * @param pathOrText - an existing file path, or the script's text (anything containing a newline)
 * @param options - sibling files for text input
 * @returns one line per finding (gcc format), empty when clean
 */
export async function shellcheckErrors(pathOrText: string, options: ShellcheckOptions = {}): Promise<string[]> {
    const isPath = !pathOrText.includes("\n") && existsSync(pathOrText);
    let dir: string | undefined;
    let target: string;
    if (isPath) {
        target = pathOrText;
    } else {
        dir = mkdtempSync(join(tmpdir(), "kubeforge-shellcheck-"));
        for (const [name, content] of Object.entries(options.siblings ?? {})) {
            mkdirSync(dirname(join(dir, name)), { recursive: true });
            writeFileSync(join(dir, name), content);
        }
        target = join(dir, options.name ?? "script.sh");
        writeFileSync(target, pathOrText);
    }
    try {
        const r = await run("shellcheck", ["-x", "--format=gcc", basename(target)], dirname(target));
        if (r.code === 0) return [];
        const out = `${r.stdout}\n${r.stderr}`.split("\n").filter((l) => l.trim() !== "");
        return out.length > 0 ? out : [`shellcheck exited with ${r.code}`];
    } finally {
        if (dir) rmSync(dir, { recursive: true, force: true });
    }
}
