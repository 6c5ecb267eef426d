import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.ts';
import { DEFAULT_READ_LIMITS, readTable, RowLimiter, SheetXmlScanner, type CellContext, type ReadLimits, type TableSchema } from './spreadsheet.ts';

const SCHEMA: TableSchema = {
  fields: [
    { key: 'personalId', synonyms: ['Số định danh cá nhân', 'Số CCCD', 'Số ĐDCN', 'CCCD/ĐDCN'] },
    { key: 'fullName', synonyms: ['Họ và tên', 'Họ tên'] },
    { key: 'dateOfBirth', synonyms: ['Ngày sinh', 'Ngày tháng năm sinh'] },
    { key: 'admittedOn', synonyms: ['Ngày vào Đảng', 'Ngày vào Đảng dự bị'] },
    { key: 'officialOn', synonyms: ['Ngày chính thức', 'Ngày vào Đảng chính thức'] },
    { key: 'cell', synonyms: ['Chi bộ'] },
    { key: 'phone', synonyms: ['Số điện thoại', 'SĐT'] },
  ],
  required: ['personalId', 'fullName'],
};

const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'doithe-spreadsheet-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function xlsx(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A zip of stored (uncompressed) entries in the given order, to hand-craft xlsx parts. */
function zip(files: [name: string, content: string, options?: { deflate?: boolean; declaredSize?: number }][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content, options] of files) {
    const nameBytes = Buffer.from(name);
    const raw = Buffer.from(content);
    const data = options?.deflate ? deflateRawSync(raw) : raw;
    const crc = crc32(raw);
    const size = options?.declaredSize ?? raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(options?.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(options?.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const STYLES =
  `<styleSheet xmlns="${MAIN_NS}"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>` +
  '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/></cellXfs></styleSheet>';
const rels = (targets: string[]) =>
  `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${targets
    .map((t, i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="${t}"/>`)
    .join('')}</Relationships>`;
const workbook = (sheets: string, pr = '') => `<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">${pr}<sheets>${sheets}</sheets></workbook>`;
const worksheet = (rows: string) => `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN_NS}"><sheetData>${rows}</sheetData></worksheet>`;

/** The AppError a read fails with (code and params), for exact assertions. */
async function failure(
  input: Parameters<typeof readTable>[0],
  limits?: Partial<ReadLimits>,
): Promise<{ code: string; params: Record<string, string | number> }> {
  try {
    await readTable(input, SCHEMA, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const { code, params } = error as AppError;
    return { code, params };
  }
  throw new Error('expected the read to fail');
}

describe('readTable, xlsx', () => {
  it('reads a hand-made member list: title rows, odd header spellings, merged cells, footer', async () => {
    const buffer = await xlsx((wb) => {
      const ws = wb.addWorksheet('Danh sách');
      ws.getCell('A1').value = 'DANH SÁCH ĐẢNG VIÊN ĐỔI THẺ';
      ws.mergeCells('A1:G1');
      ws.getCell('A2').value = 'Chi bộ Thôn 1 - Đảng bộ xã Đức Trọng';
      ws.mergeCells('A2:G2');
      ws.getRow(4).values = ['STT', 'HỌ TÊN', 'Ngày sinh (dd/mm/yyyy)', 'SỐ ĐDCN', 'Chi bộ', 'Ghi chú', 'SĐT'];
      ws.getRow(5).values = ['(1)', '(2)', '(3)', '(4)', '(5)', '(6)', '(7)'];
      ws.getRow(6).values = [1, 'Nguyễn Văn An', utc(1960, 3, 7), 68090000001, 'Chi bộ Thôn 1', null, '0912345678'];
      ws.getCell('C6').numFmt = 'dd/mm/yyyy';
      ws.getRow(7).values = [2, { richText: [{ text: 'Trần Thị ' }, { font: { bold: true }, text: 'Bình' }] }, '07/03/1955', '001092012345'];
      // Row 8 holds only the merged "Chi bộ" cell: not a record.
      ws.mergeCells('E6:E8');
      ws.getRow(9).values = [
        3,
        { text: 'Lê Văn Cường', hyperlink: 'mailto:cuong@example.vn' },
        1948,
        { formula: '"0680"&"12345678"', result: '068012345678' },
        'Chi bộ Thôn 2',
        'chuyển đến',
        { error: '#N/A' },
      ];
      ws.getRow(10).values = [4, 'Phạm Thị Dung', null, null, 'Chi bộ Thôn 2'];
      ws.getRow(12).values = [null, 'Tổng cộng: 4 đảng viên'];
      ws.mergeCells('B12:D12');
      ws.getRow(14).values = [null, 'Người lập biểu', null, null, 'XÁC NHẬN CỦA CẤP ỦY'];
      ws.getRow(15).values = [null, '(Ký, ghi rõ họ tên)', null, null, 'Đức Trọng, ngày 12 tháng 8 năm 2025'];
      ws.getRow(18).values = [null, 'Hoàng Văn Em', null, null, 'Vũ Thị Giang'];
    });
    const path = join(dir, 'members.xlsx');
    await writeFile(path, buffer);

    const result = await readTable({ path }, SCHEMA);

    expect(result.sheetName).toBe('Danh sách');
    expect(result.headerRow).toBe(4);
    expect(result.columns).toEqual({ fullName: 2, dateOfBirth: 3, personalId: 4, cell: 5, phone: 7 });
    expect(result.unmappedHeaders).toEqual(['Ghi chú']);
    expect(result.records).toEqual([
      {
        row: 6,
        values: { fullName: 'Nguyễn Văn An', dateOfBirth: utc(1960, 3, 7), personalId: 68090000001, cell: 'Chi bộ Thôn 1', phone: '0912345678' },
        formulas: [],
      },
      {
        row: 7,
        values: { fullName: 'Trần Thị Bình', dateOfBirth: '07/03/1955', personalId: '001092012345', cell: 'Chi bộ Thôn 1', phone: null },
        formulas: [],
      },
      {
        row: 9,
        values: { fullName: 'Lê Văn Cường', dateOfBirth: 1948, personalId: '068012345678', cell: 'Chi bộ Thôn 2', phone: null },
        formulas: ['personalId'],
      },
      // A real member with no ID number stays a record: the caller reports it.
      { row: 10, values: { fullName: 'Phạm Thị Dung', dateOfBirth: null, personalId: null, cell: 'Chi bộ Thôn 2', phone: null }, formulas: [] },
    ]);
  });

  it('accepts the same list as a buffer', async () => {
    const buffer = await xlsx((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['Họ và tên', 'CCCD/ĐDCN']);
      ws.addRow(['Nguyễn Văn An', '068090000001']);
    });
    const result = await readTable({ buffer, name: 'ds.xlsx' }, SCHEMA);
    expect(result.records).toEqual([{ row: 2, values: { fullName: 'Nguyễn Văn An', personalId: '068090000001' }, formulas: [] }]);
  });

  it('reads the first visible sheet and a header split over two merged rows', async () => {
    const buffer = await xlsx((wb) => {
      const hidden = wb.addWorksheet('Ẩn');
      hidden.addRow(['Họ và tên', 'Số CCCD']);
      hidden.addRow(['Không đọc', '1']);
      hidden.state = 'hidden';
      const ws = wb.addWorksheet('Chi bộ 3');
      ws.getCell('A1').value = 'DANH SÁCH ĐẢNG VIÊN';
      ws.mergeCells('A1:E1');
      ws.getRow(2).values = ['TT', 'Họ và tên', 'Số định danh cá nhân', 'Ngày vào Đảng'];
      ws.getRow(3).values = [null, null, null, 'Dự bị', 'Chính thức'];
      ws.mergeCells('A2:A3');
      ws.mergeCells('B2:B3');
      ws.mergeCells('C2:C3');
      ws.mergeCells('D2:E2');
      ws.getRow(4).values = [1, 'Đỗ Văn Hòa', '068090000002', '03/02/1980', '03/02/1981'];
    });
    const result = await readTable({ buffer, name: 'x.xlsx' }, SCHEMA);
    expect(result.sheetName).toBe('Chi bộ 3');
    expect(result.headerRow).toBe(2);
    expect(result.columns).toEqual({ fullName: 2, personalId: 3, admittedOn: 4, officialOn: 5 });
    expect(result.unmappedHeaders).toEqual([]);
    expect(result.records).toEqual([
      { row: 4, values: { fullName: 'Đỗ Văn Hòa', personalId: '068090000002', admittedOn: '03/02/1980', officialOn: '03/02/1981' }, formulas: [] },
    ]);
  });

  it('reads a file written by the streaming writer (inline strings, no shared strings)', async () => {
    const path = join(dir, 'streamed.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path });
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['Ho ten', 'So CCCD', 'Ngay sinh']).commit();
    const row = ws.addRow(['Bùi Thị Thủy', 1092012345, utc(1990, 12, 31)]);
    row.getCell(3).numFmt = 'd/m/yyyy';
    row.commit();
    ws.addRow(['A & B <c>', 'x', true]).commit();
    await ws.commit();
    await wb.commit();

    const result = await readTable({ path }, SCHEMA);
    expect(result.records).toEqual([
      { row: 2, values: { fullName: 'Bùi Thị Thủy', personalId: 1092012345, dateOfBirth: utc(1990, 12, 31) }, formulas: [] },
      { row: 3, values: { fullName: 'A & B <c>', personalId: 'x', dateOfBirth: true }, formulas: [] },
    ]);
  });

  it('reads hand-crafted SpreadsheetML: prefixes, inline rich text, missing refs, CDATA, entities, merges', async () => {
    const sheet =
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><x:worksheet xmlns:x="${MAIN_NS}">` +
      '<!-- a comment with <x:row r="1"> in it --><x:sheetData>' +
      '<x:row r="2"><x:c r="A2" t="s"><x:v>0</x:v></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>Số CCCD</x:t></x:is></x:c>' +
      '<x:c t="inlineStr"><x:is><x:t>Ngày sinh</x:t></x:is></x:c></x:row>\n' +
      '<x:row><x:c t="inlineStr"><x:is><x:r><x:t xml:space="preserve">Nguyễn </x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t>Văn &amp; An</x:t></x:r>' +
      '<x:rPh sb="0" eb="1"><x:t>PHONETIC</x:t></x:rPh></x:is></x:c><x:c><x:v>68090000001</x:v></x:c><x:c s="1"><x:v>21982</x:v></x:c></x:row>\n' +
      '<x:row r="5" spans="1:3"><x:c r="A5" t="str"><x:v><![CDATA[Trần <Thị> B]]></x:v></x:c>' +
      '<x:c r="B5" t="str"><x:f>"0"&amp;"01092012345"</x:f><x:v>001092012345</x:v></x:c><x:c r="C5" t="b"><x:v>1</x:v></x:c></x:row>\n' +
      '<x:row r="6"><x:c r="A6" t="inlineStr"><x:is><x:t>Ph&#7841;m &#x110;&#xF4;</x:t></x:is></x:c><x:c r="B6" t="e"><x:v>#REF!</x:v></x:c></x:row>' +
      '</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="C5:C6"/></x:mergeCells>' +
      '<x:dataValidations count="1"><x:dataValidation type="whole" error="phải > 0 <x:mergeCell ref=&quot;A1:B9&quot;/>" sqref="D1"/></x:dataValidations>' +
      '</x:worksheet>';
    // Shared strings before the sheet and xl/workbook.xml last: exceljs emits the sheet before it knows its name.
    const buffer = zip([
      ['[Content_Types].xml', CONTENT_TYPES],
      ['xl/_rels/workbook.xml.rels', rels(['worksheets/sheet1.xml'])],
      ['xl/sharedStrings.xml', `<sst xmlns="${MAIN_NS}" count="1" uniqueCount="1"><si><t>Họ và tên</t></si></sst>`],
      ['xl/styles.xml', STYLES],
      ['xl/worksheets/sheet1.xml', sheet],
      ['xl/workbook.xml', workbook('<sheet name="Raw" sheetId="1" r:id="rId1"/>')],
    ]);
    const result = await readTable({ buffer, name: 'raw.xlsx' }, SCHEMA);
    expect(result.sheetName).toBe('Raw');
    expect(result.headerRow).toBe(2);
    expect(result.columns).toEqual({ fullName: 1, personalId: 2, dateOfBirth: 3 });
    expect(result.records).toEqual([
      { row: 3, values: { fullName: 'Nguyễn Văn & An', personalId: 68090000001, dateOfBirth: utc(1960, 3, 7) }, formulas: [] },
      { row: 5, values: { fullName: 'Trần <Thị> B', personalId: '001092012345', dateOfBirth: true }, formulas: ['personalId'] },
      { row: 6, values: { fullName: 'Phạm Đô', personalId: null, dateOfBirth: true }, formulas: [] },
    ]);
  });

  it('takes the first visible sheet in tab order, not zip order, and reads 1904-based dates', async () => {
    const header = '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c><c r="B1" t="inlineStr"><is><t>Số CCCD</t></is></c><c r="C1" t="inlineStr"><is><t>Ngày sinh</t></is></c></row>';
    const row = (name: string) => `<row r="2"><c r="A2" t="inlineStr"><is><t>${name}</t></is></c><c r="B2"><v>1</v></c><c r="C2" s="1"><v>31776</v></c></row>`;
    const buffer = zip([
      ['[Content_Types].xml', CONTENT_TYPES],
      ['xl/workbook.xml', workbook(
        '<sheet name="Ẩn" sheetId="3" state="hidden" r:id="rId3"/><sheet name="Tab A" sheetId="2" r:id="rId2"/><sheet name="Tab B" sheetId="1" r:id="rId1"/>',
        '<workbookPr date1904="1"/>',
      )],
      ['xl/_rels/workbook.xml.rels', rels(['worksheets/sheet1.xml', 'worksheets/sheet2.xml', 'worksheets/sheet3.xml'])],
      ['xl/styles.xml', STYLES],
      ['xl/worksheets/sheet1.xml', worksheet(header + row('Tab B'))],
      ['xl/worksheets/sheet2.xml', worksheet(header + row('Tab A'))],
      ['xl/worksheets/sheet3.xml', worksheet(header + row('Ẩn'))],
    ]);
    const result = await readTable({ buffer, name: 'tabs.xlsx' }, SCHEMA);
    expect(result.sheetName).toBe('Tab A');
    expect(result.records).toEqual([{ row: 2, values: { fullName: 'Tab A', personalId: 1, dateOfBirth: utc(1990, 12, 31) }, formulas: [] }]);
  });

  it('stops inflating a zip bomb, whatever size it declares', async () => {
    const header = '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c><c r="B1" t="inlineStr"><is><t>Số CCCD</t></is></c></row>';
    const bomb = (declaredSize?: number) =>
      zip([
        ['xl/workbook.xml', workbook('<sheet name="S" sheetId="1" r:id="rId1"/>')],
        ['xl/_rels/workbook.xml.rels', rels(['worksheets/sheet1.xml'])],
        ['xl/worksheets/sheet1.xml', worksheet(header + ' '.repeat(4 * 1024 * 1024)), { deflate: true, declaredSize }],
      ]);
    const honest = bomb();
    expect(honest.length).toBeLessThan(20_000);
    expect(await failure({ buffer: honest, name: 'b.xlsx' }, { maxBytes: 20_000 })).toEqual({ code: 'file.unreadable', params: {} });
    expect(await failure({ buffer: bomb(500), name: 'b.xlsx' }, { maxBytes: 20_000 })).toEqual({ code: 'file.unreadable', params: {} });
    // Within a normal limit the same file is fine.
    expect((await readTable({ buffer: honest, name: 'b.xlsx' }, SCHEMA)).columns).toEqual({ fullName: 1, personalId: 2 });
  });

  it('fails with file.no_sheet for a workbook without sheets and file.no_header for a blank sheet', async () => {
    expect(await failure({ buffer: await xlsx(() => {}), name: 'e.xlsx' })).toEqual({ code: 'file.no_sheet', params: {} });
    const blank = await xlsx((wb) => wb.addWorksheet('Trống'));
    expect(await failure({ buffer: blank, name: 'b.xlsx' })).toEqual({ code: 'file.no_header', params: { rows: 30 } });
  });

  it('fails with file.no_header when the header is missing or below the rows searched', async () => {
    const noHeader = await xlsx((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['Tên', 'Số']);
      ws.addRow(['Nguyễn Văn An', '068090000001']);
    });
    expect(await failure({ buffer: noHeader, name: 'n.xlsx' })).toEqual({ code: 'file.no_header', params: { rows: 30 } });

    const low = await xlsx((wb) => {
      const ws = wb.addWorksheet('S');
      ws.getRow(5).values = ['Họ và tên', 'Số CCCD'];
      ws.getRow(6).values = ['Nguyễn Văn An', '068090000001'];
    });
    expect(await failure({ buffer: low, name: 'l.xlsx' }, { headerSearchRows: 4 })).toEqual({ code: 'file.no_header', params: { rows: 4 } });
    expect((await readTable({ buffer: low, name: 'l.xlsx' }, SCHEMA, { headerSearchRows: 5 })).headerRow).toBe(5);
  });

  it('fails with file.too_many_columns for a sheet 1,000 columns wide', async () => {
    const buffer = await xlsx((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['Họ và tên', 'Số CCCD']);
      ws.addRow(Array.from({ length: 1000 }, (_, i) => `v${i}`));
    });
    expect(await failure({ buffer, name: 'w.xlsx' })).toEqual({ code: 'file.too_many_columns', params: { columns: 1000, limit: 200 } });
  });

  it('fails with file.too_many_rows past maxRows', async () => {
    const buffer = await xlsx((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['Họ và tên', 'Số CCCD']);
      for (let i = 0; i < 20; i++) ws.addRow([`Người ${i}`, String(i)]);
    });
    expect(await failure({ buffer, name: 'r.xlsx' }, { maxRows: 10 })).toEqual({ code: 'file.too_many_rows', params: { limit: 10 } });
    expect((await readTable({ buffer, name: 'r.xlsx' }, SCHEMA, { maxRows: 21 })).records).toHaveLength(20);
  });

  it('gives file.unreadable for a damaged or non-Excel zip', async () => {
    const good = await xlsx((wb) => {
      const ws = wb.addWorksheet('S');
      for (let i = 0; i < 200; i++) ws.addRow([`Người ${i}`, `${i}`.repeat(20)]);
    });
    expect(await failure({ buffer: good.subarray(0, good.length >> 1), name: 'cut.xlsx' })).toEqual({ code: 'file.unreadable', params: {} });

    const damaged = Buffer.from(good);
    for (let i = 200; i < damaged.length - 2000; i += 7) damaged[i] = (damaged[i]! * 31 + 17) & 0xff;
    expect((await failure({ buffer: damaged, name: 'bad.xlsx' })).code).toBe('file.unreadable');

    // Stored (uncompressed) data has no inflate check: the CRC catches a changed byte.
    const stored = zip([
      ['xl/workbook.xml', workbook('<sheet name="S" sheetId="1" r:id="rId1"/>')],
      ['xl/_rels/workbook.xml.rels', rels(['worksheets/sheet1.xml'])],
      ['xl/worksheets/sheet1.xml', worksheet('<row r="1"><c t="inlineStr"><is><t>Họ và tên</t></is></c><c t="inlineStr"><is><t>Số CCCD</t></is></c></row><row r="2"><c><v>123</v></c><c><v>456</v></c></row>')],
    ]);
    expect((await readTable({ buffer: stored, name: 's.xlsx' }, SCHEMA)).records).toEqual([{ row: 2, values: { fullName: 123, personalId: 456 }, formulas: [] }]);
    const changed = Buffer.from(stored);
    changed[changed.indexOf('<v>456</v>') + 3] = 0x39; // 456 → 956
    expect(await failure({ buffer: changed, name: 's.xlsx' })).toEqual({ code: 'file.unreadable', params: {} });

    // A zip without xl/workbook.xml (a .docx, an .ods): an empty zip archive is the smallest.
    const emptyZip = Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Buffer.alloc(26), 0x50, 0x4b, 0x05, 0x06, ...Buffer.alloc(18)]);
    expect(await failure({ buffer: emptyZip, name: 'z.xlsx' })).toEqual({ code: 'file.unreadable', params: {} });
  });
});

describe('readTable, csv', () => {
  it('reads UTF-8 with BOM, ";" separator, CRLF, quoted newline and doubled quotes, with line numbers', async () => {
    const csv =
      '\uFEFFDANH SÁCH ĐẢNG VIÊN;;\r\n' +
      '\r\n' +
      'STT;Họ và tên;Số định danh cá nhân;Ngày sinh;Chi bộ\r\n' +
      '1;Nguyễn Văn An;068090000001;07/03/1960;"Chi bộ\r\nThôn 1"\r\n' +
      '2;"Trần Thị ""Bé"" Bình";001092012345;1955;"Chi bộ; Thôn 2"\r\n' +
      ';;;;\r\n' +
      ';Tổng cộng: 2 đảng viên;;;\r\n';
    const path = join(dir, 'list.csv');
    await writeFile(path, csv);
    const result = await readTable({ path }, SCHEMA);
    expect(result.sheetName).toBeNull();
    expect(result.headerRow).toBe(3);
    expect(result.columns).toEqual({ fullName: 2, personalId: 3, dateOfBirth: 4, cell: 5 });
    expect(result.records).toEqual([
      { row: 4, values: { fullName: 'Nguyễn Văn An', personalId: '068090000001', dateOfBirth: '07/03/1960', cell: 'Chi bộ\r\nThôn 1' }, formulas: [] },
      { row: 6, values: { fullName: 'Trần Thị "Bé" Bình', personalId: '001092012345', dateOfBirth: '1955', cell: 'Chi bộ; Thôn 2' }, formulas: [] },
    ]);
  });

  it('detects "," and tab separators, LF endings, no BOM, decomposed (NFD) header text', async () => {
    const comma = 'Họ và tên,Số CCCD\n"Lê, Văn C",068090000003\n'.normalize('NFD');
    const r1 = await readTable({ buffer: Buffer.from(comma), name: 'a.csv' }, SCHEMA);
    expect(r1.records).toEqual([{ row: 2, values: { fullName: 'Lê, Văn C'.normalize('NFD'), personalId: '068090000003' }, formulas: [] }]);

    const tab = 'HỌ  TÊN\tSỐ ĐDCN\tGhi chú\nNgô Thị D\t068090000004\t\n';
    const r2 = await readTable({ buffer: Buffer.from(tab), name: 'b.txt' }, SCHEMA);
    expect(r2.unmappedHeaders).toEqual(['Ghi chú']);
    expect(r2.records).toEqual([{ row: 2, values: { fullName: 'Ngô Thị D', personalId: '068090000004' }, formulas: [] }]);
  });

  it('lets text in a legacy 8-bit encoding through with replacement characters', async () => {
    // An unaccented header, and a name in Windows-1258 bytes ("Nguyễn Văn A").
    const bytes = Buffer.concat([Buffer.from('Ho ten;So CCCD\r\nNguy'), Buffer.from([0xea, 0xde]), Buffer.from('n V'), Buffer.from([0xe3]), Buffer.from('n A;068090000005\r\n')]);
    const result = await readTable({ buffer: bytes, name: 'old.csv' }, SCHEMA);
    expect(result.records).toEqual([{ row: 2, values: { fullName: 'Nguy\uFFFD\uFFFDn V\uFFFDn A', personalId: '068090000005' }, formulas: [] }]);
  });

  it('reads Excel\'s "Unicode text" (UTF-16LE with BOM, tabs) and a "sep=" line', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Họ và tên\tSố CCCD\r\nĐinh Thị E\t068090000006\r\n', 'utf16le')]);
    expect((await readTable({ buffer: utf16, name: 'u.txt' }, SCHEMA)).records).toEqual([
      { row: 2, values: { fullName: 'Đinh Thị E', personalId: '068090000006' }, formulas: [] },
    ]);
    const hinted = 'sep=|\nHọ và tên|Số CCCD\nLý Văn F|068090000007\n';
    expect((await readTable({ buffer: Buffer.from(hinted), name: 'h.csv' }, SCHEMA)).records).toEqual([
      { row: 3, values: { fullName: 'Lý Văn F', personalId: '068090000007' }, formulas: [] },
    ]);
  });

  it('fails with file.too_many_columns and file.no_header', async () => {
    const wide = `Họ và tên;Số CCCD\n${Array.from({ length: 1000 }, (_, i) => `v${i}`).join(';')}\n`;
    expect(await failure({ buffer: Buffer.from(wide), name: 'w.csv' })).toEqual({ code: 'file.too_many_columns', params: { columns: 1000, limit: 200 } });
    expect(await failure({ buffer: Buffer.from('a;b\n1;2\n'), name: 'n.csv' })).toEqual({ code: 'file.no_header', params: { rows: 30 } });
  });
});

describe('readTable, input checks', () => {
  it('fails with file.not_found for a missing path', async () => {
    const path = join(dir, 'missing.xlsx');
    expect(await failure({ path })).toEqual({ code: 'file.not_found', params: { path } });
  });

  it('checks the size before parsing', async () => {
    const path = join(dir, 'big.csv');
    await writeFile(path, 'x'.repeat(2 * 1024 * 1024));
    expect(await failure({ path }, { maxBytes: 1024 * 1024 })).toEqual({ code: 'file.too_large', params: { sizeMb: 2, limitMb: 1 } });
    expect(await failure({ buffer: Buffer.alloc(3000, 0x41), name: 'a.csv' }, { maxBytes: 1000 })).toEqual({
      code: 'file.too_large',
      params: { sizeMb: 0.00286, limitMb: 0.000954 },
    });
  });

  it.each([
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))],
    ['a PDF', Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n')],
    ['HTML renamed .xlsx', Buffer.from('<!DOCTYPE html><html><body><table><tr><td>Họ và tên</td><td>Số CCCD</td></tr></table></body></html>')],
    ['an old .xls (OLE2)', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)])],
    ['control characters', Buffer.from('Họ và tên;Số CCCD\n\x01\x02\x03\x04\x05\x06\x07\x08 binary\n')],
  ])('gives file.unreadable for %s', async (_name, buffer) => {
    expect(await failure({ buffer, name: 'danh-sach.xlsx' })).toEqual({ code: 'file.unreadable', params: {} });
  });

  it('finds no header in an empty file', async () => {
    expect(await failure({ buffer: Buffer.alloc(0), name: 'empty.csv' })).toEqual({ code: 'file.no_header', params: { rows: 30 } });
  });
});

describe('SheetXmlScanner', () => {
  const context: CellContext = { sharedString: (i) => `s${i}`, isDateStyle: (id) => id === 1, date1904: false };
  const scan = (chunks: Buffer[]) => {
    const scanner = new SheetXmlScanner(context, new RowLimiter(DEFAULT_READ_LIMITS));
    for (const chunk of chunks) scanner.write(chunk);
    scanner.end();
    return { rows: scanner.rows, merges: scanner.merges };
  };

  it('gives the same result wherever the chunks are cut', () => {
    const xml = Buffer.from(
      `<worksheet xmlns="${MAIN_NS}"><!-- <row r="9"> --><sheetData>` +
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Nguyễn &amp; Thị &#7868;</t></is></c><c r="B1" t="s"><v>12</v></c><c r="C1" s="1"><v>21982</v></c></row>' +
        '<row r="2"><c r="A2" t="str"><f>A1</f><v><![CDATA[a<b]]>&lt;c</v></c><c r="D2" t="b"><v>0</v></c><c r="E2"><v>1.5</v></c></row>' +
        '<row r="3"><c r="A3" t="inlineStr"><is><t>dòng 1\r\ndòng 2</t></is></c></row>' +
        '</sheetData><mergeCells count="1"><mergeCell ref="A2:A3"/></mergeCells></worksheet>',
    );
    const whole = scan([xml]);
    expect(whole).toEqual({
      rows: [
        { r: 1, cells: ['Nguyễn & Thị Ẽ', 's12', utc(1960, 3, 7)] },
        { r: 2, cells: ['a<b<c', null, null, false, 1.5], formulas: [1] },
        { r: 3, cells: ['dòng 1\ndòng 2'] },
      ],
      merges: [{ top: 2, left: 1, bottom: 3, right: 1 }],
    });
    for (let cut = 1; cut < xml.length; cut++) {
      expect(scan([xml.subarray(0, cut), xml.subarray(cut)])).toEqual(whole);
    }
  });
});
