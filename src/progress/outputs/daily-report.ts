/**
 * The daily progress report as officials send it up: a Vietnamese administrative header (the unit under its superior,
 * the Party's name, place and date), one row per child unit (target, done that day, done in total, % of target, open
 * problems), the totals, and the signature places. As .xlsx (to edit or forward) and as PDF (A4, to print and sign).
 */
import type ExcelJS from 'exceljs';
import { formatDate, formatDateTime } from '../../common/dates.ts';
import { FONT_BOLD, FONT_REGULAR, newDocument, writeDocument } from '../../common/pdf.ts';
import { streamingWorkbook } from '../../common/xlsx.ts';
import type { Locale } from '../../platform/i18n/index.ts';
import { formatCount, translator, type Translate } from '../../scheduling/outputs/format.ts';

export interface ReportRow {
  name: string;
  /** Eligible members. */
  target: number;
  /** Dossiers received on the report's day. */
  today: number;
  /** Members with a dossier (not returned), all days. */
  total: number;
  openMismatches: number;
  conflicts: number;
  returned: number;
}

export interface DailyReport {
  /** The unit reporting, and its superior (null at the top). */
  unitName: string;
  superiorName: string | null;
  /** Where the report is signed ("Lâm Đồng"). */
  place: string;
  /** YYYY-MM-DD, Vietnam's day reported. */
  date: string;
  /** When the counts were read (ISO instant). */
  generatedAt: string;
  rows: ReportRow[];
  totals: ReportRow;
}

const COLUMNS = [
  { key: 'index', xlsx: 6, pdf: 28 },
  { key: 'unit', xlsx: 40, pdf: 0 }, // PDF: what is left
  { key: 'target', xlsx: 12, pdf: 50 },
  { key: 'today', xlsx: 12, pdf: 50 },
  { key: 'total', xlsx: 12, pdf: 50 },
  { key: 'percent', xlsx: 10, pdf: 42 },
  { key: 'openMismatches', xlsx: 14, pdf: 56 },
  { key: 'conflicts', xlsx: 12, pdf: 46 },
  { key: 'returned', xlsx: 12, pdf: 46 },
] as const;

/** Done in total as a share of the target, one decimal ("87,5"); "–" without a target. */
function percent(row: ReportRow, locale: Locale): string {
  if (row.target === 0) return '–';
  return new Intl.NumberFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format((100 * row.total) / row.target);
}

function wording(report: DailyReport, t: Translate, locale: Locale) {
  const [year, month, day] = report.date.split('-');
  return {
    party: t('progress.report.party'),
    superior: report.superiorName?.toLocaleUpperCase('vi') ?? '',
    unit: report.unitName.toLocaleUpperCase('vi'),
    placeDate: t('progress.report.placeDate', { place: report.place, day: day!, month: month!, year: year! }),
    title: t('progress.report.title'),
    subtitle: t('progress.report.subtitle', { date: formatDate(report.date) }),
    headings: COLUMNS.map(({ key }) => t(`progress.report.heading.${key}`)),
    totals: t('progress.report.totals'),
    generated: t('progress.report.generated', { at: formatDateTime(report.generatedAt) }),
    empty: t('progress.report.empty'),
    preparer: t('progress.report.preparer'),
    head: t('progress.report.head'),
    signHint: t('progress.report.signHint'),
    stampHint: t('progress.report.stampHint'),
    line: (row: ReportRow, index: number | null): string[] => [
      index === null ? '' : String(index),
      row.name,
      formatCount(row.target, locale),
      formatCount(row.today, locale),
      formatCount(row.total, locale),
      percent(row, locale),
      formatCount(row.openMismatches, locale),
      formatCount(row.conflicts, locale),
      formatCount(row.returned, locale),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------- xlsx

const THIN = { style: 'thin' } as const;
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/** One sheet; numbers stay numbers (Excel sums them), the share is a formula-free number with one decimal. */
export async function writeDailyReportXlsx(report: DailyReport, out: NodeJS.WritableStream, locale: Locale): Promise<void> {
  const t = translator(locale);
  const text = wording(report, t, locale);
  const { workbook, finish } = streamingWorkbook(out);
  const sheet = workbook.addWorksheet(formatDate(report.date).replaceAll('/', '-'), {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, horizontalCentered: true },
  });
  sheet.columns = COLUMNS.map(({ xlsx }) => ({ width: xlsx }));
  const span = (row: ExcelJS.Row, from: number, to: number, font: Partial<ExcelJS.Font>, horizontal: 'left' | 'center' | 'right' = 'center') => {
    sheet.mergeCells(row.number, from, row.number, to);
    const cell = row.getCell(from);
    cell.font = font;
    cell.alignment = { horizontal, vertical: 'middle' };
  };
  const header = (left: string, right: string, leftFont: Partial<ExcelJS.Font>, rightFont: Partial<ExcelJS.Font>) => {
    const row = sheet.addRow([left, null, null, null, right]);
    span(row, 1, 3, leftFont);
    span(row, 5, COLUMNS.length, rightFont);
    row.commit();
  };
  header(text.superior, text.party, {}, { bold: true, underline: true });
  header(text.unit, text.placeDate, { bold: true }, { italic: true });
  header('*', '', {}, {});
  sheet.addRow([]).commit();
  for (const [value, font] of [[text.title, { bold: true, size: 14 }], [text.subtitle, { bold: true }]] as const) {
    const row = sheet.addRow([value]);
    span(row, 1, COLUMNS.length, font);
    row.commit();
  }
  sheet.addRow([]).commit();
  const headings = sheet.addRow(text.headings);
  headings.height = 32;
  headings.eachCell((cell) => {
    cell.font = { bold: true };
    cell.border = BORDER;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9D9D9' } };
  });
  headings.commit();
  const numbers = (row: ReportRow, index: number | null, bold: boolean) => {
    const line = sheet.addRow([index, row.name, row.target, row.today, row.total, row.target ? Math.round((1000 * row.total) / row.target) / 10 : null, row.openMismatches, row.conflicts, row.returned]);
    line.eachCell({ includeEmpty: true }, (cell, column) => {
      cell.border = BORDER;
      cell.font = { bold };
      cell.alignment = { horizontal: column === 2 ? 'left' : 'right', vertical: 'middle', wrapText: column === 2 };
      if (column === 6) cell.numFmt = '0.0';
    });
    line.commit();
  };
  if (report.rows.length === 0) {
    const row = sheet.addRow([text.empty]);
    span(row, 1, COLUMNS.length, {}, 'left');
    row.commit();
  }
  report.rows.forEach((row, i) => numbers(row, i + 1, false));
  numbers({ ...report.totals, name: text.totals }, null, true);
  sheet.addRow([]).commit();
  const note = sheet.addRow([text.generated]);
  span(note, 1, COLUMNS.length, { italic: true, size: 9 }, 'left');
  note.commit();
  sheet.addRow([]).commit();
  header(text.preparer, text.head, { bold: true }, { bold: true });
  header(text.signHint, text.stampHint, { italic: true }, { italic: true });
  sheet.commit();
  await finish();
}

// ----------------------------------------------------------------------------------------------------------------- PDF

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = { top: 42, bottom: 50, left: 36, right: 36 };
const TABLE_WIDTH = A4.width - MARGIN.left - MARGIN.right;
const PDF_WIDTHS = COLUMNS.map(({ pdf }) => pdf || TABLE_WIDTH - COLUMNS.reduce((sum, c) => sum + c.pdf, 0));
const PAD = 3;

/** A4 portrait; the table's header is repeated on every page it runs onto; "Trang 1/2" at the foot of each page. */
export async function writeDailyReportPdf(report: DailyReport, out: NodeJS.WritableStream, locale: Locale): Promise<void> {
  const t = translator(locale);
  const text = wording(report, t, locale);
  const doc = newDocument({ size: 'A4', layout: 'portrait', margins: MARGIN, bufferPages: true, info: { Title: `${text.title} – ${text.unit} – ${text.subtitle}`, Creator: 'doithe' }, lang: locale });
  await writeDocument(doc, out, () => {
    drawReport(doc, report, text);
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      doc.font(FONT_REGULAR).fontSize(8).text(t('progress.report.page', { page: i + 1, pages: range.count }), MARGIN.left, A4.height - MARGIN.bottom + 18, { width: TABLE_WIDTH, align: 'center', lineBreak: false });
    }
  });
}

function drawReport(doc: PDFKit.PDFDocument, report: DailyReport, text: ReturnType<typeof wording>): void {
  const left = MARGIN.left;
  const bottom = A4.height - MARGIN.bottom;
  const half = TABLE_WIDTH / 2;
  // Header: the unit under its superior on the left, the Party's name and the place and date on the right.
  doc.font(FONT_REGULAR).fontSize(10).text(text.superior, left, MARGIN.top, { width: half - 10, align: 'center' });
  doc.font(FONT_BOLD).fontSize(10).text(text.unit, left, doc.y, { width: half - 10, align: 'center' });
  doc.font(FONT_REGULAR).text('*', left, doc.y, { width: half - 10, align: 'center' });
  const leftEnd = doc.y;
  doc.font(FONT_BOLD).fontSize(11).text(text.party, left + half, MARGIN.top, { width: half, align: 'center' });
  // A short rule under the Party's name, as on administrative documents (a full underline would cut the dots below).
  const rule = doc.y + 2;
  doc.moveTo(left + half + half / 2 - 50, rule).lineTo(left + half + half / 2 + 50, rule).lineWidth(0.6).stroke();
  doc.font(FONT_REGULAR).fontSize(10).text(text.placeDate, left + half, rule + 6, { width: half, align: 'center', oblique: true });
  let y = Math.max(leftEnd, doc.y) + 18;
  doc.font(FONT_BOLD).fontSize(14).text(text.title, left, y, { width: TABLE_WIDTH, align: 'center' });
  doc.font(FONT_BOLD).fontSize(11).text(text.subtitle, left, doc.y + 2, { width: TABLE_WIDTH, align: 'center' });
  y = doc.y + 12;

  const heightOf = (values: string[], bold: boolean, size: number) => {
    doc.font(bold ? FONT_BOLD : FONT_REGULAR).fontSize(size);
    return Math.max(...values.map((v, i) => doc.heightOfString(v || ' ', { width: PDF_WIDTHS[i]! - 2 * PAD }))) + 2 * PAD;
  };
  const drawRow = (values: string[], bold: boolean, size: number, shade?: string) => {
    const height = heightOf(values, bold, size);
    let x = left;
    doc.font(bold ? FONT_BOLD : FONT_REGULAR).fontSize(size);
    values.forEach((value, i) => {
      const width = PDF_WIDTHS[i]!;
      if (shade) doc.rect(x, y, width, height).fill(shade).fillColor('black');
      doc.rect(x, y, width, height).lineWidth(0.5).stroke();
      doc.text(value, x + PAD, y + PAD, { width: width - 2 * PAD, align: i === 1 && !shade ? 'left' : shade ? 'center' : 'right' });
      x += width;
    });
    y += height;
  };
  const drawHeader = () => drawRow(text.headings, true, 8, '#d9d9d9');
  drawHeader();
  const lines = [...report.rows.map((row, i) => ({ values: text.line(row, i + 1), bold: false })), { values: text.line({ ...report.totals, name: text.totals }, null), bold: true }];
  if (report.rows.length === 0) {
    doc.font(FONT_REGULAR).fontSize(10).text(text.empty, left + PAD, y + PAD, { width: TABLE_WIDTH });
    y = doc.y + PAD;
  }
  for (const line of lines) {
    if (y + heightOf(line.values, line.bold, 9) > bottom) {
      doc.addPage();
      y = MARGIN.top;
      drawHeader();
    }
    drawRow(line.values, line.bold, 9);
  }
  // When the counts were read, then the signatures (kept together on one page).
  const signatureHeight = 110;
  if (y + 16 + signatureHeight > bottom) {
    doc.addPage();
    y = MARGIN.top;
  } else y += 6;
  doc.font(FONT_REGULAR).fontSize(8).text(text.generated, left, y, { width: TABLE_WIDTH, oblique: true });
  y = doc.y + 14;
  for (const [i, [title, hint]] of [[text.preparer, text.signHint], [text.head, text.stampHint]].entries()) {
    doc.font(FONT_BOLD).fontSize(10).text(title!, left + i * half, y, { width: half, align: 'center' });
    doc.font(FONT_REGULAR).fontSize(9).text(hint!, left + i * half, doc.y + 2, { width: half, align: 'center', oblique: true });
  }
}
