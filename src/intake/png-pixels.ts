/**
 * The pixels of the PNG a signature pad sends (8-bit grey, RGB or RGBA, not interlaced), row by row, without libvips:
 * zlib's inflate plus the scanline filters undone in JS cost about a quarter of sharp's decode of a pad (decision 0015,
 * addendum 2). Other layouts (palette, 16-bit, interlaced, a colour key for transparency) and images larger than a pad
 * are left to sharp.
 */
import { inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Up to this many pixels (a pad is 0.1–0.5 Mpx): about 8 MB inflated and a few ms of the event loop at most. */
const MAX_PIXELS_HERE = 2_000_000;
/** Channels per colour type this decoder takes: grey, RGB, grey + alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export class DamagedPng extends Error {}

/**
 * Calls `row` with each decoded row (the same buffer, overwritten: read it before returning) and its channel count, and
 * answers true; answers false at once when the layout is not one this decoder takes. Throws DamagedPng for a file that is cut short,
 * has a chunk running past its end, an unknown filter, or image data that does not inflate to exactly its rows.
 */
export function forEachPngRow(content: Buffer, maxPixels: number, row: (pixels: Uint8Array, channels: number) => void): boolean {
  if (content.length < 33 || !content.subarray(0, 8).equals(SIGNATURE) || content.readUInt32BE(8) !== 13 || content.toString('latin1', 12, 16) !== 'IHDR') {
    throw new DamagedPng('no IHDR');
  }
  const width = content.readUInt32BE(16);
  const height = content.readUInt32BE(20);
  const [bitDepth, colourType, compression, filterMethod, interlace] = content.subarray(24, 29);
  const channels = CHANNELS[colourType!];
  if (bitDepth !== 8 || !channels || compression !== 0 || filterMethod !== 0 || interlace !== 0) return false;
  if (width === 0 || height === 0 || width * height > maxPixels) throw new DamagedPng('dimensions');
  // A pad's size; a larger image is inflated and filtered in libvips's threads, not on the event loop.
  if (width * height > MAX_PIXELS_HERE) return false;

  const data: Buffer[] = [];
  let ended = false;
  for (let at = 8; at < content.length && !ended; ) {
    if (at + 12 > content.length) throw new DamagedPng('chunk header cut');
    const length = content.readUInt32BE(at);
    const type = content.toString('latin1', at + 4, at + 8);
    if (at + 12 + length > content.length) throw new DamagedPng(`${type} cut`);
    if (type === 'IDAT') data.push(content.subarray(at + 8, at + 8 + length));
    // Transparency by colour key: its pixels would need the key applied (sharp does).
    if (type === 'tRNS') return false;
    ended = type === 'IEND';
    at += 12 + length;
  }
  if (!ended || data.length === 0) throw new DamagedPng('no IEND or IDAT');

  const stride = width * channels;
  const expected = height * (stride + 1);
  let raw: Buffer;
  try {
    // The output is capped at what the header announces: a stream that inflates further is refused, not expanded.
    // One chunk of that size: zlib's default 16 KB chunks would be copied together afterwards.
    raw = inflateSync(data.length === 1 ? data[0]! : Buffer.concat(data), { maxOutputLength: expected, chunkSize: Math.max(expected, 64) });
  } catch {
    throw new DamagedPng('image data');
  }
  if (raw.length !== expected) throw new DamagedPng('image data length');

  let previous = new Uint8Array(stride);
  let current = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const start = y * (stride + 1) + 1;
    const filter = raw[start - 1];
    const line = raw.subarray(start, start + stride);
    switch (filter) {
      case 0:
        current.set(line);
        break;
      case 1: // Sub
        for (let i = 0; i < channels; i++) current[i] = line[i]!;
        for (let i = channels; i < stride; i++) current[i] = line[i]! + current[i - channels]!;
        break;
      case 2: // Up
        for (let i = 0; i < stride; i++) current[i] = line[i]! + previous[i]!;
        break;
      case 3: // Average
        for (let i = 0; i < channels; i++) current[i] = line[i]! + (previous[i]! >> 1);
        for (let i = channels; i < stride; i++) current[i] = line[i]! + ((current[i - channels]! + previous[i]!) >> 1);
        break;
      case 4: // Paeth
        for (let i = 0; i < channels; i++) current[i] = line[i]! + previous[i]!;
        for (let i = channels; i < stride; i++) {
          const a = current[i - channels]!;
          const b = previous[i]!;
          const c = previous[i - channels]!;
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          current[i] = line[i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        }
        break;
      default:
        throw new DamagedPng(`filter ${filter}`);
    }
    row(current, channels);
    const done = current;
    current = previous;
    previous = done;
  }
  return true;
}
