import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import fs, { readFile as readFileWithCallback } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { ThreadClient } from './thread-client.ts';

const readFileCallback = promisify(readFileWithCallback);

/**
 * Photos and signatures live as files outside the rows (issue 5), behind this interface. A reference is opaque to
 * callers; what is stored is encrypted at rest and never logged.
 */
export interface StoredFile {
  /** Opaque reference to keep in the row. */
  ref: string;
  /** SHA-256 of the plain content, hex: lets a replayed submission be recognised as the same file. */
  sha256: string;
  bytes: number;
}

export interface FileStore {
  /** Durably stores the content (written and synced before it resolves). */
  put(kind: 'photo' | 'signature' | 'scan', content: Buffer): Promise<StoredFile>;
  get(ref: string): Promise<Buffer>;
  /** Several at once, in the order asked, read off the event loop (a batch to the centre reads 200,000). */
  getMany(refs: readonly string[]): Promise<Buffer[]>;
  delete(ref: string): Promise<void>;
  /**
   * Refs of the files last written before `before`, kind by kind; leftovers of writes a crash interrupted (temporary
   * files) older than that are removed on the way.
   */
  listOlderThan(before: Date): AsyncIterable<string>;
}

// ---------------------------------------------------------------------------------------------------------------------
// Encrypted store on the local disk.
//
// Layout: `dir/<kind>/<2 hex>/<ref>`, ref = `<kind>-<2 hex shard><30 random hex>` (never derived from the content).
// The shard turns with the clock (a new one every second, round the 256), so files written together share their
// directory and its sync (below), and over days the files spread evenly.
// A file is: version (1 byte) | nonce (12 bytes) | GCM tag (16 bytes) | ciphertext. AES-256-GCM, a fresh random nonce
// per file, the ref as additional authenticated data (a file copied under another ref does not decrypt).
// A put creates the file under its ref (exclusively), writes it, and fsyncs it and its directory at once: once put
// resolves the file survives a crash. A ref is handed out only then, so a file a crash cut short is one nobody names
// (the sweep removes it). Concurrent puts in one directory share its fsync (group commit, decision 0015). Files
// named `.tmp` are leftovers of the earlier way (a temporary file renamed), removed by listOlderThan.

type FileKind = 'photo' | 'signature' | 'scan';

const KINDS: readonly FileKind[] = ['photo', 'signature', 'scan'];
const REF = /^(photo|signature|scan)-([0-9a-f]{32})$/;
const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES + TAG_BYTES;
const KEY_BYTES = 32;

/** Why a file store operation failed. Infrastructure codes (not user messages): a caller maps them, or they are internal. */
export type FileStoreErrorCode = 'file.bad_ref' | 'file.not_found' | 'file.corrupt' | 'file.bad_key';

/** A file store failure; the message never contains file contents. */
export class FileStoreError extends Error {
  constructor(
    readonly code: FileStoreErrorCode,
    message: string,
    /** The file it is about, when there is one. */
    readonly ref?: string,
  ) {
    super(message);
    this.name = 'FileStoreError';
  }
}

function isErrno(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// The write path uses fs's callback API on plain descriptors: the promise API's FileHandle objects cost the event loop
// about twice as much per call, and a put makes several calls.
const openFd = promisify(fs.open);
const writevFd = promisify(fs.writev);
const closeFd = promisify(fs.close);
const fsyncFd = promisify(fs.fsync);
const fdatasyncFd = promisify(fs.fdatasync);

/** How long a directory's descriptor stays open after its last sync (files written together share their shard). */
const DIRECTORY_IDLE_MS = 2000;

/**
 * fsync of a directory shared by concurrent callers: one sync covers every entry made before it started. A caller that
 * finds a sync running (which may have started before its own entry was made) waits for the next one, shared with the
 * other callers that came meanwhile — under load one sync per directory serves many puts. The directory stays open
 * while it is in use (a sync is one call, not open, sync and close) and is closed when idle.
 */
function sharedDirectorySync(): (dir: string) => Promise<void> {
  type Directory = { fd: Promise<number>; users: number; idle?: NodeJS.Timeout; done?: Promise<void>; next?: Promise<void> };
  const open = new Map<string, Directory>();
  const forget = (dir: string, entry: Directory) => {
    if (open.get(dir) === entry) open.delete(dir);
  };
  const acquire = (dir: string): Directory => {
    let entry = open.get(dir);
    if (!entry) {
      entry = { fd: openFd(dir, 'r'), users: 0 };
      // A directory that cannot be opened is tried afresh by the next caller.
      const opened = entry;
      opened.fd.catch(() => forget(dir, opened));
      open.set(dir, entry);
    }
    clearTimeout(entry.idle);
    entry.users++;
    return entry;
  };
  const release = (dir: string, entry: Directory) => {
    if (--entry.users > 0) return;
    entry.idle = setTimeout(() => {
      forget(dir, entry);
      void entry.fd.then(closeFd).catch(() => undefined);
    }, DIRECTORY_IDLE_MS).unref();
  };
  const start = (entry: Directory): Promise<void> => {
    const done: Promise<void> = entry.fd.then(fsyncFd).finally(() => {
      if (entry.done === done) entry.done = undefined;
    });
    entry.done = done;
    entry.next = undefined;
    return done;
  };
  return async (dir) => {
    const entry = acquire(dir);
    try {
      if (!entry.done) await start(entry);
      else await (entry.next ??= entry.done.catch(() => undefined).then(() => start(entry)));
    } finally {
      release(dir, entry);
    }
  };
}

/**
 * Writes `chunks` to a new file `file` (mode 0600) and syncs its data; fails if `file` exists. `alongside` (a
 * directory's sync) starts once the file exists and runs with the write; both must succeed. A file this call created is
 * removed when anything fails.
 */
async function writeSynced(file: string, chunks: Buffer[], alongside?: () => Promise<void>): Promise<void> {
  const fd = await openFd(file, 'wx', 0o600);
  const other = alongside?.();
  // Its failure is taken below, after the write; until then it must not count as unhandled (Node would exit).
  other?.catch(() => undefined);
  try {
    try {
      let written = 0;
      const total = chunks.reduce((n, c) => n + c.length, 0);
      // writev may write less than asked (a signal, a full disk): go on from where it stopped.
      while (written < total) written += (await writevFd(fd, remaining(chunks, written))).bytesWritten;
      // The data and the size that reaches it (a new file's): what reading it back needs.
      await fdatasyncFd(fd);
    } finally {
      await closeFd(fd);
    }
    await other;
  } catch (error) {
    await other?.catch(() => undefined);
    await unlink(file).catch(() => undefined);
    throw error;
  }
}

/** The chunks' bytes from `offset` on. */
function remaining(chunks: Buffer[], offset: number): Buffer[] {
  const rest: Buffer[] = [];
  for (const chunk of chunks) {
    if (offset >= chunk.length) offset -= chunk.length;
    else {
      rest.push(offset > 0 ? chunk.subarray(offset) : chunk);
      offset = 0;
    }
  }
  return rest;
}

async function hasStoredFiles(dir: string): Promise<boolean> {
  const entries = async (d: string) => readdir(d).catch((error: unknown) => (isErrno(error, 'ENOENT') ? [] : Promise.reject(error)));
  for (const kind of KINDS) {
    for (const shard of await entries(path.join(dir, kind))) {
      if ((await entries(path.join(dir, kind, shard))).length > 0) return true;
    }
  }
  return false;
}

/**
 * The 32-byte key in `keyFile` (base64 text). A missing key file is created (mode 0600, random key) atomically:
 * written and synced under a temporary name, then hard-linked to its name, so concurrent starts agree on one key and
 * a crash never leaves a partial key. Refuses to create a key when `dir` already holds files (they would be lost).
 */
/**
 * The 32-byte key in `keyFile`, created if missing — unless `holdsEncrypted()` says data encrypted with a lost key is
 * there (a new key would silently make it unreadable).
 */
export async function loadOrCreateKey(keyFile: string, holdsEncrypted: () => Promise<boolean>): Promise<Buffer> {
  try {
    return parseKey(await readFile(keyFile, 'utf8'), keyFile);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
  if (await holdsEncrypted()) {
    throw new FileStoreError('file.bad_key', `Key file ${keyFile} is missing but encrypted data needing it exists`);
  }
  await createOnce(keyFile, Buffer.from(`${randomBytes(KEY_BYTES).toString('base64')}\n`));
  return parseKey(await readFile(keyFile, 'utf8'), keyFile);
}

/**
 * Creates a file durably with this content unless it exists (keys: the first process to create one wins, the others
 * use it). Readable by the owner only. The caller reads the file back to get whichever content won.
 */
export async function createOnce(file: string, content: Buffer): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  await mkdir(dir, { recursive: true });
  const temp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  await writeSynced(temp, [content]);
  try {
    await link(temp, file);
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error; // another process created it first: use theirs
  } finally {
    await unlink(temp);
  }
  await fsyncDir(dir);
}

function parseKey(text: string, keyFile: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== text.trim()) {
    throw new FileStoreError('file.bad_key', `Key file ${keyFile} does not hold a base64 ${KEY_BYTES}-byte key`);
  }
  return key;
}

/** Path of a ref's file; anything that is not a well-formed ref (e.g. `../x`) is refused. */
function locate(dir: string, ref: string): { file: string; shard: string } {
  const match = typeof ref === 'string' ? REF.exec(ref) : null;
  if (!match) throw new FileStoreError('file.bad_ref', 'Malformed file reference');
  const shard = path.join(dir, match[1]!, match[2]!.slice(0, 2));
  return { file: path.join(shard, ref), shard };
}

function aad(ref: string): Buffer {
  return Buffer.from(`doithe-file:${VERSION}:${ref}`);
}

/**
 * Creates every `<kind>/<2 hex>` directory up front and syncs their parents, so that a put only has to sync its own
 * file and shard directory (no put depends on another's directory creation being durable).
 */
async function ensureLayout(root: string): Promise<void> {
  const shards = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
  for (const kind of KINDS) {
    await Promise.all(shards.map((shard) => mkdir(path.join(root, kind, shard), { recursive: true })));
    await fsyncDir(path.join(root, kind));
  }
  await fsyncDir(root);
  await fsyncDir(path.dirname(root));
}

type ReadResult = Uint8Array | { code: string; message: string };

/**
 * Files read in a thread of its own with plain synchronous reads, many per message: a file costs the event loop one
 * share of a message instead of four round trips to libuv's pool (open, stat, read, close: ~65 µs of the main thread
 * each file). The bytes are moved back, not copied, when they have a buffer of their own. The thread ends when idle.
 */
const bulkReader = () => new ThreadClient<{ paths: readonly string[] }, ReadResult[]>(() => new Worker(BULK_READER_SOURCE, { eval: true }), 'file reader', 30_000);

const BULK_READER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
parentPort.on('message', ({ id, paths }) => {
  const results = paths.map((p) => {
    try {
      return readFileSync(p);
    } catch (error) {
      return { code: error.code || 'EIO', message: String(error.message) };
    }
  });
  // Only buffers that own their memory are moved (a small file may sit in a shared pool: that one is copied).
  const moved = new Set();
  for (const r of results) if (r instanceof Uint8Array && r.byteOffset === 0 && r.buffer.byteLength === r.byteLength) moved.add(r.buffer);
  parentPort.postMessage({ id, result: results }, [...moved]);
});
`;

/** A FileStore under `dir`, encrypted with the key in `keyFile` (created if missing). */
export async function encryptedFileStore(dir: string, keyFile: string): Promise<FileStore> {
  const root = path.resolve(dir);
  const key = await loadOrCreateKey(keyFile, () => hasStoredFiles(root));
  await ensureLayout(root);
  const syncDir = sharedDirectorySync();
  const reader = bulkReader();

  const decrypt = (ref: string, stored: Buffer): Buffer => {
    if (stored.length < HEADER_BYTES || stored[0] !== VERSION) {
      throw new FileStoreError('file.corrupt', `Stored file ${ref} has an unknown format`, ref);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, stored.subarray(1, 1 + NONCE_BYTES));
    decipher.setAAD(aad(ref));
    decipher.setAuthTag(stored.subarray(1 + NONCE_BYTES, HEADER_BYTES));
    try {
      return Buffer.concat([decipher.update(stored.subarray(HEADER_BYTES)), decipher.final()]);
    } catch {
      throw new FileStoreError('file.corrupt', `Stored file ${ref} failed authentication (altered, or another key)`, ref);
    }
  };

  return {
    async put(kind, content) {
      if (!KINDS.includes(kind)) throw new FileStoreError('file.bad_ref', 'Unknown file kind');
      const turn = (Math.floor(Date.now() / 1000) % 256).toString(16).padStart(2, '0');
      const ref = `${kind}-${turn}${randomBytes(15).toString('hex')}`;
      const { file, shard } = locate(root, ref);

      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(aad(ref));
      const ciphertext = [cipher.update(content), cipher.final()];
      const header = Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag()]);

      // Written under its own name, created exclusively (a ref is never reused), the file and its directory synced
      // together: two flushes at once instead of three in a row (file, rename, directory). The ref is handed out only
      // when both are done and no row can name it before, so a crash mid-write leaves a file no row points at, which
      // the sweep removes; never a row pointing at a partial file.
      await writeSynced(file, [header, ...ciphertext], () => syncDir(shard));

      return { ref, sha256: createHash('sha256').update(content).digest('hex'), bytes: content.length };
    },

    async get(ref) {
      const { file } = locate(root, ref);
      let stored: Buffer;
      try {
        // The callback API: the promise one costs twice the main thread's time per file.
        stored = await readFileCallback(file);
      } catch (error) {
        if (isErrno(error, 'ENOENT')) throw new FileStoreError('file.not_found', `No stored file ${ref}`, ref);
        throw error;
      }
      return decrypt(ref, stored);
    },

    async getMany(refs) {
      const read = await reader.request({ paths: refs.map((ref) => locate(root, ref).file) });
      return read.map((stored, i) => {
        if (!(stored instanceof Uint8Array)) {
          if (stored.code === 'ENOENT') throw new FileStoreError('file.not_found', `No stored file ${refs[i]}`, refs[i]);
          throw new Error(`reading a stored file: ${stored.message}`);
        }
        return decrypt(refs[i]!, Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength));
      });
    },

    async delete(ref) {
      const { file, shard } = locate(root, ref);
      try {
        await unlink(file);
      } catch (error) {
        if (isErrno(error, 'ENOENT')) return; // already gone: deleting is idempotent
        throw error;
      }
      await syncDir(shard);
    },

    async *listOlderThan(before) {
      for (const kind of KINDS) {
        for (const shard of await readdir(path.join(root, kind))) {
          const shardDir = path.join(root, kind, shard);
          for (const name of await readdir(shardDir)) {
            const info = await stat(path.join(shardDir, name)).catch(() => undefined);
            if (!info || info.mtime >= before) continue;
            if (name.endsWith('.tmp')) await unlink(path.join(shardDir, name)).catch(() => {});
            else if (REF.test(name)) yield name;
          }
        }
      }
    },
  };
}
