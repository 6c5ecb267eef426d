/**
 * Checks of a photo or signature image before it is kept (issue 5), and the card portrait made from a photo.
 * Every refusal is a code with params, translated by the i18n catalogues (`image.*`).
 */
import { imageSize } from 'image-size';
import sharp from 'sharp';
import { spawnTypeScriptThread, ThreadClient } from '../platform/thread-client.ts';
import { countGreyLevels, type PngGreyLevels } from './grey-levels.ts';

/** A scan is the paper slip the member signed, photographed or scanned (no blank check: the paper has print). */
export type ImageKind = 'photo' | 'signature' | 'scan';
export type ImageFormat = 'jpeg' | 'png' | 'webp';

export type ImageCheck =
  | { ok: true; width: number; height: number; format: ImageFormat }
  | { ok: false; code: string; params?: Record<string, string | number> };

const MB = 1024 * 1024;

/** Limits per kind. Width/height are after EXIF orientation. A 3×4 card photo needs at least 300×400. */
export const IMAGE_LIMITS: Record<ImageKind, { maxBytes: number; minWidth: number; minHeight: number; maxPixels: number }> = {
  photo: { maxBytes: 5 * MB, minWidth: 300, minHeight: 400, maxPixels: 64_000_000 },
  signature: { maxBytes: 1 * MB, minWidth: 150, minHeight: 50, maxPixels: 16_000_000 },
  scan: { maxBytes: 5 * MB, minWidth: 300, minHeight: 300, maxPixels: 64_000_000 },
};

/** A signature with fewer ink pixels than this (or than this share of its pixels) is taken as empty. */
export const MIN_INK_PIXELS = 200;
export const MIN_INK_RATIO = 0.001;
/** A pixel is ink when its grey level differs from the background's (the most common level) by more than this. */
const INK_CONTRAST = 64;

const ACCEPTED: readonly ImageFormat[] = ['jpeg', 'png', 'webp'];
/** image-size's name for each format. */
const HEADER_TYPE: Record<ImageFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp' };

/** The format a file's first bytes announce (accepted or not), or undefined when it is no image we know. */
function sniff(content: Buffer): string | undefined {
  const starts = (bytes: number[], at = 0) => bytes.every((b, i) => content[at + i] === b);
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (content.subarray(0, 4).toString('latin1') === 'RIFF' && content.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  if (content.subarray(0, 4).toString('latin1') === 'GIF8') return 'gif';
  if (starts([0x42, 0x4d])) return 'bmp';
  if (starts([0x49, 0x49, 0x2a, 0x00]) || starts([0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (content.subarray(4, 8).toString('latin1') === 'ftyp') return 'heif';
  return undefined;
}

const MIME: Record<string, string> = {
  jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', bmp: 'image/bmp', tiff: 'image/tiff', heif: 'image/heif',
};
const MIME_ALIASES: Record<string, string> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'image/x-png': 'image/png', 'image/heic': 'image/heif' };

/** The declared type, normalised; undefined when nothing useful was declared (absent, or a generic octet-stream). */
function declaredType(declared: string | undefined): string | undefined {
  const mime = declared?.split(';')[0]?.trim().toLowerCase();
  if (!mime || mime === 'application/octet-stream') return undefined;
  return MIME_ALIASES[mime] ?? mime;
}

/** Size in MB rounded up to a tenth, so a file just over the limit never reads as equal to it. */
const megabytes = (bytes: number) => Math.ceil((bytes / MB) * 10) / 10;

function refuse(code: string, params?: Record<string, string | number>): ImageCheck {
  return params ? { ok: false, code, params } : { ok: false, code };
}

/**
 * Checks an uploaded image at receipt: size (before anything else), magic bytes, declared MIME type, pixel dimensions
 * from the header (too small for the card, or a decompression bomb), that the file is complete, and for a signature
 * that it is not blank. A photo is not decoded here: its full decode and face check are the asynchronous re-check's
 * (decision 0015). Never throws for bad input.
 */
export async function checkImage(content: Buffer, declaredMime: string | undefined, kind: ImageKind): Promise<ImageCheck> {
  const limits = IMAGE_LIMITS[kind];
  if (content.length > limits.maxBytes) {
    return refuse('image.too_large', { sizeMb: megabytes(content.length), limitMb: megabytes(limits.maxBytes) });
  }
  const actual = sniff(content);
  if (!actual) return refuse('image.not_an_image');
  const declared = declaredType(declaredMime);
  if (declared && declared !== MIME[actual]) {
    return refuse('image.mime_mismatch', { declared: declaredMime!.trim(), actual: MIME[actual]! });
  }
  const format = ACCEPTED.find((f) => f === actual);
  if (!format) return refuse('image.unsupported_format', { format: MIME[actual]! });

  // Header only: dimensions without decoding, so a bomb is refused before it is expanded.
  let width: number;
  let height: number;
  try {
    ({ width, height } = await orientedSize(content, format));
  } catch {
    return refuse('image.not_an_image');
  }
  if (width * height > limits.maxPixels) {
    return refuse('image.too_many_pixels', { width, height, maxMegapixels: Math.floor(limits.maxPixels / 1_000_000) });
  }
  if (width < limits.minWidth || height < limits.minHeight) {
    return refuse('image.too_small', { width, height, minWidth: limits.minWidth, minHeight: limits.minHeight });
  }

  if (kind === 'signature') {
    // Small (a pad's PNG): decoded in full for the blank check, which also proves it is complete.
    const histogram = await greyHistogram(content, format, limits.maxPixels);
    if (!histogram) return refuse('image.not_an_image');
    if (isBlank(histogram)) return refuse('image.empty_signature');
  } else if (!endsWhereFormatSays(content, format) && !(await decodesCompletely(content, limits.maxPixels))) {
    // A file cut short (the usual damage of an upload) lacks its end marker. One with something after the marker
    // (some cameras append data) is decoded to decide.
    return refuse('image.not_an_image');
  }
  return { ok: true, width, height, format };
}

/**
 * Width and height as the picture stands (EXIF orientations 5 to 8 turn it a quarter). A JPEG, and a PNG without EXIF
 * (a pad's), are read in JS by image-size: sharp's metadata() costs 0.2 ms of CPU in libuv's pool, a tenth of a
 * submission's image checks. image-size reads EXIF orientation only in JPEG, so a PNG with an eXIf chunk (found by
 * its name anywhere in the file: a false match only costs the slower way) and a WebP go to sharp. Throws for a header
 * that is not the format's.
 */
async function orientedSize(content: Buffer, format: ImageFormat): Promise<{ width: number; height: number }> {
  if (format === 'webp' || (format === 'png' && content.includes('eXIf', 0, 'latin1'))) {
    const meta = await sharp(content, { limitInputPixels: false }).metadata();
    if (meta.format !== format) throw new Error('not the announced format');
    return meta.autoOrient;
  }
  const header = imageSize(content);
  if (header.type !== HEADER_TYPE[format]) throw new Error('not the announced format');
  return (header.orientation ?? 1) >= 5 ? { width: header.height, height: header.width } : { width: header.width, height: header.height };
}

/** Whether every pixel decodes (a truncated file does not). */
async function decodesCompletely(content: Buffer, maxPixels = IMAGE_LIMITS.photo.maxPixels): Promise<boolean> {
  try {
    await sharp(content, { failOn: 'truncated', limitInputPixels: maxPixels }).stats();
    return true;
  } catch {
    return false;
  }
}

const PNG_IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/** The file ends with its format's end marker: JPEG EOI, PNG IEND chunk, or a WebP whose RIFF size is its length. */
function endsWhereFormatSays(content: Buffer, format: ImageFormat): boolean {
  switch (format) {
    case 'jpeg':
      return content.length > 4 && content[content.length - 2] === 0xff && content[content.length - 1] === 0xd9;
    case 'png':
      return content.length > PNG_IEND.length && content.subarray(content.length - PNG_IEND.length).equals(PNG_IEND);
    case 'webp':
      return content.length >= 12 && content.readUInt32LE(4) + 8 === content.length;
  }
}

/**
 * How many pixels have each 8-bit grey level, composited on white (a transparent pad is white paper); undefined when
 * the file does not decode. A pad's PNG is decoded in JS in a thread of its own (grey-levels.ts, signature-thread.ts):
 * a quarter of sharp's CPU, and off the event loop and its heap (a pad inflates to half a megabyte). Anything else by
 * sharp, which only decodes (its own flatten and greyscale cost three times the decode, its stats() twenty). A failure
 * of the thread itself is thrown (the request fails; the file is not called damaged).
 */
async function greyHistogram(content: Buffer, format: ImageFormat, maxPixels: number): Promise<Uint32Array | undefined> {
  if (format === 'png') {
    const answer = await signatureThread.request({ content, maxPixels });
    if (answer === 'damaged') return undefined;
    if (answer !== 'not_mine') return answer;
  }
  try {
    const { data, info } = await sharp(content, { failOn: 'truncated', limitInputPixels: maxPixels })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const histogram = new Uint32Array(256);
    countGreyLevels(histogram, data, info.channels);
    return histogram;
  } catch {
    return undefined;
  }
}

const signatureThread = new ThreadClient<{ content: Buffer; maxPixels: number }, PngGreyLevels>(
  () => spawnTypeScriptThread(new URL('./signature-thread.ts', import.meta.url)),
  'signature check',
  30_000,
  true,
);

/** Blank: (almost) every pixel is near the background's grey level (the most common one), light or dark. */
function isBlank(histogram: Uint32Array): boolean {
  let background = 0;
  let pixels = 0;
  for (let level = 0; level < 256; level++) {
    pixels += histogram[level]!;
    if (histogram[level]! > histogram[background]!) background = level;
  }
  let ink = 0;
  for (let level = 0; level < 256; level++) if (Math.abs(level - background) > INK_CONTRAST) ink += histogram[level]!;
  return ink < MIN_INK_PIXELS || ink < pixels * MIN_INK_RATIO;
}

export const CARD_PORTRAIT = { width: 480, height: 640, quality: 85 } as const;

/**
 * The card portrait: EXIF orientation applied, cropped to 3×4 around the centre and scaled to 480×640, transparency on
 * white, sRGB JPEG quality 85 without metadata (no EXIF, GPS or camera data). Expects a photo `checkImage` accepted.
 */
export async function cardPortrait(content: Buffer): Promise<Buffer> {
  return sharp(content, { failOn: 'truncated', limitInputPixels: IMAGE_LIMITS.photo.maxPixels })
    .autoOrient()
    .resize(CARD_PORTRAIT.width, CARD_PORTRAIT.height, { fit: 'cover', position: 'centre' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .jpeg({ quality: CARD_PORTRAIT.quality })
    .toBuffer();
}
