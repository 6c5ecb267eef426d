/**
 * The mismatch list as an .xlsx for party organisations: a summary sheet, then one sheet per unit with one line
 * per differing field (party value and register value side by side), labels from the server catalogues.
 */
import type { Stream } from 'node:stream';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { formatDate, todayInVietnam } from '../common/dates.ts';
import { translate, type Locale } from '../platform/i18n/index.ts';
import type { Cause, Field } from './domain/compare.ts';

export interface MismatchExportRow {
  personalId: string;
  fullName: string;
  status: 'mismatched' | 'not_found' | 'awaiting';
  differences: { field: Field; party: string; population: string; cause: Cause; blocking: boolean }[];
  checkedAt: Date;
  decision: 'corrected' | 'kept' | 'referred' | null;
  decisionReason: string | null;
}

export interface MismatchExportUnit {
  name: string;
  rows: MismatchExportRow[];
}

type Cell = string | number | null;

// Heading key suffix and width (characters) of each column of a unit sheet, in order.
const UNIT_COLUMNS = [
  ['index', 6], ['personalId', 16], ['fullName', 26], ['status', 24], ['field', 16], ['party', 32], ['population', 32],
  ['cause', 28], ['blocking', 12], ['decision', 28], ['reason', 40], ['checkedAt', 14],
] as const;

const SHEET_NAME_MAX = 31;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
// Lines written between two turns of the event loop, so the zip compresses as we go instead of at the end.
const LINES_PER_TURN = 1000;

/** Writes the workbook to `out` (e.g. an HTTP reply stream or a file stream) and resolves when it is finished. */
export async function writeMismatchWorkbook(
  units: MismatchExportUnit[],
  out: NodeJS.WritableStream,
  locale: Locale,
  generatedAt: Date = new Date(),
): Promise<void> {
  const t = (key: string, params: Record<string, string | number> = {}) => translate(key, params, locale);
  // exceljs's commit() only waits for 'finish'; this also catches an error or an early close of `out` (a client gone
  // mid-download), so the export stops instead of waiting forever, and for a file it waits until the file is closed.
  let failure: Error | undefined;
  const ended = finished(out, { readable: false }).then(
    () => undefined,
    (error: Error) => void (failure = error),
  );
  // exceljs types `stream` as the Stream class; it only pipes into it, which any writable supports.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out as unknown as Stream, useStyles: true, useSharedStrings: false });

  // Excel compares sheet names case-insensitively and reserves "History" (change tracking).
  const taken = new Set(['history']);
  const summaryName = sheetName(t('reconciliation.export.summary.sheet'), taken, 'Sheet');
  const unitNames = units.map((unit, i) => sheetName(unit.name, taken, t('reconciliation.export.unitSheet', { n: i + 1 })));

  const summary = workbook.addWorksheet(summaryName);
  summary.columns = [{ width: 40, style: { numFmt: '@' } }, { width: 32, style: { numFmt: '@' } }, { width: 14 }, { width: 16 }, { width: 16 }];
  addLine(summary, [t('reconciliation.export.summary.title', { date: formatDate(todayInVietnam(generatedAt)) })], true);
  addLine(summary, [], false);
  addLine(summary, ['unit', 'sheetName', 'cases', 'undecided', 'decided'].map((k) => t(`reconciliation.export.summary.${k}`)), true);
  let cases = 0;
  let decided = 0;
  units.forEach((unit, i) => {
    const unitDecided = unit.rows.filter((row) => row.decision !== null).length;
    cases += unit.rows.length;
    decided += unitDecided;
    addLine(summary, [unit.name, unitNames[i]!, unit.rows.length, unit.rows.length - unitDecided, unitDecided], false);
  });
  addLine(summary, [t('reconciliation.export.summary.total'), null, cases, cases - decided, decided], true);
  // Each sheet is finished before the next starts: exceljs keeps every open sheet's XML in memory until it is zipped.
  summary.commit();

  const headings = UNIT_COLUMNS.map(([key]) => t(`reconciliation.export.heading.${key}`));
  for (const [i, unit] of units.entries()) {
    const sheet = workbook.addWorksheet(unitNames[i]!, { views: [{ state: 'frozen', ySplit: 1 }] });
    // Text format on every column but STT, so a value edited later in Excel (an ID, "=…") stays text.
    sheet.columns = UNIT_COLUMNS.map(([key, width]) => (key === 'index' ? { width } : { width, style: { numFmt: '@' } }));
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: UNIT_COLUMNS.length } };
    addLine(sheet, headings, true);
    let lines = 0;
    for (const [n, row] of unit.rows.entries()) {
      for (const line of unitLines(row, n + 1, t)) {
        addLine(sheet, line, false);
        if (++lines % LINES_PER_TURN === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          if (failure) throw failure;
        }
      }
    }
    sheet.commit();
  }
  const committed = workbook.commit();
  committed.catch(() => undefined); // observed by the race below; kept from being reported as unhandled after a failure of `out`
  await Promise.race([committed, ended]);
  if (failure) throw failure;
  await Promise.all([committed, ended]);
}

function addLine(sheet: ExcelJS.Worksheet, values: Cell[], bold: boolean): void {
  const row = sheet.addRow(values);
  if (bold) row.font = { bold: true };
  row.commit();
}

/** The lines of one person: one per differing field, or one with the field columns empty. */
function unitLines(row: MismatchExportRow, index: number, t: (key: string) => string): Cell[][] {
  // The ID stays a string: a number would lose its leading zeros (001…) and show as 1.2E+11.
  const person: Cell[] = [index, row.personalId, row.fullName, t(`reconciliation.status.${row.status}`)];
  const outcome: Cell[] = [
    row.decision ? t(`reconciliation.decision.${row.decision}`) : null,
    row.decisionReason || null,
    formatDate(todayInVietnam(row.checkedAt)),
  ];
  if (row.differences.length === 0) return [[...person, null, null, null, null, null, ...outcome]];
  return row.differences.map((d) => [
    ...person,
    t(`reconciliation.field.${d.field}`),
    shownValue(d.field, d.party, t),
    shownValue(d.field, d.population, t),
    t(`reconciliation.cause.${d.cause}`),
    t(d.blocking ? 'reconciliation.export.yes' : 'reconciliation.export.no'),
    ...outcome,
  ]);
}

function shownValue(field: Field, value: string, t: (key: string) => string): string | null {
  if (value === '') return null;
  if (field === 'gender' && (value === 'male' || value === 'female')) return t(`reconciliation.gender.${value}`);
  return ISO_DATE.test(value) ? formatDate(value) : value;
}

/** A name Excel accepts: at most 31 characters, none of []:*?/\, no apostrophe at either end, not empty, not taken. */
function sheetName(name: string, taken: Set<string>, fallback: string): string {
  const clean = (text: string) =>
    text.normalize('NFC').replace(/[\\/]/g, '-').replace(/[[\]:*?]/g, ' ').replace(/\s+/g, ' ').replace(/^[\s']+|[\s']+$/g, '');
  const base = clean(name) || clean(fallback) || 'Sheet';
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : ` (${n})`;
    const candidate = clean(truncate(base, SHEET_NAME_MAX - suffix.length)) + suffix;
    if (!taken.has(candidate.toLowerCase())) {
      taken.add(candidate.toLowerCase());
      return candidate;
    }
  }
}

/** At most `max` UTF-16 units (Excel's count), never splitting a character. */
function truncate(text: string, max: number): string {
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max) break;
    out += char;
  }
  return out;
}
