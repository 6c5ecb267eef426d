/**
 * The files of the batches the centre received: one file per batch, the photos and signatures one after another, each
 * piece encrypted on its own (AES-256-GCM, a fresh nonce, the batch, entry and kind as additional data) so one photo
 * is read back by its offset without the rest. A batch is written to `<id>.part`, synced, and renamed to `<id>.bin`
 * only once every piece matched its manifest; a refused batch leaves nothing.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createOnce, fsyncDir } from '../platform/files.ts';

const NONCE = 12;
const TAG = 16;
const FLUSH_BYTES = 4 << 20;

export interface PieceAt {
  offset: number;
  length: number;
}

export interface BatchContentWriter {
  /** Encrypts and appends a piece; where it is, to read it back. */
  append(piece: Buffer, label: string): Promise<PieceAt>;
  /** Syncs and renames the file to its final name; answers that name. */
  commit(): Promise<string>;
  abort(): Promise<void>;
}

export interface BatchContentStore {
  writer(batchId: string): Promise<BatchContentWriter>;
  read(file: string, at: PieceAt, label: string): Promise<Buffer>;
}

export async function batchContentStore(dir: string, keyFile: string): Promise<BatchContentStore> {
  await mkdir(dir, { recursive: true });
  const key = await loadKey(dir, keyFile);
  return {
    async writer(batchId) {
      const partFile = path.join(dir, `${batchId}.part`);
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
        async append(piece, label) {
          const nonce = randomBytes(NONCE);
          const cipher = createCipheriv('aes-256-gcm', key, nonce);
          cipher.setAAD(Buffer.from(label));
          const body = Buffer.concat([cipher.update(piece), cipher.final()]);
          const at = { offset: position, length: NONCE + TAG + body.length };
          pending.push(nonce, cipher.getAuthTag(), body);
          pendingBytes += at.length;
          position += at.length;
          if (pendingBytes >= FLUSH_BYTES) await flush();
          return at;
        },
        async commit() {
          await flush();
          await handle.sync();
          await close();
          const name = `${batchId}.bin`;
          await rename(partFile, path.join(dir, name));
          await fsyncDir(dir);
          return name;
        },
        async abort() {
          await close();
          await unlink(partFile).catch(() => undefined);
        },
      };
    },
    async read(file, at, label) {
      const handle = await open(path.join(dir, path.basename(file)), 'r');
      try {
        const buffer = Buffer.alloc(at.length);
        await handle.read(buffer, 0, at.length, at.offset);
        const decipher = createDecipheriv('aes-256-gcm', key, buffer.subarray(0, NONCE));
        decipher.setAAD(Buffer.from(label));
        decipher.setAuthTag(buffer.subarray(NONCE, NONCE + TAG));
        return Buffer.concat([decipher.update(buffer.subarray(NONCE + TAG)), decipher.final()]);
      } finally {
        await handle.close();
      }
    },
  };
}

/** The store's key; created with the store, and never silently replaced while batches encrypted with it exist. */
async function loadKey(dir: string, keyFile: string): Promise<Buffer> {
  const parse = (text: string) => {
    const key = Buffer.from(text.trim(), 'base64');
    if (key.length !== 32) throw new Error(`Key file ${keyFile} does not hold a base64 32-byte key`);
    return key;
  };
  try {
    return parse(await readFile(keyFile, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if ((await readdir(dir)).some((name) => name.endsWith('.bin'))) throw new Error(`Key file ${keyFile} is missing but ${dir} holds encrypted batches`);
  await createOnce(keyFile, Buffer.from(`${randomBytes(32).toString('base64')}\n`));
  return parse(await readFile(keyFile, 'utf8'));
}

/** The label a piece is encrypted under: which batch, which entry, which kind. */
export const pieceLabel = (batchId: string, seq: number, kind: 'data' | 'photo' | 'signature') => `${batchId}:${seq}:${kind}`;
