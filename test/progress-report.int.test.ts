import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDate, todayInVietnam } from '../src/common/dates.ts';
import { submitDossier } from '../src/intake/service.ts';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { cliActor } from '../src/platform/scope.ts';
import { archiveDailyReports } from '../src/progress/reports.ts';
import { dayNumber, isoFromDayNumber } from '../src/scheduling/domain/slots.ts';
import { seedCounterDay } from './counter-fixtures.ts';
import { createTestDatabase } from './database.ts';
import { seedTwoCommunes } from './fixtures.ts';
import { signedInClient, startServer, temporaryFileStore } from './http.ts';
import { DEVICE_STEPS, padSignature } from './intake-fixtures.ts';

let handle: DatabaseHandle;
let server: Awaited<ReturnType<typeof startServer>>;
let units: Awaited<ReturnType<typeof seedTwoCommunes>>;
const dir = mkdtempSync(path.join(tmpdir(), 'doithe-report-'));
const today = todayInVietnam();
const yesterday = isoFromDayNumber(dayNumber(today)! - 1);

beforeAll(async () => {
  handle = await createTestDatabase();
  units = await seedTwoCommunes(handle);
  await seedCounterDay(handle, units, 6);
  const files = await temporaryFileStore();
  const photo = await sharp({ create: { width: 480, height: 640, channels: 3, background: '#c8beb4' } }).jpeg().toBuffer();
  const signature = await padSignature();
  const cellB = await handle.db.selectFrom('members').select('id').where('organisation_id', '=', units.cellB.id).where('eligible', '=', true).orderBy('id').limit(3).execute();
  for (const m of cellB) await submitDossier(handle.db, cliActor(), files, { id: randomUUID(), memberId: m.id, data: {}, steps: DEVICE_STEPS }, { content: photo, mime: 'image/jpeg' }, { content: signature, mime: 'image/png' });
  server = await startServer(handle);
});
afterAll(async () => {
  await server?.close();
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

const signIn = (username: string) => signedInClient(server.base, username);

function pdfText(pdf: Buffer): string {
  const file = path.join(dir, `${randomUUID()}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

describe('the daily report', () => {
  it('is made from the counts as a signed-off A4 PDF and an .xlsx with a row per child unit and the totals', async () => {
    const admin = await signIn('quantri');
    const pdf = await admin.download(`/api/progress/report.pdf?organisationId=${units.province.id}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-disposition')).toContain(`bao-cao-tien-do-${today}.pdf`);
    const text = pdfText(Buffer.from(await pdf.arrayBuffer()));
    for (const line of ['ĐẢNG CỘNG SẢN VIỆT NAM', 'ĐẢNG BỘ TỈNH LÂM ĐỒNG', 'BÁO CÁO TIẾN ĐỘ ĐỔI THẺ ĐẢNG VIÊN', `Ngày ${formatDate(today)}`, 'NGƯỜI LẬP BIỂU', 'THỦ TRƯỞNG ĐƠN VỊ']) expect(text).toContain(line);
    const [year, month, day] = today.split('-');
    expect(text).toContain(`Lâm Đồng, ngày ${day} tháng ${month} năm ${year}`);
    // Commune B: 8 eligible (6 + Bắc and Thuỷ), 3 taken today, 37.5%.
    expect(text).toMatch(/Đảng bộ phường Thử Hai\s+8\s+3\s+3\s+37,5\s+0\s+0\s+0/);
    expect(text).toMatch(/Tổng cộng\s+10\s+3\s+3\s+30,0/);

    const xlsx = await admin.download(`/api/progress/report.xlsx?organisationId=${units.province.id}`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
    const rows = workbook.worksheets[0]!.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
    expect(rows).toContainEqual([1, 'Đảng bộ phường Thử Hai', 8, 3, 3, 37.5, 0, 0, 0]);
    expect(rows).toContainEqual([2, 'Đảng bộ xã Thử Một', 2, 0, 0, 0, 0, 0, 0]);
    expect(rows).toContainEqual([undefined, 'Tổng cộng', 10, 3, 3, 30, 0, 0, 0]);
  });

  it('is archived each evening once per unit and day, and an earlier day comes from the archive', async () => {
    // The server's own evening job may have made some already (after 20:00 Vietnam time): this makes the rest.
    await archiveDailyReports(handle.db, today);
    const archivedUnits = new Set((await handle.db.selectFrom('progress_reports').select('organisation_id').where('day', '=', today).execute()).map((r) => r.organisation_id));
    for (const unit of [units.province, units.communeA, units.communeB]) expect(archivedUnits.has(unit.id), unit.id).toBe(true);
    // Cells report through their committee.
    for (const cell of [units.cellA, units.cellB]) expect(archivedUnits.has(cell.id), cell.id).toBe(false);
    expect(await archiveDailyReports(handle.db, today)).toBe(0);

    const officer = await signIn('canbo.b');
    const list = await officer.request('GET', `/api/progress/reports?organisationId=${units.communeB.id}`);
    expect(list.body.reports).toEqual([expect.objectContaining({ day: today })]);
    const archived = await officer.download(`/api/progress/reports/${list.body.reports[0].id}/report.pdf`);
    expect(pdfText(Buffer.from(await archived.arrayBuffer()))).toContain('ĐẢNG BỘ PHƯỜNG THỬ HAI');
    // Another commune's archive is not there for this officer.
    const other = await officer.request('GET', `/api/progress/reports?organisationId=${units.communeA.id}`);
    expect(other.status).toBe(404);
    const otherReport = await handle.db.selectFrom('progress_reports').select('id').where('organisation_id', '=', units.communeA.id).executeTakeFirstOrThrow();
    expect((await officer.download(`/api/progress/reports/${otherReport.id}/report.pdf`)).status).toBe(404);

    // Yesterday's evening report was never made; a day to come cannot be reported.
    const missing = await officer.request('GET', `/api/progress/report.pdf?organisationId=${units.communeB.id}&date=${yesterday}`);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'progress.report.not_archived', message: `Chưa có báo cáo lưu của ngày ${formatDate(yesterday)}: báo cáo được lập tự động lúc 20 giờ mỗi ngày.` });
    const future = await officer.request('GET', `/api/progress/report.pdf?date=${isoFromDayNumber(dayNumber(today)! + 1)}`);
    expect(future.body.error).toMatchObject({ code: 'progress.report.future', issues: [expect.objectContaining({ field: 'date' })] });
  });
});
