/**
 * "Did you mean" suggestions for misspelt config keys.
 */

/**
 * Edit distance between two strings where inserting, deleting, substituting or swapping two
 * neighbouring characters each cost 1 (optimal string alignment), so `nmae` is one edit from `name`.
 */
export function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}

/**
 * The candidate closest to `word` (ignoring case), when it is close enough to be a plausible typo:
 * at most a third of the word's length in edits (and at least one edit allowed). Undefined otherwise.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
    const lower = word.toLowerCase();
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of candidates) {
        const distance = editDistance(lower, candidate.toLowerCase());
        if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** A "; did you mean ...?" hint, or a list of valid keys when nothing is close. */
export function unknownKeyHint(word: string, candidates: readonly string[]): string {
    const match = closestMatch(word, candidates);
    return match !== undefined ? `did you mean "${match}"?` : `known keys are ${candidates.join(", ")}`;
}
