/**
 * The files of the batches the centre received: one file per batch, the photos and signatures one after another, each
 * piece encrypted on its own (nonce | ciphertext | GCM tag; AES-256-GCM, a fresh nonce, the batch, entry and kind as
 * additional data) so one photo is read back by its offset without the rest, and a piece is encrypted as it streams
 * in. An upload is written to `<id>-<random>.part`, synced, and renamed to `.bin` only once every piece matched its
 * manifest; a refused upload leaves nothing.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir, loadOrCreateKey } from '../platform/files.ts';

const NONCE = 12;
const TAG = 16;
const FLUSH_BYTES = 4 << 20;

export interface PieceAt {
  offset: number;
  length: number;
}

/** A piece being appended: its bytes go through as they arrive; end() tells where it is, to read it back. */
export interface PieceWriter {
  update(chunk: Buffer): void;
  end(): Promise<PieceAt>;
}

export interface BatchContentWriter {
  /** Starts a piece (encrypted on its own, under this label). One piece at a time. */
  begin(label: string): PieceWriter;
  /** Syncs and renames the file to its final name; answers that name. */
  commit(): Promise<string>;
  abort(): Promise<void>;
}

export interface BatchContentStore {
  /** A new file for an upload of this batch (each upload its own: two of the same batch never share one). */
  writer(batchId: string): Promise<BatchContentWriter>;
  read(file: string, at: PieceAt, label: string): Promise<Buffer>;
  /** Removes a committed file no batch row points at (an upload that lost to another of the same batch). */
  remove(file: string): Promise<void>;
}

export async function batchContentStore(dir: string, keyFile: string): Promise<BatchContentStore> {
  await mkdir(dir, { recursive: true });
  // Never replaced while batches encrypted with it exist.
  const key = await loadOrCreateKey(keyFile, async () => (await readdir(dir)).some((name) => name.endsWith('.bin')));
  return {
    async writer(batchId) {
      const name = `${batchId}-${randomBytes(6).toString('hex')}`;
      const partFile = path.join(dir, `${name}.part`);
      const handle: FileHandle = await open(partFile, 'w', 0o600);
      let position = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async () => {
        if (!pendingBytes) return;
        const chunks = pending;
        pending = [];
        pendingBytes = 0;
        await handle.writev(chunks);
      };
      let closed = false;
      const close = async () => {
        if (!closed) {
          closed = true;
          await handle.close();
        }
      };
      return {
        begin(label) {
          const nonce = randomBytes(NONCE);
          const cipher = createCipheriv('aes-256-gcm', key, nonce);
          cipher.setAAD(Buffer.from(label));
          const offset = position;
          const push = (b: Buffer) => {
            if (!b.length) return;
            pending.push(b);
            pendingBytes += b.length;
            position += b.length;
          };
          push(nonce);
          return {
            update: (chunk) => push(cipher.update(chunk)),
            async end() {
              push(cipher.final());
              push(cipher.getAuthTag());
              const at = { offset, length: position - offset };
              if (pendingBytes >= FLUSH_BYTES) await flush();
              return at;
            },
          };
        },
        async commit() {
          await flush();
          await handle.sync();
          await close();
          await rename(partFile, path.join(dir, `${name}.bin`));
          await fsyncDir(dir);
          return `${name}.bin`;
        },
        async abort() {
          await close();
          await unlink(partFile).catch(() => undefined);
        },
      };
    },
    async remove(file) {
      await unlink(path.join(dir, path.basename(file))).catch(() => undefined);
    },
    async read(file, at, label) {
      const handle = await open(path.join(dir, path.basename(file)), 'r');
      try {
        const buffer = Buffer.alloc(at.length);
        await handle.read(buffer, 0, at.length, at.offset);
        const decipher = createDecipheriv('aes-256-gcm', key, buffer.subarray(0, NONCE));
        decipher.setAAD(Buffer.from(label));
        decipher.setAuthTag(buffer.subarray(at.length - TAG));
        return Buffer.concat([decipher.update(buffer.subarray(NONCE, at.length - TAG)), decipher.final()]);
      } finally {
        await handle.close();
      }
    },
  };
}

/** The label a piece is encrypted under: which batch, which entry, which kind. */
export const pieceLabel = (batchId: string, seq: number, kind: 'data' | 'photo' | 'signature') => `${batchId}:${seq}:${kind}`;
