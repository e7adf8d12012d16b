/**
 * The pieces every platform folder must have (docs/CONTRIBUTING.md, "Add a platform"), and which of them a
 * platform lacks. Platforms are read side by side file by file, so the skeleton is fixed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PLATFORMS_DIR } from "../../components/core/registry";

/** Files of the skeleton, each with what it is for (the message when it is missing). */
export const PLATFORM_SKELETON: Readonly<Record<string, string>> = {
    "index.ts": "the Platform default export, wiring the other pieces",
    "config.ts": "the kubeforge:<platform> block: parsing, defaults, errors naming the field",
    "network.ts": "the network the machines live in",
    "firewall.ts": "the kit's firewall matrix mapped to the platform's rules",
    "endpoint.ts": "the API endpoint on 6443",
    "identity.ts": "what the cloud controller and CSI driver run as",
    "machines.ts": "one machine per NodePlan, consuming the bootstrap the core hands it",
    "addons.ts": "cloud controller, CSI driver and default StorageClass (or the metal stand-ins)",
    "outputs.ts": "the platform's stack outputs",
    "mocks.ts": "the invokes the platform makes, answered for offline plans",
    "policy.ts": "the policy adapter: the platform's resources as neutral facts",
    "README.md": "what is built, the choices, the limits, and a manual end-to-end recipe",
};

/**
 * The skeleton pieces missing from a platform folder, each as `<platform>: <file> (<what it is for>)`.
 *
 * @param platform - the platform's folder name
 * @param platformsDir - where platform folders live
 */
export function missingPieces(platform: string, platformsDir: string = PLATFORMS_DIR): string[] {
    return Object.entries(PLATFORM_SKELETON)
        .filter(([file]) => !fs.existsSync(path.join(platformsDir, platform, file)))
        .map(([file, what]) => `${platform}: ${file} (${what})`);
}
