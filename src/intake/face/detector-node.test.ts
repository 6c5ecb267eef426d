import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { facePortrait, faceFrame, GROUP_PHOTO } from '../../../test/face-fixtures.ts';
import { checkPhoto, loadFaceDetector } from './detector-node.ts';

const codes = (v: { issues: { code: string }[] }) => v.issues.map((i) => i.code);
let portrait: Buffer;

beforeAll(async () => {
  const started = performance.now();
  await loadFaceDetector();
  console.log(`face model loaded in ${Math.round(performance.now() - started)} ms`);
  portrait = await facePortrait();
}, 60_000);

describe('checkPhoto (face-api in Node)', () => {
  it('passes a portrait with one frontal face, and crops about the whole of it', async () => {
    const started = performance.now();
    const verdict = await checkPhoto(portrait);
    console.log(`one 480×640 photo checked in ${Math.round(performance.now() - started)} ms`);
    expect(verdict.issues).toEqual([]);
    expect(verdict.crop.height).toBeGreaterThan(600);
  });

  it('passes the same face in a webcam frame and crops the portrait out of it; an off-centre frame is flagged', async () => {
    const frame = await faceFrame();
    const jpeg = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).jpeg().toBuffer();
    const verdict = await checkPhoto(jpeg);
    expect(verdict.issues).toEqual([]);
    expect(Math.abs(verdict.crop.x + verdict.crop.width / 2 - 320)).toBeLessThan(20);
    // The face 80 px lower, chin near the bottom edge: no room left above the crown for a 3×4 portrait.
    const lowered = await sharp(jpeg).extend({ top: 80, background: '#808080' }).toBuffer();
    const shifted = await sharp(lowered).extract({ left: 0, top: 0, width: 640, height: 480 }).jpeg().toBuffer();
    expect(codes(await checkPhoto(shifted))).toContain('photo.off_centre');
  });

  it('flags the group photo (five people) as several faces', async () => {
    expect(codes(await checkPhoto(await sharp(GROUP_PHOTO).toBuffer()))).toContain('photo.many_faces');
  });

  it('finds no face in noise or in a flat image', async () => {
    const noise = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer();
    const flat = await sharp({ create: { width: 480, height: 640, channels: 3, background: '#d0c8c0' } }).png().toBuffer();
    expect(codes(await checkPhoto(noise))).toEqual(['photo.no_face']);
    expect(codes(await checkPhoto(flat))).toEqual(['photo.no_face']);
  });

  it('flags a dark copy and a blurred copy of the good portrait', async () => {
    expect(codes(await checkPhoto(await sharp(portrait).linear(0.35, 0).jpeg().toBuffer()))).toEqual(['photo.too_dark']);
    expect(codes(await checkPhoto(await sharp(portrait).blur(3.5).jpeg().toBuffer()))).toEqual(['photo.blurry']);
  });

  it('answers photo.unreadable for a file that does not decode, without throwing', async () => {
    expect(codes(await checkPhoto(portrait.subarray(0, 2000)))).toEqual(['photo.unreadable']);
    expect(codes(await checkPhoto(Buffer.from('không phải ảnh')))).toEqual(['photo.unreadable']);
  });
});
