/**
 * What `npm test` needs on the machine, set up by `npm test` itself (its first step), so a newcomer's
 * `npm install && npm test` works on a fresh Debian/Ubuntu machine:
 * - the Debian packages the tests run for real (installed with apt-get as root, or through sudo when
 *   it needs no password; otherwise it stops and prints the exact command);
 * - the real Kubernetes toolchain (`npm run toolchain`: built once, cached by version, so later runs
 *   pay nothing).
 * `KUBEFORGE_SKIP_SETUP=1` skips it (a machine set up by other means).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** A Debian package and how to tell it is installed. */
interface Requirement {
    pkg: string;
    /** A command on PATH, or an absolute file. */
    provides: string;
    why: string;
}

const REQUIREMENTS: Requirement[] = [
    { pkg: "cloud-init", provides: "cloud-init", why: "`cloud-init schema` validates every rendered user data" },
    { pkg: "shellcheck", provides: "shellcheck", why: "every shell script is checked" },
    { pkg: "openssh-server", provides: "/usr/sbin/sshd", why: "real sshd hosts for the bare-metal SSH tests" },
    { pkg: "openssh-client", provides: "ssh-keygen", why: "host and user keys for those tests" },
    { pkg: "openssl", provides: "openssl", why: "certificates (fake API server, the program's PKI under mocks)" },
    { pkg: "iproute2", provides: "ip", why: "network namespaces (kubeadm runs in one of its own)" },
    {
        pkg: "ca-certificates",
        provides: "/etc/ssl/certs/ca-certificates.crt",
        why: "TLS to the Go module proxy when building the toolchain",
    },
];

function onPath(command: string): boolean {
    if (command.startsWith("/")) return fs.existsSync(command);
    return (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

function sh(cmd: string, args: string[]): boolean {
    return spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).status === 0;
}

function installPackages(missing: Requirement[]): void {
    const pkgs = missing.map((r) => r.pkg);
    const command = `apt-get update && apt-get install -y --no-install-recommends ${pkgs.join(" ")}`;
    console.log(`kubeforge test setup: installing ${pkgs.join(", ")} (${missing.map((r) => r.why).join("; ")})`);
    const root = process.getuid?.() === 0;
    const sudo = !root && onPath("sudo") && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;
    if (!onPath("apt-get") || (!root && !sudo)) {
        console.error(
            `kubeforge test setup: missing ${pkgs.join(", ")} and cannot install them here (needs apt-get as root or password-less sudo).\n` +
                `Run:  sudo sh -c '${command}'\nthen npm test again.`,
        );
        process.exit(1);
    }
    const prefix = root ? [] : ["sudo", "-n", "--preserve-env=DEBIAN_FRONTEND"];
    const run = (args: string[]) => (prefix.length > 0 ? sh(prefix[0], [...prefix.slice(1), ...args]) : sh(args[0], args.slice(1)));
    if (!run(["apt-get", "update", "-qq"]) || !run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...pkgs])) {
        console.error(`kubeforge test setup: apt-get failed; run it yourself:  sudo sh -c '${command}'`);
        process.exit(1);
    }
}

function main(): void {
    if (process.env.KUBEFORGE_SKIP_SETUP === "1") return;
    const missing = REQUIREMENTS.filter((r) => !onPath(r.provides));
    if (missing.length > 0) installPackages(missing);

    const build = path.join(__dirname, "build.ts");
    const check = spawnSync(process.execPath, ["--import", "tsx", build, "--check"], { stdio: "ignore" });
    if (check.status === 0) return;
    if (!onPath("go")) {
        console.error(
            "kubeforge test setup: the real Kubernetes tools (kubeadm, etcd, kube-apiserver...) are built from Go modules and Go is not installed.\n" +
                "Install Go 1.26 or newer (https://go.dev/dl), then run npm test again (or `npm run toolchain` first).",
        );
        process.exit(1);
    }
    console.log("kubeforge test setup: building the Kubernetes toolchain (npm run toolchain; once per version, then cached)");
    try {
        execFileSync(process.execPath, ["--import", "tsx", build, "--quiet"], { stdio: "inherit" });
    } catch {
        console.error("kubeforge test setup: `npm run toolchain` failed (above); fix it and run npm test again");
        process.exit(1);
    }
}

main();
