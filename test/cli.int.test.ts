import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../src/platform/db.ts';
import { createTestDatabase } from './database.ts';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'doithe-cli-'));
let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

async function doithe(...args: string[]) {
  try {
    const { stdout, stderr } = await run('node', ['bin/doithe.js', ...args], { env: { ...process.env, DATABASE_URL: handle.url }, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

async function memberCount() {
  return Number((await sql<{ n: string }>`SELECT count(*) AS n FROM members`.execute(handle.db)).rows[0]!.n);
}

/** A list as organisations really send them: titles, merged cells, odd headers, numbers, NFD, Ð, a footer. */
async function messyWorkbook(file: string) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('DS');
  ws.getCell('A1').value = 'ĐẢNG BỘ XÃ NGHI LỘC';
  ws.mergeCells('A1:I1');
  ws.getCell('A2').value = 'DANH SÁCH ĐẢNG VIÊN ĐỀ NGHỊ ĐỔI THẺ';
  ws.mergeCells('A2:I2');
  ws.getRow(4).values = ['STT', 'HỌ VÀ TÊN', 'Số CCCD', 'Ngày, tháng, năm sinh', 'Giới tính', 'Ngày vào Đảng', 'Ngày chính thức', 'Số thẻ đảng', 'Chi bộ'];
  ws.getRow(5).values = [1, '  NGUYỄN   VĂN AN ', 40062001234, new Date(Date.UTC(1962, 8, 5)), 'Nam', '12/3/1990', '12/03/1991', '40.123456', 'Chi bộ Xóm 1'];
  ws.getRow(6).values = [2, 'Ðặng Thị Thủy'.normalize('NFD'), '040 165 001 235', '01/02/1965', 'Nữ', '01/01/1995', '01/01/1996', '40.123457', null];
  ws.mergeCells('I5:I6');
  ws.getRow(7).values = [3, 'Lê Văn Cường', '040062001234', '05/09/1962', 'Nam', '01/01/1990', '01/01/1991', '40.123458', 'Chi bộ Xóm 2'];
  ws.getRow(8).values = [4, 'Hồ Thị Lan', '040175001236', '31/02/1975', 'Nữ', '01/01/2000', '01/01/2001', '40.123459', 'Chi bộ Xóm 2'];
  ws.getRow(9).values = [5, 'Phan Văn Bảo', '040095001237', '07/07/1995', 'Nam', '01/05/2025', null, null, 'Chi bộ Xóm 2'];
  ws.getCell('J9').value = null;
  ws.getRow(10).values = [6, { formula: 'CONCAT("Võ ","Văn ","Tám")', result: 'Võ Văn Tám' }, '040080001238', '08/08/1980', 'Nam', '01/01/2005', '01/01/2006', '40.123460', 'Chi bộ Xóm 2'];
  ws.getCell('A12').value = 'Tổng cộng: 6 đảng viên';
  ws.getCell('F14').value = 'Người lập biểu';
  await wb.xlsx.writeFile(file);
}

describe('doithe import members', () => {
  it('reads a messy workbook, reports each bad row by row and field, and commits the rest in one go', async () => {
    const file = path.join(dir, 'danh-sach.xlsx');
    await messyWorkbook(file);
    const dry = await doithe('import', 'members', file, '--json', '--dry-run', '--province', '40', '--create-orgs');
    expect(dry.code).toBe(0);
    const report = lastJson(dry.stdout);
    expect(report.rows).toBe(6);
    expect(report.accepted).toBe(3);
    expect(report.rejected).toEqual([
      { row: 7, errors: [{ field: 'personalId', code: 'personal_id.duplicate_in_file', message: 'Số định danh trùng với dòng 5 trong tệp.' }] },
      { row: 8, errors: [{ field: 'dateOfBirth', code: 'date.not_a_date', message: 'Ngày không có thật.' }] },
      { row: 10, errors: [{ field: 'fullName', code: 'row.formula', message: 'Ô chứa công thức; hãy nhập giá trị thay vì công thức.' }] },
    ]);
    expect(report.members[0]).toEqual({
      row: 5,
      personalId: '040062001234',
      fullName: 'Nguyễn Văn An',
      dateOfBirth: '1962-09-05',
      gender: 'male',
      partyCardNumber: '40123456',
      admittedOn: '1990-03-12',
      officialOn: '1991-03-12',
      eligible: true,
      status: 'official',
      cell: 'Chi bộ Xóm 1',
    });
    expect(report.members[1]).toMatchObject({ row: 6, personalId: '040165001235', fullName: 'Đặng Thị Thủy', gender: 'female', cell: 'Chi bộ Xóm 1' });
    expect(report.members[1].fullName).toBe('Đặng Thị Thủy'.normalize('NFC'));
    expect(report.members[2]).toMatchObject({ row: 9, status: 'probationary', eligible: false, officialOn: null, partyCardNumber: null });
    expect(await memberCount()).toBe(0);

    const commit = await doithe('import', 'members', file, '--json', '--province', '40', '--create-orgs');
    expect(lastJson(commit.stdout)).toMatchObject({ accepted: 3, committed: true, createdOrganisations: 2 });
    expect(await memberCount()).toBe(3);
    const cells = await handle.db.selectFrom('organisations').select('name').where('kind', '=', 'grassroots_cell').orderBy('name').execute();
    expect(cells.map((c) => c.name)).toEqual(['Chi bộ Xóm 1', 'Chi bộ Xóm 2']);

    const again = lastJson((await doithe('import', 'members', file, '--json', '--province', '40')).stdout);
    expect(again.accepted).toBe(0);
    expect(again.rejected.find((r: { row: number }) => r.row === 5).errors[0].message).toBe('Số định danh đã có trong danh sách đảng viên (Nguyễn Văn An).');
    expect(await memberCount()).toBe(3);
  });

  it('does not leave behind a new cell whose every row was rejected', async () => {
    const file = path.join(dir, 'c.csv');
    writeFileSync(file, 'Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Chi bộ\nĐinh Văn Tốt,040071005555,01/01/1971,Nam,Chi bộ Tốt\nĐinh Văn Hỏng,040071005556,31/02/1971,Nam,Chi bộ Hỏng\n');
    const r = lastJson((await doithe('import', 'members', file, '--province', '40', '--create-orgs', '--json')).stdout);
    expect(r).toMatchObject({ accepted: 1, committed: true, createdOrganisations: 1 });
    const names = (await handle.db.selectFrom('organisations').select('name').where('name', 'in', ['Chi bộ Tốt', 'Chi bộ Hỏng']).execute()).map((o) => o.name);
    expect(names).toEqual(['Chi bộ Tốt']);
  });

  it('prints a readable Vietnamese report without --json', async () => {
    const file = path.join(dir, 'b.csv');
    writeFileSync(file, '\ufeffHọ và tên;Số định danh cá nhân;Ngày sinh;Giới tính\nTrần Văn Nam;040170009999;01/13/1970;Nam\n');
    const r = await doithe('import', 'members', file, '--province', '40', '--cell', 'Xóm 1', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Dòng 2, Ngày sinh: Ngày không có thật.');
    expect(r.stdout).toContain('Chạy thử: không ghi gì');
  });

  it('refuses files it cannot read with a clear message and a non-zero exit, changing nothing', async () => {
    const before = await memberCount();
    const notSheet = path.join(dir, 'anh.xlsx');
    writeFileSync(notSheet, Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'));
    const a = await doithe('import', 'members', notSheet, '--province', '40');
    expect(a.code).not.toBe(0);
    expect(a.stderr).toContain('Không đọc được tệp');

    const big = path.join(dir, 'lon.csv');
    writeFileSync(big, Buffer.alloc(50 * 1024 * 1024, 'a'));
    const b = await doithe('import', 'members', big, '--province', '40');
    expect(b.code).not.toBe(0);
    expect(b.stderr).toContain('Tệp quá lớn');

    const noHeader = path.join(dir, 'khong-tieu-de.csv');
    writeFileSync(noHeader, 'a,b,c\n1,2,3\n');
    const c = await doithe('import', 'members', noHeader, '--province', '40');
    expect(c.code).not.toBe(0);
    expect(c.stderr).toContain('Không tìm thấy dòng tiêu đề');

    const wide = path.join(dir, 'rong.csv');
    writeFileSync(wide, `${['Họ và tên', 'Số định danh cá nhân', ...Array.from({ length: 998 }, (_, i) => `Cột ${i}`)].join(',')}\n`);
    const d = await doithe('import', 'members', wide, '--province', '40');
    expect(d.code).not.toBe(0);
    expect(d.stderr).toContain('vượt giới hạn');

    expect(await memberCount()).toBe(before);
  });
});

describe('doithe import admin-units and audit verify', () => {
  it('imports the 2025 commune code list and verifies the audit chain', async () => {
    const file = path.resolve('../shared/data/admin-units-2025.csv');
    const r = await doithe('import', 'admin-units', file, '--json');
    expect(r.code).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ rows: 3321, accepted: 3321, rejected: [] });
    const kinds = await sql<{ kind: string; n: string }>`SELECT kind, count(*) AS n FROM communes GROUP BY kind ORDER BY kind`.execute(handle.db);
    expect(kinds.rows).toEqual([{ kind: 'dac_khu', n: '13' }, { kind: 'phuong', n: '687' }, { kind: 'xa', n: '2621' }]);
    const v = await doithe('audit', 'verify');
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('Nhật ký toàn vẹn');
  });
});
