import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesOf } from '../../common/streams.ts';
import type { Locale } from '../../platform/i18n/index.ts';
import { writeDailySchedulePdf, writeDailyScheduleXlsx, type DailySchedule, type ScheduleMember } from './daily-schedule.ts';

const NAMES = ['Nguyễn Thị Ánh Tuyết', 'Đặng Văn Ửng', 'Lê Thị Ỷ', "H'Hen Niê"];
// Every Vietnamese letter, lower and upper case: a vowel with its five tones per line, then đ/Đ.
const ALPHABET = [
  ...['aàáảãạ', 'ăằắẳẵặ', 'âầấẩẫậ', 'eèéẻẽẹ', 'êềếểễệ', 'iìíỉĩị', 'oòóỏõọ', 'ôồốổỗộ', 'ơờớởỡợ', 'uùúủũụ', 'ưừứửữự', 'yỳýỷỹỵ'].map(
    (letters) => `${letters} ${letters.toLocaleUpperCase('vi')}`,
  ),
  'Đinh Đức Đạt đến đủ',
];

const member = (fullName: string, personalId: string, birthYear: number | null): ScheduleMember => ({ fullName, personalId, birthYear });

const SCHEDULE: DailySchedule = {
  point: { name: 'Công an xã Thử Một', address: 'Thôn Một, xã Thử Một, tỉnh Lâm Đồng', communeName: 'Xã Thử Một' },
  date: '2026-12-05',
  shifts: [
    {
      shift: { key: 'morning', start: '07:30', end: '11:30' },
      cells: [
        {
          cellName: 'Chi bộ thôn Một',
          committeeName: 'Đảng bộ xã Thử Một',
          members: NAMES.map((name, i) => member(name, `00109000012${i}`, 1950 + i)),
        },
        { cellName: 'Chi bộ thôn Hai', committeeName: 'Đảng bộ xã Thử Một', members: [member('=HYPERLINK("x")', '079190000456', null)] },
      ],
    },
    {
      shift: { key: 'afternoon', start: '13:30', end: '17:00' },
      cells: [{ cellName: '+Chi bộ trường học', committeeName: 'Đảng bộ xã Thử Một', members: [member('@Trần Văn Bình', '001085000001', 1985)] }],
    },
  ],
};

const dir = mkdtempSync(join(tmpdir(), 'doithe-schedule-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function workbookOf(schedules: DailySchedule[], locale: Locale = 'vi'): Promise<ExcelJS.Workbook> {
  const bytes = await bytesOf((out) => writeDailyScheduleXlsx(schedules, out, locale));
  const workbook = new ExcelJS.Workbook();
  // exceljs declares its own Buffer type, which Node 20's typed Buffer no longer matches.
  await workbook.xlsx.load(bytes as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  return workbook;
}

const values = (sheet: ExcelJS.Worksheet, rowNumber: number) => (sheet.getRow(rowNumber).values as unknown[]).slice(1);

describe('daily schedule as .xlsx', () => {
  it('has a title block, Vietnamese headings, per shift a heading, the members and a total, then the day total', async () => {
    const workbook = await workbookOf([SCHEDULE]);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['05-12-2026']);
    const sheet = workbook.worksheets[0]!;
    expect([1, 2, 3, 4, 5].map((r) => sheet.getCell(r, 1).value)).toEqual([
      'LỊCH TIẾP NHẬN HỒ SƠ ĐỔI THẺ ĐẢNG VIÊN',
      'Điểm tiếp nhận: Công an xã Thử Một',
      'Địa chỉ: Thôn Một, xã Thử Một, tỉnh Lâm Đồng',
      'Xã/phường: Xã Thử Một',
      'Ngày: Thứ Bảy, 05/12/2026',
    ]);
    expect(sheet.getCell('A1').isMerged).toBe(true);
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(values(sheet, 7)).toEqual(['STT', 'Họ và tên', 'Số định danh cá nhân', 'Năm sinh', 'Chi bộ', 'Ký nhận']);
    expect(sheet.getCell('B7').font?.bold).toBe(true);

    expect(sheet.getCell('A8').value).toBe('Ca sáng: 07:30–11:30 (5 đảng viên)');
    expect(values(sheet, 9)).toEqual([1, 'Nguyễn Thị Ánh Tuyết', '001090000120', 1950, 'Chi bộ thôn Một']);
    expect(values(sheet, 10)).toEqual([2, 'Đặng Văn Ửng', '001090000121', 1951, 'Chi bộ thôn Một']);
    expect(values(sheet, 11)).toEqual([3, 'Lê Thị Ỷ', '001090000122', 1952, 'Chi bộ thôn Một']);
    expect(values(sheet, 12)).toEqual([4, "H'Hen Niê", '001090000123', 1953, 'Chi bộ thôn Một']);
    expect(sheet.getRow(13).values).toEqual([, 5, '=HYPERLINK("x")', '079190000456', , 'Chi bộ thôn Hai']);
    expect(sheet.getCell('F13').value).toBeNull(); // Ký nhận: empty, to sign on paper
    expect(sheet.getCell('F13').border?.bottom?.style).toBe('thin');
    expect(sheet.getCell('A14').value).toBe('Cộng ca sáng: 5 đảng viên');
    expect(sheet.getCell('A15').value).toBe('Ca chiều: 13:30–17:00 (1 đảng viên)');
    expect(values(sheet, 16)).toEqual([1, '@Trần Văn Bình', '001085000001', 1985, '+Chi bộ trường học']); // STT starts again per shift
    expect(sheet.getCell('A17').value).toBe('Cộng ca chiều: 1 đảng viên');
    expect(sheet.getCell('A18').value).toBe('Tổng cộng cả ngày: 6 đảng viên, 2 ca');
    expect(sheet.rowCount).toBe(18);
  });

  it('keeps IDs with their leading zeros and formula-like names as text: every cell a string or a number, none a formula', async () => {
    const sheet = (await workbookOf([SCHEDULE])).worksheets[0]!;
    expect(sheet.getCell('C9').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell('C9').value).toBe('001090000120');
    expect(sheet.getCell('C9').numFmt).toBe('@');
    expect(sheet.getCell('B13').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell('B13').formula).toBeUndefined();
    expect(sheet.getCell('B13').numFmt).toBe('@');
    expect(sheet.getCell('D9').type).toBe(ExcelJS.ValueType.Number);
    sheet.eachRow((row) => row.eachCell((cell) => expect([ExcelJS.ValueType.String, ExcelJS.ValueType.Number, ExcelJS.ValueType.Merge]).toContain(cell.type)));
  });

  it('is set up to print: frozen header, header row repeated, A4 portrait fit to the page width, page numbers', async () => {
    const sheet = (await workbookOf([SCHEDULE])).worksheets[0]!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 7 });
    expect(sheet.pageSetup).toMatchObject({ paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '7:7' });
    expect(sheet.headerFooter.oddFooter).toBe('&CTrang &P/&N');
  });

  it('makes one sheet per day, or per point and day when there are several points', async () => {
    const days = await workbookOf([SCHEDULE, { ...SCHEDULE, date: '2026-12-06', shifts: [] }]);
    expect(days.worksheets.map((s) => s.name)).toEqual(['05-12-2026', '06-12-2026']);
    const empty = days.worksheets[1]!;
    expect(empty.getCell('A5').value).toBe('Ngày: Chủ nhật, 06/12/2026');
    expect(empty.getCell('A8').value).toBe('Không có lịch hẹn trong ngày.');
    expect(empty.getCell('A9').value).toBe('Tổng cộng cả ngày: 0 đảng viên, 0 ca');

    const other = { ...SCHEDULE, point: { ...SCHEDULE.point, name: "Hội trường buôn H'Mông [khu vực 2]: xã Ea Tu" } };
    const points = await workbookOf([SCHEDULE, other, other]);
    expect(points.worksheets.map((s) => s.name)).toEqual(['Công an xã Thử Một 05-12-2026', 'Hội trường buôn 05-12-2026', 'Hội trường buôn 05-12-2026 (2)']);
    for (const sheet of points.worksheets) expect(sheet.name.length).toBeLessThanOrEqual(31);
    // The point's own name stays as it is in the title block.
    expect(points.worksheets[1]!.getCell('A2').value).toBe("Điểm tiếp nhận: Hội trường buôn H'Mông [khu vực 2]: xã Ea Tu");
    expect(points.worksheets[1]!.pageSetup.printTitlesRow).toBe('7:7');
  });

  it('speaks English when asked', async () => {
    const sheet = (await workbookOf([SCHEDULE], 'en')).worksheets[0]!;
    expect(sheet.getCell('A1').value).toBe('PARTY CARD EXCHANGE: DAILY SCHEDULE');
    expect(sheet.getCell('A5').value).toBe('Date: Saturday 05/12/2026');
    expect(values(sheet, 7)).toEqual(['No.', 'Full name', 'Personal ID number', 'Year of birth', 'Party cell', 'Signature']);
    expect(sheet.getCell('A8').value).toBe('Morning shift: 07:30–11:30 (5 members)');
    expect(sheet.getCell('A14').value).toBe('Total, morning shift: 5 members');
    expect(sheet.getCell('A18').value).toBe('Day total: 6 members, 2 shifts');
    expect(sheet.headerFooter.oddFooter).toBe('&CPage &P/&N');
  });

  it('resolves once a file is complete, fails instead of hanging when the output breaks, refuses a bad date', async () => {
    const file = join(dir, 'schedule.xlsx');
    await writeDailyScheduleXlsx([SCHEDULE], createWriteStream(file), 'vi');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    expect(workbook.worksheets).toHaveLength(1);

    const broken = new Writable({ write: (_chunk, _encoding, callback) => callback(new Error('client gone')) });
    await expect(writeDailyScheduleXlsx([SCHEDULE], broken, 'vi')).rejects.toThrow('client gone');
    await expect(writeDailyScheduleXlsx([{ ...SCHEDULE, date: '2026-02-30' }], new PassThrough(), 'vi')).rejects.toThrow(RangeError);
  });
});

// pdftotext (Debian's poppler-utils, installed by .ci/run) reads the text back through the fonts' ToUnicode maps: what
// it gives is what a search or copy in a PDF reader gives, and it needs the glyphs to be embedded. Required in CI.
const hasPdftotext = spawnSync('pdftotext', ['-v']).error === undefined;
if (!hasPdftotext && process.env.CI) throw new Error('pdftotext (poppler-utils) is needed by the PDF tests: see .ci/run');

function pdfText(pdf: Buffer, layout = true): string[] {
  const file = join(dir, `read-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', [...(layout ? ['-layout'] : []), '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return text.split('\f').slice(0, -1); // one string per page
}

const pdfOf = (schedule: DailySchedule, locale: Locale = 'vi') => bytesOf((out) => writeDailySchedulePdf(schedule, out, locale));

/** n members in three shifts, cells of 20. */
function bigSchedule(n: number): DailySchedule {
  let k = 0;
  const shifts = [
    { key: 'morning', start: '07:30', end: '11:30' },
    { key: 'afternoon', start: '13:30', end: '17:00' },
    { key: 'evening', start: '18:00', end: '21:00' },
  ] as const;
  return {
    ...SCHEDULE,
    shifts: shifts.map((shift, s) => ({
      shift,
      cells: Array.from({ length: Math.ceil(n / 3 / 20) }, (_, c) => ({
        cellName: `Chi bộ thôn ${s + 1}.${c + 1}`,
        committeeName: 'Đảng bộ xã Thử Một',
        members: Array.from({ length: 20 }, () => member(`${NAMES[k % 4]} ${k}`, `0010900${String(k++).padStart(5, '0')}`, 1940 + (k % 60))),
      })),
    })),
  };
}

describe('daily schedule as PDF', () => {
  it('embeds the fonts (regular and bold) as subsets with a Unicode map', async () => {
    const pdf = (await pdfOf(SCHEDULE)).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(pdf).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSans-Regular/);
    expect(pdf).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSans-Bold/);
    expect(pdf.match(/\/FontFile2 /g)).toHaveLength(2);
    expect(pdf.match(/\/ToUnicode /g)).toHaveLength(2);
    expect(pdf).not.toContain('/Helvetica');
  });

  it.runIf(hasPdftotext)('prints every Vietnamese letter so that it reads back exactly', async () => {
    const schedule: DailySchedule = {
      ...SCHEDULE,
      shifts: [
        {
          shift: { key: 'evening', start: '18:00', end: '21:00' },
          cells: [{ cellName: 'Chi bộ Ấp Ụ Ứ Ữ', committeeName: 'Đảng bộ xã Thử Một', members: [...NAMES, ...ALPHABET].map((name, i) => member(name, `0010900001${String(i).padStart(2, '0')}`, 1950)) }],
        },
      ],
    };
    const [page, ...more] = pdfText(await pdfOf(schedule));
    expect(more).toEqual([]);
    const lines = page!.split('\n').map((line) => line.trim().replace(/\s{2,}/g, ' | '));
    expect(lines.filter(Boolean).slice(0, 6)).toEqual([
      'LỊCH TIẾP NHẬN HỒ SƠ ĐỔI THẺ ĐẢNG VIÊN',
      'Điểm tiếp nhận: Công an xã Thử Một',
      'Địa chỉ: Thôn Một, xã Thử Một, tỉnh Lâm Đồng',
      'Xã/phường: Xã Thử Một',
      'Ngày: Thứ Bảy, 05/12/2026',
      'Ca tối: 18:00–21:00 (17 đảng viên)',
    ]);
    for (const heading of ['STT', 'Họ và tên', 'Số định danh cá', 'Năm', 'Chi bộ', 'Ký nhận']) expect(page).toContain(heading);
    [...NAMES, ...ALPHABET].forEach((name, i) => {
      expect(lines).toContain(`${i + 1} | ${name} | 0010900001${String(i).padStart(2, '0')} | 1950 | Chi bộ Ấp Ụ Ứ Ữ`);
    });
    for (const line of ['Cộng ca tối: 17 đảng viên', 'Tổng cộng cả ngày: 17 đảng viên, 1 ca', 'Cán bộ tiếp nhận | Đại diện chi bộ', '(Ký, ghi rõ họ tên) | (Ký, ghi rõ họ tên)', 'Trang 1/1']) {
      expect(lines).toContain(line);
    }
    // Without layout, the text comes in drawing order: the same letters, nothing composed differently.
    const plain = pdfText(await pdfOf(schedule), false).join('');
    expect(plain).toBe(plain.normalize('NFC'));
    for (const name of [...NAMES, ...ALPHABET]) expect(plain).toContain(name);
  });

  it.runIf(hasPdftotext)('runs 1,200 members onto ~40 pages in well under 3 s, header repeated, "Trang i/n" on each', async () => {
    const started = performance.now();
    const pdf = await pdfOf(bigSchedule(1200));
    const elapsed = performance.now() - started;
    const pages = pdfText(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(35);
    expect(pages.length).toBeLessThanOrEqual(50);
    expect(elapsed).toBeLessThan(3000);
    pages.forEach((page, i) => {
      expect(page).toContain(`Trang ${i + 1}/${pages.length}`);
      expect(page).toMatch(/STT +Họ và tên +Số định danh cá +Năm +Chi bộ +Ký nhận/);
      if (i > 0) expect(page).toContain('Công an xã Thử Một – Thứ Bảy, 05/12/2026');
    });
    const all = pages.join('\n');
    for (let k = 0; k < 1200; k += 97) expect(all).toMatch(new RegExp(`${NAMES[k % 4]} ${k} +0010900${String(k).padStart(5, '0')} `));
    expect(all.match(/Ca chiều: 13:30–17:00 \(tiếp theo\)/g)?.length).toBeGreaterThan(5);
    for (const line of ['Cộng ca sáng: 400 đảng viên', 'Cộng ca chiều: 400 đảng viên', 'Cộng ca tối: 400 đảng viên', 'Tổng cộng cả ngày: 1.200 đảng viên, 3 ca']) {
      expect(all).toContain(line);
    }
    expect(pages.at(-1)).toContain('Đại diện chi bộ');
  });

  it.runIf(hasPdftotext)('speaks English when asked, and says so when a day has no appointment', async () => {
    const [page] = pdfText(await pdfOf(SCHEDULE, 'en'));
    expect(page).toMatch(/No\. +Full name +Personal ID +Year of +Party cell +Signature/);
    expect(page).toContain('Date: Saturday 05/12/2026');
    expect(page).toContain('Intake officer');
    expect(page).toContain('Page 1/1');
    const [empty] = pdfText(await pdfOf({ ...SCHEDULE, date: '2026-12-06', shifts: [] }));
    expect(empty).toContain('Ngày: Chủ nhật, 06/12/2026');
    expect(empty).toContain('Không có lịch hẹn trong ngày.');
    expect(empty).toContain('Tổng cộng cả ngày: 0 đảng viên, 0 ca');
  });

  it('resolves once a file is complete, fails instead of hanging when the output breaks, refuses a bad date', async () => {
    const file = join(dir, 'schedule.pdf');
    await writeDailySchedulePdf(SCHEDULE, createWriteStream(file), 'vi');
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.subarray(-6).toString()).toContain('%%EOF');

    const broken = new Writable({ write: (_chunk, _encoding, callback) => callback(new Error('client gone')) });
    await expect(writeDailySchedulePdf(SCHEDULE, broken, 'vi')).rejects.toThrow('client gone');
    await expect(writeDailySchedulePdf({ ...SCHEDULE, date: '2026-13-01' }, new PassThrough(), 'vi')).rejects.toThrow(RangeError);
  });
});
