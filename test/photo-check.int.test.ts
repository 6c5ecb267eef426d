import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { encryptedFileStore, type FileStore } from '../src/platform/files.ts';
import { checkDossierPhotoNow, sweepPhotoChecks, type PhotoCheck, type PhotoChecker } from '../src/intake/photo-check.ts';
import { submitDossier } from '../src/intake/service.ts';
import { cliActor } from '../src/platform/scope.ts';
import { createTestDatabase } from './database.ts';
import { facePortrait } from './face-fixtures.ts';
import { PASSWORD, seedTwoCommunes } from './fixtures.ts';
import { Client, startServer } from './http.ts';
import { DEVICE_STEPS, addIntakeStaff, padSignature } from './intake-fixtures.ts';

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let officer: Client;
let supervisor: Client;
let filesDir: string;
let signature: Buffer;

beforeAll(async () => {
  handle = await createTestDatabase();
  const units = await seedTwoCommunes(handle);
  await addIntakeStaff(handle, units.communeB.id);
  filesDir = mkdtempSync(path.join(tmpdir(), 'doithe-files-'));
  // A sweep asked for every half second, so the test does not wait the default 10 s.
  server = await startServer(handle, { files: await encryptedFileStore(path.join(filesDir, 'files'), path.join(filesDir, 'files.key')), photoCheck: { intervalSeconds: 0.5 } });
  officer = new Client(server.base);
  expect((await officer.login('congan.b', PASSWORD)).status).toBe(200);
  supervisor = new Client(server.base);
  expect((await supervisor.login('giamsat.b', PASSWORD)).status).toBe(200);
  signature = await padSignature();
});
afterAll(async () => {
  await server?.close();
  await handle?.close();
});

const memberId = async (personalId: string) => (await handle.db.selectFrom('members').select('id').where('personal_id', '=', personalId).executeTakeFirstOrThrow()).id;

async function submit(personalId: string, photo: Buffer): Promise<string> {
  const body = new FormData();
  const id = randomUUID();
  body.append('submission', JSON.stringify({ id, memberId: await memberId(personalId), data: {}, steps: DEVICE_STEPS }));
  body.append('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'anh.jpg');
  body.append('signature', new Blob([new Uint8Array(signature)], { type: 'image/png' }), 'chu-ky.png');
  const r = await officer.request('POST', '/api/dossiers', body);
  expect(r.status).toBe(201);
  return id;
}

/**
 * One dossier with a face photo in a database of its own (no server sweeping behind the test's back), files under
 * `filesName`; the database is closed after `test`.
 */
async function withOwnDossier(filesName: string, test: (own: DatabaseHandle, files: FileStore, id: string) => Promise<void>): Promise<void> {
  const own = await createTestDatabase();
  try {
    await seedTwoCommunes(own);
    const files = await encryptedFileStore(path.join(filesDir, filesName), path.join(filesDir, `${filesName}.key`));
    const id = randomUUID();
    const member = (await own.db.selectFrom('members').select('id').where('personal_id', '=', '068172001005').executeTakeFirstOrThrow()).id;
    await submitDossier(own.db, cliActor(), files, { id, memberId: member, data: {}, steps: DEVICE_STEPS }, { content: await facePortrait(), mime: 'image/jpeg' }, { content: signature, mime: 'image/png' });
    await test(own, files, id);
  } finally {
    await own.close();
  }
}

const photoCheck = async (id: string) => (await handle.db.selectFrom('dossiers').select('photo_check').where('id', '=', id).executeTakeFirstOrThrow()).photo_check as PhotoCheck | null;

describe('the server checks every photo again, after receipt', () => {
  it('marks a face photo ok and a photo without a face photo.no_face; the latter cannot be approved, only returned', async () => {
    const good = await submit('068058001004', await facePortrait());
    // A plain oval on a wall: a valid image (accepted at submission) with no face in it.
    const blank = await sharp({ create: { width: 480, height: 640, channels: 3, background: { r: 200, g: 190, b: 180 } } })
      .composite([{ input: Buffer.from('<svg width="480" height="640"><ellipse cx="240" cy="280" rx="120" ry="160" fill="#b08060"/></svg>') }])
      .jpeg()
      .toBuffer();
    const faceless = await submit('068172001005', blank);

    await expect.poll(() => photoCheck(good), { timeout: 30_000 }).not.toBeNull();
    await expect.poll(() => photoCheck(faceless), { timeout: 30_000 }).not.toBeNull();
    expect(await photoCheck(good)).toMatchObject({ ok: true, issues: [] });
    const refused = await photoCheck(faceless);
    expect(refused).toMatchObject({ ok: false, issues: [{ code: 'photo.no_face' }] });
    expect(Number.isNaN(Date.parse(refused!.checkedAt))).toBe(false);

    const approve = await supervisor.request('POST', `/api/dossiers/${faceless}/review`, { approve: true });
    expect(approve.status).toBe(400);
    expect(approve.body.error).toMatchObject({ code: 'dossier.photo_rejected', issues: [{ field: 'photo', code: 'photo.no_face' }] });
    expect(approve.body.error.message).toMatch(/ảnh/i);
    const returned = await supervisor.request('POST', `/api/dossiers/${faceless}/review`, { approve: false, reason: 'Ảnh không có khuôn mặt, cần chụp lại' });
    expect(returned.body.state).toBe('returned');
    expect((await supervisor.request('POST', `/api/dossiers/${good}/review`, { approve: true })).body.state).toBe('ready_to_send');
  });

  it('records a stored file that no longer decrypts as photo.unreadable, and goes on', async () => {
    const id = await submit('068058001004', await facePortrait());
    await expect.poll(() => photoCheck(id), { timeout: 30_000 }).not.toBeNull();
    // Damage the stored (encrypted) file, then ask for the check again.
    const { photo_ref } = await handle.db.selectFrom('dossiers').select('photo_ref').where('id', '=', id).executeTakeFirstOrThrow();
    const stored = readdirSync(path.join(filesDir, 'files'), { recursive: true }).map(String).find((f) => f.endsWith(photo_ref!))!;
    const file = path.join(filesDir, 'files', stored);
    expect(statSync(file).size).toBeGreaterThan(100);
    writeFileSync(file, Buffer.alloc(200, 7));
    await handle.db.updateTable('dossiers').set({ photo_check: sql<string>`NULL` }).where('id', '=', id).execute();
    await expect.poll(async () => (await photoCheck(id))?.issues, { timeout: 30_000 }).toEqual([{ code: 'photo.unreadable' }]);
  });

  it('asks the supervisor to try again while the detector fails on a photo, and records it unreadable the third time', async () => {
    await withOwnDossier('own-files', async (own, files, id) => {
      // A detector that crashes on this photo (its worker thread dying, say): the policy around it is what is tested.
      const crashing = { check: async () => Promise.reject(new Error('detector thread exited')) } as unknown as PhotoChecker;
      const stored = async () => (await own.db.selectFrom('dossiers').select('photo_check').where('id', '=', id).executeTakeFirstOrThrow()).photo_check as PhotoCheck | null;
      for (let attempt = 1; attempt <= 2; attempt++) {
        await expect(checkDossierPhotoNow(own.db, files, crashing, id)).rejects.toMatchObject({ code: 'dossier.photo_unchecked' });
        expect(await stored()).toBeNull();
      }
      await checkDossierPhotoNow(own.db, files, crashing, id);
      expect((await stored())?.issues).toEqual([{ code: 'photo.unreadable' }]);
    });
  });

  it('ends the detector thread when the server turns busy, and checks once it is not', async () => {
    await withOwnDossier('busy-files', async (own, files, id) => {
      // What the sweep asks of the detector, in order; the server is busy at the first look, then quiet.
      const calls: string[] = [];
      const recording = {
        check: async () => (calls.push('check'), { ok: true, issues: [], crop: { x: 0, y: 0, width: 0, height: 0 } }),
        release: async () => void calls.push('release'),
      } as unknown as PhotoChecker;
      let looks = 0;
      expect(await sweepPhotoChecks(own.db, files, recording, {}, () => looks++ < 2)).toBe(false);
      expect(calls).toEqual(['release', 'check']);
      const stored = await own.db.selectFrom('dossiers').select('photo_check').where('id', '=', id).executeTakeFirstOrThrow();
      expect((stored.photo_check as PhotoCheck).ok).toBe(true);
    });
  });
});
