/**
 * Grey levels of a signature's pixels for its blank check (images.ts), shared by the server and the signature check's
 * thread (signature-thread.ts). Pure: no I/O.
 */
import { DamagedPng, forEachPngRow } from './png-pixels.ts';

/** A pad's PNG's histogram; 'not_mine' for a layout left to sharp; 'damaged' for a file that does not decode. */
export type PngGreyLevels = Uint32Array | 'not_mine' | 'damaged';

export function pngGreyLevels(content: Buffer, maxPixels: number): PngGreyLevels {
  const histogram = new Uint32Array(256);
  try {
    return forEachPngRow(content, maxPixels, (row, channels) => countGreyLevels(histogram, row, channels)) ? histogram : 'not_mine';
  } catch (error) {
    if (error instanceof DamagedPng) return 'damaged';
    throw error;
  }
}

/** Adds the pixels' grey levels to the histogram (called a row at a time for a PNG: no closure made per call). */
export function countGreyLevels(histogram: Uint32Array, data: Uint8Array, channels: number) {
  // A row of one colour (most of a pad is paper): the row equals itself shifted by a pixel, one native comparison.
  if (data.length > channels && Buffer.compare(data.subarray(channels), data.subarray(0, data.length - channels)) === 0) {
    histogram[greyLevel(data, 0, channels)]! += data.length / channels;
    return;
  }
  if (channels === 4 && data.byteOffset % 4 === 0) {
    // RGBA, a pixel per 32-bit word, counted by runs of one colour (the paper): the grey level is computed once a run
    // and the inner loop is one comparison a pixel (a third of the time of counting pixel by pixel).
    const pixels = new Int32Array(data.buffer, data.byteOffset, data.length / 4);
    for (let i = 0; i < pixels.length; ) {
      const start = i;
      const pixel = pixels[i++];
      while (i < pixels.length && pixels[i] === pixel) i++;
      histogram[greyLevel(data, start * 4, channels)]! += i - start;
    }
  } else {
    for (let p = 0; p < data.length; p += channels) histogram[greyLevel(data, p, channels)]!++;
  }
}

/** The grey level of the pixel at byte `p`: Rec. 601 luma composited on white, enough to tell ink from paper. */
function greyLevel(data: Uint8Array, p: number, channels: number): number {
  const luma = channels >= 3 ? (data[p]! * 77 + data[p + 1]! * 150 + data[p + 2]! * 29) >> 8 : data[p]!;
  const alpha = channels === 2 || channels === 4 ? data[p + channels - 1]! : 255;
  return 255 - ((((255 - luma) * alpha + 127) / 255) | 0);
}

