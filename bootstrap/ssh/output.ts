/**
 * What a command printed, kept for messages: the last few KB, redacted before they are cut, so a
 * secret that straddles the cut shows not even in part (see {@link Redactor.redactCut}).
 */
import type { Redactor } from "./redact";

/** Keeps the last `limit` characters of a stream, redacted. */
export class OutputTail {
    private raw = "";
    private cut = false;
    private readonly decoder = new TextDecoder("utf-8");
    private readonly limit: number;
    private readonly redactor: Redactor;
    /**
     * @param limit - characters kept for messages.
     * @param redactor - what must not show.
     */
    constructor(limit: number, redactor: Redactor) {
        this.limit = limit;
        this.redactor = redactor;
    }

    /** Adds a chunk (bytes as they came; a character split across chunks is joined). */
    push(chunk: Buffer): void {
        this.raw += this.decoder.decode(chunk, { stream: true });
        // Enough raw text that, once the start (where a cut secret may lie) is dropped, `limit` remain.
        const keep = this.limit + this.redactor.longest;
        if (this.raw.length > 2 * keep) {
            this.raw = this.raw.slice(this.raw.length - keep);
            this.cut = true;
        }
    }

    /**
     * The redacted tail.
     *
     * @param endCut - true when the stream did not end (a dropped connection): a secret may have been
     *   cut at the end too.
     */
    text(endCut = false): string {
        const redacted = this.redactor.redactCut(this.raw, { start: this.cut, end: endCut });
        // Cutting after redaction cannot show a secret: none is left in `redacted`.
        return redacted.length > this.limit ? `…${redacted.slice(redacted.length - this.limit)}` : redacted;
    }
}

/** A full capture of a small stream (stdout of a probe), capped; redacted when read. */
export class Capture {
    private readonly chunks: Buffer[] = [];
    private size = 0;
    private capped = false;
    private readonly cap: number;
    /** @param cap - bytes kept at most. */
    constructor(cap: number) {
        this.cap = cap;
    }
    /** Adds a chunk. */
    push(chunk: Buffer): void {
        if (this.size >= this.cap) {
            this.capped = true;
            return;
        }
        const part = chunk.length > this.cap - this.size ? chunk.subarray(0, this.cap - this.size) : chunk;
        this.capped ||= part.length < chunk.length;
        this.chunks.push(part);
        this.size += part.length;
    }
    /** The capture, redacted (and cut-safe at its end when it was capped). */
    text(redactor: Redactor): string {
        return redactor.redactCut(Buffer.concat(this.chunks).toString("utf8"), { end: this.capped });
    }
}
