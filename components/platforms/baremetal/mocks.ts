/**
 * Plausible outputs for the bare-metal resources under {@link PlanEngine}: what a HostBootstrap would
 * report after bootstrapping (the host key it saw, a marker hash). No SSH happens in a plan.
 */
import * as crypto from "node:crypto";
import type { PlatformMocks } from "../../kit/mocks";
import { HOST_BOOTSTRAP_TYPE } from "../../../bootstrap/ssh/provider";

const mocks: PlatformMocks = {
    outputs: {
        [HOST_BOOTSTRAP_TYPE]: (inputs, name) => ({
            hostKeySeen:
                typeof inputs.hostKey === "string" && inputs.hostKey
                    ? inputs.hostKey
                    : `ssh-ed25519 (recorded on first contact with ${name})`,
            appliedHash: crypto.createHash("sha256").update(name).digest("hex"),
        }),
    },
};

export default mocks;
