/**
 * From raw config to a validated, placed cluster: the core's checks, the platform's own block, the
 * failure domains the platform offers, placement and the platform's node checks. Every problem is
 * collected and thrown at once as a {@link ConfigError}, before any resource exists.
 */
import type { Platform } from "../platform";
import { checkDomainOffered, draftClusterSpec, type RawConfig } from "./config";
import { IssueList } from "./fields";
import { declaredLimitIssues, notYetReported } from "./limits";
import { isEvenSpread, placeNodes, requiredMasterDomains } from "./placement";
import { ConfigError, type ClusterSpec, type ConfigIssue, type NodePlan } from "./types";

/** A cluster ready to build. */
export interface ResolvedCluster {
    /** The validated spec, failure domains filled in. */
    spec: ClusterSpec;
    /** The platform's validated config (its `kubeforge:<platform>` block, defaults filled in): the core does not look inside. */
    platformConfig: unknown;
    /** Every node, placed. */
    nodes: NodePlan[];
}

/** Options of {@link resolveCluster}. */
export interface ResolveOptions {
    /** Every platform folder name, so other platforms' blocks are not reported as unknown keys. */
    platformNames?: readonly string[];
}

/**
 * Validates and places a cluster on `platform`.
 *
 * @param raw - the `kubeforge` config namespace, objects and arrays parsed (see `readRawConfig`)
 * @param platform - the platform named by `raw.platform` (see `loadPlatform`)
 * @param options - platform names, for telling platform blocks from typos
 * @throws ConfigError with every problem found, the platform's included
 */
export function resolveCluster(raw: RawConfig, platform: Platform<unknown>, options: ResolveOptions = {}): ResolvedCluster {
    const platformNames = [...new Set([...(options.platformNames ?? []), platform.name])];
    const { draft, issues: coreIssues } = draftClusterSpec(raw, { platformNames });
    const issues = new IssueList();
    issues.items.push(...coreIssues);
    if (typeof raw.platform === "string" && raw.platform !== platform.name) {
        issues.add("platform", `is "${raw.platform}" but the "${platform.name}" platform was loaded; load the platform the config names`);
    }

    // With core issues the draft holds placeholders; the platform still gets to report its own
    // problems, but whatever it throws on such a draft must not hide the core's report.
    const platformResult = (() => {
        if (coreIssues.length === 0) return platform.parseConfig(raw[platform.name], draft);
        try {
            return platform.parseConfig(raw[platform.name], draft);
        } catch {
            return { config: undefined, issues: [] as ConfigIssue[] };
        }
    })();
    issues.items.push(...platformResult.issues);
    if (platformResult.config === undefined || issues.items.length > 0) throw new ConfigError(issues.items);

    const config = platformResult.config;
    const spec: ClusterSpec = {
        ...draft,
        failureDomains: chooseFailureDomains(raw, draft, platform.failureDomains(config, draft), platform.name, issues),
    };
    if (issues.items.length > 0) throw new ConfigError(issues.items);

    const nodes = platform.placeNodes ? platform.placeNodes(config, spec) : placeNodes(spec);
    if (platform.placeNodes) checkPlatformPlacement(spec, nodes, platform.name, issues);
    issues.items.push(...(platform.checkNodes?.(config, spec, nodes) ?? []));
    // What the platform declared (delivery, name limits) is checked here, once for every platform.
    issues.items.push(...notYetReported(declaredLimitIssues(platform, spec, nodes), issues.items));
    if (issues.items.length > 0) throw new ConfigError(issues.items);
    return { spec, platformConfig: config, nodes };
}

/**
 * The cluster's failure domains: the configured ones, each checked against what the platform offers,
 * or all the platform offers. Also checks pools' domains when the cluster's were defaulted, and that
 * `spread: required` masters have enough domains.
 */
function chooseFailureDomains(raw: RawConfig, draft: ClusterSpec, offered: string[], platformName: string, issues: IssueList): string[] {
    const source = `the ${platformName} platform`;
    const configured = Array.isArray(raw.failureDomains) && draft.failureDomains.length > 0;
    if (offered.length === 0) {
        issues.add(
            platformName,
            `the ${platformName} platform offers no failure domain for this configuration; check its zones / hosts settings`,
        );
        return [];
    }
    if (configured) {
        draft.failureDomains.forEach((d, i) => checkDomainOffered(d, offered, `failureDomains[${i}]`, source, issues));
    } else {
        draft.workerPools.forEach((pool, p) =>
            pool.failureDomains?.forEach((d, i) =>
                checkDomainOffered(d, offered, `workerPools[${p}].failureDomains[${i}]`, source, issues),
            ),
        );
    }
    const domains = configured ? draft.failureDomains : offered;
    const masters = draft.controlPlane.count;
    const needed = requiredMasterDomains(masters);
    if ((draft.controlPlane.spread ?? "required") === "required" && domains.length < needed) {
        issues.add(
            "failureDomains",
            `${masters} masters with controlPlane.spread: required need at least ${needed} failure domains, but only ${domains.length} (${domains.join(", ")}) ` +
                `${configured ? "are configured" : `are offered by ${source}`}; ${configured ? `list more (offered: ${offered.join(", ")})` : "offer more in the platform block"} ` +
                "or set kubeforge:controlPlane.spread to preferred",
        );
    }
    return domains;
}

/**
 * A platform that places nodes itself (bare metal: the user assigns hosts) must still spread `required`
 * masters: over enough domains, and evenly over the domains it used for them. Domains that only hold
 * workers (a rack of GPU boxes) do not count against the masters' spread.
 */
function checkPlatformPlacement(spec: ClusterSpec, nodes: NodePlan[], platformName: string, issues: IssueList): void {
    if ((spec.controlPlane.spread ?? "required") !== "required") return;
    const masters = nodes.filter((n) => n.role === "control-plane").map((n) => n.failureDomain);
    const used = masterDomains(spec, nodes);
    const needed = requiredMasterDomains(masters.length);
    if (used.length < needed || !isEvenSpread(masters, used)) {
        issues.add(
            "controlPlane.spread",
            `the ${platformName} platform placed the masters in ${masters.join(", ")}, which is not an even spread over at least ${needed} failure domains; ` +
                "assign masters to hosts in different failure domains, or set kubeforge:controlPlane.spread to preferred",
        );
    }
}

/** The cluster's failure domains that hold at least one master, in the cluster's order. */
export function masterDomains(spec: ClusterSpec, nodes: NodePlan[]): string[] {
    const used = new Set(nodes.filter((n) => n.role === "control-plane").map((n) => n.failureDomain));
    return spec.failureDomains.filter((d) => used.has(d));
}
