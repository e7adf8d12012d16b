/**
 * The shell scripts in `bootstrap/scripts/`, read from disk once. They are real files so shellcheck and
 * the sandbox tests run on exactly what the nodes receive.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Script file names, in the order bootstrap.sh runs them (common.sh is sourced by all). */
export const SCRIPT_NAMES = [
    "common.sh",
    "host-prep.sh",
    "install-containerd.sh",
    "install-kubernetes.sh",
    "kubeadm.sh",
    "bootstrap.sh",
] as const;

/** Name of one bootstrap script. */
export type ScriptName = (typeof SCRIPT_NAMES)[number];

/** Directory of the script sources in this checkout. */
export const SCRIPTS_SOURCE_DIR = join(__dirname, "scripts");

const cache = new Map<ScriptName, string>();

/**
 * The text of one script.
 *
 * @param name - script file name
 */
export function scriptText(name: ScriptName): string {
    let text = cache.get(name);
    if (text === undefined) {
        text = readFileSync(join(SCRIPTS_SOURCE_DIR, name), "utf8");
        cache.set(name, text);
    }
    return text;
}

/**
 * A script as nodes receive it: whole-line comments dropped (not the first line's `#!`, not
 * `# shellcheck` directives, so the delivered scripts can be checked as they are, nor lines of a shell
 * here-document, whose text is data). The sources keep their comments for readers; the nodes do
 * not need them, and AWS counts 16 KB of gzipped user data, where an init master's comments alone took
 * about 3 KB. A test checks that bash (and python) parse the result into exactly what they parse the
 * source into, so only comments can have gone.
 *
 * @param text - a shell or python script
 */
export function withoutCommentLines(text: string): string {
    const kept: string[] = [];
    let hereDocEnd: string | undefined;
    text.split("\n").forEach((line, index) => {
        if (hereDocEnd !== undefined) {
            kept.push(line);
            if (line.replace(/^\t+/, "") === hereDocEnd) hereDocEnd = undefined;
            return;
        }
        if (index > 0 && /^\s*#/.test(line) && !/^\s*#\s*shellcheck\s/.test(line)) return;
        kept.push(line);
        const hereDoc = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(line.replace(/<<</g, ""));
        if (hereDoc) hereDocEnd = hereDoc[2];
    });
    return kept.join("\n");
}

const deliveredCache = new Map<ScriptName, string>();

/**
 * The text of one script as the nodes receive it ({@link withoutCommentLines}).
 *
 * @param name - script file name
 */
export function deliveredScriptText(name: ScriptName): string {
    let text = deliveredCache.get(name);
    if (text === undefined) {
        text = withoutCommentLines(scriptText(name));
        deliveredCache.set(name, text);
    }
    return text;
}
