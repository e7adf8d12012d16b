/**
 * The shipped stacks as the real tools see them: each stack's program is run in a child process
 * (renderStack.ts) and the kubeadm documents of its nodes are written to a temp folder the way the
 * node's bootstrap script would write them (placeholders filled with the node's facts), with the node
 * layout re-rooted under that folder so kubeadm finds the files it checks (the discovery kubeconfig).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { DISCOVERY_KUBECONFIG, KUBEADM_DIR, PLACEHOLDERS } from "../../bootstrap/layout";
import { shippedStacks, stackConfigPath } from "../../stacks/plan/stackConfig";
import { ISOLATED_NODE_IP } from "./exec";
import { REPO_ROOT } from "./toolchain";
import type { RenderedNode, RenderedStack } from "./renderStack";

export type { RenderedNode, RenderedStack };

/** How a node runs kubeadm (bootstrap/render.ts `bootstrapMode`). */
export type Mode = "init" | "control-plane" | "worker";

/** The mode of a rendered node. */
export function modeOf(n: RenderedNode): Mode {
    if (n.node.role === "worker") return "worker";
    return n.node.initNode ? "init" : "control-plane";
}

/** Runs one stack's program in a child process and returns what it rendered. */
export function renderShippedStack(stack: string): Promise<RenderedStack> {
    return new Promise((resolve, reject) => {
        execFile(
            process.execPath,
            ["--import", "tsx", path.join(__dirname, "renderStack.ts"), stackConfigPath(stack)],
            { cwd: REPO_ROOT, maxBuffer: 256 * 1024 * 1024 },
            (err, stdout, stderr) => {
                if (err) {
                    reject(new Error(`stack ${stack}: the program did not run under mocks:\n${String(stderr).slice(-4000)}`));
                    return;
                }
                try {
                    resolve(JSON.parse(String(stdout)) as RenderedStack);
                } catch (parseError) {
                    reject(new Error(`stack ${stack}: unreadable output of renderStack.ts: ${(parseError as Error).message}`));
                }
            },
        );
    });
}

/** Every shipped stack rendered, two at a time (2 cores). */
export async function renderAllStacks(): Promise<RenderedStack[]> {
    const names = shippedStacks();
    const out: RenderedStack[] = new Array<RenderedStack>(names.length);
    let next = 0;
    const worker = async () => {
        while (next < names.length) {
            const i = next++;
            out[i] = await renderShippedStack(names[i]);
        }
    };
    await Promise.all([worker(), worker()]);
    return out;
}

/** One node of each kind a stack has: the init master, a joining master, the first node of each worker pool (Linux). */
export function representativeNodes(stack: RenderedStack): RenderedNode[] {
    const seen = new Set<string>();
    return stack.nodes.filter((n) => {
        if (n.node.os !== "linux") return false;
        const key = `${modeOf(n)}/${n.node.pool}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
}

/** The content of a bootstrap file, or an error naming the node. */
export function fileOf(n: RenderedNode, filePath: string): string {
    const f = n.bootstrap.files.find((x) => x.path === filePath);
    if (!f) throw new Error(`node ${n.node.name}: its bootstrap has no ${filePath}`);
    return f.content;
}

/** Facts the bootstrap script finds at boot, as it substitutes them (bootstrap/scripts/kubeadm.sh). */
export interface NodeFacts {
    nodeName: string;
    providerId: string;
    nodeIp: string;
}

/** Fills the placeholders the way `render_config` in kubeadm.sh does. */
export function fillPlaceholders(text: string, facts: NodeFacts): string {
    return text
        .split(PLACEHOLDERS.nodeName)
        .join(facts.nodeName)
        .split(PLACEHOLDERS.providerId)
        .join(facts.providerId)
        .split(PLACEHOLDERS.nodeIp)
        .join(facts.nodeIp);
}

/** Facts for a node: its own name, a provider id, the address it has in kubeadm's private network namespace. */
export function testFacts(stack: RenderedStack, n: RenderedNode, nodeIp = ISOLATED_NODE_IP): NodeFacts {
    return { nodeName: n.node.name, providerId: `kubeforge://${stack.platform}/${n.node.name}`, nodeIp };
}

type Doc = Record<string, unknown>;

/** Parses a YAML stream (YAML 1.1, as Kubernetes reads it). */
export function parseDocs(text: string): Doc[] {
    return parseAllDocuments(text, { version: "1.1" }).map((d) => d.toJS() as Doc);
}

/** Writes documents back as a YAML stream. */
export function stringifyDocs(docs: Doc[]): string {
    return docs.map((d) => stringify(d, { version: "1.1" })).join("---\n");
}

/** The document of `kind` in a stream. */
export function docOf(docs: Doc[], kind: string): Doc {
    const d = docs.find((x) => x.kind === kind);
    if (!d) throw new Error(`no ${kind} document among ${docs.map((x) => String(x.kind)).join(", ")}`);
    return d;
}

/** Where one node's kubeadm files were written. */
export interface NodeConfigFiles {
    /** `init.yaml` for the init master, else `join.yaml`, placeholders filled. */
    config: string;
    /** The discovery kubeconfig (joins point at it). */
    discovery: string;
}

/**
 * Writes a node's kubeadm config as the bootstrap script would hand it to kubeadm, into `dir`. The
 * discovery kubeconfig path is the node's, re-rooted under `dir` (kubeadm checks that it exists);
 * `edit` may change the parsed documents (then written back re-serialised) (loopback endpoints, a temp certificatesDir).
 */
export function writeNodeConfig(stack: RenderedStack, n: RenderedNode, dir: string, edit?: (docs: Doc[]) => void): NodeConfigFiles {
    fs.mkdirSync(dir, { recursive: true });
    const facts = testFacts(stack, n);
    const discovery = path.join(dir, "discovery.kubeconfig");
    fs.writeFileSync(discovery, fileOf(n, DISCOVERY_KUBECONFIG));
    const action = modeOf(n) === "init" ? "init" : "join";
    // The rendered text itself, not a re-serialisation: kubeadm judges our bytes (quoting, YAML 1.1 traps).
    const text = fillPlaceholders(fileOf(n, `${KUBEADM_DIR}/${action}.yaml`), facts)
        .split(DISCOVERY_KUBECONFIG)
        .join(discovery);
    let out = text;
    if (edit) {
        const docs = parseDocs(text);
        edit(docs);
        out = stringifyDocs(docs);
    }
    const config = path.join(dir, `${action}.yaml`);
    fs.writeFileSync(config, out, { mode: 0o600 });
    return { config, discovery };
}
