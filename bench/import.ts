import { tmpdir } from 'node:os';
import path from 'node:path';
import { rmSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { withClientTransaction } from '../src/platform/db.ts';
import { cliActor } from '../src/platform/scope.ts';
import { formatDate } from '../src/common/dates.ts';
import { copyLine, copyLines, importMembers } from '../src/members/import.ts';
import { validateMember } from '../src/members/domain/validate.ts';
import { generateDemoProvince } from '../src/demo/domain/generate.ts';
import { benchDatabase, round, tiny, withPeakRss } from './support.ts';

const HEADER = ['STT', 'Họ và tên', 'Số định danh cá nhân', 'Ngày sinh', 'Giới tính', 'Dân tộc', 'Quê quán', 'Nơi thường trú', 'Ngày vào Đảng',
  'Ngày chính thức', 'Số thẻ đảng', 'Số lý lịch', 'Số điện thoại', 'Đảng bộ', 'Chi bộ', 'Cần thu nhận tại nhà'];

/** 125,000 generated members of one province in one .xlsx, imported; COPY of the same rows is the limit. */
export async function run() {
  const rows = tiny ? 2_000 : 125_000;
  const demo = generateDemoProvince({ provinceCode: '68', members: rows, seed: 7 });
  const units = new Map(demo.organisations.map((o) => [o.key, o]));
  const file = path.join(tmpdir(), `doithe-bench-import-${process.pid}.xlsx`);
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: false });
  const sheet = writer.addWorksheet('Danh sách');
  sheet.addRow(['DANH SÁCH ĐẢNG VIÊN ĐỀ NGHỊ ĐỔI THẺ']).commit();
  sheet.addRow(HEADER).commit();
  let n = 0;
  for (const m of demo.members()) {
    const cell = units.get(m.organisationKey)!;
    const parent = cell.parentKey ? units.get(cell.parentKey)! : undefined;
    sheet
      .addRow([++n, m.fullName, m.personalId, formatDate(m.dateOfBirth), m.gender === 'male' ? 'Nam' : 'Nữ', m.ethnicity, m.hometown, m.permanentAddress,
        formatDate(m.admittedOn), formatDate(m.officialOn), m.partyCardNumber ? `${m.partyCardNumber.slice(0, 2)}.${m.partyCardNumber.slice(2)}` : '',
        m.recordNumber, m.phone ?? '', parent?.name ?? '', cell.name, m.needsHomeVisit ? 'x' : ''])
      .commit();
  }
  await sheet.commit();
  await writer.commit();

  const db = await benchDatabase();
  try {
    const imported = await withPeakRss(() =>
      importMembers(db.db, db.pool, cliActor(), { path: file }, { provinceCode: '68', createOrgs: true, limits: { maxBytes: 200 * 1024 * 1024 } }),
    );
    const report = imported.result;
    if (report.accepted !== rows) throw new Error(`expected ${rows} accepted rows, got ${report.accepted} (${report.rejected.length} rejected)`);
    console.log(`import: ${rows} rows in ${imported.seconds.toFixed(2)} s, peak RSS ${imported.peakRssMb} MB`);

    // The limit: the same rows, already parsed, loaded with COPY into the same table and indexes.
    const cellIds = await db.db.selectFrom('members').select(['personal_id', 'organisation_id']).execute();
    const cellOf = new Map(cellIds.map((r) => [r.personal_id, r.organisation_id]));
    const lines: string[] = [];
    for (const m of demo.members()) {
      const { draft } = validateMember({ ...m, dateOfBirth: m.dateOfBirth, gender: m.gender === 'male' ? 'Nam' : 'Nữ', needsHomeVisit: m.needsHomeVisit ? 'x' : '' }, { today: '2025-08-10' });
      lines.push(copyLine(draft!, cellOf.get(m.personalId)!));
    }
    await sql`TRUNCATE members`.execute(db.db);
    const copyStarted = performance.now();
    await withClientTransaction(db.pool, async (_trx, client) => copyLines(client, lines));
    const copySeconds = (performance.now() - copyStarted) / 1000;
    console.log(`COPY of the same rows: ${copySeconds.toFixed(2)} s`);
    return {
      rows,
      seconds: round(imported.seconds),
      rowsPerSecond: Math.round(rows / imported.seconds),
      peakRssMb: imported.peakRssMb,
      copySeconds: round(copySeconds),
      ratioToCopy: round(imported.seconds / copySeconds, 2),
    };
  } finally {
    await db.dispose();
    rmSync(file, { force: true });
  }
}
