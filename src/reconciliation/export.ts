/**
 * The mismatch list as an .xlsx for party organisations: a summary sheet, then one sheet per unit with one line
 * per differing field (party value and register value side by side), labels from the server catalogues.
 */
import { formatDate, todayInVietnam } from '../common/dates.ts';
import { addLine, LINES_PER_TURN, sheetNames, streamingWorkbook, type Cell } from '../common/xlsx.ts';
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

// Heading key suffix and width (characters) of each column of a unit sheet, in order.
const UNIT_COLUMNS = [
  ['index', 6], ['personalId', 16], ['fullName', 26], ['status', 24], ['field', 16], ['party', 32], ['population', 32],
  ['cause', 28], ['blocking', 12], ['decision', 28], ['reason', 40], ['checkedAt', 14],
] as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Writes the workbook to `out` (e.g. an HTTP reply stream or a file stream) and resolves when it is finished. */
export async function writeMismatchWorkbook(
  units: MismatchExportUnit[],
  out: NodeJS.WritableStream,
  locale: Locale,
  generatedAt: Date = new Date(),
): Promise<void> {
  const t = (key: string, params: Record<string, string | number> = {}) => translate(key, params, locale);
  const { workbook, pause, finish } = streamingWorkbook(out);

  const sheetName = sheetNames();
  const summaryName = sheetName(t('reconciliation.export.summary.sheet'), 'Sheet');
  const unitNames = units.map((unit, i) => sheetName(unit.name, t('reconciliation.export.unitSheet', { n: i + 1 })));

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
        if (++lines % LINES_PER_TURN === 0) await pause();
      }
    }
    sheet.commit();
  }
  await finish();
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
