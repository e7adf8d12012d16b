/**
 * The core's side of user-data delivery: turns a rendered {@link NodeBootstrap} into exactly what a
 * platform declared ({@link DeliveryForm}), and checks it against the declared limit where the
 * provider measures it. Platforms never encode user data themselves. Pure (node:zlib only).
 */
import { gzipSync } from "node:zlib";
import { renderCloudInit } from "../../bootstrap/cloudinit";
import type { NodeBootstrap } from "../../bootstrap/types";
import { toYaml } from "../../bootstrap/yaml";
import type { NodePlan } from "../core/types";
import type { Delivery, DeliveryForm, SizeLimit } from "../platform";

/** A user-data form (every form but SSH). */
export type UserDataForm = Exclude<DeliveryForm, { format: "ssh" }>;

/**
 * The form a node's bootstrap takes on a platform: by the node's operating system.
 *
 * @param delivery - the platform's declaration
 * @param node - the node
 * @throws Error when the platform declares no Windows delivery and the node is Windows (config checks
 *   reject that earlier; reaching here is a bug)
 */
export function formFor(delivery: Delivery, node: Pick<NodePlan, "name" | "os">): DeliveryForm {
    if (node.os !== "windows") return delivery.linux;
    if (!delivery.windows) throw new Error(`node ${node.name} is Windows, but the platform declares no Windows delivery`);
    return delivery.windows;
}

/** The EC2 wrapper lines the Windows renderer writes around the script. */
const EC2_OPEN = "<powershell>\n";
const EC2_CLOSE = /\n<\/powershell>\n<persist>true<\/persist>\n?$/;

/**
 * The text a machine receives for `form`, before encoding: the `#cloud-config` document, or the
 * PowerShell script with or without EC2's `<powershell>` tags.
 *
 * @param bootstrap - the node's rendered bootstrap
 * @param form - the declared form
 */
export function formatBootstrap(bootstrap: NodeBootstrap, form: UserDataForm): string {
    if (form.format === "cloud-config") {
        const extra = form.extraKeys && Object.keys(form.extraKeys).length > 0 ? toYaml(form.extraKeys) : "";
        return renderCloudInit(bootstrap, { fileEncoding: form.fileEncoding }) + extra;
    }
    if (bootstrap.powershell === undefined) {
        throw new Error(`node ${bootstrap.nodeName}: a Windows machine needs a PowerShell bootstrap, but the rendering has none`);
    }
    if (form.wrapper === "ec2-tags") return bootstrap.powershell;
    const text = bootstrap.powershell;
    return text.startsWith(EC2_OPEN) ? text.slice(EC2_OPEN.length).replace(EC2_CLOSE, "\n") : text;
}

/** An encoded value and the sizes the limits may count. */
export interface EncodedUserData {
    /** The value for the machine resource. */
    value: string;
    /** Size of the text, in bytes. */
    textBytes: number;
    /** Size after gzip, when gzipped. */
    compressedBytes?: number;
    /** Size of the value as sent. */
    encodedBytes: number;
}

function measured(encoded: EncodedUserData, limit: SizeLimit): number {
    if (limit.measured === "text") return encoded.textBytes;
    if (limit.measured === "compressed") return encoded.compressedBytes ?? encoded.textBytes;
    return encoded.encodedBytes;
}

/**
 * Encodes `text` as `form` declares and checks the declared limit.
 *
 * @param text - the formatted text ({@link formatBootstrap})
 * @param form - the declared form
 * @param nodeName - the node, for the error message
 * @throws Error naming the node, the size and the limit when the value is too large
 */
export function encodeForDelivery(text: string, form: UserDataForm, nodeName: string): EncodedUserData {
    const raw = Buffer.from(text, "utf8");
    const gzip = form.format === "cloud-config" && form.encoding === "gzip+base64";
    let encoded: EncodedUserData;
    if (gzip) {
        // zlib's default level first: level 9 costs 4x the time for ~0.5%; tried only when the default misses.
        let gz = gzipSync(raw);
        const tooBig = (g: Buffer) =>
            form.limit !== undefined &&
            measured({ value: "", textBytes: raw.length, compressedBytes: g.length, encodedBytes: base64Length(g.length) }, form.limit) >
                form.limit.bytes;
        if (tooBig(gz)) gz = gzipSync(raw, { level: 9 });
        const value = gz.toString("base64");
        encoded = { value, textBytes: raw.length, compressedBytes: gz.length, encodedBytes: value.length };
    } else if (form.encoding === "base64") {
        const value = raw.toString("base64");
        encoded = { value, textBytes: raw.length, encodedBytes: value.length };
    } else {
        encoded = { value: text, textBytes: raw.length, encodedBytes: raw.length };
    }
    if (form.limit && measured(encoded, form.limit) > form.limit.bytes) {
        const what = { text: "as text", compressed: "after gzip", encoded: "as sent" }[form.limit.measured];
        const hint =
            form.format === "powershell"
                ? "PowerShell user data cannot be gzipped; shorten the bootstrap (fewer labels, taints or platform files)"
                : gzip
                  ? "move large platform files out of the bootstrap (e.g. fetch them at boot) or use fewer extra SANs/files"
                  : form.format === "cloud-config" && form.fileEncoding === "gz+b64"
                    ? "its files are already gzipped and the platform takes the document itself uncompressed; use fewer labels, taints, extra SANs or platform files"
                    : "this platform takes the document uncompressed; use fewer labels, taints, extra SANs or platform files";
        throw new Error(
            `user data for node ${nodeName} is ${measured(encoded, form.limit)} bytes ${what}, over the platform's limit of ${form.limit.bytes} bytes; ${hint}`,
        );
    }
    return encoded;
}

/** Length of the base64 text of `n` bytes. */
export function base64Length(n: number): number {
    return 4 * Math.ceil(n / 3);
}
