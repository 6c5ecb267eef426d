import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { encryptedFileStore } from '../src/platform/files.ts';
import { createTestDatabase } from './database.ts';
import { PASSWORD, seedTwoCommunes } from './fixtures.ts';
import { facePortrait } from './face-fixtures.ts';
import { Client, startServer } from './http.ts';
import { DEVICE_STEPS, addIntakeStaff, padSignature } from './intake-fixtures.ts';

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let officer: Client;
let filesDir: string;
let photo: Buffer;
let signature: Buffer;
const BAC = '068058001004';
// The phone number the member gave at the counter: a correction of an empty field, before the device's steps.
const PHONE = { field: 'phone', old: null, new: '0912345678', at: '2026-12-01T08:00:00+07:00' };

beforeAll(async () => {
  handle = await createTestDatabase();
  const units = await seedTwoCommunes(handle);
  await addIntakeStaff(handle, units.communeB.id);
  filesDir = mkdtempSync(path.join(tmpdir(), 'doithe-files-'));
  server = await startServer(handle, { files: await encryptedFileStore(path.join(filesDir, 'files'), path.join(filesDir, 'files.key')) });
  officer = new Client(server.base);
  expect((await officer.login('congan.b', PASSWORD)).status).toBe(200);
  // A real face: the server's photo check runs in the background and would refuse approving a face-less photo.
  photo = await facePortrait();
  signature = await padSignature();
});
afterAll(async () => {
  await server?.close();
  await handle?.close();
});

const memberId = async (personalId: string) => (await handle.db.selectFrom('members').select('id').where('personal_id', '=', personalId).executeTakeFirstOrThrow()).id;

function form(submission: Record<string, unknown>, files: { photo?: [Buffer, string]; signature?: [Buffer, string] } = {}) {
  const body = new FormData();
  body.append('submission', JSON.stringify(submission));
  const [p, pType] = files.photo ?? [photo, 'image/jpeg'];
  const [s, sType] = files.signature ?? [signature, 'image/png'];
  body.append('photo', new Blob([new Uint8Array(p)], { type: pType }), 'anh.jpg');
  body.append('signature', new Blob([new Uint8Array(s)], { type: sType }), 'chu-ky.png');
  return body;
}

const storedFiles = () => readdirSync(path.join(filesDir, 'files'), { recursive: true }).filter((f) => statSync(path.join(filesDir, 'files', String(f))).isFile());

describe('dossier submission', () => {
  it('stores a confirmed dossier once, answers a replay with the original, and refuses the key reused for other content', async () => {
    // The member gave a phone number at the counter: a correction of an empty field.
    const submission = { id: randomUUID(), memberId: await memberId(BAC), data: { phone: '0912345678' }, corrections: [PHONE], steps: DEVICE_STEPS };
    const first = await officer.request('POST', '/api/dossiers', form(submission));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ replayed: false, dossier: { id: submission.id, state: 'confirmed', conflictWith: null } });
    const again = await officer.request('POST', '/api/dossiers', form({ ...submission }));
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    const reused = await officer.request('POST', '/api/dossiers', form({ ...submission, data: { phone: '0999999999' } }));
    expect(reused.status).toBe(409);
    // The key in upper case is the same key.
    expect(await officer.request('POST', '/api/dossiers', form({ ...submission, id: submission.id.toUpperCase() }))).toMatchObject({ status: 200, body: { ...first.body, replayed: true } });
    expect(await handle.db.selectFrom('dossiers').select('id').execute()).toHaveLength(1);
    // Photo and signature are on disk in one file, encrypted: neither the JPEG nor the PNG signature is readable there.
    const files = storedFiles();
    expect(files).toHaveLength(1);
    for (const f of files) {
      const raw = readFileSync(path.join(filesDir, 'files', String(f)));
      expect(raw.includes(photo.subarray(0, 64))).toBe(false);
      expect(raw.includes(signature.subarray(0, 64))).toBe(false);
    }

    // Taken a second time (another device, whose keys are in upper case): kept, and flagged for the supervisor.
    const twice = await officer.request('POST', '/api/dossiers', form({ ...submission, id: randomUUID().toUpperCase() }));
    expect(twice.status).toBe(201);
    expect(twice.body.replayed).toBe(false);
    expect(twice.body.dossier.conflictWith).toBe(submission.id);

    // The supervisor approves one (it becomes ready to send) and returns the other with a reason; officers cannot.
    expect((await officer.request('POST', `/api/dossiers/${submission.id}/review`, { approve: true })).status).toBe(403);
    const supervisor = new Client(server.base);
    await supervisor.login('giamsat.b', PASSWORD);
    const approved = await supervisor.request('POST', `/api/dossiers/${submission.id}/review`, { approve: true });
    expect(approved.body.state).toBe('ready_to_send');
    // Approved only with the server's own verdict on the photo (checked at once if the background check had not yet).
    expect((await handle.db.selectFrom('dossiers').select('photo_check').where('id', '=', submission.id).executeTakeFirstOrThrow()).photo_check).toMatchObject({ ok: true });
    expect((await supervisor.request('POST', `/api/dossiers/${submission.id}/review`, { approve: true })).status).toBe(400);
    // Only one of the pair may go to the centre: approving the other too is refused.
    const both = await supervisor.request('POST', `/api/dossiers/${twice.body.dossier.id}/review`, { approve: true });
    expect(both.status).toBe(409);
    expect(both.body.error).toMatchObject({ code: 'dossier.duplicate', message: 'Đảng viên này đã có một hồ sơ khác được duyệt; hồ sơ này cần được trả lại.' });
    const noReason = await supervisor.request('POST', `/api/dossiers/${twice.body.dossier.id}/review`, { approve: false, reason: '' });
    expect(noReason.status).toBe(400);
    const returned = await supervisor.request('POST', `/api/dossiers/${twice.body.dossier.id}/review`, { approve: false, reason: 'Trùng với hồ sơ đã nhận ở điểm khác' });
    expect(returned.body.state).toBe('returned');
  });

  it('refuses bad input with the field and a clear message, storing nothing', async () => {
    const before = storedFiles().length;
    const rows = (await handle.db.selectFrom('dossiers').select('id').execute()).length;
    const base = { memberId: await memberId(BAC), data: {}, steps: DEVICE_STEPS };
    const cases: [Record<string, unknown>, Parameters<typeof form>[1], number, string][] = [
      [{ ...base }, { photo: [Buffer.from('đây không phải ảnh'), 'image/jpeg'] }, 400, 'photo'],
      [{ ...base }, { photo: [Buffer.alloc(30 * 1024 * 1024, 1), 'image/jpeg'] }, 413, 'photo'],
      [{ ...base }, { photo: [await sharp(photo).png().toBuffer(), 'image/jpeg'] }, 400, 'photo'],
      [{ ...base }, { signature: [await sharp({ create: { width: 600, height: 200, channels: 3, background: '#ffffff' } }).png().toBuffer(), 'image/png'] }, 400, 'signature'],
      [{ ...base, qrText: '068062001001|123456789|Nguyễn Văn An|05091962|Nam|Xã Thử Một, Lâm Đồng|01012021' }, {}, 400, 'qrText'],
      [{ ...base, memberId: await memberId('068062001001') }, {}, 404, ''],
      [{ ...base, pointId: '999999' }, {}, 400, 'pointId'],
      // signed before the cross-check: the member must sign the data as it finally is
      [{ ...base, steps: { ...DEVICE_STEPS, signature: { at: '2026-12-01T08:00:00+07:00' } } }, {}, 400, ''],
      [{ ...base, mobileTeamId: '999999' }, {}, 400, 'mobileTeamId'],
    ];
    for (const [submission, files, status, field] of cases) {
      const r = await officer.request('POST', '/api/dossiers', form({ id: randomUUID(), ...submission }, files));
      expect({ field, status: r.status }).toEqual({ field, status });
      if (field) expect(r.body.error.issues.map((i: { field: string }) => i.field)).toContain(field);
      expect(r.body.error.message.length).toBeGreaterThan(5);
      // The 30 MB photo is told the photo's own limit.
      if (status === 413) expect(r.body.error.message).toBe('Ảnh > 6 MB vượt quá giới hạn 5 MB.');
    }
    expect(storedFiles().length).toBe(before);
    expect((await handle.db.selectFrom('dossiers').select('id').execute()).length).toBe(rows);
  });

  it('refuses a member whose blocking difference with the register is undecided, and takes them once it is decided', async () => {
    const id = await memberId('068172001005');
    const differences = JSON.stringify([{ field: 'fullName', party: 'Đặng Thị Thuỷ', register: 'Đặng Thị Thủy' }]);
    await handle.db.insertInto('reconciliation_results').values({ member_id: id, status: 'mismatched', blocking: true, differences, checked_at: new Date() }).execute();
    const refused = await officer.request('POST', '/api/dossiers', form({ id: randomUUID(), memberId: id, data: {}, steps: DEVICE_STEPS }));
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('dossier.open_mismatch');
    // Another member, no difference: the same look-up says not blocked.
    expect((await officer.request('POST', '/api/dossiers', form({ id: randomUUID(), memberId: await memberId('068058001004'), data: {}, steps: DEVICE_STEPS }))).status).toBe(201);
    await handle.db.updateTable('reconciliation_results').set({ decision: 'kept', decision_reason: 'Cùng một người', decided_at: new Date() }).where('member_id', '=', id).execute();
    expect((await officer.request('POST', '/api/dossiers', form({ id: randomUUID(), memberId: id, data: {}, steps: DEVICE_STEPS }))).status).toBe(201);
  });
});
