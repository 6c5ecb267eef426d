/**
 * PDF plumbing for the printed outputs: pdfkit with Noto Sans (regular and bold, from `@expo-google-fonts/noto-sans`)
 * embedded as a subset, so every Vietnamese letter prints and can be copied or searched in the PDF.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { finished } from 'node:stream/promises';
import type PDFKitDocument from 'pdfkit';
import QRCode from 'qrcode';

export const FONT_REGULAR = 'NotoSans';
export const FONT_BOLD = 'NotoSans-Bold';

const require = createRequire(import.meta.url);
/**
 * pdfkit (with fontkit and its brotli decoder) is loaded when the first document is made, not with the server: about
 * 5 MB of module text and objects that every full collection of a busy server would otherwise mark again.
 */
let pdfDocument: typeof PDFKitDocument | undefined;
const FONT_FILES = {
  [FONT_REGULAR]: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  [FONT_BOLD]: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
} as const;
let fontData: Map<string, Buffer> | undefined;

/**
 * Noto Sans's `ccmp` feature splits ẹ ị ọ ụ into a base letter and a dot below; pdfkit then maps the base glyph back
 * to whichever text it met first, so after "Thị" every "i" read as "ị" when the PDF was searched or copied (the print
 * looked right). The fonts have a precomposed glyph for every Vietnamese letter (checked for all 134, both weights),
 * so with NFC text nothing needs composing: each font's shaping runs without `ccmp`. This is set as the font's
 * default rather than passed as `features` on each text call, which would bypass pdfkit's per-word layout cache
 * (a 1,200-member schedule took 1.3 s instead of 0.3 s).
 */
const SHAPING = { ccmp: false };

interface FontkitFont {
  layout(text: string, features?: unknown, ...rest: unknown[]): unknown;
}

export function newDocument(options: PDFKit.PDFDocumentOptions): PDFKit.PDFDocument {
  // Read once per process; fontkit parses them per document.
  fontData ??= new Map(Object.entries(FONT_FILES).map(([name, file]) => [name, readFileSync(require.resolve(file))]));
  pdfDocument ??= require('pdfkit') as typeof PDFKitDocument;
  const doc = new pdfDocument(options);
  for (const [name, data] of fontData) {
    doc.registerFont(name, data);
    doc.font(name); // pdfkit opens the font once per document and keeps it under this name
    // pdfkit's typings do not show the open font (`_font`, a pdfkit EmbeddedFont) nor its fontkit font (`font`).
    const font = (doc as unknown as { _font: { font: FontkitFont } })._font.font;
    const layout = font.layout.bind(font);
    // fontkit adds its defaults to the features object it is given: a fresh one each time.
    font.layout = (text, features, ...rest) => layout(text, features ?? { ...SHAPING }, ...rest);
  }
  return doc.font(FONT_REGULAR);
}

/**
 * Sends the document to `out`: `draw` fills it, then it is ended. Resolves once `out` has finished (a file is closed);
 * rejects if drawing fails, or if `out` or the document fails, instead of waiting forever.
 */
export async function writeDocument(doc: PDFKit.PDFDocument, out: NodeJS.WritableStream, draw: () => void): Promise<void> {
  const ended = finished(out, { readable: false });
  const failed = new Promise<never>((_resolve, reject) => doc.once('error', reject));
  failed.catch(() => undefined); // observed by the race below
  ended.catch(() => undefined);
  doc.pipe(out);
  try {
    draw();
  } catch (error) {
    doc.unpipe(out);
    throw error;
  }
  doc.end();
  await Promise.race([ended, failed]);
}

/** The QR code of `text` as filled squares (vector: sharp when printed at any size). */
export function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number, errorCorrectionLevel: 'L' | 'M' = 'M'): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel });
  const cell = size / modules.size;
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) if (modules.get(row, col)) doc.rect(x + col * cell, y + row * cell, cell, cell);
  }
  doc.fillColor('black').fill();
}
