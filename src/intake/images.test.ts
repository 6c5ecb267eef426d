import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { en } from '../platform/i18n/en.ts';
import { translate } from '../platform/i18n/index.ts';
import { vi } from '../platform/i18n/vi.ts';
import { cardPortrait, checkImage, IMAGE_LIMITS } from './images.ts';

const solid = (width: number, height: number, background = '#e8e0d0') =>
  sharp({ create: { width, height, channels: 3, background } });

/** A portrait-ish photo: random noise, so the JPEG is large enough for a truncation to cut pixel data. */
async function photo(width = 600, height = 800): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

/** A signature drawn as SVG and rendered by sharp; `strokes: false` gives the blank pad. */
function signatureSvg(strokes = true, background = 'white'): Buffer {
  const path = strokes
    ? '<path d="M20 110 C 60 10, 90 150, 130 60 S 200 20, 230 100 S 320 140, 380 40" stroke="#1a1a6e" stroke-width="4" fill="none"/>'
    : '';
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="150">` +
    `${background === 'none' ? '' : `<rect width="400" height="150" fill="${background}"/>`}${path}</svg>`);
}

describe('checkImage', () => {
  it('accepts a photo and reports its size and format', async () => {
    expect(await checkImage(await photo(), 'image/jpeg', 'photo')).toEqual({ ok: true, width: 600, height: 800, format: 'jpeg' });
    const png = await solid(300, 400).png().toBuffer();
    expect(await checkImage(png, undefined, 'photo')).toEqual({ ok: true, width: 300, height: 400, format: 'png' });
    const webp = await solid(450, 600).webp().toBuffer();
    expect(await checkImage(webp, 'image/webp', 'photo')).toMatchObject({ ok: true, format: 'webp' });
  });

  it('reports dimensions after EXIF orientation, in JPEG, PNG and WebP', async () => {
    const rotated = await solid(800, 600).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(await checkImage(rotated, 'image/jpeg', 'photo')).toMatchObject({ ok: true, width: 600, height: 800 });
    // Stored 450×320: too low for the card as it lies, 320×450 as it stands when its EXIF turns it.
    for (const [format, mime] of [['png', 'image/png'], ['webp', 'image/webp']] as const) {
      const turned = await solid(450, 320)[format]().withMetadata({ orientation: 6 }).toBuffer();
      expect(await checkImage(turned, mime, 'photo'), format).toMatchObject({ ok: true, width: 320, height: 450 });
      const flat = await solid(450, 320)[format]().toBuffer();
      expect(await checkImage(flat, mime, 'photo'), format).toMatchObject({ ok: false, code: 'image.too_small' });
    }
  });

  it('refuses what is not an image: a text file, empty content, a truncated JPEG', async () => {
    expect(await checkImage(Buffer.from('Họ và tên: Nguyễn Văn A\n'), 'text/plain', 'photo')).toEqual({ ok: false, code: 'image.not_an_image' });
    expect(await checkImage(Buffer.alloc(0), 'image/jpeg', 'photo')).toEqual({ ok: false, code: 'image.not_an_image' });
    const jpeg = await photo();
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length * 0.6));
    expect(await checkImage(truncated, 'image/jpeg', 'photo')).toEqual({ ok: false, code: 'image.not_an_image' });
    // The right magic bytes followed by rubbish.
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(1000, 7)]);
    expect(await checkImage(fake, 'image/jpeg', 'photo')).toEqual({ ok: false, code: 'image.not_an_image' });
  });

  it('tells a complete photo from its end marker, decoding only what does not end as its format says', async () => {
    const jpeg = await photo();
    const png = await sharp(jpeg).png().toBuffer();
    const webp = await sharp(jpeg).webp().toBuffer();
    for (const [content, mime] of [[png, 'image/png'], [webp, 'image/webp']] as const) {
      expect(await checkImage(content, mime, 'photo')).toMatchObject({ ok: true });
      expect(await checkImage(content.subarray(0, Math.floor(content.length * 0.6)), mime, 'photo')).toEqual({ ok: false, code: 'image.not_an_image' });
    }
    // Some cameras write data after the JPEG's end: such a file is decoded, and accepted when it decodes.
    const trailer = Buffer.concat([jpeg, Buffer.from('camera trailer')]);
    expect(await checkImage(trailer, 'image/jpeg', 'photo')).toMatchObject({ ok: true });
    // The receipt does not decode a photo (decision 0015): one cut short and given back an end marker passes here, and
    // is left to the server's photo check after receipt and to the supervisor.
    const reterminated = Buffer.concat([jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), Buffer.from([0xff, 0xd9])]);
    expect(await checkImage(reterminated, 'image/jpeg', 'photo')).toMatchObject({ ok: true });
  });

  it('refuses an oversize file by its length, before decoding', async () => {
    const huge = Buffer.alloc(30 * 1024 * 1024, 0xff); // not even an image: the length alone decides
    expect(await checkImage(huge, 'image/jpeg', 'photo')).toEqual({ ok: false, code: 'image.too_large', params: { sizeMb: 30, limitMb: 5 } });
    const justOver = Buffer.alloc(IMAGE_LIMITS.signature.maxBytes + 1);
    expect(await checkImage(justOver, 'image/png', 'signature')).toEqual({ ok: false, code: 'image.too_large', params: { sizeMb: 1.1, limitMb: 1 } });
  });

  it('refuses a declared MIME type that does not match the content', async () => {
    const gif = await solid(600, 800).gif().toBuffer();
    expect(await checkImage(gif, 'image/jpeg', 'photo')).toEqual({
      ok: false, code: 'image.mime_mismatch', params: { declared: 'image/jpeg', actual: 'image/gif' },
    });
    const png = await solid(600, 800).png().toBuffer();
    expect(await checkImage(png, 'image/jpeg', 'photo')).toMatchObject({ code: 'image.mime_mismatch', params: { actual: 'image/png' } });
    // Aliases, case and parameters are tolerated; a generic octet-stream declares nothing.
    expect(await checkImage(await photo(), 'IMAGE/JPG; charset=binary', 'photo')).toMatchObject({ ok: true });
    expect(await checkImage(png, 'application/octet-stream', 'photo')).toMatchObject({ ok: true });
  });

  it('refuses an image format it does not take, even when declared honestly', async () => {
    const gif = await solid(600, 800).gif().toBuffer();
    expect(await checkImage(gif, 'image/gif', 'photo')).toEqual({ ok: false, code: 'image.unsupported_format', params: { format: 'image/gif' } });
  });

  it('refuses a photo too small for the card', async () => {
    const small = await solid(240, 320).jpeg().toBuffer();
    expect(await checkImage(small, 'image/jpeg', 'photo')).toEqual({
      ok: false, code: 'image.too_small', params: { width: 240, height: 320, minWidth: 300, minHeight: 400 },
    });
    const landscape = await solid(400, 300).jpeg().toBuffer();
    expect(await checkImage(landscape, 'image/jpeg', 'photo')).toMatchObject({ code: 'image.too_small' });
  });

  it('refuses a decompression bomb from its header, without decoding it', async () => {
    // 10000×10000 of one colour compresses to a few hundred kB of PNG but would expand to 300 MB.
    const bomb = await solid(10_000, 10_000, '#ffffff').png({ compressionLevel: 9 }).toBuffer();
    expect(bomb.length).toBeLessThan(IMAGE_LIMITS.photo.maxBytes);
    expect(await checkImage(bomb, 'image/png', 'photo')).toEqual({
      ok: false, code: 'image.too_many_pixels', params: { width: 10_000, height: 10_000, maxMegapixels: 64 },
    });
  });

  it('accepts a drawn signature, on white or transparent', async () => {
    const onWhite = await sharp(signatureSvg()).png().toBuffer();
    expect(await checkImage(onWhite, 'image/png', 'signature')).toEqual({ ok: true, width: 400, height: 150, format: 'png' });
    const transparent = await sharp(signatureSvg(true, 'none')).png().toBuffer();
    expect(await checkImage(transparent, 'image/png', 'signature')).toMatchObject({ ok: true });
    const onDarkPad = await sharp(Buffer.from(signatureSvg(true, '#202020').toString().replace('#1a1a6e', '#f0f0f0'))).png().toBuffer();
    expect(await checkImage(onDarkPad, 'image/png', 'signature')).toMatchObject({ ok: true });
  });

  it('refuses a signature whose strokes a colour key makes transparent', async () => {
    // Grey, white paper with a black band across it, and tRNS saying black is transparent: on white it is blank.
    const width = 400;
    const height = 150;
    const rows = Array.from({ length: height }, (_, y) => Buffer.from([0, ...Array.from({ length: width }, () => (y >= 60 && y < 90 ? 0 : 255))]));
    const chunk = (type: string, data: Buffer) => {
      const header = Buffer.alloc(8);
      header.writeUInt32BE(data.length);
      header.write(type, 4, 'latin1');
      return Buffer.concat([header, data, Buffer.alloc(4)]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width);
    ihdr.writeUInt32BE(height, 4);
    ihdr.set([8, 0, 0, 0, 0], 8);
    const png = (keyed: boolean) =>
      Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        chunk('IHDR', ihdr),
        ...(keyed ? [chunk('tRNS', Buffer.from([0, 0]))] : []),
        chunk('IDAT', deflateSync(Buffer.concat(rows))),
        chunk('IEND', Buffer.alloc(0)),
      ]);
    expect(await checkImage(png(false), 'image/png', 'signature')).toMatchObject({ ok: true });
    expect(await checkImage(png(true), 'image/png', 'signature')).toEqual({ ok: false, code: 'image.empty_signature' });
  });

  it('refuses an empty signature: blank, transparent, noisy blank or a stray dot', async () => {
    const blank = await sharp(signatureSvg(false)).png().toBuffer();
    expect(await checkImage(blank, 'image/png', 'signature')).toEqual({ ok: false, code: 'image.empty_signature' });
    const transparent = await sharp(signatureSvg(false, 'none')).png().toBuffer();
    expect(await checkImage(transparent, 'image/png', 'signature')).toEqual({ ok: false, code: 'image.empty_signature' });
    const solidJpeg = await solid(400, 150, '#f4f1ea').jpeg({ quality: 60 }).toBuffer();
    expect(await checkImage(solidJpeg, 'image/jpeg', 'signature')).toEqual({ ok: false, code: 'image.empty_signature' });
    const noisy = Buffer.alloc(400 * 150);
    for (let i = 0; i < noisy.length; i++) noisy[i] = 230 + ((i * 7919) % 20); // paper grain, no ink
    const grain = await sharp(noisy, { raw: { width: 400, height: 150, channels: 1 } }).png().toBuffer();
    expect(await checkImage(grain, 'image/png', 'signature')).toEqual({ ok: false, code: 'image.empty_signature' });
    const dot = await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="150">' +
      '<rect width="400" height="150" fill="white"/><circle cx="200" cy="75" r="3" fill="black"/></svg>')).png().toBuffer();
    expect(await checkImage(dot, 'image/png', 'signature')).toEqual({ ok: false, code: 'image.empty_signature' });
  });

  it('answers signatures checked at once each with its own verdict (they go to the thread in one message)', async () => {
    const drawn = await sharp(signatureSvg()).png().toBuffer();
    const blank = await sharp(signatureSvg(false)).png().toBuffer();
    const damaged = drawn.subarray(0, drawn.length - 20);
    const asked = Array.from({ length: 24 }, (_, i) => [drawn, blank, damaged][i % 3]!);
    const verdicts = await Promise.all(asked.map((content) => checkImage(content, 'image/png', 'signature')));
    expect(verdicts.map((v) => (v.ok ? 'ok' : v.code))).toEqual(asked.map((_, i) => ['ok', 'image.empty_signature', 'image.not_an_image'][i % 3]));
  });

  it('has a Vietnamese and an English message for every code, with every parameter filled', () => {
    const samples: Array<[string, Record<string, string | number>]> = [
      ['image.not_an_image', {}],
      ['image.too_large', { sizeMb: 30, limitMb: 5 }],
      ['image.mime_mismatch', { declared: 'image/jpeg', actual: 'image/gif' }],
      ['image.unsupported_format', { format: 'image/gif' }],
      ['image.too_small', { width: 240, height: 320, minWidth: 300, minHeight: 400 }],
      ['image.too_many_pixels', { width: 10_000, height: 10_000, maxMegapixels: 64 }],
      ['image.empty_signature', {}],
    ];
    for (const [code, params] of samples) {
      expect(vi[code], code).toBeDefined();
      expect(en[code], code).toBeDefined();
      for (const locale of ['vi', 'en'] as const) expect(translate(code, params, locale)).not.toMatch(/\{\w+\}/);
    }
    expect(translate('image.too_large', { sizeMb: 30, limitMb: 5 })).toBe('Ảnh 30 MB vượt quá giới hạn 5 MB.');
  });
});

describe('cardPortrait', () => {
  it('crops and scales to a 480×640 JPEG without metadata', async () => {
    const source = await solid(1200, 900).jpeg().withMetadata({ exif: { IFD0: { Copyright: 'camera', Make: 'Phone' } } }).toBuffer();
    expect((await sharp(source).metadata()).exif).toBeDefined();
    const portrait = await cardPortrait(source);
    const meta = await sharp(portrait).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 480, height: 640 });
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
  });

  it('applies the EXIF orientation before cropping', async () => {
    // Stored 800×600 landscape: top half red, bottom half blue; orientation 6 (rotate 90° clockwise) makes it
    // a 600×800 portrait whose left half is blue and right half red.
    const halves = await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600">' +
      '<rect width="800" height="300" fill="#ff0000"/><rect y="300" width="800" height="300" fill="#0000ff"/></svg>')).png().toBuffer();
    const source = await sharp(halves).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const portrait = await cardPortrait(source);
    const { data, info } = await sharp(portrait).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([480, 640]);
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    expect(pixel(40, 320)[2]).toBeGreaterThan(200); // left: blue
    expect(pixel(440, 320)[0]).toBeGreaterThan(200); // right: red
  });

  it('puts transparency on white', async () => {
    const source = await sharp({ create: { width: 300, height: 400, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const { data } = await sharp(await cardPortrait(source)).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(245);
  });
});
