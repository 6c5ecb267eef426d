import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { cliActor } from '../src/platform/scope.ts';
import { addUser } from '../src/users/service.ts';
import { createOrganisation } from '../src/organisations/service.ts';
import { createTestDatabase } from './database.ts';
import { PASSWORD, seedTwoCommunes } from './fixtures.ts';
import { Client, startServer } from './http.ts';

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let units: Awaited<ReturnType<typeof seedTwoCommunes>> & { emptyCell: { id: string } };
let planner: Client;

const MORNING = { key: 'morning', start: '07:30', end: '11:30' };
const point = (name: string, communeCode: string, extra: Record<string, unknown> = {}) => ({
  name,
  communeCode,
  address: `Trụ sở ${name}`,
  operator: 'commune',
  kits: 1,
  recordsPerKitHour: 12,
  shifts: [MORNING],
  openWeekdays: [1, 2, 3, 4, 5, 6, 0],
  ...extra,
});

beforeAll(async () => {
  handle = await createTestDatabase();
  const seeded = await seedTwoCommunes(handle);
  units = { ...seeded, emptyCell: await createOrganisation(handle.db, cliActor(), { parentId: seeded.communeB.id, name: 'Chi bộ mới lập', kind: 'cell' }) };
  await addUser(handle.db, cliActor(), { username: 'pc06', fullName: 'Phòng PC06', password: PASSWORD, role: 'provincial_admin', organisationId: units.province.id });
  server = await startServer(handle);
  planner = new Client(server.base);
  expect((await planner.login('pc06', PASSWORD)).status).toBe(200);
});
afterAll(async () => {
  await server?.close();
  await handle?.close();
});

describe('campaign planning over HTTP', () => {
  it('refuses bad points and campaigns with the field and a clear message', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [point('Không máy', '90001', { kits: 0 }), 'kits', 'Điểm tiếp nhận phải có ít nhất một bộ máy.'],
      [point('Không ca', '90001', { shifts: [] }), 'shifts', 'Điểm tiếp nhận phải có ít nhất một ca làm việc.'],
      [point('Chồng ca', '90001', { shifts: [MORNING, { key: 'afternoon', start: '11:00', end: '15:00' }] }), 'shifts', 'Các ca làm việc trong ngày bị chồng giờ nhau.'],
    ];
    for (const [body, field, message] of cases) {
      const r = await planner.request('POST', '/api/points', body);
      expect({ name: body.name, status: r.status, issue: r.body.error.issues[0] }).toMatchObject({ name: body.name, status: 400, issue: { message } });
      expect(r.body.error.issues[0].field).toContain(field);
    }
    const late = await planner.request('POST', '/api/campaigns', { name: 'Đợt 1', organisationId: units.province.id, startDate: '2026-12-10', deadline: '2026-12-01' });
    expect(late.status).toBe(400);
    expect(late.body.error.issues[0].message).toBe('Hạn hoàn thành phải từ ngày bắt đầu trở đi.');
    expect(await handle.db.selectFrom('intake_points').select('id').execute()).toEqual([]);

    const officer = new Client(server.base);
    await officer.login('canbo.a', PASSWORD);
    expect((await officer.request('POST', '/api/points', point('Điểm xã Một', '90001'))).status).toBe(403);
  });

  it('plans every eligible member by cell, says what to add when the deadline cannot be met, and plans again after applying it', async () => {
    // One record an hour for one hour a day: 2 places for the 4 eligible members in one day cannot work.
    for (const [name, commune] of [['Công an xã Thử Một', '90001'], ['Công an phường Thử Hai', '90002']] as const) {
      const r = await planner.request('POST', '/api/points', point(name, commune, { recordsPerKitHour: 1, shifts: [{ key: 'morning', start: '08:00', end: '09:00' }] }));
      expect(r.status).toBe(201);
    }
    // Phạm Văn Bắc is bedridden: a mobile team of the ward goes to him instead.
    await handle.db.updateTable('members').set({ needs_home_visit: true }).where('personal_id', '=', '068058001004').execute();
    const team = await planner.request('POST', '/api/mobile-teams', { name: 'Tổ lưu động phường Hai', communeCodes: ['90002'], visitsPerDay: 5 });
    expect(team.status).toBe(201);
    expect((await planner.request('POST', '/api/mobile-teams', { name: 'Tổ sai', communeCodes: ['99999'], visitsPerDay: 5 })).status).toBe(400);
    expect((await planner.request('GET', '/api/mobile-teams')).body.teams).toEqual([expect.objectContaining({ id: team.body.id, communeCodes: ['90002'] })]);
    const campaign = await planner.request('POST', '/api/campaigns', { name: 'Đợt cấp thẻ tháng 12', organisationId: units.province.id, startDate: '2026-12-01', deadline: '2026-12-01' });
    expect(campaign.status).toBe(201);
    const eligible = Number((await handle.db.selectFrom('members').select((eb) => eb.fn.countAll<string>().as('n')).where('eligible', '=', true).where('needs_home_visit', '=', false).executeTakeFirstOrThrow()).n);

    const tight = await planner.request('POST', `/api/campaigns/${campaign.body.id}/plans`);
    expect(tight.status).toBe(201);
    expect(tight.body.feasible).toBe(false);
    expect(tight.body.advice.length).toBeGreaterThan(0);
    const placed = (plan: { appointments: { members: number }[]; unplaceable: { members: number }[] }) =>
      plan.appointments.reduce((n, a) => n + a.members, 0) + plan.unplaceable.reduce((n, u) => n + u.members, 0);
    // Nobody is dropped silently: every eligible member is either booked or reported.
    expect(placed(tight.body)).toBe(eligible);

    const fixed = await planner.request('POST', `/api/plans/${tight.body.id}/apply-advice`);
    expect(fixed.status).toBe(201);
    expect(fixed.body.feasible).toBe(true);
    const bac = await handle.db.selectFrom('members').select('id').where('personal_id', '=', '068058001004').executeTakeFirstOrThrow();
    expect(fixed.body.homeVisits).toEqual([{ teamId: team.body.id, date: '2026-12-01', communeCode: '90002', memberIds: [bac.id] }]);
    // Only the cell with nobody eligible is reported, as such.
    expect(fixed.body.unplaceable).toEqual([{ cellId: units.emptyCell.id, members: 0, reason: 'no_eligible_members' }]);
    expect(fixed.body.appointments.reduce((n: number, a: { members: number }) => n + a.members, 0)).toBe(eligible);
    for (const a of fixed.body.appointments) expect(a.date).toBe('2026-12-01');

    // Moving an appointment (the calendar's drag and drop) never overfills a shift nor lands on a closed day.
    const moving = fixed.body.appointments[0];
    const closed = await planner.request('PATCH', `/api/appointments/${moving.id}`, { pointId: moving.pointId, date: '2026-12-05', shift: 'morning' });
    expect(closed.status).toBe(400);
    expect(closed.body.error.message).toBe('Điểm tiếp nhận không làm việc vào ca này.');
    const points = (await planner.request('GET', '/api/points')).body.points as { id: string; settings: { kits: number; recordsPerKitHour: number; shifts: { start: string; end: string }[] }[] }[];
    const hours = (t: string) => Number(t.slice(0, 2)) + Number(t.slice(3)) / 60;
    const capacity = new Map(points.map((p) => {
      const s = p.settings[p.settings.length - 1]!;
      return [p.id, Math.floor(s.kits * s.recordsPerKitHour * (hours(s.shifts[0]!.end) - hours(s.shifts[0]!.start)))];
    }));
    const other = points.find((p) => p.id !== moving.pointId)!;
    const load = fixed.body.appointments.filter((a: { pointId: string }) => a.pointId === other.id).reduce((n: number, a: { members: number }) => n + a.members, 0);
    const moved = await planner.request('PATCH', `/api/appointments/${moving.id}`, { pointId: other.id, date: '2026-12-01', shift: 'morning' });
    if (load + moving.members > capacity.get(other.id)!) {
      expect(moved.status).toBe(400);
      expect(moved.body.error.message).toBe(`Ca này chỉ nhận được ${capacity.get(other.id)} người, đã xếp ${load}; không đủ chỗ cho ${moving.members} người.`);
    } else {
      expect(moved.status).toBe(200);
      expect(moved.body.appointments.find((a: { id: string }) => a.id === moving.id).pointId).toBe(other.id);
    }

    const published = await planner.request('POST', `/api/plans/${fixed.body.id}/publish`);
    expect(published.body.status).toBe('published');
    expect((await planner.request('POST', `/api/plans/${fixed.body.id}/publish`)).status).toBe(400);
    // What members were told does not change under them: moves need a new draft.
    expect((await planner.request('PATCH', `/api/appointments/${moving.id}`, { pointId: moving.pointId, date: '2026-12-01', shift: 'morning' })).status).toBe(400);
    // A cell that did not come is booked again by the next re-plan; nobody else moves.
    expect((await planner.request('POST', `/api/appointments/${tight.body.appointments[0].id}/missed`)).status).toBe(400);
    const absent = published.body.appointments[0];
    expect((await planner.request('POST', `/api/appointments/${absent.id}/missed`)).status).toBe(200);
    const again = await planner.request('POST', `/api/campaigns/${campaign.body.id}/plans`);
    expect(again.body.appointments.filter((a: { cellId: string }) => a.cellId === absent.cellId).reduce((n: number, a: { members: number }) => n + a.members, 0)).toBe(absent.members);
    expect(again.body.appointments.reduce((n: number, a: { members: number }) => n + a.members, 0)).toBe(eligible);
    const kept = published.body.appointments.filter((a: { id: string }) => a.id !== absent.id).map(({ cellId, pointId, date, shift, members }: Record<string, unknown>) => ({ cellId, pointId, date, shift, members }));
    expect(again.body.appointments.map(({ cellId, pointId, date, shift, members }: Record<string, unknown>) => ({ cellId, pointId, date, shift, members }))).toEqual(expect.arrayContaining(kept));
    const plans = (await planner.request('GET', `/api/campaigns/${campaign.body.id}/plans`)).body.plans;
    expect(plans.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([[again.body.id, 'draft'], [fixed.body.id, 'published'], [tight.body.id, 'draft']]);
    // A notice per cell and shift waits in the outbox, in Vietnamese, naming the cell, the day and the place.
    const notices = await handle.db.selectFrom('notice_outbox').select(['cell_id', 'short_text', 'long_text', 'status']).where('plan_id', '=', fixed.body.id).execute();
    expect(notices.length).toBe(fixed.body.appointments.length);
    const first = fixed.body.appointments[0];
    const notice = notices.find((n) => n.cell_id === first.cellId)!;
    expect(notice.status).toBe('pending');
    expect(notice.short_text).toContain('01/12');
    expect(notice.long_text).toContain('Thứ Ba, ngày 01/12/2026');

    // The point's daily schedule, as a spreadsheet and as a printable PDF.
    const xlsx = await planner.download(`/api/plans/${fixed.body.id}/points/${first.pointId}/schedule.xlsx?date=2026-12-01`);
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await xlsx.arrayBuffer()) as never);
    const cells: string[] = [];
    workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((c) => void cells.push(String(c.value)))));
    const booked = await handle.db.selectFrom('members').select('full_name').where('organisation_id', '=', first.cellId).where('eligible', '=', true).execute();
    for (const m of booked) expect(cells).toContain(m.full_name);
    const pdf = await planner.download(`/api/plans/${fixed.body.id}/points/${first.pointId}/schedule.pdf?date=2026-12-01`);
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
