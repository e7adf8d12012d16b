/**
 * Which stacks a comparison runs: the comparison stacks shipped under `stacks/`
 * (`Pulumi.compare-<platform>.yaml`, each laid over the shared spec) whose platform exists in this
 * checkout, or the stacks named on the command line.
 */
import * as fs from "node:fs";
import { parse } from "yaml";
import { listPlatforms } from "../../components/core/registry";
import { shippedStacks, stackConfigPath } from "../plan/stackConfig";

/** Prefix of the comparison stacks' names. */
export const COMPARE_PREFIX = "compare-";

/** Stacks chosen, with notes about those skipped and problems that stop the run. */
export interface ChosenStacks {
    stacks: { stack: string; file: string }[];
    notes: string[];
    problems: string[];
}

/** The `kubeforge:platform` a stack file names, if any. */
export function platformOfStack(file: string): string | undefined {
    const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    const value = doc?.config?.["kubeforge:platform"];
    return typeof value === "string" ? value : undefined;
}

/**
 * The shipped comparison stacks whose platform exists here; the others are noted, so a platform's
 * row appears the moment its folder lands.
 *
 * @param platforms - the platforms of this checkout (default: the registry's)
 */
export function comparisonStacks(platforms: readonly string[] = listPlatforms()): ChosenStacks {
    const chosen: ChosenStacks = { stacks: [], notes: [], problems: [] };
    for (const stack of shippedStacks().filter((s) => s.startsWith(COMPARE_PREFIX))) {
        const file = stackConfigPath(stack);
        const platform = platformOfStack(file);
        if (platform !== undefined && !platforms.includes(platform)) {
            chosen.notes.push(`${stack} skipped: platform ${platform} is not in this checkout (components/platforms/${platform})`);
        } else {
            chosen.stacks.push({ stack, file });
        }
    }
    return chosen;
}

/**
 * Stacks named on the command line; an unknown name is a problem naming the stacks there are.
 *
 * @param names - stack names (`compare-aws`, `aws`)
 */
export function resolveStackNames(names: string[]): ChosenStacks {
    const chosen: ChosenStacks = { stacks: [], notes: [], problems: [] };
    for (const stack of [...new Set(names)]) {
        const file = stackConfigPath(stack);
        if (fs.existsSync(file)) chosen.stacks.push({ stack, file });
        else chosen.problems.push(`--stacks: no stack "${stack}" under stacks/ (have: ${shippedStacks().join(", ")})`);
    }
    return chosen;
}
