import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInVietnam } from '../src/common/dates.ts';
import { submitDossier } from '../src/intake/service.ts';
import type { DatabaseHandle } from '../src/platform/db.ts';
import type { FileStore } from '../src/platform/files.ts';
import { cliActor } from '../src/platform/scope.ts';
import { foldProgress } from '../src/progress/rollups.ts';
import { isoFromDayNumber, dayNumber } from '../src/scheduling/domain/slots.ts';
import { seedCounterDay } from './counter-fixtures.ts';
import { createTestDatabase } from './database.ts';
import { seedTwoCommunes } from './fixtures.ts';
import { signedInClient, startServer, temporaryFileStore } from './http.ts';
import { addIntakeStaff, DEVICE_STEPS, padSignature } from './intake-fixtures.ts';

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let units: Awaited<ReturnType<typeof seedTwoCommunes>>;
let files: FileStore;
let photo: Buffer;
let signature: Buffer;
let cellBMembers: string[];
let point: { id: string; name: string };
const today = todayInVietnam();
const daysAgo = (n: number) => isoFromDayNumber(dayNumber(today)! - n);

async function submit(memberId: string, receivedDaysAgo: number) {
  const id = randomUUID();
  await submitDossier(handle.db, cliActor(), files, { id, memberId, data: {}, steps: DEVICE_STEPS }, { content: photo, mime: 'image/jpeg' }, { content: signature, mime: 'image/png' });
  // As if it had been received that day (history for the series and the forecast).
  if (receivedDaysAgo > 0) await sql`UPDATE dossiers SET received_at = received_at - make_interval(days => ${receivedDaysAgo}) WHERE id = ${id}`.execute(handle.db);
}

beforeAll(async () => {
  handle = await createTestDatabase();
  units = await seedTwoCommunes(handle);
  ({ point } = await seedCounterDay(handle, units, 16));
  // The province's campaign started nine days ago and ends in five.
  await handle.db.updateTable('campaigns').set({ start_date: daysAgo(9), deadline: daysAgo(-5) }).execute();
  await addIntakeStaff(handle, units.communeB.id);
  files = await temporaryFileStore();
  photo = await sharp({ create: { width: 480, height: 640, channels: 3, background: '#c8beb4' } }).jpeg().toBuffer();
  signature = await padSignature();
  cellBMembers = (await handle.db.selectFrom('members').select('id').where('organisation_id', '=', units.cellB.id).where('eligible', '=', true).orderBy('id').execute()).map((m) => m.id);
  // One member a day over the last eight days (none today yet).
  for (let i = 0; i < 8; i++) await submit(cellBMembers[i]!, 8 - i);
  // No background fold: the test folds when it wants, to read both before and after.
  server = await startServer(handle, { progressFoldMs: null });
});
afterAll(async () => {
  await server?.close();
  await handle?.close();
});

const signIn = (username: string) => signedInClient(server.base, username);

describe('progress dashboard over HTTP', () => {
  it('shows a unit, its children, the days and the forecast against the campaign deadline', async () => {
    const admin = await signIn('quantri');
    const { status, body } = await admin.request('GET', `/api/progress?organisationId=${units.province.id}`);
    expect(status).toBe(200);
    const eligible = cellBMembers.length + 2; // An and Hòa of commune A are eligible too
    expect(body.unit).toMatchObject({ id: units.province.id, target: eligible, received: 8, confirmed: 8 });
    expect(body.children.map((c: { id: string }) => c.id).sort()).toEqual([units.communeA.id, units.communeB.id].sort());
    const communeB = body.children.find((c: { id: string }) => c.id === units.communeB.id);
    expect(communeB).toMatchObject({ target: cellBMembers.length, received: 8 });
    // seedCounterDay's published plan books cell B (its 16 + 2 members) at the point today.
    expect(body.unit.scheduled).toBe(18);
    expect(communeB.scheduled).toBe(18);
    expect(body.children.find((c: { id: string }) => c.id === units.communeA.id).scheduled).toBe(0);
    // The campaign's start to today, one dossier on each of the last eight days.
    expect(body).toMatchObject({ from: daysAgo(9), to: today, campaign: { startDate: daysAgo(9), deadline: daysAgo(-5) } });
    expect(body.series).toEqual(Array.from({ length: 8 }, (_, i) => ({ day: daysAgo(8 - i), dossiers: 1, approved: 0, returned: 0 })));
    // One a day leaves commune B short at the deadline: it is listed late; commune A has no data yet, so is not.
    expect(communeB.forecast).toMatchObject({ status: 'projected', ratePerDay: 1, deadlineMet: false });
    expect(body.late).toEqual([expect.objectContaining({ unitId: units.communeB.id, shortfall: communeB.forecast.shortfall })]);
    expect(communeB.forecast.shortfall).toBeGreaterThan(0);
    expect(body.children.find((c: { id: string }) => c.id === units.communeA.id).forecast.status).toBe('no_data');
  });

  it('counts a new dossier at once, before and after the fold', async () => {
    const officer = await signIn('canbo.b');
    const before = (await officer.request('GET', '/api/progress')).body;
    expect(before.unit).toMatchObject({ id: units.communeB.id, received: 8 });
    expect(before.children).toEqual([expect.objectContaining({ id: units.cellB.id, received: 8 })]);
    expect(before.ancestors).toEqual([]); // the province is outside the officer's scope
    await submit(cellBMembers[8]!, 0);
    expect((await sql`SELECT sign FROM progress_pending`.execute(handle.db)).rows).not.toEqual([]);
    const after = (await officer.request('GET', '/api/progress')).body;
    expect(after.unit.received).toBe(9);
    expect(after.series.at(-1)).toEqual({ day: today, dossiers: 1, approved: 0, returned: 0 });
    await foldProgress(handle.db);
    expect((await officer.request('GET', '/api/progress')).body).toEqual(after);
    const admin = await signIn('quantri');
    const cell = (await admin.request('GET', `/api/progress?organisationId=${units.cellB.id}`)).body;
    expect(cell.ancestors.map((a: { id: string }) => a.id).slice(-2)).toEqual([units.province.id, units.communeB.id]);
    expect(cell.children).toEqual([]);
  });

  it('lists who has not come yet in a cell, in Vietnamese order with the cell\'s booked day, and audits the read', async () => {
    const officer = await signIn('canbo.b');
    const { status, body } = await officer.request('GET', `/api/progress/waiting?organisationId=${units.cellB.id}`);
    expect(status).toBe(200);
    const taken = new Set((await handle.db.selectFrom('dossiers').select('member_id').execute()).map((d) => d.member_id));
    const expected = cellBMembers.filter((id) => !taken.has(id));
    expect(body.items.map((m: { id: string }) => m.id).sort()).toEqual([...expected].sort());
    expect(body.items.length).toBeGreaterThan(1);
    const names = body.items.map((m: { fullName: string }) => m.fullName);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'vi')));
    // seedCounterDay booked the cell today at its point.
    expect(body.items[0].appointment).toEqual({ day: today, shift: 'morning', pointName: 'Điểm tiếp nhận Công an phường Thử Hai' });
    const audit = await handle.db.selectFrom('audit_log').select(['action', 'entity_id']).where('action', '=', 'progress.waiting_list').execute();
    expect(audit).toContainEqual({ action: 'progress.waiting_list', entity_id: units.cellB.id });
    expect((await officer.request('GET', `/api/progress/waiting?organisationId=${units.cellA.id}`)).status).toBe(404);
  });

  it('shows each point of the commune: its counts, throughput against capacity per shift, and step timings per point and officer', async () => {
    // Two members taken at the point this morning, the steps a few minutes apart on the device's clock.
    const at = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    for (const [i, memberId] of cellBMembers.slice(10, 12).entries()) {
      await submitDossier(handle.db, cliActor(), files, {
        id: randomUUID(), memberId, pointId: point.id, data: {},
        steps: { photo: { at: at(9 - i) }, cross_check: { at: at(7 - i) }, signature: { at: at(4 - i) } },
        deviceSubmittedAt: at(3 - i),
      }, { content: photo, mime: 'image/jpeg' }, { content: signature, mime: 'image/png' });
    }
    const officer = await signIn('canbo.b');
    const { status, body } = await officer.request('GET', '/api/progress/points');
    expect(status).toBe(200);
    expect(body).toMatchObject({ from: daysAgo(6), to: today, needsProvince: false });
    expect(body.points).toEqual([expect.objectContaining({ id: point.id, name: point.name, counts: expect.objectContaining({ received: 2, confirmed: 2 }) })]);
    const [morning] = body.points[0].shifts;
    // 2 kits × 12 an hour × 4 hours, each day of the week.
    expect(morning).toMatchObject({ shift: 'morning', capacity: 7 * 96, received: expect.any(Number) });
    expect(body.points[0].steps.cross_check).toMatchObject({ count: 2, medianMinutes: 2 });
    expect(body.points[0].steps.signature).toMatchObject({ count: 2, medianMinutes: 3, p90Minutes: 3 });
    expect(body.officers).toEqual([expect.objectContaining({ steps: expect.objectContaining({ photo: expect.any(Object) }) })]);
    // The national level has no points of its own: it asks for a province.
    const admin = await signIn('quantri');
    expect((await admin.request('GET', '/api/progress/points')).body).toMatchObject({ needsProvince: true, points: [] });
  });

  it('refuses what may not be seen and ranges it cannot read cheaply, with the field and a Vietnamese message', async () => {
    const officer = await signIn('canbo.b');
    const tenYears = await officer.request('GET', `/api/progress?from=2016-01-01&to=2026-01-01`);
    expect(tenYears.status).toBe(400);
    expect(tenYears.body.error).toMatchObject({ code: 'progress.range_too_long', issues: [expect.objectContaining({ field: 'from' })] });
    expect(tenYears.body.error.message).toContain('vượt quá giới hạn 366 ngày');
    const reversed = await officer.request('GET', `/api/progress?from=2026-12-10&to=2026-12-01`);
    expect(reversed.body.error).toMatchObject({ code: 'progress.range_reversed', message: 'Khoảng thời gian không hợp lệ: từ ngày 10/12/2026 sau đến ngày 01/12/2026.' });
    const badDate = await officer.request('GET', `/api/progress?to=2026-02-30`);
    expect(badDate.body.error).toMatchObject({ code: 'progress.bad_date', issues: [expect.objectContaining({ field: 'to' })] });
    // Another commune's unit, and a unit that does not exist: the same "not found".
    for (const id of [units.communeA.id, '987654321']) {
      const r = await officer.request('GET', `/api/progress?organisationId=${id}`);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('organisation.not_found');
    }
    expect((await officer.request('GET', `/api/progress?organisationId=abc`)).status).toBe(400);
    // A campaign that started more than a year ago: by default the longest range back, not an error.
    await handle.db.updateTable('campaigns').set({ start_date: daysAgo(800) }).execute();
    const longAgo = await officer.request('GET', '/api/progress');
    await handle.db.updateTable('campaigns').set({ start_date: daysAgo(9) }).execute();
    expect(longAgo.status).toBe(200);
    expect(longAgo.body).toMatchObject({ from: daysAgo(365), to: today });
    const intakeOfficer = await signIn('congan.b');
    expect((await intakeOfficer.request('GET', '/api/progress')).status).toBe(403);
  });
});
