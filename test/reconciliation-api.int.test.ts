import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { cliActor } from '../src/platform/scope.ts';
import { addUser } from '../src/users/service.ts';
import { createTestDatabase } from './database.ts';
import { PASSWORD, seedTwoCommunes } from './fixtures.ts';
import { Client, startServer } from './http.ts';

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let units: Awaited<ReturnType<typeof seedTwoCommunes>>;
const BAC = '068058001004';
const THUY = '068172001005';

beforeAll(async () => {
  handle = await createTestDatabase();
  units = await seedTwoCommunes(handle);
  await addUser(handle.db, cliActor(), { username: 'congan.b', fullName: 'Công an phường Hai', password: PASSWORD, role: 'intake_officer', organisationId: units.communeB.id });
  // The register agrees with An, and with Hòa written Hoà; Bắc's birth date differs; Thuỷ is not in it.
  await handle.db
    .insertInto('population_register')
    .values([
      { personal_id: '068062001001', full_name: 'Nguyễn Văn An', date_of_birth: '1962-09-05', gender: 'male' },
      { personal_id: '068165001002', full_name: 'Trần Thị Hoà', date_of_birth: '1965-02-01', gender: 'female' },
      { personal_id: BAC, full_name: 'Phạm Văn Bắc', date_of_birth: '1958-10-01', gender: 'male' },
    ])
    .execute();
  server = await startServer(handle);
});
afterAll(async () => {
  await server?.close();
  await handle?.close();
});

async function signIn(username: string) {
  const client = new Client(server.base);
  expect((await client.login(username, PASSWORD)).status).toBe(200);
  return client;
}

async function runToEnd(client: Client, organisationId?: string) {
  const started = await client.request('POST', '/api/reconciliation/runs', organisationId ? { organisationId } : {});
  expect(started.status).toBe(202);
  for (let i = 0; i < 120; i++) {
    const { body } = await client.request('GET', `/api/reconciliation/runs/${started.body.run.id}`);
    if (body.run.status === 'done' || body.run.status === 'failed') return body.run;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('run did not finish');
}

const memberIdOf = async (personalId: string) => (await handle.db.selectFrom('members').select('id').where('personal_id', '=', personalId).executeTakeFirstOrThrow()).id;

describe('reconciliation over HTTP', () => {
  it('runs a scope as a job, counts per unit, and lists only what the caller may see', async () => {
    const officer = await signIn('canbo.b');
    const run = await runToEnd(officer);
    expect(run).toMatchObject({ status: 'done', total: 2, checked: 2, matched: 0, mismatched: 1, notFound: 1 });

    const summary = await officer.request('GET', `/api/reconciliation/summary?organisationId=${units.communeB.id}`);
    expect(summary.body.totals).toEqual({ members: 2, checked: 2, matched: 0, mismatched: 1, notFound: 1, awaiting: 0, open: 2 });
    expect(summary.body.units).toEqual([expect.objectContaining({ organisationId: units.cellB.id, name: 'Chi bộ tổ dân phố Hai', open: 2, hasChildren: false })]);

    const list = await officer.request('GET', '/api/reconciliation/results?open=true');
    expect(list.body.items.map((i: { personalId: string }) => i.personalId).sort()).toEqual([BAC, THUY]);
    const bac = list.body.items.find((i: { personalId: string }) => i.personalId === BAC);
    expect(bac.differences).toEqual([{ field: 'dateOfBirth', party: '1958-10-10', population: '1958-10-01', cause: 'different_date', blocking: true }]);
    expect(bac.intakeBlocked).toBe(true);
    const byField = await officer.request('GET', '/api/reconciliation/results?field=fullName');
    expect(byField.body.total).toBe(0);

    // Commune A's members were checked by nobody here and are not visible to B's officer.
    const other = await officer.request('GET', `/api/members/${await memberIdOf('068062001001')}/reconciliation`);
    expect(other.status).toBe(404);
  });

  it('records a decision with who, when and why, unblocks the member, and keeps it through a re-check of the same difference', async () => {
    const officer = await signIn('canbo.b');
    const bac = await memberIdOf(BAC);
    const noReason = await officer.request('POST', `/api/members/${bac}/reconciliation/decision`, { decision: 'keep' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.issues[0]).toMatchObject({ field: 'reason', message: 'Cần ghi lý do (ít nhất 3 ký tự).' });

    const police = await signIn('congan.b');
    expect((await police.request('POST', `/api/members/${bac}/reconciliation/decision`, { decision: 'keep', reason: 'x'.repeat(10) })).status).toBe(403);

    const kept = await officer.request('POST', `/api/members/${bac}/reconciliation/decision`, { decision: 'keep', reason: 'Tuổi đảng viên theo lý lịch gốc' });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ intakeBlocked: false, result: { open: false, decision: { kind: 'kept', reason: 'Tuổi đảng viên theo lý lịch gốc', decidedBy: 'Cán bộ phường Hai' } } });
    const again = await officer.request('POST', `/api/members/${bac}/reconciliation/decision`, { decision: 'refer', reason: 'Lần hai' });
    expect(again.status).toBe(409);

    const thuy = await memberIdOf(THUY);
    expect((await officer.request('POST', `/api/members/${thuy}/reconciliation/decision`, { decision: 'correct' })).status).toBe(400);
    const referred = await officer.request('POST', `/api/members/${thuy}/reconciliation/decision`, { decision: 'refer', reason: 'Đề nghị công an cập nhật' });
    expect(referred.body).toMatchObject({ intakeBlocked: false, result: { status: 'not_found', decision: { kind: 'referred' } } });

    await runToEnd(officer);
    expect((await police.request('GET', `/api/members/${bac}/reconciliation`)).body).toMatchObject({ intakeBlocked: false, result: { decision: { kind: 'kept' } } });

    // A different difference is a new case: it reopens, and "correct" copies the register's value into the record.
    await handle.db.updateTable('population_register').set({ date_of_birth: '1958-10-11' }).where('personal_id', '=', BAC).execute();
    await runToEnd(officer);
    const reopened = (await officer.request('GET', `/api/members/${bac}/reconciliation`)).body;
    expect(reopened).toMatchObject({ intakeBlocked: true, result: { open: true, decision: null, differences: [{ field: 'dateOfBirth', cause: 'one_digit_typo' }] } });
    const corrected = await officer.request('POST', `/api/members/${bac}/reconciliation/decision`, { decision: 'correct' });
    expect(corrected.body).toMatchObject({ intakeBlocked: false, result: { status: 'matched', decision: { kind: 'corrected' } } });
    expect((await officer.request('GET', `/api/members/${bac}`)).body.dateOfBirth).toBe('1958-10-11');
    await runToEnd(officer);
    expect((await officer.request('GET', `/api/members/${bac}/reconciliation`)).body.result).toMatchObject({ status: 'matched', open: false });

    const audit = await handle.db.selectFrom('audit_log').select(['action', 'details']).where('action', 'in', ['reconciliation.decide', 'member.update']).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['reconciliation.decide', 'reconciliation.decide', 'member.update', 'reconciliation.decide']);
  });

  it('refuses personal IDs of the wrong shape at the counter check with a clear message', async () => {
    const police = await signIn('congan.b');
    for (const [personalId, message] of [
      ['12345', 'Số định danh cá nhân phải gồm 12 chữ số.'],
      ['123456789', 'Đây là số CMND 9 số cũ; cần số định danh cá nhân 12 số.'],
      ['06805800100A', 'Số định danh cá nhân phải gồm 12 chữ số.'],
    ]) {
      const r = await police.request('POST', '/api/reconciliation/check', { personalId });
      expect({ personalId, status: r.status, issue: r.body.error.issues[0] }).toMatchObject({ personalId, status: 400, issue: { field: 'personalId', message } });
    }
    const ok = await police.request('POST', '/api/reconciliation/check', { personalId: THUY });
    expect(ok.body.result).toMatchObject({ personalId: THUY, status: 'not_found' });
    // Another commune's member is not found for this officer, whatever the register holds.
    expect((await police.request('POST', '/api/reconciliation/check', { personalId: '068062001001' })).status).toBe(404);
  });

  it('exports the mismatch list per unit as .xlsx with Vietnamese headings', async () => {
    const officer = await signIn('canbo.b');
    const response = await officer.download(`/api/reconciliation/export.xlsx?organisationId=${units.communeB.id}`);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await response.arrayBuffer()) as never);
    const sheet = workbook.getWorksheet('Chi bộ tổ dân phố Hai')!;
    expect(sheet.getRow(1).getCell(2).value).toBe('Số định danh cá nhân');
    const ids: unknown[] = [];
    sheet.eachRow((row, n) => n > 1 && ids.push(row.getCell(2).value));
    expect(ids).toEqual([THUY]);
  });
});
