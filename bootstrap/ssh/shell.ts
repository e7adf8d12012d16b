/** Shell quoting and the text of errors, shared by the SSH modules. */

/** Quotes a string for a POSIX shell. */
export function shellQuote(text: string): string {
    return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** An error's message with its code in front when the message does not say it (`ECONNREFUSED: ...`). */
export function errorText(err: unknown): string {
    if (err instanceof Error) {
        const code = (err as { code?: unknown }).code;
        return typeof code === "string" && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
    }
    return String(err);
}
