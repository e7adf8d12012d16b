/**
 * Times for fixtures that the code under test compares with the real clock. Bootstrap scripts refuse to
 * join with an expired token (`date +%s` in bash, `[DateTimeOffset]::UtcNow` in PowerShell), so a
 * fixture's expiry written as a fixed date turns into a failing suite the day that date passes. Tests
 * take their expiries from here instead: always in the future, in the format the program renders.
 */

/** The whole hour `hours` after now, as `pki.ts` renders a token expiry (`YYYY-MM-DDTHH:00:00Z`). */
export function isoHoursFromNow(hours: number): string {
    const at = new Date(Date.now() + hours * 3_600_000);
    at.setUTCMinutes(0, 0, 0);
    return at.toISOString().replace(/\.000Z$/, "Z");
}
