import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { encryptedFileStore, type FileStore } from '../src/platform/files.ts';
import { sweepUnreferencedFiles } from '../src/intake/file-sweep.ts';
import { createTestDatabase } from './database.ts';
import { seedTwoCommunes } from './fixtures.ts';

let handle: DatabaseHandle;
let files: FileStore;
let dir: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  await seedTwoCommunes(handle);
  dir = mkdtempSync(path.join(tmpdir(), 'doithe-sweep-'));
  files = await encryptedFileStore(path.join(dir, 'files'), path.join(dir, 'files.key'));
});
afterAll(async () => {
  await handle?.close();
});

const pathOf = (ref: string) => {
  const kind = ref.split('-')[0]!;
  return path.join(dir, 'files', kind, ref.slice(kind.length + 1, kind.length + 3), ref);
};
const age = (file: string, days: number) => {
  const when = new Date(Date.now() - days * 24 * 3600 * 1000);
  utimesSync(file, when, when);
};

describe('the sweep of unreferenced files', () => {
  it('deletes old files no dossier points at (and crash leftovers), keeps referenced and recent ones', async () => {
    const together = (photo: string, signature: string) =>
      files.put([{ kind: 'photo', content: Buffer.from(photo) }, { kind: 'signature', content: Buffer.from(signature) }]);
    // As intake stores them: photo and signature in one file. And as they were first stored: a file each.
    const [[photo, signature], [orphan, orphanSignature], [recentOrphan], [alonePhoto], [aloneSignature]] = await Promise.all([
      together('ảnh của hồ sơ', 'chữ ký của hồ sơ'),
      together('ảnh của lần gửi không xong', 'chữ ký của lần gửi không xong'),
      together('ảnh đang gửi', 'chữ ký đang gửi'),
      files.put([{ kind: 'photo', content: Buffer.from('ảnh lưu riêng') }]),
      files.put([{ kind: 'signature', content: Buffer.from('chữ ký lưu riêng') }]),
    ]);
    const members = await handle.db.selectFrom('members').select('id').orderBy('id').limit(2).execute();
    await handle.db
      .insertInto('dossiers')
      .values([
        { id: randomUUID(), member_id: members[0]!.id, state: 'confirmed', data: '{}', record: '{}', photo_ref: photo!.ref, signature_ref: signature!.ref, payload_sha256: 'x' },
        { id: randomUUID(), member_id: members[1]!.id, state: 'confirmed', data: '{}', record: '{}', photo_ref: alonePhoto!.ref, signature_ref: aloneSignature!.ref, payload_sha256: 'y' },
      ])
      .execute();
    const leftover = `${pathOf(orphan!.ref)}.0011223344556677.tmp`;
    writeFileSync(leftover, 'nửa tệp');
    for (const file of [photo!.ref, orphan!.ref, alonePhoto!.ref, aloneSignature!.ref].map(pathOf).concat(leftover)) age(file, 2);

    expect(await sweepUnreferencedFiles(handle.db, files, new Date(Date.now() - 24 * 3600 * 1000))).toBe(1);
    await expect(files.get(orphan!.ref)).rejects.toMatchObject({ code: 'file.not_found' });
    await expect(files.get(orphanSignature!.ref)).rejects.toMatchObject({ code: 'file.not_found' });
    expect((await files.get(photo!.ref)).toString()).toBe('ảnh của hồ sơ');
    expect((await files.get(signature!.ref)).toString()).toBe('chữ ký của hồ sơ');
    expect((await files.get(aloneSignature!.ref)).toString()).toBe('chữ ký lưu riêng');
    expect((await files.get(recentOrphan!.ref)).toString()).toBe('ảnh đang gửi');
    expect(readdirSync(path.dirname(leftover)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
