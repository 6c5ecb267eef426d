import { tmpdir } from 'node:os';
import path from 'node:path';
import { createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { withClientTransaction } from '../src/platform/db.ts';
import { formatDate } from '../src/common/dates.ts';
import { copyLine, copyLines } from '../src/members/import.ts';
import { provinceCommittee } from '../src/reference/service.ts';
import { validateMember } from '../src/members/domain/validate.ts';
import { generateDemoProvince } from '../src/demo/domain/generate.ts';
import { benchDatabase, round, tiny } from './support.ts';

const exec = promisify(execFile);

const HEADER = ['STT', 'Họ và tên', 'Số định danh cá nhân', 'Ngày sinh', 'Giới tính', 'Dân tộc', 'Quê quán', 'Nơi thường trú', 'Ngày vào Đảng',
  'Ngày chính thức', 'Số thẻ đảng', 'Số lý lịch', 'Số điện thoại', 'Đảng bộ', 'Chi bộ', 'Cần thu nhận tại nhà'];

/** 125,000 generated members of one province in one .xlsx, imported; COPY of the same rows is the limit. */
export async function run() {
  const rows = tiny ? 2_000 : 125_000;
  const demo = generateDemoProvince({ provinceCode: '68', members: rows, seed: 7 });
  const units = new Map(demo.organisations.map((o) => [o.key, o]));
  const file = path.join(tmpdir(), `doithe-bench-import-${process.pid}.xlsx`);
  const output = createWriteStream(file);
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useSharedStrings: false, useStyles: false });
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
  // exceljs resolves commit() before its file stream has closed.
  await once(output, 'close');

  const db = await benchDatabase();
  try {
    // The limit's rows: the same members, parsed, as COPY lines (cell ids filled in after the import).
    const drafts = [...demo.members()].map((m) => {
      const { draft } = validateMember({ ...m, gender: m.gender === 'male' ? 'Nam' : 'Nữ', needsHomeVisit: m.needsHomeVisit ? 'x' : '' }, { today: '2025-08-10' });
      return draft!;
    });
    // Warm-up: a fresh cluster creates its WAL files on first use; let neither measured load pay for that.
    const committee = await provinceCommittee(db.db, '68');
    await withClientTransaction(db.pool, async (_trx, client) => copyLines(client, drafts.map((d) => copyLine(d, committee.id))));
    await sql`TRUNCATE members CASCADE`.execute(db.db);
    await sql`CHECKPOINT`.execute(db.db);

    // The import as users run it: the doithe command in its own process (start-up included), peak memory of that process.
    const started = performance.now();
    const child = await exec('node', ['--import', './bench/rss-probe.js', 'bin/doithe.js', 'import', 'members', file, '--province', '68', '--create-orgs', '--json'], {
      env: { ...process.env, DATABASE_URL: db.url },
      maxBuffer: 256 << 20,
    });
    const seconds = (performance.now() - started) / 1000;
    const report = JSON.parse(child.stdout.trim().split('\n').pop()!) as { accepted: number; rejected: unknown[] };
    if (report.accepted !== rows) throw new Error(`expected ${rows} accepted rows, got ${report.accepted} (${report.rejected.length} rejected)`);
    const peakRssMb = Math.round(Number(/DOITHE_PEAK_RSS_KB=(\d+)/.exec(child.stderr)![1]) / 1024);
    console.log(`import: ${rows} rows in ${seconds.toFixed(2)} s (doithe import members, whole command), peak RSS ${peakRssMb} MB`);

    // The limit: the same rows loaded with COPY into the same table, indexes and triggers.
    const cells = await db.db.selectFrom('members').select(['personal_id', 'organisation_id']).execute();
    const cellOf = new Map(cells.map((r) => [r.personal_id, r.organisation_id]));
    const lines = drafts.map((d) => copyLine(d, cellOf.get(d.personalId)!));
    await sql`TRUNCATE members CASCADE`.execute(db.db);
    await sql`CHECKPOINT`.execute(db.db);
    const copyStarted = performance.now();
    await withClientTransaction(db.pool, async (_trx, client) => copyLines(client, lines));
    const copySeconds = (performance.now() - copyStarted) / 1000;
    console.log(`COPY of the same rows: ${copySeconds.toFixed(2)} s`);
    return {
      rows,
      seconds: round(seconds),
      rowsPerSecond: Math.round(rows / seconds),
      peakRssMb,
      copySeconds: round(copySeconds),
      ratioToCopy: round(seconds / copySeconds, 2),
    };
  } finally {
    await db.dispose();
    rmSync(file, { force: true });
  }
}
