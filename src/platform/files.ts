import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import fs, { readFile as readFileWithCallback } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { THREAD_RESOURCE_LIMITS, ThreadClient } from './thread-client.ts';

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
  /**
   * Durably stores contents kept together (a dossier's photo and signature) in one file, written and synced before it
   * resolves: one write and one sync for all, a ref each. They go together: deleting any of them deletes them all,
   * and whoever keeps the first's ref keeps the file (the file sweep looks for it).
   */
  put(parts: readonly { kind: 'photo' | 'signature' | 'scan'; content: Buffer }[]): Promise<StoredFile[]>;
  get(ref: string): Promise<Buffer>;
  /** Several at once, in the order asked, read off the event loop (a batch to the centre reads 200,000). */
  getMany(refs: readonly string[]): Promise<Buffer[]>;
  /** Deletes the file the ref is in: with the contents put together with it. */
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
// per file, the version and the file's ref as additional authenticated data (a file copied under another ref does not
// decrypt). Version 1 holds one content; version 2 holds the parts put together: the plaintext is the part
// count (u32), each part's length (u32 each), then the parts. The first part's ref is the file's; part i > 0 is
// `<file's ref>#<i>`.
// A put creates the file under its ref (exclusively), writes it, and fsyncs it and its directory at once: once put
// resolves the file survives a crash. A ref is handed out only then, so a file a crash cut short is one nobody names
// (the sweep removes it). Concurrent puts in one directory share its fsync (group commit, decision 0015). Files
// named `.tmp` are leftovers of the earlier way (a temporary file renamed), removed by listOlderThan.

type FileKind = 'photo' | 'signature' | 'scan';

const KINDS: readonly FileKind[] = ['photo', 'signature', 'scan'];
/** A file's name: its first part's ref. A later part's ref is the file's with `#<i>`. */
const FILE_REF_SOURCE = '(photo|signature|scan)-([0-9a-f]{32})';
const FILE_REF = new RegExp(`^${FILE_REF_SOURCE}$`);
const REF = new RegExp(`^(${FILE_REF_SOURCE})(?:#([1-9][0-9]?))?$`);
/** Written now: parts (version 1, one content, is still read). */
const VERSION = 2;
const MAX_PARTS = 99;
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

// The write path uses fs's callback API on plain descriptors: the promise API's FileHandle objects cost the event loop
// about twice as much per call, and a put makes several calls.
const openFd = promisify(fs.open);
const writevFd = promisify(fs.writev);
const closeFd = promisify(fs.close);
const fsyncFd = promisify(fs.fsync);
const fdatasyncFd = promisify(fs.fdatasync);

/** fsync of a directory, once (a put's shard directory goes through sharedDirectorySync instead). */
export async function fsyncDir(dir: string): Promise<void> {
  const fd = await openFd(dir, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    await closeFd(fd);
  }
}

/** How long a directory's descriptor stays open after its last sync (files written together share their shard). */
const DIRECTORY_IDLE_MS = 2000;
/** Beyond this many open directories, one no longer in use is closed at once. */
const MAX_OPEN_DIRECTORIES = 8;

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
  const close = (dir: string, entry: Directory) => {
    forget(dir, entry);
    void entry.fd.then(closeFd).catch(() => undefined);
  };
  const release = (dir: string, entry: Directory) => {
    if (--entry.users > 0) return;
    // Puts share a shard or two at a time; a sweep deleting across the 768 shards must not hold them all open.
    if (open.size > MAX_OPEN_DIRECTORIES) close(dir, entry);
    else entry.idle = setTimeout(() => close(dir, entry), DIRECTORY_IDLE_MS).unref();
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
 * The 32-byte key in `keyFile` (base64 text), created if missing (mode 0600, random key, by createOnce: concurrent
 * starts agree on one key, a crash never leaves a partial one) — unless `holdsEncrypted()` says data encrypted with a
 * lost key is there (a new key would silently make it unreadable).
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

/** Path of a ref's file, and which of its parts the ref names; anything that is not a well-formed ref (e.g. `../x`) is refused. */
function locate(dir: string, ref: string): { file: string; shard: string; fileRef: string; part: number } {
  const match = typeof ref === 'string' ? REF.exec(ref) : null;
  if (!match) throw new FileStoreError('file.bad_ref', 'Malformed file reference');
  const shard = path.join(dir, match[2]!, match[3]!.slice(0, 2));
  return { file: path.join(shard, match[1]!), shard, fileRef: match[1]!, part: Number(match[4] ?? 0) };
}

function aad(version: number, fileRef: string): Buffer {
  return Buffer.from(`doithe-file:${version}:${fileRef}`);
}

/** The parts of a version 2 plaintext; undefined when its framing does not add up. */
function unframe(plain: Buffer): Buffer[] | undefined {
  if (plain.length < 4) return undefined;
  const count = plain.readUInt32BE(0);
  if (count < 1 || count > MAX_PARTS || plain.length < 4 + 4 * count) return undefined;
  const parts: Buffer[] = [];
  let at = 4 + 4 * count;
  for (let i = 0; i < count; i++) {
    const length = plain.readUInt32BE(4 + 4 * i);
    if (at + length > plain.length) return undefined;
    parts.push(plain.subarray(at, at + length));
    at += length;
  }
  return at === plain.length ? parts : undefined;
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
const bulkReader = () => new ThreadClient<{ paths: readonly string[] }, ReadResult[]>(() => new Worker(BULK_READER_SOURCE, { eval: true, resourceLimits: THREAD_RESOURCE_LIMITS }), 'file reader', 30_000);

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

  /** The parts of a stored file (one for version 1). */
  const decrypt = (fileRef: string, stored: Buffer): Buffer[] => {
    const version = stored[0];
    if (stored.length < HEADER_BYTES || (version !== 1 && version !== 2)) {
      throw new FileStoreError('file.corrupt', `Stored file ${fileRef} has an unknown format`, fileRef);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, stored.subarray(1, 1 + NONCE_BYTES));
    decipher.setAAD(aad(version, fileRef));
    decipher.setAuthTag(stored.subarray(1 + NONCE_BYTES, HEADER_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(stored.subarray(HEADER_BYTES)), decipher.final()]);
    } catch {
      throw new FileStoreError('file.corrupt', `Stored file ${fileRef} failed authentication (altered, or another key)`, fileRef);
    }
    const parts = version === 1 ? [plain] : unframe(plain);
    if (!parts) throw new FileStoreError('file.corrupt', `Stored file ${fileRef} has parts that do not add up`, fileRef);
    return parts;
  };

  /** The part a ref names, of its file's parts. */
  const partOf = (ref: string, part: number, parts: Buffer[]): Buffer => {
    if (part >= parts.length) throw new FileStoreError('file.not_found', `No stored file ${ref}`, ref);
    return parts[part]!;
  };

  const put: FileStore['put'] = async (parts) => {
    if (parts.length === 0 || parts.length > MAX_PARTS || parts.some((p) => !KINDS.includes(p.kind))) throw new FileStoreError('file.bad_ref', 'Unknown file kind or part count');
    const turn = (Math.floor(Date.now() / 1000) % 256).toString(16).padStart(2, '0');
    const fileRef = `${parts[0]!.kind}-${turn}${randomBytes(15).toString('hex')}`;
    const { file, shard } = locate(root, fileRef);

    const frame = Buffer.alloc(4 + 4 * parts.length);
    frame.writeUInt32BE(parts.length, 0);
    parts.forEach((p, i) => frame.writeUInt32BE(p.content.length, 4 + 4 * i));
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(aad(VERSION, fileRef));
    const ciphertext = [cipher.update(frame), ...parts.map((p) => cipher.update(p.content)), cipher.final()];
    const header = Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag()]);

    // Written under its own name, created exclusively (a ref is never reused), the file and its directory synced
    // together: two flushes at once instead of three in a row (file, rename, directory). The refs are handed out only
    // when both are done and no row can name them before, so a crash mid-write leaves a file no row points at, which
    // the sweep removes; never a row pointing at a partial file.
    await writeSynced(file, [header, ...ciphertext], () => syncDir(shard));

    return parts.map((p, i) => ({ ref: i === 0 ? fileRef : `${fileRef}#${i}`, sha256: createHash('sha256').update(p.content).digest('hex'), bytes: p.content.length }));
  };

  return {
    put,

    async get(ref) {
      const { file, fileRef, part } = locate(root, ref);
      let stored: Buffer;
      try {
        // The callback API: the promise one costs twice the main thread's time per file.
        stored = await readFileCallback(file);
      } catch (error) {
        if (isErrno(error, 'ENOENT')) throw new FileStoreError('file.not_found', `No stored file ${ref}`, ref);
        throw error;
      }
      return partOf(ref, part, decrypt(fileRef, stored));
    },

    async getMany(refs) {
      const located = refs.map((ref) => locate(root, ref));
      // A file holding several of the parts asked (a dossier's photo and signature) is read and decrypted once.
      const index = new Map<string, number>();
      for (const { file } of located) if (!index.has(file)) index.set(file, index.size);
      const read = await reader.request({ paths: [...index.keys()] });
      const parts = new Map<string, Buffer[]>();
      return located.map(({ file, fileRef, part }, i) => {
        if (!parts.has(file)) {
          const stored = read[index.get(file)!]!;
          if (!(stored instanceof Uint8Array)) {
            if (stored.code === 'ENOENT') throw new FileStoreError('file.not_found', `No stored file ${refs[i]}`, refs[i]);
            throw new Error(`reading a stored file: ${stored.message}`);
          }
          parts.set(file, decrypt(fileRef, Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength)));
        }
        return partOf(refs[i]!, part, parts.get(file)!);
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
            else if (FILE_REF.test(name)) yield name;
          }
        }
      }
    },
  };
}
