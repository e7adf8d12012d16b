/**
 * Redaction of secrets from text that may reach a log or an error message (command output, stderr).
 * Built from the secret inputs themselves: a PEM is also redacted line by line, because a command that
 * prints a key file (`cat`, `set -x`, a failed `openssl`) may wrap or cut it differently.
 *
 * Every occurrence of every fragment is found, overlapping ones included, and the union of what they
 * cover is replaced: two secrets printed side by side cannot hide each other's ends. A text that was
 * cut out of a longer stream (an output tail, a capped capture) may hold only part of a secret at the
 * cut: {@link Redactor.redactCut} drops what could be such a part, so redaction happens before the cut
 * and never after it.
 */

/** What replaces a secret. */
export const REDACTED = "[redacted]";

/** Shortest line of a secret redacted on its own: shorter ones would blank ordinary words. */
const MIN_FRAGMENT = 8;

/** Shortest whole secret redacted: a short token is still a token; shorter would blank words. */
const MIN_SECRET = 4;

/**
 * Shortest piece of a secret recognised at the very end of a cut text (a stream that stopped in the
 * middle of printing one). Three characters of base64 are 18 bits: not a secret worth a blanked word.
 */
export const MIN_EDGE_PIECE = 4;

/** Which ends of a text were cut out of a longer stream. */
export interface CutEdges {
    /** The text starts in the middle of the stream (an output tail). */
    start?: boolean;
    /** The text stops before the stream did (a capped capture, a dropped connection). */
    end?: boolean;
}

/** Removes known secret strings from text. */
export interface Redactor {
    /** Returns `text` with every known secret (and every long line of a secret) replaced. */
    redact(text: string): string;
    /**
     * Redacts a text cut out of a longer stream: besides {@link Redactor.redact}, drops the first
     * {@link Redactor.longest} − 1 characters when the start was cut (any secret reaching into the text
     * from before the cut lies there), and a trailing piece of a secret when the end was cut.
     */
    redactCut(text: string, cut: CutEdges): string;
    /** Number of distinct fragments it looks for (diagnostics, tests). */
    readonly size: number;
    /** Length of the longest fragment: how much text before a cut a kept tail must see. */
    readonly longest: number;
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
    const set = new Set<string>();
    const all: (string | undefined)[] = [...secrets];
    for (const content of secretFiles) all.push(content, ...embeddedSecrets(content));
    for (const secret of all) {
        if (!secret) continue;
        const whole = secret.trim();
        if (whole.length >= MIN_SECRET) set.add(whole);
        for (const line of secret.split(/\r?\n/)) {
            const t = line.trim();
            // PEM armour lines are public knowledge; their bodies are not.
            if (t.length >= MIN_FRAGMENT && !/^-----(BEGIN|END) /.test(t)) set.add(t);
        }
    }
    const fragments = [...set];
    const longest = fragments.reduce((n, f) => Math.max(n, f.length), 0);
    const replace = (text: string, covered: [number, number][]) => {
        if (covered.length === 0) return text;
        covered.sort((a, b) => a[0] - b[0]);
        let out = "";
        let at = 0;
        for (const [from, to] of covered) {
            if (from >= at) {
                out += text.slice(at, from) + REDACTED;
                at = to;
            } else at = Math.max(at, to);
        }
        return out + text.slice(at);
    };
    const occurrences = (text: string): [number, number][] => {
        const found: [number, number][] = [];
        for (const fragment of fragments) {
            for (let i = text.indexOf(fragment); i >= 0; i = text.indexOf(fragment, i + 1)) found.push([i, i + fragment.length]);
        }
        return found;
    };
    return {
        size: fragments.length,
        longest,
        redact(text: string): string {
            return replace(text, occurrences(text));
        },
        redactCut(text: string, cut: CutEdges): string {
            const covered = occurrences(text);
            let from = 0;
            if (cut.start && longest > 1) {
                // A secret that began before the cut ends within its first longest-1 characters; a
                // whole secret found there is covered by its own occurrence and dropped with it.
                from = Math.min(text.length, longest - 1);
                covered.push([0, from]);
            }
            if (cut.end) {
                // Searched from the start too: a piece may begin inside the dropped head and run to the end.
                const piece = trailingPiece(text, fragments);
                if (piece > 0) covered.push([text.length - piece, text.length]);
            }
            let out = replace(text, covered);
            if (from > 0) out = out.startsWith(REDACTED) ? `…${out.slice(REDACTED.length)}` : out;
            return out;
        },
    };
}

/** Length of the longest end of `text` (at least {@link MIN_EDGE_PIECE}) that begins some fragment. */
function trailingPiece(text: string, fragments: readonly string[]): number {
    let best = 0;
    for (const fragment of fragments) {
        const first = Math.max(0, text.length - (fragment.length - 1));
        for (let p = text.indexOf(fragment[0], first); p >= 0 && text.length - p >= MIN_EDGE_PIECE; p = text.indexOf(fragment[0], p + 1)) {
            const n = text.length - p;
            if (n <= best) break;
            if (fragment.startsWith(text.slice(p))) {
                best = n;
                break;
            }
        }
    }
    return best;
}

/** `token: x`, `client-key-data: x`, `password=x`...: values of keys that name a secret. */
const SECRET_ASSIGNMENT = /(?:token|key|secret|password|passwd|credential)[\w-]*["']?\s*[:=]\s*["']?([^\s"',]{8,})/gi;
/** A kubeadm bootstrap token. */
const BOOTSTRAP_TOKEN = /\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g;

/**
 * Secret values embedded in a config file: values of keys named like a secret, and bootstrap tokens
 * with their secret half on its own (`kubeadm token list` and some errors print only that half).
 *
 * @param content - file content.
 */
export function embeddedSecrets(content: string): string[] {
    const out: string[] = [];
    for (const m of content.matchAll(SECRET_ASSIGNMENT)) out.push(m[1]);
    for (const m of content.matchAll(BOOTSTRAP_TOKEN)) out.push(m[0], m[0].slice(7));
    return out;
}
