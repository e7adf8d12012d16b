/**
 * The env file that parameterises the bootstrap scripts. It is sourced by bash, so every value is
 * single-quoted; it never holds a secret (keys and the token live in files marked secret).
 */

/**
 * A bash single-quoted word.
 *
 * @param value - any string
 */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The env file text.
 *
 * @param vars - variable names (`[A-Z_][A-Z0-9_]*`) and values
 */
export function renderEnvFile(vars: Record<string, string>): string {
    const lines = [
        "# Written by kubeforge: parameters of the bootstrap scripts (no secrets here).",
        "# Command values are run later by the kubeadm step, so they stay unexpanded here.",
        "# shellcheck shell=bash disable=SC2034,SC2016",
    ];
    for (const [name, value] of Object.entries(vars)) {
        if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`invalid env variable name: ${name}`);
        lines.push(`${name}=${shellQuote(value)}`);
    }
    return `${lines.join("\n")}\n`;
}
