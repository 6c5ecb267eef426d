import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { cliActor } from '../src/platform/scope.ts';
import { addUser } from '../src/users/service.ts';
import { createTestDatabase } from './database.ts';
import { PASSWORD, seedTwoCommunes } from './fixtures.ts';
import { Client, startServer } from './http.ts';
import { padSignature } from './intake-fixtures.ts';

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let officer: Client;
let officer2: Client;
let supervisor: Client;
let photo: Buffer;
let signature: Buffer;
let pointId: string;
const dir = mkdtempSync(path.join(tmpdir(), 'doithe-review-'));
const BAC = '068058001004';
const THUY = '068172001005';
const AN = '068062001001';
const dossiers: Record<'bac' | 'thuy' | 'bacAgain', string> = { bac: randomUUID(), thuy: randomUUID(), bacAgain: randomUUID() };

/** 1 December 2026, Vietnam time, on the device's clock. */
const at = (time: string) => `2026-12-01T${time}+07:00`;

beforeAll(async () => {
  handle = await createTestDatabase();
  const units = await seedTwoCommunes(handle);
  const add = (username: string, fullName: string, role: 'supervisor' | 'intake_officer', scope: { organisationId?: string; provinceCode?: string }) =>
    addUser(handle.db, cliActor(), { username, fullName, password: PASSWORD, role, ...scope });
  await add('giamsat.b', 'Giám sát phường Hai', 'supervisor', { organisationId: units.communeB.id });
  await add('giamsat.a', 'Giám sát xã Một', 'supervisor', { organisationId: units.communeA.id });
  await add('giamsat.hn', 'Giám sát Hà Nội', 'supervisor', { provinceCode: '01' });
  await add('congan.b', 'Công an phường Hai', 'intake_officer', { organisationId: units.communeB.id });
  await add('congan2.b', 'Nguyễn Thị Ngọc Ánh', 'intake_officer', { organisationId: units.communeB.id });
  pointId = (
    await handle.db
      .insertInto('intake_points')
      .values({ name: 'Công an phường Thử Hai', province_code: '68', commune_code: '90002', operator: 'commune', closed_on: [] })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  // The server's own photo check sweeps at start and then only hourly: the test sets the verdict it reads back.
  server = await startServer(handle, { photoCheck: { intervalSeconds: 3600 } });
  officer = new Client(server.base);
  officer2 = new Client(server.base);
  supervisor = new Client(server.base);
  expect((await officer.login('congan.b', PASSWORD)).status).toBe(200);
  expect((await officer2.login('congan2.b', PASSWORD)).status).toBe(200);
  expect((await supervisor.login('giamsat.b', PASSWORD)).status).toBe(200);
  photo = await sharp({ create: { width: 480, height: 640, channels: 3, background: { r: 200, g: 190, b: 180 } } })
    .composite([{ input: Buffer.from('<svg width="480" height="640"><ellipse cx="240" cy="280" rx="120" ry="160" fill="#b08060"/></svg>') }])
    .jpeg()
    .toBuffer();
  signature = await padSignature();

  // Three dossiers of commune B on 1 December: Bắc and Thuỷ by the first officer, Bắc again by the second (a conflict).
  const submit = async (client: Client, id: string, personalId: string, times: [string, string, string, string], extra: Record<string, unknown> = {}) => {
    const memberId = await memberIdOf(personalId);
    const [photoAt, crossCheckAt, signatureAt, confirmedAt] = times.map(at);
    // The phone number given at the counter is a correction of an empty field (with the photo, before the cross-check).
    const submission = { id, memberId, pointId, data: { phone: '0912345678' }, corrections: [{ field: 'phone', old: null, new: '0912345678', at: photoAt }], steps: { photo: { at: photoAt }, cross_check: { at: crossCheckAt }, signature: { at: signatureAt } }, deviceSubmittedAt: confirmedAt, ...extra };
    const body = new FormData();
    body.append('submission', JSON.stringify(submission));
    body.append('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'anh.jpg');
    body.append('signature', new Blob([new Uint8Array(signature)], { type: 'image/png' }), 'chu-ky.png');
    const r = await client.request('POST', '/api/dossiers', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  };
  // A correction at 08:00 is the first step: 5 minutes to confirmation at 08:05.
  await submit(officer, dossiers.bac, BAC, ['08:01:00', '08:02:00', '08:03:00', '08:05:00'], { corrections: [{ field: 'phone', old: null, new: '0912345678', at: at('08:00:00') }] });
  await submit(officer, dossiers.thuy, THUY, ['08:10:00', '08:11:00', '08:12:00', '08:16:00']);
  await submit(officer2, dossiers.bacAgain, BAC, ['09:00:00', '09:01:00', '09:02:00', '09:03:00']);
  // The photo check's verdicts, set here rather than waiting for the detector (which only writes where there is none).
  const verdict = (id: string, check: object) => handle.db.updateTable('dossiers').set({ photo_check: JSON.stringify(check) }).where('id', '=', id).execute();
  await verdict(dossiers.bac, { ok: true, issues: [], checkedAt: '2026-12-01T01:06:00.000Z' });
  await verdict(dossiers.bacAgain, { ok: true, issues: [], checkedAt: '2026-12-01T02:04:00.000Z' });
  await verdict(dossiers.thuy, { ok: false, issues: [{ code: 'photo.no_face' }], checkedAt: '2026-12-01T01:17:00.000Z' });
});
afterAll(async () => {
  await server?.close();
  await handle?.close();
});

async function memberIdOf(personalId: string) {
  return (await handle.db.selectFrom('members').select('id').where('personal_id', '=', personalId).executeTakeFirstOrThrow()).id;
}

async function pdfText(response: Response): Promise<string> {
  expect(response.headers.get('content-type')).toBe('application/pdf');
  const file = path.join(dir, `${randomUUID()}.pdf`);
  writeFileSync(file, Buffer.from(await response.arrayBuffer()));
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

async function signedIn(username: string) {
  const client = new Client(server.base);
  expect((await client.login(username, PASSWORD)).status).toBe(200);
  return client;
}

const ids = (body: { items: { id: string }[] }) => body.items.map((d) => d.id);
const fetchSlip = (client: Client, body: unknown) => client.postForFile('/api/intake/slip.pdf', body);

describe('the supervisor’s queue', () => {
  it('lists the dossiers in scope, oldest waiting first, with the conflict flagged and both clocks', async () => {
    const queue = await supervisor.request('GET', '/api/dossiers?state=confirmed');
    expect(queue.status).toBe(200);
    expect(queue.body.total).toBe(3);
    expect(ids(queue.body)).toEqual([dossiers.bac, dossiers.thuy, dossiers.bacAgain]);
    const [bac, thuy, bacAgain] = queue.body.items;
    expect(bac).toMatchObject({
      fullName: 'Phạm Văn Bắc',
      personalId: BAC,
      organisationName: 'Chi bộ tổ dân phố Hai',
      pointName: 'Công an phường Thử Hai',
      officerName: 'Công an phường Hai',
      state: 'confirmed',
      conflict: true,
      deviceSubmittedAt: new Date(at('08:05:00')).toISOString(),
      photoCheck: { ok: true, issues: [], checkedAt: '2026-12-01T01:06:00.000Z' },
    });
    expect(bac.receivedAt).toMatch(/Z$/);
    expect(bac.receivedAt).not.toBe(bac.deviceSubmittedAt);
    // The check's issues come in the caller's language.
    expect(thuy).toMatchObject({ fullName: 'Đặng Thị Thuỷ', conflict: false, photoCheck: { ok: false, issues: [{ code: 'photo.no_face', message: 'Ảnh không có khuôn mặt.' }] } });
    expect(bacAgain).toMatchObject({ conflict: true, conflictWith: dossiers.bac, officerName: 'Nguyễn Thị Ngọc Ánh' });

    expect(ids((await supervisor.request('GET', '/api/dossiers?conflicts=true')).body).sort()).toEqual([dossiers.bac, dossiers.bacAgain].sort());
    const officers = await handle.db.selectFrom('users').select(['id', 'username']).execute();
    const second = officers.find((u) => u.username === 'congan2.b')!.id;
    expect(ids((await supervisor.request('GET', `/api/dossiers?officer=${second}`)).body)).toEqual([dossiers.bacAgain]);
    expect((await supervisor.request('GET', `/api/dossiers?pointId=${pointId}`)).body.total).toBe(3);
    expect((await supervisor.request('GET', '/api/dossiers?pointId=999999')).body.total).toBe(0);
    expect((await supervisor.request('GET', '/api/dossiers?state=nonsense')).status).toBe(400);
  });

  it('shows nothing outside the caller’s scope, and only to those who review', async () => {
    for (const username of ['giamsat.hn', 'giamsat.a']) {
      const other = await signedIn(username);
      const queue = await other.request('GET', '/api/dossiers');
      expect(queue.body).toMatchObject({ total: 0, items: [] });
      expect((await other.request('GET', `/api/dossiers/${dossiers.bac}`)).status).toBe(404);
      expect((await other.download(`/api/dossiers/${dossiers.bac}/photo`)).status).toBe(404);
      expect((await other.download(`/api/dossiers/${dossiers.bac}/signature`)).status).toBe(404);
      expect((await other.download(`/api/dossiers/${dossiers.bac}/receipt.pdf`)).status).toBe(404);
      expect((await other.request('GET', '/api/intake/pace?date=2026-12-01')).body.officers).toEqual([]);
    }
    expect((await officer.request('GET', '/api/dossiers')).status).toBe(403);
    expect((await officer.request('GET', `/api/dossiers/${dossiers.bac}`)).status).toBe(403);
    expect((await new Client(server.base).request('GET', '/api/dossiers')).status).toBe(401);
    expect((await supervisor.request('GET', `/api/dossiers/${randomUUID()}`)).status).toBe(404);
  });

  it('opens one dossier: steps with who and both clocks, corrections with the old value, the conflict pair', async () => {
    const detail = await supervisor.request('GET', `/api/dossiers/${dossiers.bac}`);
    expect(detail.status).toBe(200);
    const body = detail.body;
    expect(body).toMatchObject({ id: dossiers.bac, fullName: 'Phạm Văn Bắc', gender: 'male', dateOfBirth: '1958-10-10', data: { phone: '0912345678' }, conflict: true });
    expect(body.steps.map((s: { step: string }) => s.step)).toEqual(['data_entry', 'photo', 'cross_check', 'signature']);
    expect(body.steps[1]).toMatchObject({ step: 'photo', by: { name: 'Công an phường Hai' }, deviceAt: at('08:01:00') });
    expect(body.steps[1].at).toBe(body.transitions[0].at); // the server's time: when the dossier was received
    expect(body.corrections).toEqual([expect.objectContaining({ field: 'phone', old: null, new: '0912345678', deviceAt: at('08:00:00') })]);
    expect(body.transitions).toEqual([expect.objectContaining({ from: 'in_progress', to: 'confirmed', by: expect.objectContaining({ name: 'Công an phường Hai' }), deviceAt: at('08:05:00') })]);
    expect(body.others).toEqual([expect.objectContaining({ id: dossiers.bacAgain, officerName: 'Nguyễn Thị Ngọc Ánh', conflict: true, data: { phone: '0912345678' } })]);
    const audit = await handle.db.selectFrom('audit_log').select('action').where('entity_id', '=', dossiers.bac).execute();
    expect(audit.map((a) => a.action)).toContain('dossier.read');
  });

  it('serves the photo and signature decrypted, not cached, and records the read', async () => {
    const image = await supervisor.download(`/api/dossiers/${dossiers.bac}/photo`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    expect(image.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await image.arrayBuffer()).equals(photo)).toBe(true);
    const signed = await supervisor.download(`/api/dossiers/${dossiers.bac}/signature`);
    expect(signed.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await signed.arrayBuffer()).equals(signature)).toBe(true);
    const audit = await handle.db.selectFrom('audit_log').select('action').where('entity_id', '=', dossiers.bac).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['dossier.photo.read', 'dossier.signature.read']));
  });

  it('reflects approval and return in the queue, and closes the conflict', async () => {
    const returned = await supervisor.request('POST', `/api/dossiers/${dossiers.bacAgain}/review`, { approve: false, reason: 'Trùng hồ sơ đã nhận lúc 08:05' });
    expect(returned.status).toBe(200);
    const approved = await supervisor.request('POST', `/api/dossiers/${dossiers.bac}/review`, { approve: true });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(ids((await supervisor.request('GET', '/api/dossiers?state=confirmed')).body)).toEqual([dossiers.thuy]);
    expect(ids((await supervisor.request('GET', '/api/dossiers?state=ready_to_send')).body)).toEqual([dossiers.bac]);
    expect((await supervisor.request('GET', '/api/dossiers?conflicts=true')).body.total).toBe(0);
    const detail = (await supervisor.request('GET', `/api/dossiers/${dossiers.bacAgain}`)).body;
    expect(detail).toMatchObject({ state: 'returned', returnReason: 'Trùng hồ sơ đã nhận lúc 08:05', reviewerName: 'Giám sát phường Hai', conflict: false });
    expect(detail.transitions.at(-1)).toMatchObject({ from: 'confirmed', to: 'returned', reason: 'Trùng hồ sơ đã nhận lúc 08:05', by: { name: 'Giám sát phường Hai' } });
  });

  it('gives each officer’s pace for the day, on the device clock', async () => {
    const pace = await supervisor.request('GET', '/api/intake/pace?date=2026-12-01');
    expect(pace.status).toBe(200);
    expect(pace.body).toEqual({
      date: '2026-12-01',
      officers: [
        expect.objectContaining({
          officerName: 'Công an phường Hai',
          confirmed: 2,
          firstConfirmedAt: new Date(at('08:05:00')).toISOString(),
          lastConfirmedAt: new Date(at('08:16:00')).toISOString(),
          medianMinutesBetween: 11,
          medianMinutesPerDossier: 5.5,
          returned: 0,
        }),
        expect.objectContaining({ officerName: 'Nguyễn Thị Ngọc Ánh', confirmed: 1, medianMinutesBetween: null, medianMinutesPerDossier: 3, returned: 1 }),
      ],
    });
    expect((await supervisor.request('GET', '/api/intake/pace?date=2026-12-02')).body.officers).toEqual([]);
    expect((await supervisor.request('GET', `/api/intake/pace?date=2026-12-01&pointId=${pointId}`)).body.officers).toHaveLength(2);
    expect((await supervisor.request('GET', '/api/intake/pace?date=2026-12-01&pointId=999999')).body.officers).toEqual([]);
    expect((await supervisor.request('GET', '/api/intake/pace?date=2026-02-30')).status).toBe(400);
  });
});

describe('printouts', () => {
  it('prints the member’s receipt with the name exactly, the ID and the dossier number', async () => {
    for (const client of [supervisor, officer]) {
      const response = await client.download(`/api/dossiers/${dossiers.thuy}/receipt.pdf`);
      expect(response.status).toBe(200);
      const text = await pdfText(response);
      expect(text).toContain('GIẤY BIÊN NHẬN');
      expect(text).toContain('Đặng Thị Thuỷ');
      expect(text).toContain(THUY);
      expect(text).toContain(dossiers.thuy);
      expect(text).toContain('11/11/1972');
      expect(text).toContain('01/12/2026 08:16');
      expect(text).toContain('Công an phường Thử Hai');
      expect(text).toContain('Đã xác nhận');
    }
  });

  it('prints the confirmation slip with the declared data, the photo and a place to sign', async () => {
    const memberId = await memberIdOf(THUY);
    const response = await fetchSlip(officer, { memberId, data: { permanentAddress: 'Số 5, tổ dân phố Hai, phường Thử Hai', phone: '0987654321' }, photo: photo.toString('base64') });
    expect(response.status).toBe(200);
    const pdf = Buffer.from(await response.clone().arrayBuffer());
    const text = await pdfText(response);
    for (const expected of ['PHIẾU XÁC NHẬN', 'Đặng Thị Thuỷ', THUY, '11/11/1972', 'Nữ', 'Số 5, tổ dân phố Hai, phường Thử Hai', '0987654321', 'Chữ ký của đảng viên', 'Ngày ...... tháng']) {
      expect(text).toContain(expected);
    }
    // The photo is embedded (pdfkit keeps a JPEG as it is).
    expect(pdf.includes(photo.subarray(0, 200))).toBe(true);
  });

  it('refuses a member outside the scope, and bad data or photo with each field’s message', async () => {
    const outside = await fetchSlip(officer, { memberId: await memberIdOf(AN), data: {} });
    expect(outside.status).toBe(404);
    const memberId = await memberIdOf(THUY);
    const bad = await fetchSlip(officer, { memberId, data: { dateOfBirth: '31/02/1972', gender: 'x', nickname: 'Thuỷ' }, photo: signature.toString('base64') });
    expect(bad.status).toBe(400);
    const issues = ((await bad.json()) as { error: { issues: { field: string; message: string }[] } }).error.issues;
    expect(Object.fromEntries(issues.map((i) => [i.field, i.message]))).toEqual({
      'data.dateOfBirth': 'Ngày không có thật.',
      'data.gender': 'Giới tính phải là Nam hoặc Nữ.',
      'data.nickname': 'Trường "nickname" không có trên phiếu xác nhận.',
      photo: expect.stringContaining('không khớp nội dung'),
    });
    const garbled = await fetchSlip(officer, { memberId, data: {}, photo: 'không phải base64' });
    expect(((await garbled.json()) as { error: { issues: { field: string; message: string }[] } }).error.issues).toEqual([
      expect.objectContaining({ field: 'photo', message: 'Ảnh phải là tệp JPEG mã hoá base64.' }),
    ]);
    expect((await fetchSlip(await signedIn('giamsat.hn'), { memberId, data: {} })).status).toBe(404);
  });
});
