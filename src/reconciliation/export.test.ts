import { mkdtempSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Locale } from '../platform/i18n/index.ts';
import { writeMismatchWorkbook, type MismatchExportRow, type MismatchExportUnit } from './export.ts';

const LONG_NAME = 'Chi bộ [Khu phố 3]: Tổ dân phố số 12/Phường Bến Thành';
const GENERATED_AT = new Date('2025-08-14T20:00:00Z'); // 15/08/2025 in Vietnam
const CHECKED_AT = new Date('2025-08-09T18:30:00Z'); // 10/08/2025 in Vietnam, 09/08 in UTC

const row = (overrides: Partial<MismatchExportRow>): MismatchExportRow => ({
  personalId: '001090000123',
  fullName: 'Nguyễn Văn An',
  status: 'mismatched',
  differences: [],
  checkedAt: CHECKED_AT,
  decision: null,
  decisionReason: null,
  ...overrides,
});

const UNITS: MismatchExportUnit[] = [
  {
    name: LONG_NAME,
    rows: [
      row({
        fullName: '=HYPERLINK("x")',
        differences: [
          { field: 'fullName', party: '=HYPERLINK("x")', population: 'Nguyễn Văn An', cause: 'letters_differ', blocking: true },
          { field: 'dateOfBirth', party: '1962-09-05', population: '1962-05-09', cause: 'day_month_swapped', blocking: true },
          { field: 'gender', party: 'male', population: 'female', cause: 'gender_differs', blocking: true },
        ],
        decision: 'kept',
        decisionReason: '-theo lý lịch gốc',
      }),
      row({ personalId: '079190000456', fullName: 'Trần Thị Bình', status: 'not_found' }),
      row({ personalId: '001090000789', fullName: '@Lê Văn Cường', status: 'awaiting' }),
    ],
  },
  {
    name: LONG_NAME,
    rows: [
      row({
        personalId: '002085000001',
        fullName: 'Phạm Thị Dung',
        differences: [
          { field: 'dateOfBirth', party: '1985', population: '1985-03-02', cause: 'year_only', blocking: false },
          { field: 'hometown', party: '+Xã Tân Lập, Hà Tây', population: 'Xã Tân Lập, Hà Nội', cause: 'place_differs', blocking: false },
        ],
        decision: 'referred',
        decisionReason: 'Sai quê quán trong CSDL',
      }),
    ],
  },
];

async function workbookOf(units: MismatchExportUnit[], locale: Locale = 'vi'): Promise<ExcelJS.Workbook> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeMismatchWorkbook(units, out, locale, GENERATED_AT);
  const workbook = new ExcelJS.Workbook();
  // exceljs declares its own Buffer type, which Node 20's typed Buffer no longer matches.
  await workbook.xlsx.load(Buffer.concat(chunks) as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  return workbook;
}

const values = (sheet: ExcelJS.Worksheet, rowNumber: number) => (sheet.getRow(rowNumber).values as unknown[]).slice(1);

const dir = mkdtempSync(join(tmpdir(), 'doithe-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mismatch list export', () => {
  it('names sheets as Excel allows: summary first, unit names cleaned, cut to 31 characters, made unique', async () => {
    const workbook = await workbookOf(UNITS);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Tổng hợp', 'Chi bộ Khu phố 3 Tổ dân phố số', 'Chi bộ Khu phố 3 Tổ dân phố (2)']);
    for (const sheet of workbook.worksheets) expect(sheet.name.length).toBeLessThanOrEqual(31);

    const odd = await workbookOf(['Tổng hợp', '', '  ', 'history', 'a/b\\c?*', "'Chi bộ 1'", 'CHI BỘ 1'].map((name) => ({ name, rows: [] })));
    expect(odd.worksheets.map((s) => s.name)).toEqual(['Tổng hợp', 'Tổng hợp (2)', 'Đơn vị 2', 'Đơn vị 3', 'history (2)', 'a-b-c', 'Chi bộ 1', 'CHI BỘ 1 (2)']);
  });

  it('writes one line per differing field, party and register values side by side, under Vietnamese headings', async () => {
    const sheet = (await workbookOf(UNITS)).worksheets[1]!;
    expect(values(sheet, 1)).toEqual([
      'STT', 'Số định danh cá nhân', 'Họ và tên', 'Tình trạng', 'Trường thông tin', 'Theo hồ sơ đảng', 'Theo CSDL dân cư',
      'Nguyên nhân có thể', 'Chặn cấp thẻ', 'Quyết định', 'Lý do', 'Ngày đối chiếu',
    ]);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe('A1:L1');

    const kept = ['Giữ giá trị hồ sơ đảng', '-theo lý lịch gốc', '10/08/2025'];
    const person = [1, '001090000123', '=HYPERLINK("x")', 'Không khớp'];
    expect(values(sheet, 2)).toEqual([...person, 'Họ và tên', '=HYPERLINK("x")', 'Nguyễn Văn An', 'Khác chữ cái', 'Có', ...kept]);
    expect(values(sheet, 3)).toEqual([...person, 'Ngày sinh', '05/09/1962', '09/05/1962', 'Nhầm ngày và tháng', 'Có', ...kept]);
    expect(values(sheet, 4)).toEqual([...person, 'Giới tính', 'Nam', 'Nữ', 'Khác giới tính', 'Có', ...kept]);
    // No differences: one line, the field columns empty.
    expect(sheet.getRow(5).values).toEqual([, 2, '079190000456', 'Trần Thị Bình', 'Không có trong CSDL dân cư', , , , , , , , '10/08/2025']);
    expect(sheet.getRow(6).values).toEqual([, 3, '001090000789', '@Lê Văn Cường', 'Chờ đối chiếu', , , , , , , , '10/08/2025']);
    expect(sheet.rowCount).toBe(6);

    const second = (await workbookOf(UNITS)).worksheets[2]!;
    expect(values(second, 2).slice(4, 11)).toEqual(['Ngày sinh', '1985', '02/03/1985', 'Hồ sơ đảng chỉ có năm sinh', 'Không', 'Đề nghị công an điều chỉnh', 'Sai quê quán trong CSDL']);
    expect(values(second, 3).slice(4, 9)).toEqual(['Quê quán', '+Xã Tân Lập, Hà Tây', 'Xã Tân Lập, Hà Nội', 'Khác địa danh', 'Không']);
  });

  it('keeps IDs and formula-like values as plain text: every cell is a string or a number, none a formula', async () => {
    const workbook = await workbookOf(UNITS);
    const sheet = workbook.worksheets[1]!;
    expect(sheet.getCell('B2').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell('B2').value).toBe('001090000123');
    expect(sheet.getCell('C2').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell('C2').formula).toBeUndefined();
    expect(sheet.getCell('B2').numFmt).toBe('@');
    for (const ws of workbook.worksheets) {
      ws.eachRow((r) => r.eachCell((cell) => expect([ExcelJS.ValueType.String, ExcelJS.ValueType.Number]).toContain(cell.type)));
    }
  });

  it('sums up each unit on the summary sheet', async () => {
    const summary = (await workbookOf(UNITS)).worksheets[0]!;
    expect(summary.getCell('A1').value).toBe('Danh sách đảng viên có thông tin chưa khớp với CSDL quốc gia về dân cư, lập ngày 15/08/2025');
    expect(values(summary, 3)).toEqual(['Tổ chức đảng', 'Trang tính', 'Số trường hợp', 'Chưa quyết định', 'Đã quyết định']);
    expect(values(summary, 4)).toEqual([LONG_NAME, 'Chi bộ Khu phố 3 Tổ dân phố số', 3, 2, 1]);
    expect(values(summary, 5)).toEqual([LONG_NAME, 'Chi bộ Khu phố 3 Tổ dân phố (2)', 1, 0, 1]);
    expect(summary.getRow(6).values).toEqual([, 'Tổng cộng', , 4, 2, 2]);
  });

  it('speaks English when asked', async () => {
    const workbook = await workbookOf(UNITS, 'en');
    expect(workbook.worksheets[0]!.name).toBe('Summary');
    expect(workbook.worksheets[0]!.getCell('A1').value).toBe('Members whose details differ from the national population register, as of 15/08/2025');
    const sheet = workbook.worksheets[1]!;
    expect(values(sheet, 1)).toEqual([
      'No.', 'Personal ID number', 'Full name', 'Status', 'Field', 'Party record', 'Population register',
      'Possible cause', 'Blocks card issue', 'Decision', 'Reason', 'Checked on',
    ]);
    expect(values(sheet, 4).slice(3, 10)).toEqual(['Mismatched', 'Gender', 'Male', 'Female', 'Different gender', 'Yes', 'Party record value kept']);
  });

  it('resolves once a file is complete, and fails instead of hanging when the output breaks', async () => {
    const file = join(dir, 'mismatches.xlsx');
    await writeMismatchWorkbook(UNITS, createWriteStream(file), 'vi');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    expect(workbook.worksheets).toHaveLength(3);

    const broken = new Writable({ write: (_chunk, _encoding, callback) => callback(new Error('client gone')) });
    await expect(writeMismatchWorkbook(UNITS, broken, 'vi')).rejects.toThrow('client gone');
  });
});
