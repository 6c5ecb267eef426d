import { PassThrough, type Readable } from 'node:stream';

/**
 * A readable that `write` fills, for a download answered while it is produced: a failure of the writer ends the
 * stream with that error (the client sees a broken download, never a truncated file taken for whole).
 */
export function streamed(write: (out: NodeJS.WritableStream) => Promise<void>): Readable {
  const out = new PassThrough();
  write(out).catch((error: Error) => out.destroy(error));
  return out;
}

/** Everything `write` writes, as one buffer (a small file made in memory: a report to archive, a test's output). */
export async function bytesOf(write: (out: NodeJS.WritableStream) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await write(out);
  return Buffer.concat(chunks);
}

/**
 * Reads a byte stream in pieces of known length (framed uploads): `exactly(n)` resolves with the next n bytes, or
 * undefined if the stream ends first; `atEnd()` tells whether nothing follows.
 */
export class FramedReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer[] = [];
  private buffered = 0;
  private ended = false;

  constructor(source: AsyncIterable<Buffer | Uint8Array>) {
    const iterator = source[Symbol.asyncIterator]();
    this.chunks = {
      next: async () => {
        const r = await iterator.next();
        return r.done ? r : { done: false, value: Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value) };
      },
    };
  }

  private async fill(n: number): Promise<boolean> {
    while (this.buffered < n && !this.ended) {
      const r = await this.chunks.next();
      if (r.done) this.ended = true;
      else if (r.value.length) {
        this.pending.push(r.value);
        this.buffered += r.value.length;
      }
    }
    return this.buffered >= n;
  }

  async exactly(n: number): Promise<Buffer | undefined> {
    if (!(await this.fill(n))) return undefined;
    let out: Buffer;
    const first = this.pending[0]!;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.pending.shift();
      else this.pending[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const chunk = this.pending[0]!;
        const take = Math.min(chunk.length, n - at);
        chunk.copy(out, at, 0, take);
        at += take;
        if (take === chunk.length) this.pending.shift();
        else this.pending[0] = chunk.subarray(take);
      }
    }
    this.buffered -= n;
    return out;
  }

  /** Passes the next n bytes to `each` as they come (no copy); false if the stream ends first. */
  async through(n: number, each: (chunk: Buffer) => void): Promise<boolean> {
    let left = n;
    while (left > 0) {
      if (!this.pending.length && !(await this.fill(1))) return false;
      const chunk = this.pending[0]!;
      const take = Math.min(chunk.length, left);
      each(take === chunk.length ? chunk : chunk.subarray(0, take));
      if (take === chunk.length) this.pending.shift();
      else this.pending[0] = chunk.subarray(take);
      this.buffered -= take;
      left -= take;
    }
    return true;
  }

  async uint32(): Promise<number | undefined> {
    return (await this.exactly(4))?.readUInt32BE(0);
  }

  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  /** Reads and drops the rest (a refused upload is read to its end so the client gets the answer). */
  async drain(): Promise<void> {
    this.pending = [];
    this.buffered = 0;
    while (!this.ended) if ((await this.chunks.next()).done) this.ended = true;
  }
}
