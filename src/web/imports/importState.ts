/** The import report's state: rejected rows, the user's fixes and skips, and what is sent on commit. */
import type { ApiIssue, FieldError, ImportFix, ImportPreview, ImportRecord, RejectedRow } from '../api.ts';

/** A value typed into a rejected cell; `pending` until the server has checked it. */
export interface CellFix {
  value: string;
  pending: boolean;
}

export interface ReportRow {
  row: number;
  values: Record<string, string>;
  errors: FieldError[];
}

export interface ReportState {
  /** Rejected rows of the preview, in row order, with their current errors. */
  rows: ReportRow[];
  fixes: Record<number, Record<string, CellFix>>;
  skipped: ReadonlySet<number>;
}

export function initialReport(preview: ImportPreview, previous?: ReportState): ReportState {
  const records = new Map<number, ImportRecord>(preview.records.map((record) => [record.row, record]));
  const rows: ReportRow[] = preview.rejected
    .map((rejected) => ({
      row: rejected.row,
      values: records.get(rejected.row)?.values ?? {},
      errors: rejected.errors.length > 0 ? rejected.errors : (records.get(rejected.row)?.errors ?? []),
    }))
    .sort((a, b) => a.row - b.row);
  if (!previous) return { rows, fixes: {}, skipped: new Set() };
  // the same file checked again: keep what the user typed and skipped for rows that are still rejected
  const present = new Set(rows.map((row) => row.row));
  const fixes: ReportState['fixes'] = {};
  for (const [row, cells] of Object.entries(previous.fixes)) {
    if (present.has(Number(row))) fixes[Number(row)] = cells;
  }
  return { rows, fixes, skipped: new Set([...previous.skipped].filter((row) => present.has(row))) };
}

/** The columns of the report: the file's, then any field an error names that the file lacks. */
export function reportColumns(columns: readonly string[], rows: readonly ReportRow[]): string[] {
  const result = [...columns];
  for (const row of rows) {
    for (const error of row.errors) {
      if (error.field && !result.includes(error.field)) result.push(error.field);
    }
  }
  return result;
}

export function setFix(state: ReportState, row: number, field: string, value: string): ReportState {
  const cells = { ...(state.fixes[row] ?? {}), [field]: { value, pending: true } };
  return { ...state, fixes: { ...state.fixes, [row]: cells } };
}

export function setSkipped(state: ReportState, rows: readonly number[], skip: boolean): ReportState {
  const skipped = new Set(state.skipped);
  for (const row of rows) {
    if (skip) skipped.add(row);
    else skipped.delete(row);
  }
  return { ...state, skipped };
}

/** Fixes to send: values that differ from the file's, for rows that are not skipped. */
export function fixesPayload(state: ReportState): ImportFix[] {
  const fixes: ImportFix[] = [];
  for (const row of state.rows) {
    if (state.skipped.has(row.row)) continue;
    const cells = state.fixes[row.row];
    if (!cells) continue;
    const values: Record<string, string> = {};
    for (const [field, fix] of Object.entries(cells)) {
      if (fix.value !== (row.values[field] ?? '')) values[field] = fix.value;
    }
    if (Object.keys(values).length > 0) fixes.push({ row: row.row, values });
  }
  return fixes;
}

/**
 * After the server checked the fixes (a commit it refused, or its `rejected` list): each row gets the
 * errors the server still reports, and no fix is pending any more.
 */
export function applyServerCheck(state: ReportState, rejected: readonly RejectedRow[]): ReportState {
  const byRow = new Map<number, FieldError[]>();
  for (const item of rejected) byRow.set(item.row, item.errors);
  const fixes: ReportState['fixes'] = {};
  for (const [row, cells] of Object.entries(state.fixes)) {
    fixes[Number(row)] = Object.fromEntries(Object.entries(cells).map(([field, fix]) => [field, { ...fix, pending: false }]));
  }
  return {
    ...state,
    fixes,
    // skipped rows were not checked: they keep their errors
    rows: state.rows.map((row) => (state.skipped.has(row.row) ? row : { ...row, errors: byRow.get(row.row) ?? [] })),
  };
}

/** Issues of a refused commit (`import.has_rejected`) grouped as rejected rows. */
export function rejectedFromIssues(issues: readonly ApiIssue[]): RejectedRow[] {
  const byRow = new Map<number, FieldError[]>();
  for (const issue of issues) {
    if (issue.row === undefined) continue;
    const list = byRow.get(issue.row) ?? [];
    list.push({ field: issue.field ?? '', code: issue.code, message: issue.message });
    byRow.set(issue.row, list);
  }
  return [...byRow.entries()].map(([row, errors]) => ({ row, errors }));
}

/** Rows that still have an error the user neither fixed nor skipped. */
export function outstandingRows(state: ReportState): number[] {
  return state.rows
    .filter((row) => !state.skipped.has(row.row))
    .filter((row) => row.errors.some((error) => !isPendingFix(state, row, error.field)))
    .map((row) => row.row);
}

/** The user changed this cell since the server last checked it. */
export function isPendingFix(state: ReportState, row: ReportRow, field: string): boolean {
  const fix = state.fixes[row.row]?.[field];
  return !!fix && fix.pending && fix.value !== (row.values[field] ?? '');
}
