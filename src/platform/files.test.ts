import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCipheriv } from 'node:crypto';
import { encryptedFileStore, FileStoreError, type FileStore } from './files.ts';

let base: string;
let dir: string;
let keyFile: string;

beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'doithe-files-'));
  dir = path.join(base, 'files');
  keyFile = path.join(base, 'files.key');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

/** Path of a stored file, by the documented layout `dir/<kind>/<2 hex>/<ref>` (a part's ref: `<file's ref>#<i>`). */
function onDisk(ref: string): string {
  const fileRef = ref.split('#')[0]!;
  const [kind, id] = fileRef.split('-') as [string, string];
  return path.join(dir, kind, id.slice(0, 2), fileRef);
}

const putOne = async (store: FileStore, kind: 'photo' | 'signature' | 'scan', content: Buffer) => (await store.put([{ kind, content }]))[0]!;

function allFiles(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allFiles(path.join(d, e.name)) : [path.join(d, e.name)]);
}

describe('encryptedFileStore', () => {
  it('round-trips content and reports its SHA-256 and size', async () => {
    const store = await encryptedFileStore(dir, keyFile);
    const content = randomBytes(100_000);
    const stored = await putOne(store, 'photo', content);
    expect(stored.ref).toMatch(/^photo-[0-9a-f]{32}$/);
    expect(stored.bytes).toBe(100_000);
    expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(onDisk(stored.ref))).toBe(true);
    expect((await store.get(stored.ref)).equals(content)).toBe(true);
    // A second store on the same key reads it too; an empty file round-trips.
    const again = await encryptedFileStore(dir, keyFile);
    expect((await again.get(stored.ref)).equals(content)).toBe(true);
    const empty = await putOne(store, 'scan', Buffer.alloc(0));
    expect((await store.get(empty.ref)).length).toBe(0);
  });

  it('gives refs that are random, not derived from the content', async () => {
    const store = await encryptedFileStore(dir, keyFile);
    const a = await putOne(store, 'signature', Buffer.from('same'));
    const b = await putOne(store, 'signature', Buffer.from('same'));
    expect(a.ref).not.toBe(b.ref);
    expect(a.sha256).toBe(b.sha256);
  });

  it('never writes the plain content to disk', async () => {
    const store = await encryptedFileStore(dir, keyFile);
    const marker = Buffer.from('NGUYỄN VĂN A 001085012345 '.repeat(50));
    await putOne(store, 'scan', marker);
    const files = allFiles(dir);
    expect(files).toHaveLength(1);
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from('001085012345'))).toBe(false);
      expect(bytes.length).toBe(29 + 8 + marker.length); // version, nonce, tag; part count and length
    }
  });

  it('detects a flipped byte anywhere in the stored file', async () => {
    const store = await encryptedFileStore(dir, keyFile);
    const { ref } = await putOne(store, 'photo', Buffer.from('a photo, really'));
    const file = onDisk(ref);
    const original = readFileSync(file);
    for (const at of [5, 20, original.length - 1]) { // nonce, tag, ciphertext
      const tampered = Buffer.from(original);
      tampered[at]! ^= 0x01;
      writeFileSync(file, tampered);
      await expect(store.get(ref)).rejects.toMatchObject({ code: 'file.corrupt' });
    }
    writeFileSync(file, original.subarray(0, 10));
    await expect(store.get(ref)).rejects.toMatchObject({ code: 'file.corrupt' });
  });

  it('refuses a file moved under another ref', async () => {
    const store = await encryptedFileStore(dir, keyFile);
    const a = await putOne(store, 'photo', Buffer.from('A'));
    const b = await putOne(store, 'photo', Buffer.from('B'));
    writeFileSync(onDisk(b.ref), readFileSync(onDisk(a.ref)));
    await expect(store.get(b.ref)).rejects.toMatchObject({ code: 'file.corrupt' });
  });

  it('fails clearly with the wrong key', async () => {
    const store = await encryptedFileStore(dir, keyFile);
    const { ref } = await putOne(store, 'photo', Buffer.from('secret'));
    const otherKey = path.join(base, 'other.key');
    writeFileSync(otherKey, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const wrong = await encryptedFileStore(dir, otherKey);
    const error = await wrong.get(ref).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileStoreError);
    expect(error).toMatchObject({ code: 'file.corrupt' });
    expect(String((error as Error).message)).not.toContain('secret');
  });

  it('refuses a malformed key file, and a missing key when files already exist', async () => {
    const store = await encryptedFileStore(dir, keyFile);
    await putOne(store, 'photo', Buffer.from('x'));
    const short = path.join(base, 'short.key');
    writeFileSync(short, randomBytes(16).toString('base64'));
    await expect(encryptedFileStore(dir, short)).rejects.toMatchObject({ code: 'file.bad_key' });
    await expect(encryptedFileStore(dir, path.join(base, 'lost.key'))).rejects.toMatchObject({ code: 'file.bad_key' });
    expect(existsSync(path.join(base, 'lost.key'))).toBe(false);
  });

  it('rejects refs that are not its own (path traversal)', async () => {
    const store = await encryptedFileStore(dir, keyFile);
    writeFileSync(path.join(base, 'outside'), 'not yours');
    const { ref } = await putOne(store, 'photo', Buffer.from('x'));
    const bad = ['../outside', '../../etc/passwd', `photo/../../outside`, `${ref}/..`, `${ref}.tmp`, `${ref}\0`,
      ref.toUpperCase(), `video-${ref.slice(6)}`, '', `photo-${'0'.repeat(31)}`, path.join(dir, 'photo', ref)];
    for (const r of bad) {
      await expect(store.get(r)).rejects.toMatchObject({ code: 'file.bad_ref' });
      await expect(store.delete(r)).rejects.toMatchObject({ code: 'file.bad_ref' });
    }
    await expect(putOne(store, '../x' as 'photo', Buffer.from('x'))).rejects.toMatchObject({ code: 'file.bad_ref' });
    expect(readFileSync(path.join(base, 'outside'), 'utf8')).toBe('not yours');
  });

  it('reads many at once in the order asked, small and large, and names the file that is missing or altered', async () => {
    const store = await encryptedFileStore(dir, keyFile);
    // Sizes on both sides of the small-buffer pool (a 100-byte file shares memory in the reader thread; 50 KB does not).
    const contents = [100, 50_000, 3_000, 46_000, 10].map((n) => randomBytes(n));
    const refs = [];
    for (const [i, c] of contents.entries()) refs.push((await putOne(store, i % 2 ? 'signature' : 'photo', c)).ref);
    const read = await store.getMany([...refs, refs[0]!]);
    expect(read.map((b) => b.toString('hex'))).toEqual([...contents, contents[0]!].map((b) => b.toString('hex')));
    await store.delete(refs[2]!);
    await expect(store.getMany(refs)).rejects.toMatchObject({ code: 'file.not_found', ref: refs[2] });
    const file = onDisk(refs[3]!);
    const altered = readFileSync(file);
    altered[altered.length - 1] = altered[altered.length - 1]! ^ 1;
    writeFileSync(file, altered);
    await expect(store.getMany([refs[1]!, refs[3]!])).rejects.toMatchObject({ code: 'file.corrupt', ref: refs[3] });
  });

  it('deletes (idempotently), after which the ref is not found', async () => {
    const store = await encryptedFileStore(dir, keyFile);
    const { ref } = await putOne(store, 'signature', Buffer.from('sig'));
    await store.delete(ref);
    expect(existsSync(onDisk(ref))).toBe(false);
    await expect(store.get(ref)).rejects.toMatchObject({ code: 'file.not_found' });
    await store.delete(ref);
  });

  it('handles concurrent puts, leaving no temporary files', async () => {
    const store = await encryptedFileStore(dir, keyFile);
    const contents = Array.from({ length: 64 }, (_, i) => Buffer.from(`file ${i} `.repeat(i + 1)));
    const stored = await Promise.all(contents.map((c, i) => putOne(store, i % 2 ? 'photo' : 'signature', c)));
    expect(new Set(stored.map((s) => s.ref)).size).toBe(64);
    const read = await Promise.all(stored.map((s) => store.get(s.ref)));
    read.forEach((r, i) => expect(r.equals(contents[i]!)).toBe(true));
    const files = allFiles(dir);
    expect(files).toHaveLength(64);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('puts files written together in one directory (one directory sync then serves them all)', async () => {
    const store = await encryptedFileStore(dir, keyFile);
    const stored = await Promise.all(Array.from({ length: 32 }, (_, i) => putOne(store, 'photo', Buffer.from(`photo ${i}`))));
    // The shard turns once a second: a burst lands in one directory, two if it crossed a turn.
    expect(new Set(stored.map((s) => path.dirname(onDisk(s.ref)))).size).toBeLessThanOrEqual(2);
    for (const s of stored) expect(existsSync(onDisk(s.ref))).toBe(true);
  });

  it('creates the key file with mode 0600, and concurrent opens agree on one key', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => encryptedFileStore(dir, keyFile)));
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(readdirSync(base).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const { ref } = await putOne(stores[0]!, 'photo', Buffer.from('shared'));
    expect((await stores[2]!.get(ref)).toString()).toBe('shared');
    expect(statSync(onDisk(ref)).mode & 0o777).toBe(0o600);
  });
  it('keeps contents put together in one file, a ref each, read one by one or many at once, deleted together', async () => {
    const store = await encryptedFileStore(dir, keyFile);
    const [photo, signature] = [randomBytes(46_000), randomBytes(12_000)];
    const [p, s] = await store.put([{ kind: 'photo', content: photo }, { kind: 'signature', content: signature }]);
    expect(p!.ref).toMatch(/^photo-[0-9a-f]{32}$/);
    expect(s!.ref).toBe(`${p!.ref}#1`);
    expect([p!.bytes, s!.bytes]).toEqual([46_000, 12_000]);
    expect(allFiles(dir)).toEqual([onDisk(p!.ref)]);
    expect((await store.get(p!.ref)).equals(photo)).toBe(true);
    expect((await store.get(s!.ref)).equals(signature)).toBe(true);
    const other = await putOne(store, 'photo', randomBytes(100));
    const many = await store.getMany([s!.ref, other.ref, p!.ref, s!.ref]);
    expect(many.map((b) => b.length)).toEqual([12_000, 100, 46_000, 12_000]);
    expect(many[0]!.equals(signature) && many[2]!.equals(photo)).toBe(true);
    // A part the file does not have is not found; a well-formed but impossible part number is not a ref.
    await expect(store.get(`${p!.ref}#2`)).rejects.toMatchObject({ code: 'file.not_found' });
    await expect(store.get(`${p!.ref}#0`)).rejects.toMatchObject({ code: 'file.bad_ref' });
    await store.delete(s!.ref);
    await expect(store.get(p!.ref)).rejects.toMatchObject({ code: 'file.not_found' });
    await expect(store.put([])).rejects.toMatchObject({ code: 'file.bad_ref' });
  });

  it('refuses a file whose parts do not add up, and reads files of the first format (one content)', async () => {
    const store = await encryptedFileStore(dir, keyFile);
    const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
    const seal = (version: number, ref: string, plain: Buffer) => {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(Buffer.from(`doithe-file:${version}:${ref}`));
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([Buffer.from([version]), nonce, cipher.getAuthTag(), body]);
    };
    const { ref } = await putOne(store, 'photo', Buffer.from('x'));
    writeFileSync(onDisk(ref), seal(1, ref, Buffer.from('ảnh của lần đầu')));
    expect((await store.get(ref)).toString()).toBe('ảnh của lần đầu');
    await expect(store.get(`${ref}#1`)).rejects.toMatchObject({ code: 'file.not_found' });
    const frame = (...numbers: number[]) => {
      const bytes = Buffer.alloc(4 * numbers.length);
      numbers.forEach((n, i) => bytes.writeUInt32BE(n, 4 * i));
      return bytes;
    };
    for (const plain of [Buffer.alloc(2), frame(0), frame(2, 1), Buffer.concat([frame(1, 5), Buffer.from('abc')]), Buffer.concat([frame(1, 1), Buffer.from('ab')])]) {
      writeFileSync(onDisk(ref), seal(2, ref, plain));
      await expect(store.get(ref)).rejects.toMatchObject({ code: 'file.corrupt' });
    }
  });
});
