/**
 * Reads a hand-made spreadsheet (.xlsx or CSV) into header-mapped raw records.
 *
 * Generic over a table schema: the header row is found by matching cell texts against each field's
 * synonyms (accent-, case-, space- and punctuation-insensitive). Values are handed over as they are
 * (string, number, boolean, Date or null); cleaning and validation are the caller's job.
 */
import { readFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import { foldText } from '../common/text.ts';
import { loadExcel } from '../common/xlsx.ts';
import { AppError } from '../platform/errors.ts';

export type CellValue = string | number | boolean | Date | null;

export interface FieldSpec {
  key: string;
  synonyms: string[];
}

export interface TableSchema {
  fields: FieldSpec[];
  /** Keys that must all be present to recognise the header row. */
  required: string[];
}

export interface RawRecord {
  /** The row number the spreadsheet shows; for CSV the physical line number of the record's first line. */
  row: number;
  values: Record<string, CellValue>;
  /** Keys whose cell held a formula (the value is the cached result). */
  formulas: string[];
}

export interface ReadResult {
  sheetName: string | null;
  headerRow: number;
  /** key → 1-based column. */
  columns: Record<string, number>;
  unmappedHeaders: string[];
  records: RawRecord[];
}

export interface ReadLimits {
  maxBytes: number;
  maxColumns: number;
  maxRows: number;
  headerSearchRows: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxColumns: 200,
  maxRows: 300_000,
  headerSearchRows: 30,
};

export async function readTable(
  input: { path: string } | { buffer: Buffer; name: string },
  schema: TableSchema,
  limits?: Partial<ReadLimits>,
): Promise<ReadResult> {
  const lim: ReadLimits = { ...DEFAULT_READ_LIMITS, ...limits };
  const buffer = await load(input, lim.maxBytes);
  const matcher = new HeaderMatcher(schema);

  if (isZip(buffer)) {
    const sheet = await readXlsxSheet(buffer, lim);
    return buildTable(sheet, matcher, lim);
  }
  const text = decodeText(buffer);
  if (text === undefined) throw new AppError('file.unreadable');
  return readCsv(text, matcher, lim);
}

// ---------------------------------------------------------------------------------------------
// Input

const MiB = 1024 * 1024;
const toMb = (bytes: number) => Number((bytes / MiB).toPrecision(3));

async function load(input: { path: string } | { buffer: Buffer; name: string }, maxBytes: number): Promise<Buffer> {
  const tooLarge = (size: number) => new AppError('file.too_large', { sizeMb: toMb(size), limitMb: toMb(maxBytes) });
  if ('buffer' in input) {
    if (input.buffer.length > maxBytes) throw tooLarge(input.buffer.length);
    return input.buffer;
  }
  let size: number;
  try {
    const info = await stat(input.path);
    if (!info.isFile()) throw new AppError('file.unreadable');
    size = info.size;
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new AppError('file.not_found', { path: input.path });
    throw new AppError('file.unreadable');
  }
  if (size > maxBytes) throw tooLarge(size);
  // Files within the limit are small enough to hold in memory; reading once avoids a second open.
  const buffer = await readFile(input.path).catch(() => {
    throw new AppError('file.unreadable');
  });
  if (buffer.length > maxBytes) throw tooLarge(buffer.length);
  return buffer;
}

const isZip = (b: Buffer) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** Text for CSV parsing, or undefined when the bytes are not text (binary, PDF, HTML/XML). */
function decodeText(buffer: Buffer): string | undefined {
  let text: string;
  if (buffer[0] === 0xff && buffer[1] === 0xfe) {
    // Excel's "Unicode text" export: UTF-16LE with a BOM.
    text = new TextDecoder('utf-16le').decode(buffer.subarray(2));
  } else if (buffer[0] === 0xfe && buffer[1] === 0xff) {
    text = new TextDecoder('utf-16be').decode(buffer.subarray(2));
  } else {
    if (buffer.includes(0)) return undefined;
    text = new TextDecoder('utf-8').decode(buffer); // replaces invalid sequences, strips the BOM
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const head = text.slice(0, 1024).trimStart().slice(0, 16).toLowerCase();
  if (head.startsWith('<') || head.startsWith('%pdf') || head.startsWith('{\\rtf')) return undefined;

  const sample = text.slice(0, 64 * 1024);
  let control = 0;
  let replaced = 0;
  let visible = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0xfffd) replaced++;
    else if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f) control++;
    if (c > 0x20) visible++;
  }
  // Text in a legacy 8-bit encoding (Windows-1258) decodes with some replacement characters and is
  // let through; binary data has control characters or is mostly undecodable.
  if (control > sample.length / 200 || replaced > visible * 0.4) return undefined;
  return text;
}

// ---------------------------------------------------------------------------------------------
// Sheet model shared by both formats: compact rows, merges applied after header detection.

interface SheetRow {
  /** 1-based row number (xlsx) or first physical line (CSV). */
  r: number;
  /** cells[c - 1] is column c. */
  cells: CellValue[];
  /** 1-based columns holding a formula. */
  formulas?: number[];
}

interface MergeRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

interface Sheet {
  name: string | null;
  rows: SheetRow[];
  merges: MergeRange[];
}

const hasValue = (v: CellValue | undefined): boolean =>
  v !== null && v !== undefined && (typeof v !== 'string' || v.trim() !== '');

function lastValueColumn(cells: CellValue[]): number {
  for (let i = cells.length; i > 0; i--) if (hasValue(cells[i - 1])) return i;
  return 0;
}

/** (Exported for tests.) Drops blank rows and enforces the row and column limits as rows arrive. */
export class RowLimiter {
  private count = 0;
  constructor(private readonly limits: ReadLimits) {}

  /** Checks a non-blank row against the limits; false for a blank row. */
  accept(cells: CellValue[]): boolean {
    const width = lastValueColumn(cells);
    if (width === 0) return false;
    if (width > this.limits.maxColumns) {
      throw new AppError('file.too_many_columns', { columns: width, limit: this.limits.maxColumns });
    }
    if (++this.count > this.limits.maxRows) throw new AppError('file.too_many_rows', { limit: this.limits.maxRows });
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// XLSX
//
// exceljs's streaming WorkbookReader parses the workbook, its relationships, the shared strings and
// the styles. Two parts of it are not used:
// - its zip pass (unzipper, one streaming pass over the file) intermittently drops entries: a
//   worksheet or xl/workbook.xml goes missing (exceljs issues #2790, #3064; seen here on 2 of 40
//   reads of a 3-sheet workbook, and on every read when entries are stored uncompressed). The file
//   is in memory anyway, so entries are found through the zip's central directory and inflated with
//   node:zlib, the worksheet as a stream.
// - its worksheet row reader builds Row and Cell objects for every cell (3/4 of the time on a
//   125,000-row list), skips merge ranges, and keeps only the last run of inline rich text.
//   SheetXmlScanner reads the worksheet XML instead.

/** The WorkbookReader part parsers used here (not in exceljs's typings). */
interface WorkbookParts {
  _parseRels(stream: Readable): Promise<void>;
  _parseWorkbook(stream: Readable): Promise<void>;
  _parseStyles(stream: Readable): Promise<void>;
  _parseSharedStrings(stream: Readable): AsyncIterable<unknown>;
  workbookRels?: { Id: string; Type?: string; Target: string }[];
  model?: { sheets?: { name: string; rId: string; state?: string }[] };
  sharedStrings?: unknown[];
  styles: { getStyleModel(id: number): { numFmt?: string } | null | undefined };
  properties?: { model?: { date1904?: boolean } };
}

const isHidden = (state: string | undefined) => state === 'hidden' || state === 'veryHidden';

async function readXlsxSheet(buffer: Buffer, limits: ReadLimits): Promise<Sheet> {
  try {
    return await readFirstSheet(buffer, limits);
  } catch (error) {
    // exceljs and zlib fail on damaged files with their own errors.
    throw error instanceof AppError ? error : new AppError('file.unreadable');
  }
}

async function readFirstSheet(buffer: Buffer, limits: ReadLimits): Promise<Sheet> {
  // Real workbooks unpack to 5–15 times their size.
  const zip = new ZipArchive(buffer, 50 * limits.maxBytes);
  if (!zip.has('xl/workbook.xml') || !zip.has('xl/_rels/workbook.xml.rels')) throw new AppError('file.unreadable');
  const parts = new (loadExcel().stream.xlsx.WorkbookReader)(Readable.from([]), {
    sharedStrings: 'cache',
    styles: 'cache', // number formats tell date cells from numbers
    hyperlinks: 'ignore',
    worksheets: 'ignore',
    entries: 'ignore',
  }) as unknown as WorkbookParts;
  const part = (name: string) => Readable.from(zip.stream(name));

  await parts._parseRels(part('xl/_rels/workbook.xml.rels'));
  await parts._parseWorkbook(part('xl/workbook.xml'));
  const rels = parts.workbookRels ?? [];
  const target = (type: string, fallback: string) => {
    const rel = rels.find((r) => r.Type?.endsWith(`/${type}`));
    return rel ? partName(rel.Target) : fallback;
  };
  const styles = target('styles', 'xl/styles.xml');
  const hasStyles = zip.has(styles);
  if (hasStyles) await parts._parseStyles(part(styles));
  const sharedStrings = target('sharedStrings', 'xl/sharedStrings.xml');
  if (zip.has(sharedStrings)) {
    // A generator: it caches the strings on the reader as it runs.
    for await (const _ of parts._parseSharedStrings(part(sharedStrings))) void _;
  }

  // The first visible worksheet in tab order (chart sheets and missing parts skipped).
  let chosen: { name: string; part: string } | undefined;
  for (const sheet of parts.model?.sheets ?? []) {
    const rel = rels.find((r) => r.Id === sheet.rId);
    if (isHidden(sheet.state) || !rel || !(rel.Type ?? '/worksheet').endsWith('/worksheet')) continue;
    if (zip.has(partName(rel.Target))) {
      chosen = { name: sheet.name, part: partName(rel.Target) };
      break;
    }
  }
  if (!chosen) throw new AppError('file.no_sheet');

  const scanner = new SheetXmlScanner(cellContext(parts, hasStyles), new RowLimiter(limits));
  for await (const chunk of zip.stream(chosen.part)) scanner.write(chunk);
  scanner.end();
  return { name: chosen.name, rows: scanner.rows, merges: scanner.merges };
}

/** A workbook relationship target ("worksheets/sheet1.xml", "/xl/worksheets/sheet1.xml") as a zip path. */
function partName(target: string): string {
  return target.startsWith('/') ? posix.normalize(target).slice(1) : posix.join('xl', target);
}

interface ZipEntry {
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/**
 * Entries of an in-memory zip, found through its central directory. Inflated bytes are counted
 * against a budget so that a zip bomb is stopped while inflating, whatever sizes it declares.
 */
class ZipArchive {
  private readonly entries = new Map<string, ZipEntry>();
  private budget: number;

  constructor(
    private readonly buffer: Buffer,
    maxUnpacked: number,
  ) {
    this.budget = maxUnpacked;
    const end = this.findEndOfDirectory();
    let offset = buffer.readUInt32LE(end + 16);
    if (offset === 0xffffffff) offset = this.zip64DirectoryOffset(end);
    let declared = 0;
    while (offset + 46 <= buffer.length && buffer.readUInt32LE(offset) === 0x02014b50) {
      const nameLength = buffer.readUInt16LE(offset + 28);
      const extraLength = buffer.readUInt16LE(offset + 30);
      const commentLength = buffer.readUInt16LE(offset + 32);
      const name = buffer.toString('utf8', offset + 46, offset + 46 + nameLength);
      const entry: ZipEntry = {
        flags: buffer.readUInt16LE(offset + 8),
        method: buffer.readUInt16LE(offset + 10),
        crc: buffer.readUInt32LE(offset + 16),
        compressedSize: buffer.readUInt32LE(offset + 20),
        size: buffer.readUInt32LE(offset + 24),
        localOffset: buffer.readUInt32LE(offset + 42),
      };
      this.applyZip64(entry, offset + 46 + nameLength, extraLength);
      declared += entry.size;
      this.entries.set(name.replace(/\\/g, '/').toLowerCase(), entry);
      offset += 46 + nameLength + extraLength + commentLength;
    }
    if (declared > maxUnpacked) throw new AppError('file.unreadable');
  }

  has(name: string): boolean {
    return this.entries.has(name.toLowerCase());
  }

  /** A part, inflated chunk by chunk; stopping the iteration stops the inflating. */
  async *stream(name: string): AsyncGenerator<Buffer> {
    const entry = this.entry(name);
    const data = this.data(entry);
    let crc = 0;
    if (entry.method === 0) {
      for (let i = 0; i < data.length; i += 64 * 1024) {
        const chunk = data.subarray(i, i + 64 * 1024);
        this.spend(chunk.length);
        crc = crc32(chunk, crc);
        yield chunk;
      }
    } else {
      const inflater = createInflateRaw({ chunkSize: 64 * 1024 });
      inflater.end(data);
      try {
        for await (const chunk of inflater as AsyncIterable<Buffer>) {
          this.spend(chunk.length);
          crc = crc32(chunk, crc);
          yield chunk;
        }
      } finally {
        inflater.destroy();
      }
    }
    if (crc !== entry.crc) throw new AppError('file.unreadable');
  }

  private entry(name: string): ZipEntry {
    const entry = this.entries.get(name.toLowerCase());
    // Only stored and deflated, unencrypted entries occur in xlsx files.
    if (!entry || (entry.method !== 0 && entry.method !== 8) || entry.flags & 1) throw new AppError('file.unreadable');
    return entry;
  }

  private data(entry: ZipEntry): Buffer {
    const local = entry.localOffset;
    if (local + 30 > this.buffer.length || this.buffer.readUInt32LE(local) !== 0x04034b50) throw new AppError('file.unreadable');
    const start = local + 30 + this.buffer.readUInt16LE(local + 26) + this.buffer.readUInt16LE(local + 28);
    if (start + entry.compressedSize > this.buffer.length) throw new AppError('file.unreadable');
    return this.buffer.subarray(start, start + entry.compressedSize);
  }

  private spend(bytes: number): void {
    this.budget -= bytes;
    if (this.budget < 0) throw new AppError('file.unreadable');
  }

  private findEndOfDirectory(): number {
    const b = this.buffer;
    for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
      if (b.readUInt32LE(i) === 0x06054b50) return i;
    }
    throw new AppError('file.unreadable');
  }

  private zip64DirectoryOffset(end: number): number {
    const b = this.buffer;
    const locator = end - 20;
    if (locator < 0 || b.readUInt32LE(locator) !== 0x07064b50) throw new AppError('file.unreadable');
    const record = Number(b.readBigUInt64LE(locator + 8));
    if (record + 56 > b.length || b.readUInt32LE(record) !== 0x06064b50) throw new AppError('file.unreadable');
    return Number(b.readBigUInt64LE(record + 48));
  }

  /** Sizes and offset of 0xffffffff are in the zip64 extra field, in this order, when present. */
  private applyZip64(entry: ZipEntry, start: number, length: number): void {
    const b = this.buffer;
    for (let p = start; p + 4 <= start + length && p + 4 <= b.length; ) {
      const id = b.readUInt16LE(p);
      const size = b.readUInt16LE(p + 2);
      if (id === 0x0001) {
        let q = p + 4;
        const next = () => {
          if (q + 8 > p + 4 + size || q + 8 > b.length) throw new AppError('file.unreadable');
          const value = Number(b.readBigUInt64LE(q));
          q += 8;
          return value;
        };
        if (entry.size === 0xffffffff) entry.size = next();
        if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
        if (entry.localOffset === 0xffffffff) entry.localOffset = next();
        return;
      }
      p += 4 + size;
    }
  }
}

export interface CellContext {
  sharedString(index: number): CellValue;
  isDateStyle(styleId: number): boolean;
  date1904: boolean;
}

function cellContext(reader: WorkbookParts, hasStyles: boolean): CellContext {
  const strings = reader.sharedStrings ?? [];
  const dateStyles: boolean[] = [];
  return {
    sharedString: (index) => plainValue(strings[index]),
    isDateStyle(styleId) {
      // Without a styles part exceljs's style manager has no index to look in.
      return hasStyles && (dateStyles[styleId] ??= isDateFormat(reader.styles.getStyleModel(styleId)?.numFmt));
    },
    date1904: reader.properties?.model?.date1904 === true,
  };
}

/** A number format showing a date or time (as exceljs decides it): y, m, d, h, s outside quotes and brackets. */
function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  return /[ymdhMsb]/.test(format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

function excelSerialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/** Rich text and hyperlink values (from shared strings) to plain strings; '' and errors to null. */
function plainValue(raw: unknown): CellValue {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') return raw === '' ? null : raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw === 'boolean') return raw;
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : raw;
  if (typeof raw === 'object') {
    const o = raw as Record<string, unknown>;
    if (Array.isArray(o.richText)) {
      const text = (o.richText as { text?: unknown }[]).map((run) => (typeof run?.text === 'string' ? run.text : '')).join('');
      return text === '' ? null : text;
    }
    if ('text' in o) return plainValue(o.text);
  }
  return null;
}

const MAX_EXCEL_COLUMNS = 16_384;
const ENTITY = /&(?:#x([0-9a-f]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/gi;
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * A copy of `text` that does not keep alive the large string it was cut from: V8 substrings of 13+ characters
 * share their parent, so 125,000 cells would otherwise pin every chunk of sheet XML (or the whole CSV text).
 */
function detached(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

/** Text content as an XML parser gives it: entities resolved, line ends normalised to LF. */
function decodeXmlText(raw: string): string {
  const text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (named) return NAMED_ENTITIES[named.toLowerCase()]!;
    const code = hex ? parseInt(hex, 16) : Number(dec);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * (Exported for tests.) Reads the SpreadsheetML worksheet XML chunk by chunk: rows of <c> cells (values in <v>, inline
 * strings in <is>, formulas in <f>) and the <mergeCell> ranges that follow the rows. Element
 * prefixes are ignored; comments, CDATA and processing instructions are handled.
 */
export class SheetXmlScanner {
  readonly rows: SheetRow[] = [];
  readonly merges: MergeRange[] = [];
  private readonly decoder = new TextDecoder('utf-8');
  private rest = '';
  private sorted = true;

  private row: CellValue[] | null = null;
  private rowNumber = 0;
  private rowFormulas: number[] | undefined;

  private inCell = false;
  private column = 0;
  private type = '';
  private style = 0;
  private formula = false;
  private valueText: string | null = null;
  private inline: string | null = null;
  private phonetic = false;
  private capture = false;
  private text = '';

  constructor(
    private readonly context: CellContext,
    private readonly limiter: RowLimiter,
  ) {}

  write(chunk: Buffer | string): void {
    this.scan(this.rest + (typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true })));
  }

  end(): void {
    this.scan(this.rest + this.decoder.decode());
    if (!this.sorted) this.rows.sort((a, b) => a.r - b.r);
  }

  private scan(xml: string): void {
    const n = xml.length;
    let pos = 0;
    this.rest = '';
    while (pos < n) {
      const lt = xml.indexOf('<', pos);
      if (lt < 0) {
        if (this.capture) {
          // Text running into the next chunk: keep a cut entity ("&am") or CRLF for it.
          const tail = xml.slice(pos);
          const amp = tail.lastIndexOf('&');
          let cut = amp >= 0 && tail.indexOf(';', amp) < 0 ? amp : tail.length;
          if (cut > 0 && tail.charCodeAt(cut - 1) === 13) cut--;
          this.text += decodeXmlText(tail.slice(0, cut));
          this.rest = tail.slice(cut);
        }
        return;
      }
      if (this.capture && lt > pos) this.text += decodeXmlText(xml.slice(pos, lt));
      let gt = xml.indexOf('>', lt);
      if (gt < 0) {
        this.rest = xml.slice(lt);
        return;
      }
      const next = xml.charCodeAt(lt + 1);
      if (next === 33 /* ! */ || next === 63 /* ? */) {
        const [open, close] = xml.startsWith('<!--', lt) ? ['<!--', '-->'] : xml.startsWith('<![CDATA[', lt) ? ['<![CDATA[', ']]>'] : ['', '>'];
        const stop = xml.indexOf(close, lt + Math.max(open.length, 1));
        if (stop < 0) {
          this.rest = xml.slice(lt);
          return;
        }
        if (open === '<![CDATA[' && this.capture) this.text += xml.slice(lt + open.length, stop);
        pos = stop + close.length;
        continue;
      }
      // A '>' inside a quoted attribute value does not end the tag.
      while (countQuotes(xml, lt, gt) % 2 === 1) {
        gt = xml.indexOf('>', gt + 1);
        if (gt < 0) {
          this.rest = xml.slice(lt);
          return;
        }
      }
      this.tag(xml, lt, gt);
      pos = gt + 1;
    }
  }

  private tag(xml: string, lt: number, gt: number): void {
    const closing = xml.charCodeAt(lt + 1) === 47; /* / */
    const selfClosing = xml.charCodeAt(gt - 1) === 47;
    let start = lt + (closing ? 2 : 1);
    let end = start;
    for (; end < gt; end++) {
      const c = xml.charCodeAt(end);
      if (c === 58 /* : */) start = end + 1;
      else if (c <= 32 || c === 47) break;
    }
    const name = xml.slice(start, end);
    if (closing) {
      this.close(name);
      return;
    }
    switch (name) {
      case 'row':
        this.openRow(xml.slice(end, gt));
        if (selfClosing) this.closeRow();
        break;
      case 'c':
        this.openCell(xml.slice(end, gt));
        if (selfClosing) this.closeCell();
        break;
      case 'v':
        if (this.inCell && !selfClosing) this.startText();
        break;
      case 'f':
        if (this.inCell) this.formula = true;
        break;
      case 'is':
        if (this.inCell) this.inline = '';
        break;
      case 'rPh':
        if (!selfClosing) this.phonetic = true;
        break;
      case 't':
        if (this.inline !== null && !this.phonetic && !selfClosing) this.startText();
        break;
      case 'mergeCell': {
        const ref = attributes(xml.slice(end, gt)).ref;
        const range = ref ? parseRange(ref) : undefined;
        if (range) this.merges.push(range);
        break;
      }
    }
  }

  private close(name: string): void {
    switch (name) {
      case 'v':
        if (this.capture) this.valueText = this.endText();
        break;
      case 't':
        if (this.capture && this.inline !== null) this.inline += this.endText();
        break;
      case 'rPh':
        this.phonetic = false;
        break;
      case 'c':
        this.closeCell();
        break;
      case 'row':
        this.closeRow();
        break;
    }
  }

  private startText(): void {
    this.capture = true;
    this.text = '';
  }

  private endText(): string {
    this.capture = false;
    return detached(this.text);
  }

  private openRow(attrText: string): void {
    const r = Number(attributes(attrText).r);
    this.rowNumber = Number.isInteger(r) && r > 0 ? r : this.rowNumber + 1;
    this.row = [];
    this.rowFormulas = undefined;
    this.column = 0;
  }

  private closeRow(): void {
    const cells = this.row;
    if (!cells) return;
    this.row = null;
    if (!this.limiter.accept(cells)) return;
    const last = this.rows[this.rows.length - 1];
    if (last && last.r >= this.rowNumber) this.sorted = false;
    this.rows.push(this.rowFormulas ? { r: this.rowNumber, cells, formulas: this.rowFormulas } : { r: this.rowNumber, cells });
  }

  private openCell(attrText: string): void {
    const attrs = attributes(attrText);
    const column = attrs.r ? columnOfRef(attrs.r) : 0;
    this.column = column > 0 ? column : this.column + 1;
    this.type = attrs.t ?? 'n';
    this.style = attrs.s ? Number(attrs.s) : 0;
    this.formula = false;
    this.valueText = null;
    this.inline = null;
    this.phonetic = false;
    this.capture = false;
    this.inCell = true;
  }

  private closeCell(): void {
    if (!this.inCell) return;
    this.inCell = false;
    this.capture = false;
    const cells = this.row;
    if (!cells) return;
    if (this.column > MAX_EXCEL_COLUMNS) throw new AppError('file.unreadable');
    const value = this.cellValue();
    if (value === null && !this.formula) return;
    for (let i = cells.length; i < this.column - 1; i++) cells[i] = null;
    cells[this.column - 1] = value;
    if (this.formula) (this.rowFormulas ??= []).push(this.column);
  }

  private cellValue(): CellValue {
    const text = this.valueText;
    switch (this.type) {
      case 's':
        return text === null ? null : this.context.sharedString(Number(text));
      case 'inlineStr':
        return this.inline || (text === null || text === '' ? null : text);
      case 'str':
        return text === null || text === '' ? null : text;
      case 'b':
        return text === null || text.trim() === '' ? null : Number(text) !== 0 && text.trim().toLowerCase() !== 'false';
      case 'e':
        return null;
      case 'd': {
        const date = text ? new Date(text) : null;
        return date && !Number.isNaN(date.getTime()) ? date : null;
      }
      default: {
        if (text === null || text.trim() === '') return null;
        const number = Number(text);
        if (!Number.isFinite(number)) return null;
        return this.context.isDateStyle(this.style) ? excelSerialToDate(number, this.context.date1904) : number;
      }
    }
  }
}

function countQuotes(xml: string, from: number, to: number): number {
  let count = 0;
  for (let i = xml.indexOf('"', from); i >= 0 && i < to; i = xml.indexOf('"', i + 1)) count++;
  return count;
}

/** Attributes of a start tag (the text after its name), prefixes dropped. Hot path: no regex. */
function attributes(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const n = text.length;
  let i = 0;
  while (i < n) {
    const eq = text.indexOf('=', i);
    if (eq < 0) break;
    let q = eq + 1;
    while (q < n && text.charCodeAt(q) <= 32) q++;
    const quote = text[q];
    if (quote !== '"' && quote !== "'") break;
    const close = text.indexOf(quote, q + 1);
    if (close < 0) break;
    let nameEnd = eq;
    while (nameEnd > i && text.charCodeAt(nameEnd - 1) <= 32) nameEnd--;
    let nameStart = nameEnd;
    while (nameStart > i && text.charCodeAt(nameStart - 1) > 32 && text[nameStart - 1] !== ':') nameStart--;
    result[text.slice(nameStart, nameEnd)] = text.slice(q + 1, close);
    i = close + 1;
  }
  return result;
}

/** "AB12" → 28; 0 when the reference does not start with column letters. */
function columnOfRef(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i) & ~32; // upper case
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n;
}

function parseRange(ref: string): MergeRange | undefined {
  const m = /^\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)$/i.exec(ref.trim());
  if (!m) return undefined;
  const a = { col: columnOfRef(m[1]!), row: Number(m[2]) };
  const b = { col: columnOfRef(m[3]!), row: Number(m[4]) };
  return { top: Math.min(a.row, b.row), bottom: Math.max(a.row, b.row), left: Math.min(a.col, b.col), right: Math.max(a.col, b.col) };
}

// ---------------------------------------------------------------------------------------------
// CSV

const SEPARATORS = [',', ';', '\t'] as const;

function readCsv(text: string, matcher: HeaderMatcher, limits: ReadLimits): ReadResult {
  // Excel writes a "sep=;" first line when asked to; it names the separator.
  const hint = /^sep=(.)\r?\n/i.exec(text.slice(0, 8));
  const candidates = hint ? [hint[1]!] : SEPARATORS;

  let best: { separator: string; header: HeaderMatch } | undefined;
  for (const separator of candidates) {
    const head: SheetRow[] = [];
    // The header region plus one row, for a header split over two rows.
    for (const row of csvRows(text, separator, new RowLimiter(limits))) {
      if (row.r > limits.headerSearchRows + 1) break;
      head.push(row);
    }
    const header = findHeader({ name: null, rows: head, merges: [] }, matcher, limits.headerSearchRows);
    if (header && (!best || header.score > best.header.score)) best = { separator, header };
  }
  if (!best) throw new AppError('file.no_header', { rows: limits.headerSearchRows });

  const rows = [...csvRows(text, best.separator, new RowLimiter(limits))];
  return buildTable({ name: null, rows, merges: [] }, matcher, limits);
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * RFC 4180 records with their first physical line (LF, CRLF or a lone CR ends a line). Lenient like
 * Excel: text after a closing quote is kept, an unclosed quote runs to the end of the file.
 * Blank records are dropped; limits are checked on the others.
 */
function* csvRows(text: string, separator: string, limiter: RowLimiter): Generator<SheetRow> {
  const sep = separator.charCodeAt(0);
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const first = line;
    const cells: CellValue[] = [];
    for (;;) {
      let field: string;
      if (text.charCodeAt(i) === QUOTE) {
        field = '';
        let start = i + 1;
        for (;;) {
          const q = text.indexOf('"', start);
          if (q < 0) {
            field += text.slice(start);
            line += countLineBreaks(text, start, n);
            i = n;
            break;
          }
          line += countLineBreaks(text, start, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            field += text.slice(start, q + 1);
            start = q + 2;
          } else {
            field += text.slice(start, q);
            i = q + 1;
            break;
          }
        }
        const rest = i;
        while (i < n && !isFieldEnd(text.charCodeAt(i), sep)) i++;
        field += text.slice(rest, i);
      } else {
        const start = i;
        while (i < n && !isFieldEnd(text.charCodeAt(i), sep)) i++;
        field = text.slice(start, i);
      }
      cells.push(field === '' ? null : detached(field));
      if (i >= n) break;
      const c = text.charCodeAt(i++);
      if (c === sep) continue;
      if (c === CR && text.charCodeAt(i) === LF) i++;
      line++;
      break;
    }
    if (limiter.accept(cells)) yield { r: first, cells };
  }
}

const isFieldEnd = (c: number, sep: number) => c === sep || c === LF || c === CR;

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) count++;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// Header detection

/** Folded form compared with synonyms: no accents, no case, no spaces, no punctuation. */
const headerKey = (text: string) => foldText(text).replace(/[^\p{L}\p{N}]/gu, '');
/** A parenthesised format hint or marker after a header: "(dd/mm/yyyy)", "(1)", "(*)". */
const FORMAT_HINT = /\(\s*[dmy0-9\s/.\-*]*\)/g;
const NUMBERING_HEADERS = new Set(['stt', 'tt', 'sott', 'sothutu']);

class HeaderMatcher {
  private readonly byKey = new Map<string, string>();
  readonly required: string[];

  constructor(schema: TableSchema) {
    for (const field of schema.fields) {
      for (const synonym of [field.key, ...field.synonyms]) {
        const key = headerKey(synonym);
        if (key && !this.byKey.has(key)) this.byKey.set(key, field.key);
      }
    }
    this.required = schema.required;
  }

  /** The field a header text names, if any. */
  field(text: string): string | undefined {
    const exact = this.byKey.get(headerKey(text));
    if (exact) return exact;
    const folded = foldText(text);
    const withoutHint = folded.replace(FORMAT_HINT, ' ');
    return withoutHint === folded ? undefined : this.byKey.get(headerKey(withoutHint));
  }

  isNumbering(text: string): boolean {
    return NUMBERING_HEADERS.has(headerKey(text));
  }
}

interface HeaderMatch {
  row: number;
  /** The last row of the header (row + 1 for a header split over two rows). */
  lastRow: number;
  columns: Map<string, number>;
  unmapped: string[];
  score: number;
}

function cellText(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).replace(/\s+/g, ' ').trim();
}

/**
 * Scans the first `searchRows` rows for the row (or pair of rows, for a header split over two
 * merged rows) mapping all required fields, and returns the one mapping the most fields.
 */
function findHeader(sheet: Sheet, matcher: HeaderMatcher, searchRows: number): HeaderMatch | undefined {
  const grid = new Map<number, CellValue[]>();
  for (const row of sheet.rows) {
    if (row.r > searchRows + 1) break;
    grid.set(row.r, row.cells.slice());
  }
  // Within the header region a merged cell's text counts for every column and row it covers.
  for (const m of sheet.merges) {
    if (m.top > searchRows + 1) continue;
    const value = grid.get(m.top)?.[m.left - 1];
    if (!hasValue(value)) continue;
    for (let r = m.top; r <= Math.min(m.bottom, searchRows + 1); r++) {
      const cells = grid.get(r) ?? [];
      grid.set(r, cells);
      for (let c = m.left; c <= m.right; c++) if (!hasValue(cells[c - 1])) cells[c - 1] = value!;
    }
  }

  let best: HeaderMatch | undefined;
  const consider = (candidate: HeaderMatch) => {
    if (!matcher.required.every((key) => candidate.columns.has(key))) return;
    if (!best || candidate.score > best.score) best = candidate;
  };
  const splitRows = new Set(sheet.merges.filter((m) => m.top <= searchRows).map((m) => m.top));
  const numbers = [...grid.keys()].filter((r) => r <= searchRows).sort((a, b) => a - b);
  for (const r of numbers) {
    const top = grid.get(r)!;
    consider(mapHeader(r, r, top.map((v) => [cellText(v)]), matcher));
    // Only a row with merged cells starts a two-row header: data below a one-row header must not
    // be taken for its second row.
    const bottom = splitRows.has(r) ? grid.get(r + 1) : undefined;
    if (!bottom) continue;
    const width = Math.max(top.length, bottom.length);
    const labels: string[][] = [];
    for (let c = 0; c < width; c++) {
      const upper = cellText(top[c]);
      const lower = cellText(bottom[c]);
      labels.push(upper === lower || !lower ? [upper] : !upper ? [lower] : [`${upper} ${lower}`, lower, upper]);
    }
    consider(mapHeader(r, r + 1, labels, matcher));
  }
  return best;
}

/** Maps header columns to fields; labels[c] lists the texts to try for column c + 1, best first. */
function mapHeader(row: number, lastRow: number, labels: string[][], matcher: HeaderMatcher): HeaderMatch {
  const columns = new Map<string, number>();
  const unmapped: string[] = [];
  labels.forEach((texts, index) => {
    if (!texts[0]) return;
    for (const text of texts) {
      const key = matcher.field(text);
      if (key && !columns.has(key)) {
        columns.set(key, index + 1);
        return;
      }
    }
    // The same text as the column before is a merged header cell, not another column to report.
    if (!matcher.isNumbering(texts[0]) && labels[index - 1]?.[0] !== texts[0]) unmapped.push(texts[0]);
  });
  // On equal mapping a one-row header wins over a two-row one.
  return { row, lastRow, columns, unmapped, score: columns.size * 2 + (row === lastRow ? 1 : 0) };
}

// ---------------------------------------------------------------------------------------------
// Records

// Matched against folded cell texts of rows lacking a required field.
const FOOTER_TOTAL = /^(tong cong|tong so)\b|^cong\s*(:|\d)/;
const FOOTER_SIGNATURE = /^(nguoi lap|xac nhan cua|ky ten|\(?ky,? ghi ro)|^t\s*\/?\s*m\b|(^|,)\s*ngay[\s.…_]*\d*[\s.…_]*thang[\s.…_]*\d*[\s.…_]*nam[\s.…_]*\d*$/;
const COLUMN_NUMBER = /^\(?\s*(\d{1,3}|[a-z])\s*\)?$/i;

function buildTable(sheet: Sheet, matcher: HeaderMatcher, limits: ReadLimits): ReadResult {
  const header = findHeader(sheet, matcher, limits.headerSearchRows);
  if (!header) throw new AppError('file.no_header', { rows: limits.headerSearchRows });
  const columns = [...header.columns];

  const data = sheet.rows.filter((row) => row.r > header.lastRow);
  fillVerticalMerges(data, sheet.merges, header.lastRow);

  const records: RawRecord[] = [];
  let inFooter = false;
  let first = true;
  for (const row of data) {
    if (first) {
      first = false;
      if (isColumnNumbering(row.cells)) continue;
    }
    const values: Record<string, CellValue> = {};
    const formulas: string[] = [];
    for (const [key, column] of columns) {
      values[key] = row.cells[column - 1] ?? null;
      if (row.formulas?.includes(column)) formulas.push(key);
    }
    const present = matcher.required.filter((key) => hasValue(values[key])).length;
    if (present === 0) continue;
    if (present < matcher.required.length) {
      // Totals and signature blocks below the table; after a signature line everything is footer.
      if (inFooter) continue;
      const texts = row.cells.filter((v) => typeof v === 'string').map((v) => foldText(v as string));
      if (texts.some((t) => FOOTER_SIGNATURE.test(t))) {
        inFooter = true;
        continue;
      }
      if (texts.some((t) => FOOTER_TOTAL.test(t))) continue;
    }
    records.push({ row: row.r, values, formulas });
  }

  return {
    sheetName: sheet.name,
    headerRow: header.row,
    columns: Object.fromEntries(columns),
    unmappedHeaders: header.unmapped,
    records,
  };
}

/**
 * A cell merged over several data rows (a "Chi bộ" column) gives its value to every covered row,
 * in its own column only: a merge spanning columns in the data region is a label, not a value
 * for the neighbouring fields.
 */
function fillVerticalMerges(rows: SheetRow[], merges: MergeRange[], headerLastRow: number): void {
  const vertical = merges.filter((m) => m.bottom > m.top && m.top > headerLastRow);
  if (vertical.length === 0) return;
  const byNumber = new Map(rows.map((row) => [row.r, row]));
  for (const m of vertical) {
    const source = byNumber.get(m.top);
    const value = source?.cells[m.left - 1];
    if (!source || !hasValue(value)) continue;
    const formula = source.formulas?.includes(m.left) ?? false;
    for (let r = m.top + 1; r <= m.bottom; r++) {
      const row = byNumber.get(r);
      if (!row || hasValue(row.cells[m.left - 1])) continue;
      for (let i = row.cells.length; i < m.left - 1; i++) row.cells[i] = null;
      row.cells[m.left - 1] = value!;
      if (formula) (row.formulas ??= []).push(m.left);
    }
  }
}

/** The "(1) (2) (3) …" or "1 2 3 …" row some forms put under the header. */
function isColumnNumbering(cells: CellValue[]): boolean {
  const tokens = cells.filter(hasValue).map((v) => cellText(v));
  if (tokens.length < 3 || !tokens.every((t) => COLUMN_NUMBER.test(t))) return false;
  const numbers = tokens.map((t) => Number(t.replace(/[()\s]/g, ''))).filter((n) => !Number.isNaN(n));
  return numbers.every((n, i) => i === 0 || n > numbers[i - 1]!);
}
