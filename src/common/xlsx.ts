/**
 * Helpers shared by the .xlsx exports: a streaming workbook bound to an output stream (finishes with the stream, fails
 * instead of hanging when the stream breaks), lines written as plain values, and sheet names Excel accepts.
 *
 * Formula safety: values are only ever written as strings or numbers, never as `{ formula }` objects, so a name such
 * as "=HYPERLINK(…)" is stored as text; text columns also get the text format "@", so a value edited later stays text.
 */
import type { Stream } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createRequire } from 'node:module';
import type ExcelJS from 'exceljs';

/**
 * exceljs, loaded when a workbook is first read or written, not with the server: about 7 MB of heap that every full
 * collection of a busy server would otherwise mark again.
 */
let excel: typeof ExcelJS | undefined;
export function loadExcel(): typeof ExcelJS {
  return (excel ??= createRequire(import.meta.url)('exceljs') as typeof ExcelJS);
}

export type Cell = string | number | null;

export const SHEET_NAME_MAX = 31;
/** Lines written between two turns of the event loop, so the zip compresses as we go instead of at the end. */
export const LINES_PER_TURN = 1000;

export interface StreamingWorkbook {
  workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  /** Lets the event loop turn (the zip compresses what was written so far); throws if the output failed meanwhile. */
  pause(): Promise<void>;
  /** Commits the workbook and resolves once the output has finished; rejects if the output failed. */
  finish(): Promise<void>;
}

/** A streaming workbook (inline strings, styles on) that writes to `out`, e.g. an HTTP reply stream or a file stream. */
export function streamingWorkbook(out: NodeJS.WritableStream): StreamingWorkbook {
  // exceljs's commit() only waits for 'finish'; this also catches an error or an early close of `out` (a client gone
  // mid-download), so the export stops instead of waiting forever, and for a file it waits until the file is closed.
  let failure: Error | undefined;
  const ended = finished(out, { readable: false }).then(
    () => undefined,
    (error: Error) => void (failure = error),
  );
  // exceljs types `stream` as the Stream class; it only pipes into it, which any writable supports.
  const workbook = new (loadExcel().stream.xlsx.WorkbookWriter)({ stream: out as unknown as Stream, useStyles: true, useSharedStrings: false });
  return {
    workbook,
    async pause() {
      await new Promise((resolve) => setImmediate(resolve));
      if (failure) throw failure;
    },
    async finish() {
      if (failure) throw failure;
      const committed = workbook.commit();
      committed.catch(() => undefined); // observed by the race below; kept from being reported as unhandled after a failure of `out`
      await Promise.race([committed, ended]);
      if (failure) throw failure;
      await Promise.all([committed, ended]);
    },
  };
}

/** Adds one line of plain values (bold or not) and commits it. */
export function addLine(sheet: ExcelJS.Worksheet, values: Cell[], bold: boolean): void {
  const row = sheet.addRow(values);
  if (bold) row.font = { bold: true };
  row.commit();
}

/**
 * Gives sheet names Excel accepts: at most 31 characters, none of []:*?/\, no apostrophe at either end, not empty,
 * unique (Excel compares names case-insensitively and reserves "History" for change tracking).
 */
export function sheetNames(): (name: string, fallback: string) => string {
  const taken = new Set(['history']);
  return (name, fallback) => sheetName(name, taken, fallback);
}

function sheetName(name: string, taken: Set<string>, fallback: string): string {
  const base = cleanSheetName(name) || cleanSheetName(fallback) || 'Sheet';
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : ` (${n})`;
    const candidate = cleanSheetName(truncate(base, SHEET_NAME_MAX - suffix.length)) + suffix;
    if (!taken.has(candidate.toLowerCase())) {
      taken.add(candidate.toLowerCase());
      return candidate;
    }
  }
}

function cleanSheetName(text: string): string {
  return text.normalize('NFC').replace(/[\\/]/g, '-').replace(/[[\]:*?]/g, ' ').replace(/\s+/g, ' ').replace(/^[\s']+|[\s']+$/g, '');
}

/** At most `max` UTF-16 units (Excel's count), never splitting a character. */
export function truncate(text: string, max: number): string {
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max) break;
    out += char;
  }
  return out;
}
