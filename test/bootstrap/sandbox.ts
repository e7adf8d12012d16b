/**
 * A sandbox for the bootstrap scripts: the rendered files under a temp root (`KUBEFORGE_ROOT`), real
 * bash and coreutils, and stub system commands (kubeadm, systemctl, curl, apt, gpg, modprobe...) on
 * PATH. The stubs record their calls in `$ROOT/stub/<tool>.calls` and are steered by files in
 * `$ROOT/stub` (endpoint statuses, failures to inject, artefacts to serve).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { envVars } from "../../bootstrap/render";
import { renderEnvFile } from "../../bootstrap/envfile";
import type { BootstrapInput, NodeBootstrap } from "../../bootstrap/types";
import { TOKEN } from "./fixtures";

const STUBS: Record<string, string> = {
    kubeadm: `
echo "$*" >> "$S/kubeadm.calls"
case "$1" in
  version) [ -f "$S/packages-installed" ] && echo "v$(cat "$S/packages-installed")"; exit 0 ;;
  init|join)
    cp "$3" "$S/last-$1.yaml"
    fails="$(cat "$S/fail-$1" 2>/dev/null || echo 0)"
    if [ "$fails" -gt 0 ]; then
      echo $((fails - 1)) > "$S/fail-$1"
      echo "error: could not $1, token ${TOKEN} rejected"
      exit 1
    fi
    mkdir -p "$KUBEFORGE_ROOT/etc/kubernetes/manifests"
    echo kubelet > "$KUBEFORGE_ROOT/etc/kubernetes/kubelet.conf"
    touch "$S/kubelet-active"
    echo "your kubeadm join --token ${TOKEN}" ;;
  reset)
    rm -rf "$KUBEFORGE_ROOT/etc/kubernetes/kubelet.conf" "$KUBEFORGE_ROOT/etc/kubernetes/pki" "$KUBEFORGE_ROOT/etc/kubernetes/manifests"
    rm -f "$S/kubelet-active" ;;
esac`,
    kubelet: `[ -f "$S/packages-installed" ] && echo "Kubernetes v$(cat "$S/packages-installed")"`,
    systemctl: `
echo "$*" >> "$S/systemctl.calls"
case "$1 $2 $3" in
  "is-active --quiet kubelet") [ -f "$S/kubelet-active" ] ;;
  "is-active --quiet containerd") [ -f "$S/containerd-active" ] ;;
  "enable --now kubelet") touch "$S/kubelet-active" ;;
  "restart containerd "*)
    touch "$S/containerd-active"
    mkdir -p "$KUBEFORGE_ROOT/run/containerd"
    rm -f "$KUBEFORGE_ROOT/run/containerd/containerd.sock"
    python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$KUBEFORGE_ROOT/run/containerd/containerd.sock" ;;
  *) exit 0 ;;
esac`,
    // The egress probe (wait_for_egress, a HEAD of https://pkgs.k8s.io/) fails while $S/egress-down
    // counts down (forever with "never"), then answers. Artefact downloads are served from
    // $S/serve/<basename of the URL>; the endpoint probe answers
    // one status per call from $S/endpoint (the last line repeats): an HTTP code, 000 (refused),
    // dns (name does not resolve) or x509 (a server with a certificate not from our CA).
    curl: `
url="\${@: -1}"; out=""; probe=""
while [ $# -gt 0 ]; do case "$1" in --output) out="$2"; shift ;; --write-out) probe=1 ;; esac; shift; done
echo "$url" >> "$S/curl.calls"
if [ "$url" = https://pkgs.k8s.io/ ]; then
  down="$(cat "$S/egress-down" 2>/dev/null || echo 0)"
  [ "$down" = never ] && exit 7
  if [ "$down" -gt 0 ]; then echo $((down - 1)) > "$S/egress-down"; exit 7; fi
  exit 0
fi
if [ -n "$probe" ]; then
  f="$S/endpoint"; code="$(head -n 1 "$f")"
  if [ "$(wc -l < "$f")" -gt 1 ]; then tail -n +2 "$f" > "$f.next" && mv "$f.next" "$f"; fi
  case "$code" in
    dns) printf 000; exit 6 ;;
    x509) printf 000; exit 60 ;;
    000) printf 000; exit 7 ;;
    *) printf '%s' "$code" ;;
  esac
  exit 0
fi
src="$S/serve/$(basename "$url")"
[ -f "$src" ] || exit 22
cp "$src" "$out"`,
    gpg: `while [ $# -gt 0 ]; do [ "$1" = --output ] && echo keyring > "$2"; shift; done`,
    "apt-get": `
echo "$*" >> "$S/apt-get.calls"
for a in "$@"; do case "$a" in kubeadm=*) v="\${a#kubeadm=}"; echo "\${v%-*}" > "$S/packages-installed" ;; esac; done`,
    "apt-cache": `echo "   kubeadm | $(cat "$S/repo-version") | https://pkgs.k8s.io/core:/stable:/v1.36/deb  Packages"`,
    "apt-mark": `echo "$*" >> "$S/apt-mark.calls"`,
    // A dpkg database that reports half-configured packages while the flag file exists.
    dpkg: `
echo "$*" >> "$S/dpkg.calls"
case "$1" in
  --audit) if [ -e "$S/half-configured" ]; then echo "The following packages are only half configured: kubelet"; fi ;;
  --configure) rm -f "$S/half-configured" ;;
esac`,
    swapoff: "exit 0",
    modprobe: `echo "$*" >> "$S/modprobe.calls"`,
    sysctl: `echo "$*" >> "$S/sysctl.calls"`,
    logger: "exit 0",
    sleep: "exit 0",
};

/** Runs the rendered bootstrap scripts against a temp root with stubbed system commands. */
export class Sandbox {
    /** The fake host's root directory. */
    readonly root = mkdtempSync(join(tmpdir(), "kubeforge-sandbox-"));
    /** Where stubs record calls and read their instructions. */
    readonly stub = join(this.root, "stub");
    private readonly bin = join(this.root, "stub-bin");

    /**
     * @param b - the rendered bootstrap whose files are written under the root
     * @param i - the input it was rendered from (to re-render the env file with overrides)
     * @param envOverrides - env file values to replace (timeouts, checksums of test artefacts)
     */
    constructor(b: NodeBootstrap, i: BootstrapInput, envOverrides: Record<string, string> = {}) {
        mkdirSync(this.bin, { recursive: true });
        mkdirSync(join(this.stub, "serve"), { recursive: true });
        for (const f of b.files) this.write(f.path, f.content, parseInt(f.permissions, 8));
        this.setEnv(i, envOverrides);
        for (const [name, body] of Object.entries(STUBS)) {
            writeFileSync(join(this.bin, name), `#!/bin/bash\nS="$KUBEFORGE_ROOT/stub"\nTOKEN='${TOKEN}'\n${body}\n`);
            chmodSync(join(this.bin, name), 0o755);
        }
        this.endpoint("000");
    }

    /** Re-renders the env file with some values replaced. */
    setEnv(i: BootstrapInput, overrides: Record<string, string>): void {
        this.write("/etc/kubeforge/bootstrap.env", renderEnvFile({ ...envVars(i), ...overrides }), 0o644);
    }

    /** Writes a file under the root. */
    write(path: string, content: string | Buffer, mode = 0o644): void {
        const p = join(this.root, path);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, content);
        chmodSync(p, mode);
    }

    /** Sets the sequence of HTTP statuses the API endpoint answers. */
    endpoint(...codes: string[]): void {
        writeFileSync(join(this.stub, "endpoint"), `${codes.join("\n")}\n`);
    }

    /** Serves a download (by the URL's file name); returns its sha256. */
    serve(fileName: string, content: Buffer): string {
        writeFileSync(join(this.stub, "serve", fileName), content);
        return createHash("sha256").update(content).digest("hex");
    }

    /** Runs one script of /usr/local/lib/kubeforge with arguments. */
    run(script: string, ...args: string[]): { code: number; stderr: string } {
        const r = spawnSync("bash", [join(this.root, "usr/local/lib/kubeforge", script), ...args], {
            env: { PATH: `${this.bin}:${process.env.PATH}`, KUBEFORGE_ROOT: this.root, HOME: this.root, LC_ALL: "C" },
            timeout: 60_000,
        });
        return { code: r.status ?? -1, stderr: r.stderr.toString() };
    }

    /** Recorded calls of a stub, one line each. */
    calls(tool: string): string[] {
        const p = join(this.stub, `${tool}.calls`);
        return existsSync(p) ? readFileSync(p, "utf8").trim().split("\n") : [];
    }

    /** Reads a file under the root. */
    read(path: string): string {
        return readFileSync(join(this.root, path), "utf8");
    }

    /** Removes the root. */
    dispose(): void {
        rmSync(this.root, { recursive: true, force: true });
    }
}
