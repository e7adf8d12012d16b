/**
 * Hosts the bare-metal platform bootstraps at once when the stack does not say: the platform's own
 * default (`kubeforge:baremetal.concurrency`), which the `HostBootstrap` provider's limiter enforces.
 */
import { BAREMETAL_DEFAULTS } from "../../components/platforms/baremetal/config";

export const PROVIDER_DEFAULT_CONCURRENCY: number = BAREMETAL_DEFAULTS.concurrency;
