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
