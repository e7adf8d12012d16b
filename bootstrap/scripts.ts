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
