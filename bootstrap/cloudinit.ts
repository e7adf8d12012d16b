/**
 * Cloud-init delivery of a {@link NodeBootstrap}: a `#cloud-config` document whose `write_files`
 * carry every file and whose `runcmd` runs the entry command, then gzipped as a whole (cloud-init
 * recognises gzip user data by its magic bytes).
 *
 * Files are written as plain text by default, not `gz+b64`: measured on an init master with real
 * ECDSA keys, gzipping each file and then the whole document gives 15.2 KB, while plain files under
 * one outer gzip give 11.7 KB (the outer gzip shares strings across files, and base64 of gzip does
 * not compress again). `gz+b64` stays available for deliveries that are not gzipped as a whole.
 */
import { gzipSync } from "node:zlib";
import type { BootstrapFile, NodeBootstrap } from "./types";
import { toYaml } from "./yaml";

/** AWS EC2's user data limit: 16 KB of raw (pre-base64) user data. */
export const AWS_USER_DATA_LIMIT_BYTES = 16 * 1024;

const NODE_MARKER = "# kubeforge node: ";

/** How file contents are written inside the cloud-config. */
export type CloudInitFileEncoding = "plain" | "gz+b64";

/** Options of {@link renderCloudInit}. */
export interface CloudInitOptions {
    /** `plain` (default: smallest once the whole user data is gzipped) or `gz+b64` per file. */
    fileEncoding?: CloudInitFileEncoding;
}

/**
 * The `#cloud-config` text for a Linux node.
 *
 * @param b - the node's bootstrap (files + command)
 * @param options - file encoding
 */
export function renderCloudInit(b: NodeBootstrap, options: CloudInitOptions = {}): string {
    if (b.powershell !== undefined) throw new Error(`node ${b.nodeName}: Windows nodes take PowerShell user data, not cloud-init`);
    const gz = options.fileEncoding === "gz+b64";
    // The document is `toYaml({ write_files, runcmd })`, written key by key and item by item so that
    // the items every node shares are emitted once per process (see writeFilesItem).
    let writeFiles = b.files.length === 0 ? "write_files: []\n" : WRITE_FILES_HEAD;
    for (const f of b.files) writeFiles += writeFilesItem(f, gz);
    // The bootstrap logs to the console itself; the exec form avoids any shell re-parsing.
    return `#cloud-config\n${NODE_MARKER}${b.nodeName}\n${writeFiles}${toYaml({ runcmd: [b.command] })}`;
}

const WRITE_FILES_HEAD = "write_files:\n";

/** `write_files` items already emitted, by file; only files that are not secret. */
const itemCache = new Map<string, string>();
/** Past this many items the cache starts over: a bound, not a policy (a cluster shares about 15). */
const ITEM_CACHE_MAX = 512;

/**
 * One `write_files` item as `toYaml` writes it inside the whole document: the library's own output
 * for a one-item list, less the key line. A block sequence's items are written independently of
 * each other (no anchors: every item is a fresh object), so the items joined under the key are the
 * whole list byte for byte; test/bootstrap/cloudinit.test.ts checks that against `toYaml` of the
 * whole document. Why: the scripts, containerd config and units are the same on every node and are
 * most of the text; emitting them once instead of once per node halved the user data rendering of a
 * 13-node cluster, and keeps the YAML library's code from running hot enough to be compiled again
 * by the optimizing JIT. Secret files (keys, tokens) are never kept.
 */
function writeFilesItem(f: BootstrapFile, gz: boolean): string {
    const key = gz || f.secret === true ? undefined : `${f.path}\0${f.permissions}\0${f.content}`;
    const cached = key === undefined ? undefined : itemCache.get(key);
    if (cached !== undefined) return cached;
    const item = {
        path: f.path,
        ...(gz
            ? { encoding: "gz+b64", content: gzipSync(Buffer.from(f.content, "utf8"), { level: 9 }).toString("base64") }
            : { content: f.content }),
        owner: "root:root",
        permissions: f.permissions,
    };
    const list = toYaml({ write_files: [item] });
    if (!list.startsWith(WRITE_FILES_HEAD))
        throw new Error(`internal: the YAML library wrote write_files as ${JSON.stringify(list.slice(0, 40))}`);
    const text = list.slice(WRITE_FILES_HEAD.length);
    if (key !== undefined) {
        if (itemCache.size >= ITEM_CACHE_MAX) itemCache.clear();
        itemCache.set(key, text);
    }
    return text;
}

/**
 * Gzips user data and checks it against a platform's limit. For cloud-init only: EC2 does not
 * decompress Windows (`<powershell>`) user data, so send that base64 of the plain text.
 *
 * @param text - user data (cloud-config or PowerShell)
 * @param limitBytes - largest size the platform accepts after compression; no check when absent
 * @param nodeName - node name for the error message; read from the cloud-config marker when absent
 * @returns the gzipped bytes in base64 and their count (the number the limit applies to)
 */
export function encodeUserData(text: string, limitBytes?: number, nodeName?: string): { base64: string; bytes: number } {
    const raw = Buffer.from(text, "utf8");
    // zlib's default level: on a worker's 30 KB cloud-config, level 9 takes 4x as long (1.5 ms a node)
    // to save 0.5% (about 50 bytes). Level 9 is tried only when the default misses the limit.
    let gz = gzipSync(raw);
    if (limitBytes !== undefined && gz.length > limitBytes) gz = gzipSync(raw, { level: 9 });
    if (limitBytes !== undefined && gz.length > limitBytes) {
        const name = nodeName ?? /^# kubeforge node: (\S+)$/m.exec(text)?.[1] ?? "(unnamed node)";
        throw new Error(
            `user data for node ${name} is ${gz.length} bytes after gzip, over the platform's limit of ${limitBytes} bytes; ` +
                `move large platform files out of the bootstrap (e.g. fetch them at boot) or use fewer extra SANs/files`,
        );
    }
    return { base64: gz.toString("base64"), bytes: gz.length };
}
