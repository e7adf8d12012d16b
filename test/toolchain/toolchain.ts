/**
 * The real Kubernetes tools the tests are judged by, built from their Go modules through the wrapper
 * modules next to this file (`kubernetes/`, `etcd/`: go.mod, go.sum and our own small checker; never a
 * binary). `npm run toolchain` builds them (test/toolchain/build.ts); the tests find them here.
 *
 * Where things go:
 * - the binaries of one build live in a cache folder keyed by everything that shapes them (the wrapper
 *   module's go.mod/go.sum/sources, the build flags, the Go version): `$KUBEFORGE_TOOLCHAIN_CACHE`, else
 *   `$XDG_CACHE_HOME/kubeforge/toolchain`, else `~/.cache/kubeforge/toolchain`. Every worktree and
 *   every later run on the machine reuses it; a changed pin gets a new key and is built once;
 * - `.toolchain/bin/<tool>` (ignored by git) links to them, so the tools have one stable path;
 * - Go's own build cache (`go env GOCACHE`, per user) is left where Go keeps it, so even a new key
 *   recompiles only what changed.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_KUBERNETES_VERSION } from "../../components/core/versions";

/** Repository root. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** Where the tools are linked: `.toolchain/bin`. */
export const BIN_DIR = path.join(REPO_ROOT, ".toolchain", "bin");
/** The command that builds the toolchain (named in every "missing" message). */
export const BUILD_COMMAND = "npm run toolchain";

/** One binary a wrapper module builds. */
export interface ToolSpec {
    /** File name in `.toolchain/bin`. */
    name: string;
    /** Go package of its `main` (a module path, or `./cmd/...` inside the wrapper module). */
    pkg: string;
}

/** A wrapper module and what it builds. */
export interface ModuleSpec {
    /** Short name (cache folder prefix). */
    id: string;
    /** Folder of the wrapper module, relative to this file. */
    dir: string;
    /** The upstream module whose version names the build. */
    upstream: string;
    tools: ToolSpec[];
    /** Build tags (upstream's). */
    tags: string[];
    /** `-X` stamps, given the upstream version and its release time. */
    stamps(version: string, releaseTime: string): Record<string, string>;
}

/** Version stamps exactly as upstream's `hack/lib/version.sh` writes them (both version packages). */
function kubernetesStamps(version: string, releaseTime: string): Record<string, string> {
    const m = /^v(\d+)\.(\d+)\.\d+$/.exec(version);
    if (!m) throw new Error(`k8s.io/kubernetes ${version} is not a release version (vMAJOR.MINOR.PATCH)`);
    const out: Record<string, string> = {};
    for (const pkg of ["k8s.io/client-go/pkg/version", "k8s.io/component-base/version"]) {
        out[`${pkg}.gitVersion`] = version;
        out[`${pkg}.gitMajor`] = m[1];
        out[`${pkg}.gitMinor`] = m[2];
        out[`${pkg}.gitTreeState`] = "clean";
        // The release's tag time (from the module proxy), not the build's: the same inputs give the same binary.
        out[`${pkg}.buildDate`] = releaseTime;
    }
    return out;
}

/** Every wrapper module. The default Kubernetes minor's tools, and the etcd its kubeadm deploys. */
export const MODULES: readonly ModuleSpec[] = [
    {
        id: "kubernetes",
        dir: "kubernetes",
        upstream: "k8s.io/kubernetes",
        tools: [
            { name: "kubeadm", pkg: "k8s.io/kubernetes/cmd/kubeadm" },
            { name: "kube-apiserver", pkg: "k8s.io/kubernetes/cmd/kube-apiserver" },
            { name: "kube-controller-manager", pkg: "k8s.io/kubernetes/cmd/kube-controller-manager" },
            { name: "kubectl", pkg: "k8s.io/kubernetes/cmd/kubectl" },
            { name: "kubeforge-configcheck", pkg: "./cmd/kubeforge-configcheck" },
        ],
        // hack/lib/golang.sh: `selinux,notest` always, `grpcnotrace` for non-debug builds.
        tags: ["selinux", "notest", "grpcnotrace"],
        stamps: kubernetesStamps,
    },
    {
        id: "etcd",
        dir: "etcd",
        upstream: "go.etcd.io/etcd/server/v3",
        tools: [
            { name: "etcd", pkg: "go.etcd.io/etcd/server/v3" },
            { name: "etcdctl", pkg: "go.etcd.io/etcd/etcdctl/v3" },
        ],
        tags: [],
        // scripts/build_lib.sh stamps the git commit; the module proxy serves none, so the tag stands in.
        stamps: (version) => ({ "go.etcd.io/etcd/api/v3/version.GitSHA": version }),
    },
];

/** Absolute folder of a wrapper module. */
export function moduleDir(mod: ModuleSpec): string {
    return path.join(__dirname, mod.dir);
}

/** The version of `module` that a go.mod requires (`require x v1.2.3`, alone or in a block). */
export function requiredVersion(goMod: string, module: string): string | undefined {
    const escaped = module.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, "m").exec(goMod)?.[1];
}

/** The upstream version a wrapper module pins. */
export function pinnedVersion(mod: ModuleSpec): string {
    const goMod = fs.readFileSync(path.join(moduleDir(mod), "go.mod"), "utf8");
    const version = requiredVersion(goMod, mod.upstream);
    if (!version) throw new Error(`${path.join(moduleDir(mod), "go.mod")} does not require ${mod.upstream}`);
    return version;
}

/**
 * Problems with the pins: the Kubernetes wrapper must build the default version kubeforge deploys
 * (`bootstrap/versions.ts`), or the tests would judge our configs with another kubeadm.
 */
export function pinProblems(): string[] {
    const k8s = MODULES.find((m) => m.id === "kubernetes");
    const pinned = k8s ? pinnedVersion(k8s) : undefined;
    const wanted = `v${DEFAULT_KUBERNETES_VERSION}`;
    if (pinned === wanted) return [];
    return [
        `test/toolchain/kubernetes/go.mod builds k8s.io/kubernetes ${pinned}, but the default Kubernetes version is ${wanted} ` +
            `(bootstrap/versions.ts): set the require and every staging replace to ${wanted} / v0.${wanted.split(".").slice(1).join(".")}, ` +
            `run \`go mod tidy\` there, then ${BUILD_COMMAND}`,
    ];
}

function filesUnder(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && /(\.go|go\.mod|go\.sum)$/.test(e.name))
        .map((e) => path.join(e.parentPath, e.name))
        .sort();
}

let goVersionCache: string | undefined;
/** `go version` output (part of every cache key: another compiler gives another binary). */
export function goVersion(): string {
    if (goVersionCache === undefined) {
        try {
            goVersionCache = execFileSync("go", ["version"], { encoding: "utf8" }).trim();
        } catch {
            throw new Error(
                `Go is not installed (or not on PATH); the toolchain is built from Go modules: install Go ≥ 1.26, then ${BUILD_COMMAND}`,
            );
        }
    }
    return goVersionCache;
}

/** The flags of `go build` for a module (besides `-o` and the packages). */
export function buildFlags(mod: ModuleSpec, version: string, releaseTime: string): string[] {
    const stamps = Object.entries(mod.stamps(version, releaseTime)).map(([k, v]) => `-X '${k}=${v}'`);
    // Upstream's release builds: static, trimmed paths, no symbol table or DWARF.
    const flags = ["-trimpath", "-mod=readonly", `-ldflags=all=${[...stamps, "-s", "-w"].join(" ")}`];
    if (mod.tags.length > 0) flags.push(`-tags=${mod.tags.join(",")}`);
    return flags;
}

/**
 * The cache key of a module's build: its version and a hash of its wrapper sources, the Go version and
 * the flag shape (release time excluded: it follows from the version).
 */
export function cacheKey(mod: ModuleSpec): string {
    const version = pinnedVersion(mod);
    const h = createHash("sha256");
    h.update(goVersion());
    h.update(JSON.stringify({ tools: mod.tools, tags: mod.tags, flags: buildFlags(mod, version, "T") }));
    for (const file of filesUnder(moduleDir(mod))) {
        h.update(path.relative(moduleDir(mod), file));
        h.update(fs.readFileSync(file));
    }
    return `${mod.id}-${version}-${h.digest("hex").slice(0, 12)}`;
}

/** The machine-wide cache of built tools. */
export function cacheRoot(): string {
    if (process.env.KUBEFORGE_TOOLCHAIN_CACHE) return path.resolve(process.env.KUBEFORGE_TOOLCHAIN_CACHE);
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    return path.join(base, "kubeforge", "toolchain");
}

/** Folder holding one module's built binaries. */
export function cacheDir(mod: ModuleSpec): string {
    return path.join(cacheRoot(), cacheKey(mod));
}

/** True when every tool of the module is built under its current key and linked in `.toolchain/bin`. */
export function moduleReady(mod: ModuleSpec): boolean {
    const dir = cacheDir(mod);
    return mod.tools.every((t) => {
        const link = path.join(BIN_DIR, t.name);
        try {
            return fs.realpathSync(link) === fs.realpathSync(path.join(dir, t.name));
        } catch {
            return false;
        }
    });
}

/** Names of every tool the toolchain provides. */
export const TOOL_NAMES = MODULES.flatMap((m) => m.tools.map((t) => t.name));

/** A tool's name. */
export type ToolName = (typeof TOOL_NAMES)[number];

/**
 * The path of a built tool; throws (so a test fails, never skips) when the toolchain is missing or was
 * built from other pins than the checked-out ones.
 *
 * @param name - a tool of {@link MODULES}
 */
export function toolPath(name: ToolName): string {
    const mod = MODULES.find((m) => m.tools.some((t) => t.name === name));
    if (!mod) throw new Error(`${name} is not a toolchain tool; the toolchain has ${TOOL_NAMES.join(", ")}`);
    const problems = pinProblems();
    if (problems.length > 0) throw new Error(problems.join("\n"));
    const link = path.join(BIN_DIR, name);
    if (!fs.existsSync(link)) {
        throw new Error(
            `${name} is missing from .toolchain/bin: run \`${BUILD_COMMAND}\` (builds kubeadm, etcd, kube-apiserver... from their Go modules)`,
        );
    }
    if (!moduleReady(mod)) {
        throw new Error(`.toolchain/bin/${name} was built from other pins than test/toolchain/${mod.dir}: run \`${BUILD_COMMAND}\` again`);
    }
    return link;
}
