import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DamagedPng, forEachPngRow } from './png-pixels.ts';

/** Every decoded row, copied (the decoder reuses its row buffer). */
function decode(png: Buffer): { channels: number; pixels: Buffer } | false {
  const rows: Buffer[] = [];
  let channels = 0;
  const taken = forEachPngRow(png, 1e8, (row, c) => {
    channels = c;
    rows.push(Buffer.from(row));
  });
  return taken && { channels, pixels: Buffer.concat(rows) };
}

/** A PNG written by hand, with the given filter byte on every row (to reach filters libpng would not choose). */
function pngOf(width: number, height: number, colourType: number, rows: Buffer[], chunks: (idat: Buffer) => Buffer[] = (idat) => [idat]) {
  const chunk = (type: string, data: Buffer) => {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(data.length);
    header.write(type, 4, 'latin1');
    return Buffer.concat([header, data, Buffer.alloc(4)]); // the CRC is not checked (zlib's Adler-32 guards the data)
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, colourType, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...chunks(deflateSync(Buffer.concat(rows))).map((part) => chunk('IDAT', part)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('forEachPngRow', () => {
  it('decodes the same pixels as libvips, for grey, grey + alpha, RGB and RGBA with the filters libpng chooses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom(1, 2, 3, 4),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.boolean(),
        async (width, height, channels, seed, smooth) => {
          // Smooth gradients make libpng pick Sub, Up, Average and Paeth; noise makes it pick None.
          const raw = Buffer.alloc(width * height * channels);
          for (let i = 0; i < raw.length; i++) raw[i] = smooth ? (i * 7 + (i % channels) * 40 + seed) & 0xff : (Math.imul(i + seed, 2654435761) >>> 24);
          const png = await sharp(raw, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } }).png({ adaptiveFiltering: true, palette: false }).toBuffer();
          const expected = await sharp(png).raw().toBuffer({ resolveWithObject: true });
          const decoded = decode(png);
          expect(decoded).not.toBe(false);
          if (decoded) {
            expect(decoded.channels).toBe(expected.info.channels);
            expect(decoded.pixels.equals(expected.data)).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('undoes each of the five filters, whatever the row before it', () => {
    // Small values as often as any: they make the Paeth predictor's ties, where the order of its choices matters.
    const byte = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.array(byte, { minLength: 12, maxLength: 12 })), { minLength: 1, maxLength: 6 }), (lines) => {
        // Three RGBA pixels a row; the expected pixels are computed here by the PNG specification's definitions.
        const bpp = 4;
        const expected: number[][] = [];
        for (const [filter, bytes] of lines) {
          const above = expected.at(-1) ?? new Array<number>(12).fill(0);
          const out: number[] = [];
          for (let i = 0; i < 12; i++) {
            const a = i >= bpp ? out[i - bpp]! : 0;
            const b = above[i]!;
            const c = i >= bpp ? above[i - bpp]! : 0;
            const p = a + b - c;
            const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
            const predictor = [0, a, b, (a + b) >> 1, paeth][filter]!;
            out.push((bytes[i]! + predictor) & 0xff);
          }
          expected.push(out);
        }
        const png = pngOf(3, lines.length, 6, lines.map(([filter, bytes]) => Buffer.from([filter, ...bytes])));
        const decoded = decode(png);
        expect(decoded && [...decoded.pixels]).toEqual(expected.flat());
      }),
      { numRuns: 300 },
    );
  });

  it('leaves palette, 16-bit, interlaced, colour-keyed and larger-than-a-pad images to sharp', async () => {
    const pixels = Buffer.alloc(20 * 10 * 3, 90);
    // A colour key (tRNS) after IHDR: its pixels are transparent, which only sharp applies.
    const keyed = pngOf(2, 1, 0, [Buffer.from([0, 0, 255])]);
    const tRNS = Buffer.from([0, 0, 0, 2, 0x74, 0x52, 0x4e, 0x53, 0, 0, 0, 0, 0, 0]);
    expect(decode(Buffer.concat([keyed.subarray(0, 33), tRNS, keyed.subarray(33)]))).toBe(false);
    expect(decode(keyed)).not.toBe(false);
    const large = await sharp({ create: { width: 2000, height: 1001, channels: 4, background: '#ffffff' } }).png().toBuffer();
    expect(decode(large)).toBe(false);
    expect(decode(await sharp(pixels, { raw: { width: 20, height: 10, channels: 3 } }).png({ palette: true }).toBuffer())).toBe(false);
    expect(decode(await sharp(pixels, { raw: { width: 20, height: 10, channels: 3 } }).png({ progressive: true }).toBuffer())).toBe(false);
    expect(decode(await sharp(pixels, { raw: { width: 20, height: 10, channels: 3 } }).toColourspace('rgb16').png().toBuffer())).toBe(false);
  });

  it('refuses a file cut anywhere, image data split over chunks that do not add up, an unknown filter and a bomb', async () => {
    const rows = Array.from({ length: 8 }, (_, y) => Buffer.from([y % 5, ...Array.from({ length: 16 * 4 }, (_, i) => (i * y) & 0xff)]));
    const png = pngOf(16, 8, 6, rows, (idat) => [idat.subarray(0, 20), idat.subarray(20)]);
    expect(decode(png)).not.toBe(false);
    for (let cut = 0; cut < png.length; cut++) expect(() => decode(png.subarray(0, cut)), `cut at ${cut}`).toThrow(DamagedPng);
    expect(() => decode(pngOf(16, 8, 6, rows, (idat) => [idat.subarray(0, 20)]))).toThrow(DamagedPng);
    expect(() => decode(pngOf(16, 8, 6, [...rows.slice(0, 7), Buffer.from([5, ...rows[7]!.subarray(1)])]))).toThrow(DamagedPng);
    // Rows for a taller image than the header says: the inflate is capped at the header's size.
    expect(() => decode(pngOf(16, 4, 6, rows))).toThrow(DamagedPng);
  });
});
