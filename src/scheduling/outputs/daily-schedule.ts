/**
 * A point's daily schedule: who comes in which shift, with an empty column for each member's signature on paper.
 * As .xlsx (one sheet per point and day, to edit or print from Excel) and as PDF (A4, ready to print).
 */
import type ExcelJS from 'exceljs';
import { formatDate } from '../../common/dates.ts';
import { LINES_PER_TURN, sheetNames, streamingWorkbook, truncate, SHEET_NAME_MAX, type Cell } from '../../common/xlsx.ts';
import type { Locale } from '../../platform/i18n/index.ts';
import type { ShiftSpec } from '../domain/types.ts';
import { clean, formatCount, lowerFirst, shiftName, translator, weekdayName, type Translate } from './format.ts';
import { FONT_BOLD, FONT_REGULAR, newDocument, writeDocument } from '../../common/pdf.ts';

export interface ScheduleMember {
  fullName: string;
  /** 12 digits, kept as text (leading zeros). */
  personalId: string;
  /** null when the record has no date of birth. */
  birthYear: number | null;
}

export interface ScheduleCell {
  cellName: string;
  committeeName: string;
  members: ScheduleMember[];
}

export interface ScheduleShift {
  shift: ShiftSpec;
  cells: ScheduleCell[];
}

export interface DailySchedule {
  point: { name: string; address: string; communeName: string };
  /** YYYY-MM-DD */
  date: string;
  /** In the order they are printed (the day's order of shifts); members in the order given. */
  shifts: ScheduleShift[];
}

// Heading key suffix of each column, in order; widths in characters (xlsx) and in points (PDF, A4 less margins).
const COLUMNS = [
  { key: 'index', xlsx: 6, pdf: 30 },
  { key: 'fullName', xlsx: 28, pdf: 140 },
  { key: 'personalId', xlsx: 20, pdf: 86 },
  { key: 'birthYear', xlsx: 10, pdf: 44 },
  { key: 'cell', xlsx: 30, pdf: 125 },
  { key: 'signature', xlsx: 18, pdf: 0 }, // PDF: what is left
] as const;
const COLUMN_COUNT = COLUMNS.length;

/** The lines of a shift's table: number in the shift, name, ID, birth year, cell, signature (empty). */
function* memberLines(shift: ScheduleShift): Generator<[number, string, string, number | null, string, null]> {
  let n = 0;
  for (const cell of shift.cells) {
    const cellName = clean(cell.cellName);
    for (const member of cell.members) yield [++n, clean(member.fullName), member.personalId.trim(), member.birthYear, cellName, null];
  }
}

const shiftMembers = (shift: ScheduleShift) => shift.cells.reduce((n, cell) => n + cell.members.length, 0);

/** The wording of a schedule, shared by both writers. */
function wording(schedule: DailySchedule, t: Translate, locale: Locale) {
  const weekday = weekdayName(schedule.date, t); // also checks the date
  const date = formatDate(schedule.date);
  const shiftLabel = (s: ScheduleShift) => ({ shift: shiftName(s.shift.key, t), start: s.shift.start, end: s.shift.end });
  const total = schedule.shifts.reduce((n, s) => n + shiftMembers(s), 0);
  return {
    title: t('scheduling.outputs.schedule.title'),
    point: t('scheduling.outputs.schedule.point', { name: clean(schedule.point.name) }),
    address: t('scheduling.outputs.schedule.address', { address: clean(schedule.point.address) }),
    commune: t('scheduling.outputs.schedule.commune', { commune: clean(schedule.point.communeName) }),
    date: t('scheduling.outputs.schedule.date', { weekday, date }),
    running: `${clean(schedule.point.name)} – ${weekday}, ${date}`,
    headings: COLUMNS.map(({ key }) => t(`scheduling.outputs.schedule.heading.${key}`)),
    shiftHeading: (s: ScheduleShift) =>
      t('scheduling.outputs.schedule.shiftHeading', { ...shiftLabel(s), members: formatCount(shiftMembers(s), locale) }),
    shiftContinued: (s: ScheduleShift) => t('scheduling.outputs.schedule.shiftContinued', shiftLabel(s)),
    shiftTotal: (s: ScheduleShift) =>
      t('scheduling.outputs.schedule.shiftTotal', { shift: lowerFirst(shiftName(s.shift.key, t)), members: formatCount(shiftMembers(s), locale) }),
    dayTotal: t('scheduling.outputs.schedule.dayTotal', { members: formatCount(total, locale), shifts: schedule.shifts.length }),
    empty: t('scheduling.outputs.schedule.empty'),
  };
}

// ---------------------------------------------------------------------------------------------------------------- xlsx

const HEADING_ROW = 7; // after the title block (rows 1–5) and a blank line
const THIN = { style: 'thin' } as const;
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const SHADE = (argb: string): ExcelJS.Fill => ({ type: 'pattern', pattern: 'solid', fgColor: { argb } });

/**
 * Writes the schedules to `out` as one workbook, one sheet per day ("05-12-2026"), or per point and day when the
 * schedules are of several points; resolves once `out` has finished, rejects if it fails.
 */
export async function writeDailyScheduleXlsx(schedules: DailySchedule[], out: NodeJS.WritableStream, locale: Locale): Promise<void> {
  const t = translator(locale);
  const texts = schedules.map((schedule) => wording(schedule, t, locale)); // checks every date before writing anything
  const { workbook, pause, finish } = streamingWorkbook(out);
  const pointKey = (s: DailySchedule) => `${clean(s.point.name)}\n${clean(s.point.address)}`;
  const severalPoints = new Set(schedules.map(pointKey)).size > 1;
  const sheetName = sheetNames();
  let lines = 0;
  for (const [i, schedule] of schedules.entries()) {
    const text = texts[i]!;
    const day = formatDate(schedule.date).replaceAll('/', '-');
    // exceljs writes the print-titles reference as '<sheet name>'!$7:$7 without doubling an apostrophe inside the
    // name (a point such as "Buôn H'Mông"), which Excel then reports as a damaged file: use the typographic one.
    const point = clean(schedule.point.name).replaceAll("'", '’');
    const name = severalPoints ? `${shortened(point, SHEET_NAME_MAX - day.length - 1)} ${day}` : day;
    const sheet = workbook.addWorksheet(sheetName(name, t('scheduling.outputs.schedule.sheet', { n: i + 1 })), {
      views: [{ state: 'frozen', ySplit: HEADING_ROW }],
      pageSetup: {
        paperSize: 9, // A4
        orientation: 'portrait',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        horizontalCentered: true,
        printTitlesRow: `${HEADING_ROW}:${HEADING_ROW}`,
        margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.7, header: 0.3, footer: 0.3 },
      },
      headerFooter: { oddFooter: `&C${t('scheduling.outputs.schedule.page', { page: '&P', pages: '&N' })}` },
    });
    // Text format on every column but STT and the birth year, so a value edited later in Excel (an ID, "=…") stays text.
    sheet.columns = COLUMNS.map(({ key, xlsx }) => (key === 'index' || key === 'birthYear' ? { width: xlsx } : { width: xlsx, style: { numFmt: '@' } }));

    wideLine(sheet, text.title, { bold: true, size: 14 }, 'center');
    for (const line of [text.point, text.address, text.commune]) wideLine(sheet, line, {}, 'left');
    wideLine(sheet, text.date, { bold: true }, 'left');
    sheet.addRow([]).commit();

    const headings = sheet.addRow(text.headings);
    headings.height = 32;
    styleCells(headings, (cell) => {
      cell.font = { bold: true };
      cell.border = BORDER;
      cell.fill = SHADE('FFD9D9D9');
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    });
    headings.commit();

    if (schedule.shifts.length === 0) wideLine(sheet, text.empty, {}, 'left');
    for (const shift of schedule.shifts) {
      wideLine(sheet, text.shiftHeading(shift), { bold: true }, 'left', SHADE('FFF2F2F2'));
      for (const line of memberLines(shift)) {
        const row = sheet.addRow(line as Cell[]);
        row.height = 24; // room to sign
        styleCells(row, (cell, column) => {
          cell.border = BORDER;
          cell.alignment = { vertical: 'middle', horizontal: column === 2 || column === 5 ? 'left' : 'center', wrapText: column === 2 || column === 5 };
        });
        row.commit();
        if (++lines % LINES_PER_TURN === 0) await pause();
      }
      wideLine(sheet, text.shiftTotal(shift), { bold: true }, 'right');
    }
    wideLine(sheet, text.dayTotal, { bold: true }, 'right');
    // Each sheet is finished before the next starts: exceljs keeps every open sheet's XML in memory until it is zipped.
    sheet.commit();
  }
  await finish();
}

/** At most `max` UTF-16 units, cut at the end of a word when there is one. */
function shortened(text: string, max: number): string {
  const cut = truncate(text, max);
  if (cut.length === text.length || text[cut.length] === ' ') return cut.trim();
  return cut.replace(/\s+\S*$/, '').trim() || cut;
}

/** A line of text across the whole table width. */
function wideLine(sheet: ExcelJS.Worksheet, text: string, font: Partial<ExcelJS.Font>, horizontal: 'left' | 'center' | 'right', fill?: ExcelJS.Fill): void {
  const row = sheet.addRow([text]);
  sheet.mergeCells(row.number, 1, row.number, COLUMN_COUNT);
  const cell = row.getCell(1);
  cell.font = font;
  cell.alignment = { horizontal, vertical: 'middle' };
  if (fill) {
    row.height = 20;
    styleCells(row, (c) => {
      c.fill = fill;
      c.border = BORDER;
    });
  }
  row.commit();
}

function styleCells(row: ExcelJS.Row, style: (cell: ExcelJS.Cell, column: number) => void): void {
  for (let column = 1; column <= COLUMN_COUNT; column++) style(row.getCell(column), column);
}

// ----------------------------------------------------------------------------------------------------------------- PDF

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = { top: 48, bottom: 56, left: 40, right: 40 };
const TABLE_WIDTH = A4.width - MARGIN.left - MARGIN.right;
const PDF_WIDTHS = COLUMNS.map(({ pdf }) => pdf || TABLE_WIDTH - COLUMNS.reduce((sum, c) => sum + c.pdf, 0));
const PAD_X = 4;
const PAD_Y = 4;
const BODY_SIZE = 10;
const HEAD_SIZE = 9;
const ROW_MIN = 22; // room to sign
const SIGNATURE_BLOCK = 110;

/**
 * Writes one schedule as an A4 PDF to `out`: title block, per shift a table whose header is repeated on every page it
 * runs onto, a total per shift and for the day, signature places; "Trang 1/3" at the foot of each page.
 * Resolves once `out` has finished, rejects if it fails.
 */
export async function writeDailySchedulePdf(schedule: DailySchedule, out: NodeJS.WritableStream, locale: Locale): Promise<void> {
  const t = translator(locale);
  const text = wording(schedule, t, locale);
  const doc = newDocument({
    size: 'A4',
    layout: 'portrait',
    margins: MARGIN,
    bufferPages: true, // page numbers need the page count
    info: { Title: `${text.title} – ${text.running}`, Creator: 'doithe' },
    lang: locale,
  });
  await writeDocument(doc, out, () => drawSchedule(doc, schedule, text, t));
}

function drawSchedule(doc: PDFKit.PDFDocument, schedule: DailySchedule, text: ReturnType<typeof wording>, t: Translate): void {
  const left = MARGIN.left;
  const bottom = A4.height - MARGIN.bottom;
  const write = (value: string, x: number, y: number, options: PDFKit.Mixins.TextOptions = {}) => doc.text(value, x, y, options);

  // Title block.
  doc.font(FONT_BOLD).fontSize(14);
  write(text.title, left, MARGIN.top, { width: TABLE_WIDTH, align: 'center' });
  doc.moveDown(0.6).font(FONT_REGULAR).fontSize(11);
  for (const line of [text.point, text.address, text.commune]) write(line, left, doc.y, { width: TABLE_WIDTH });
  doc.font(FONT_BOLD);
  write(text.date, left, doc.y, { width: TABLE_WIDTH });
  let y = doc.y + 10;

  // Table pieces; heights are measured before drawing, so nothing ever spills onto a page pdfkit would add by itself.
  const headingHeight = (() => {
    doc.font(FONT_BOLD).fontSize(HEAD_SIZE);
    return Math.max(...text.headings.map((h, i) => doc.heightOfString(h, { width: PDF_WIDTHS[i]! - 2 * PAD_X }))) + 2 * PAD_Y;
  })();
  const drawRow = (values: (string | null)[], height: number, bold: boolean, size: number, shade?: string) => {
    let x = left;
    doc.font(bold ? FONT_BOLD : FONT_REGULAR).fontSize(size);
    values.forEach((value, i) => {
      const width = PDF_WIDTHS[i]!;
      if (shade) doc.rect(x, y, width, height).fill(shade).fillColor('black');
      doc.rect(x, y, width, height).lineWidth(0.5).stroke();
      if (value) {
        const wraps = i === 1 || i === 4;
        write(value, x + PAD_X, y + PAD_Y, { width: width - 2 * PAD_X, height: height - PAD_Y, align: wraps && !bold ? 'left' : 'center', lineBreak: true });
      }
      x += width;
    });
    y += height;
  };
  const drawHeader = () => drawRow(text.headings, headingHeight, true, HEAD_SIZE, '#d9d9d9');
  const sectionHeight = 22;
  const drawSection = (value: string, align: 'left' | 'right') => {
    doc.font(FONT_BOLD).fontSize(11);
    write(value, left, y + 5, { width: TABLE_WIDTH, align, lineBreak: false });
    y += sectionHeight;
  };
  const newPage = () => {
    doc.addPage();
    y = MARGIN.top;
  };

  if (schedule.shifts.length === 0) {
    doc.font(FONT_REGULAR).fontSize(11);
    write(text.empty, left, y + 10, { width: TABLE_WIDTH });
    y = doc.y;
  }
  for (const shift of schedule.shifts) {
    doc.font(FONT_REGULAR).fontSize(BODY_SIZE);
    const rows = [...memberLines(shift)].map((line) => {
      const values = [String(line[0]), line[1], line[2], line[3] === null ? '' : String(line[3]), line[4], null];
      const measured = Math.max(
        doc.heightOfString(line[1] || ' ', { width: PDF_WIDTHS[1]! - 2 * PAD_X }),
        doc.heightOfString(line[4] || ' ', { width: PDF_WIDTHS[4]! - 2 * PAD_X }),
      );
      return { values, height: Math.max(ROW_MIN, measured + 2 * PAD_Y) };
    });
    // Keep the shift's heading with its table header and first line.
    if (y + sectionHeight + headingHeight + (rows[0]?.height ?? 0) > bottom) newPage();
    else y += 6;
    drawSection(text.shiftHeading(shift), 'left');
    drawHeader();
    for (const row of rows) {
      if (y + row.height > bottom) {
        newPage();
        drawSection(text.shiftContinued(shift), 'left');
        drawHeader();
      }
      drawRow(row.values, row.height, false, BODY_SIZE);
    }
    if (y + sectionHeight > bottom) newPage();
    drawSection(text.shiftTotal(shift), 'right');
  }
  if (y + sectionHeight > bottom) newPage();
  drawSection(text.dayTotal, 'right');

  // Signature places, side by side.
  if (y + SIGNATURE_BLOCK > bottom) newPage();
  y += 16;
  const half = TABLE_WIDTH / 2;
  for (const [i, key] of (['officer', 'cellRepresentative'] as const).entries()) {
    doc.font(FONT_BOLD).fontSize(11);
    write(t(`scheduling.outputs.schedule.${key}`), left + i * half, y, { width: half, align: 'center', lineBreak: false });
    doc.font(FONT_REGULAR).fontSize(9);
    write(t('scheduling.outputs.schedule.signHint'), left + i * half, y + 16, { width: half, align: 'center', lineBreak: false });
  }

  // Running header (from page 2) and page numbers, once the page count is known. The bottom margin is lifted while
  // writing in it, or pdfkit would start a new page.
  const { start, count } = doc.bufferedPageRange();
  for (let page = start; page < start + count; page++) {
    doc.switchToPage(page);
    const margins = doc.page.margins;
    doc.page.margins = { ...margins, top: 0, bottom: 0 };
    doc.font(FONT_REGULAR).fontSize(9).fillColor('#444444');
    if (page > start) write(text.running, left, MARGIN.top - 24, { width: TABLE_WIDTH, align: 'left', lineBreak: false });
    write(t('scheduling.outputs.schedule.page', { page: page - start + 1, pages: count }), left, A4.height - MARGIN.bottom + 20, {
      width: TABLE_WIDTH,
      align: 'center',
      lineBreak: false,
    });
    doc.fillColor('black');
    doc.page.margins = margins;
  }
}
