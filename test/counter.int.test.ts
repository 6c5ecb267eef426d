import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { encryptedFileStore } from '../src/platform/files.ts';
import { cliActor } from '../src/platform/scope.ts';
import { addUser } from '../src/users/service.ts';
import type { CounterDay, CounterMember } from '../src/intake/counter.ts';
import { buildSubmission } from '../src/web/intake/counter/counterLogic.ts';
import { walkInsOn } from '../src/scheduling/store.ts';
import { createMobileTeam } from '../src/scheduling/service.ts';
import { seedCounterDay } from './counter-fixtures.ts';
import { createTestDatabase } from './database.ts';
import { PASSWORD, seedTwoCommunes } from './fixtures.ts';
import { Client, startServer } from './http.ts';
import { padSignature } from './intake-fixtures.ts';

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let officerB: Client;
let officerA: Client;
let seeded: Awaited<ReturnType<typeof seedCounterDay>>;
let photo: Buffer;
let signature: Buffer;

beforeAll(async () => {
  handle = await createTestDatabase();
  const units = await seedTwoCommunes(handle);
  seeded = await seedCounterDay(handle, units, 4);
  await addUser(handle.db, cliActor(), { username: 'congan.b', fullName: 'Công an phường Hai', password: PASSWORD, role: 'intake_officer', organisationId: units.communeB.id });
  await addUser(handle.db, cliActor(), { username: 'congan.a', fullName: 'Công an xã Một', password: PASSWORD, role: 'intake_officer', organisationId: units.communeA.id });
  const dir = mkdtempSync(path.join(tmpdir(), 'doithe-files-'));
  server = await startServer(handle, { files: await encryptedFileStore(path.join(dir, 'files'), path.join(dir, 'files.key')) });
  photo = await sharp({ create: { width: 480, height: 640, channels: 3, background: { r: 200, g: 190, b: 180 } } }).jpeg().toBuffer();
  signature = await padSignature();
  officerB = new Client(server.base);
  officerA = new Client(server.base);
  expect((await officerB.login('congan.b', PASSWORD)).status).toBe(200);
  expect((await officerA.login('congan.a', PASSWORD)).status).toBe(200);
});
afterAll(async () => {
  await server?.close();
  await handle?.close();
});

const day = async (client: Client, date = seeded.today) => client.request('GET', `/api/intake/day?pointId=${seeded.point.id}&date=${date}`);

describe('the counter’s day list', () => {
  it('lists the members booked at the point today, in Vietnamese order, with the cross-check result, and audits the download', async () => {
    const stations = await officerB.request('GET', '/api/intake/stations');
    expect(stations.body).toMatchObject({ points: [{ id: seeded.point.id, name: 'Điểm tiếp nhận Công an phường Thử Hai' }] });
    const answer = await day(officerB);
    expect(answer.status).toBe(200);
    const list = answer.body as CounterDay;
    expect(list.station).toEqual({ kind: 'point', id: seeded.point.id, name: 'Điểm tiếp nhận Công an phường Thử Hai' });
    expect(list.cells).toEqual([{ id: expect.any(String), name: 'Chi bộ tổ dân phố Hai', shift: 'morning', members: 6 }]);
    const names = list.members.map((m) => m.fullName);
    expect(names).toEqual([...names].sort(new Intl.Collator('vi').compare));
    expect(names).toContain('Phạm Văn Bắc');
    for (const m of list.members) expect(m).toMatchObject({ shift: 'morning', taken: false, eligible: true, reconciliation: { status: 'matched', open: false, differences: [] } });
    const audit = await handle.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'intake.day_list').execute();
    expect(audit.at(-1)?.details).toMatchObject({ date: seeded.today, members: 6 });
  });

  it('is empty on a day nothing is booked, and out of reach for an officer of another commune', async () => {
    expect(((await day(officerB, '2030-01-02')).body as CounterDay).members).toEqual([]);
    expect((await officerA.request('GET', '/api/intake/stations')).body).toMatchObject({ points: [] });
    const foreign = await day(officerA);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ error: { code: 'intake.point.not_found', message: 'Không tìm thấy điểm tiếp nhận trong phạm vi của bạn.' } });
    expect((await officerB.request('GET', '/api/intake/day?date=2026-13-01&pointId=1')).status).toBe(400);
  });

  it('marks a member taken once a dossier is stored — a dossier built by the counter’s own rules', async () => {
    const list = (await day(officerB)).body as CounterDay;
    const member = list.members.find((m) => m.fullName === 'Phạm Văn Bắc')!;
    const at = (minute: number) => new Date(Date.now() - (10 - minute) * 60_000).toISOString();
    const submission = buildSubmission({
      id: randomUUID(),
      member,
      station: { kind: 'point', id: seeded.point.id },
      steps: { photo: at(1), cross_check: at(3), signature: at(4) },
      corrections: [{ field: 'permanentAddress', old: member.permanentAddress, new: 'Số 5 đường Hai Bà Trưng, phường Thử Hai', at: at(2) }],
      qrText: `${member.personalId}||PHẠM VĂN BẮC|10101958|Nam|Phường Thử Hai|01012022`,
      deviceId: 'may-quay-1',
      at: at(5),
    });
    const form = new FormData();
    form.append('submission', JSON.stringify(submission));
    form.append('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'anh.jpg');
    form.append('signature', new Blob([new Uint8Array(signature)], { type: 'image/png' }), 'chu-ky.png');
    const stored = await officerB.request('POST', '/api/dossiers', form);
    expect(stored.status).toBe(201);
    const row = await handle.db.selectFrom('dossiers').select(['point_id', 'device_id', 'record', 'data']).where('id', '=', submission.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ point_id: seeded.point.id, device_id: 'may-quay-1', data: { permanentAddress: 'Số 5 đường Hai Bà Trưng, phường Thử Hai' } });
    expect(row.record).toMatchObject({ corrections: [{ field: 'permanentAddress', old: member.permanentAddress, new: 'Số 5 đường Hai Bà Trưng, phường Thử Hai' }] });
    const after = ((await day(officerB)).body as CounterDay).members.find((m) => m.id === member.id)!;
    expect(after.taken).toBe(true);
  });

  it('refuses declared data changed without a correction keeping the old value', async () => {
    const member = ((await day(officerB)).body as CounterDay).members.find((m) => !m.taken && m.fullName !== 'Phạm Văn Bắc')!;
    const at = (minute: number) => new Date(Date.now() - (10 - minute) * 60_000).toISOString();
    const submission = buildSubmission({ id: randomUUID(), member, station: { kind: 'point', id: seeded.point.id }, steps: { photo: at(1), cross_check: at(2), signature: at(3) }, corrections: [], qrText: null, deviceId: 'may-quay-1', at: at(4) });
    const form = new FormData();
    form.append('submission', JSON.stringify({ ...submission, data: { ...submission.data, hometown: 'Quê khác, không ghi sửa' } }));
    form.append('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'anh.jpg');
    form.append('signature', new Blob([new Uint8Array(signature)], { type: 'image/png' }), 'chu-ky.png');
    const refused = await officerB.request('POST', '/api/dossiers', form);
    expect(refused.status).toBe(400);
    expect(refused.body.error.issues).toEqual([expect.objectContaining({ field: 'data.hometown', code: 'dossier.data_uncorrected' })]);
    expect(await handle.db.selectFrom('dossiers').select('id').where('id', '=', submission.id).execute()).toEqual([]);
  });

  it('counts a member of a cell not booked at the point that day as a walk-in, for the re-plan’s capacity', async () => {
    const plan = await handle.db.selectFrom('schedule_plans').select('id').where('status', '=', 'published').executeTakeFirstOrThrow();
    // Bắc (booked there today) is not a walk-in.
    expect(await walkInsOn(handle.db, '68', seeded.today, plan.id)).toEqual([]);
    const admin = new Client(server.base);
    expect((await admin.login('quantri', PASSWORD)).status).toBe(200);
    const an = (await admin.request('GET', '/api/intake/member?personalId=068062001001')).body as CounterMember;
    const at = (minute: number) => new Date(Date.now() - (10 - minute) * 60_000).toISOString();
    const form = new FormData();
    form.append('submission', JSON.stringify(buildSubmission({ id: randomUUID(), member: an, station: { kind: 'point', id: seeded.point.id }, steps: { photo: at(1), cross_check: at(2), signature: at(3) }, corrections: [], qrText: null, deviceId: 'may-quay-2', at: at(4) })));
    form.append('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'anh.jpg');
    form.append('signature', new Blob([new Uint8Array(signature)], { type: 'image/png' }), 'chu-ky.png');
    expect((await admin.request('POST', '/api/dossiers', form)).status).toBe(201);
    expect(await walkInsOn(handle.db, '68', seeded.today, plan.id)).toEqual([{ pointId: seeded.point.id, time: expect.stringMatching(/^\d{2}:\d{2}$/), members: 1 }]);
  });
});

describe('signing on paper', () => {
  it('accepts a dossier signed on the printed slip, with its scan or without, and still wants a signature from the pad otherwise', async () => {
    const members = ((await day(officerB)).body as CounterDay).members.filter((m) => !m.taken && seeded.members.some((s) => s.personalId === m.personalId));
    const at = (minute: number) => new Date(Date.now() - (10 - minute) * 60_000).toISOString();
    const submit = (member: CounterMember, onPaper: boolean, scan: Buffer | null) => {
      const form = new FormData();
      const submission = buildSubmission({ id: randomUUID(), member, station: { kind: 'point', id: seeded.point.id }, steps: { photo: at(1), cross_check: at(2), signature: at(3) }, corrections: [], qrText: null, deviceId: 'may-quay-3', at: at(4), onPaper });
      form.append('submission', JSON.stringify(submission));
      form.append('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'anh.jpg');
      if (scan) form.append('signature', new Blob([new Uint8Array(scan)], { type: 'image/jpeg' }), 'phieu.jpg');
      return { id: submission.id, answer: officerB.request('POST', '/api/dossiers', form) };
    };
    const unsigned = submit(members[0]!, false, null);
    expect(await unsigned.answer).toMatchObject({ status: 400, body: { error: { issues: [{ field: 'signature', code: 'dossier.file_missing' }] } } });
    const paper = submit(members[0]!, true, null);
    expect((await paper.answer).status).toBe(201);
    // A scan of the signed slip is a page of print, not a pad's PNG: no blank check, but it must be an image.
    const slipScan = await sharp({ create: { width: 620, height: 877, channels: 3, background: { r: 250, g: 250, b: 245 } } }).jpeg().toBuffer();
    const scanned = submit(members[1]!, true, slipScan);
    expect((await scanned.answer).status).toBe(201);
    const notImage = submit(members[2]!, true, Buffer.from('không phải ảnh'));
    expect(await notImage.answer).toMatchObject({ status: 400, body: { error: { issues: [{ field: 'signature', code: 'image.not_an_image' }] } } });
    const rows = await handle.db.selectFrom('dossiers').select(['id', 'signature_on_paper', 'signature_ref']).where('id', 'in', [paper.id, scanned.id]).execute();
    expect(rows.find((r) => r.id === paper.id)).toMatchObject({ signature_on_paper: true, signature_ref: null });
    expect(rows.find((r) => r.id === scanned.id)).toMatchObject({ signature_on_paper: true, signature_ref: expect.any(String) });
  });
});

describe('a mobile team’s day', () => {
  it('lists the members of its home visits that day from the published plan', async () => {
    const team = await createMobileTeam(handle.db, cliActor(), { name: 'Tổ lưu động phường Thử Hai', communeCodes: ['90002'], visitsPerDay: 8 });
    const plan = await handle.db.selectFrom('schedule_plans').select('id').where('status', '=', 'published').executeTakeFirstOrThrow();
    const thuy = await handle.db.selectFrom('members').select('id').where('personal_id', '=', '068172001005').executeTakeFirstOrThrow();
    await handle.db.insertInto('home_visit_runs').values({ plan_id: plan.id, team_id: team.id, day: seeded.today, commune_code: '90002', member_ids: [thuy.id] }).execute();
    const answer = await officerB.request('GET', `/api/intake/day?mobileTeamId=${team.id}&date=${seeded.today}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ station: { kind: 'team', id: team.id, name: 'Tổ lưu động phường Thử Hai' }, cells: [], members: [{ id: thuy.id, fullName: 'Đặng Thị Thuỷ' }] });
    expect((answer.body as CounterDay).members[0]).not.toHaveProperty('shift');
    expect((await officerB.request('GET', '/api/intake/stations')).body).toMatchObject({ teams: [{ id: team.id }] });
  });
});

describe('walk-ins and the device key', () => {
  it('finds a member in scope by personal ID, refuses a malformed one with its field, and hides other communes’ members', async () => {
    const found = await officerB.request('GET', '/api/intake/member?personalId=068172001005');
    expect(found.status).toBe(200);
    expect(found.body as CounterMember).toMatchObject({ fullName: 'Đặng Thị Thuỷ', taken: false, reconciliation: { status: 'matched' } });
    expect(found.body).not.toHaveProperty('shift');
    const malformed = await officerB.request('GET', '/api/intake/member?personalId=12345');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { issues: [{ field: 'personalId' }] } });
    expect((await officerB.request('GET', '/api/intake/member?personalId=068062001001')).status).toBe(404);
  });

  it('gives each user one stable 256-bit key, another user another', async () => {
    const first = (await officerB.request('GET', '/api/intake/key')).body as { key: string };
    const again = (await officerB.request('GET', '/api/intake/key')).body as { key: string };
    const other = (await officerA.request('GET', '/api/intake/key')).body as { key: string };
    expect(Buffer.from(first.key, 'base64')).toHaveLength(32);
    expect(again.key).toBe(first.key);
    expect(other.key).not.toBe(first.key);
  });
});
