/**
 * Redaction of secrets from text that may reach a log or an error message (command output, stderr).
 * Built from the secret inputs themselves: a PEM is also redacted line by line, because a command that
 * prints a key file (`cat`, `set -x`, a failed `openssl`) may wrap or cut it differently.
 */

/** What replaces a secret. */
export const REDACTED = "[redacted]";

/** Shortest fragment worth redacting on its own: shorter ones would blank ordinary words. */
const MIN_FRAGMENT = 8;

/** Removes known secret strings from text. */
export interface Redactor {
    /** Returns `text` with every known secret (and every long line of a secret) replaced. */
    redact(text: string): string;
    /** Number of distinct fragments it looks for (diagnostics, tests). */
    readonly size: number;
}

/**
 * Builds a {@link Redactor} from secret values: private keys, tokens, certificates' keys, file contents.
 *
 * @param secrets - secret strings; empty and undefined entries are ignored.
 * @param secretFiles - contents of files holding secrets: redacted whole and line by line, and the
 *   values they embed (see {@link embeddedSecrets}) also on their own, since a command may print a
 *   token without the `token:` around it.
 */
export function makeRedactor(secrets: Iterable<string | undefined>, secretFiles: Iterable<string> = []): Redactor {
    const fragments = new Set<string>();
    const all: (string | undefined)[] = [...secrets];
    for (const content of secretFiles) all.push(content, ...embeddedSecrets(content));
    for (const secret of all) {
        if (!secret) continue;
        const whole = secret.trim();
        if (whole.length >= MIN_FRAGMENT) fragments.add(whole);
        else if (whole.length >= 4) fragments.add(whole); // a short token is still a token; shorter would blank words
        for (const line of secret.split(/\r?\n/)) {
            const t = line.trim();
            // PEM armour lines are public knowledge; their bodies are not.
            if (t.length >= MIN_FRAGMENT && !/^-----(BEGIN|END) /.test(t)) fragments.add(t);
        }
    }
    // Longest first, so a whole secret is replaced before its own lines.
    const ordered = [...fragments].sort((a, b) => b.length - a.length);
    const pattern = ordered.length > 0 ? new RegExp(ordered.map(escapeRegExp).join("|"), "g") : undefined;
    return {
        size: ordered.length,
        redact(text: string): string {
            return pattern ? text.replace(pattern, REDACTED) : text;
        },
    };
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `token: x`, `client-key-data: x`, `password=x`...: values of keys that name a secret. */
const SECRET_ASSIGNMENT = /(?:token|key|secret|password|passwd|credential)[\w-]*["']?\s*[:=]\s*["']?([^\s"',]{8,})/gi;
/** A kubeadm bootstrap token. */
const BOOTSTRAP_TOKEN = /\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g;

/**
 * Secret values embedded in a config file: values of keys named like a secret, and bootstrap tokens.
 *
 * @param content - file content.
 */
export function embeddedSecrets(content: string): string[] {
    const out: string[] = [];
    for (const m of content.matchAll(SECRET_ASSIGNMENT)) out.push(m[1]);
    for (const m of content.matchAll(BOOTSTRAP_TOKEN)) out.push(m[0]);
    return out;
}
