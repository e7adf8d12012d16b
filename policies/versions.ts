/**
 * Kubernetes version arithmetic: the rules compare minors only (patches never change skew or support).
 */

/** Major and minor of a Kubernetes version. */
export interface MinorVersion {
    /** Major version (1). */
    major: number;
    /** Minor version (36 in 1.36.4). */
    minor: number;
}

/**
 * Parses `1.36`, `1.36.3`, `v1.36.3` or `1.36.3-rc.1` into major and minor; undefined when it is not a version.
 *
 * @param version - the version as written
 */
export function parseMinor(version: unknown): MinorVersion | undefined {
    if (typeof version !== "string") return undefined;
    const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version.trim());
    return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/**
 * How many minors `a` is ahead of `b` (negative when behind). Majors other than equal count as far apart.
 *
 * @param a - first version
 * @param b - second version
 */
export function minorsAhead(a: MinorVersion, b: MinorVersion): number {
    return (a.major - b.major) * 1000 + (a.minor - b.minor);
}

/**
 * Formats a minor version as `1.36`.
 *
 * @param v - the version
 */
export function formatMinor(v: MinorVersion): string {
    return `${v.major}.${v.minor}`;
}
