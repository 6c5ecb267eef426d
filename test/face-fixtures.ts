/**
 * Face photos for tests, made from the sample photos shipped in @vladmandic/face-api (all group photos): a card
 * portrait cut around the woman on the left of sample3, who faces the camera (chosen because the tiny detector finds
 * her with a score of 0.76–0.99 at every size tried, where other frontal faces dropped below 0.5 at some sizes), and a
 * webcam-like frame made from it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';

const require = createRequire(import.meta.url);
export const FACE_SAMPLES_DIR = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');

/** sample6: five people side by side, for photo.many_faces. */
export const GROUP_PHOTO = path.join(FACE_SAMPLES_DIR, 'sample6.jpg');

/** A 480×640 JPEG portrait: one frontal face, head ~65% of the height, centred (measured on sample3, 1920 px wide). */
export async function facePortrait(): Promise<Buffer> {
  return sharp(path.join(FACE_SAMPLES_DIR, 'sample3.jpg')).extract({ left: 476, top: 192, width: 407, height: 543 }).resize(480, 640).jpeg({ quality: 90 }).toBuffer();
}

/** A 640×480 webcam frame (raw RGB): the portrait, scaled to the frame's height, centred on a plain grey wall. */
export async function faceFrame(): Promise<{ data: Buffer; width: number; height: number }> {
  const portrait = await sharp(await facePortrait()).resize(360, 480).toBuffer();
  const data = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .composite([{ input: portrait, left: 140, top: 0 }])
    .removeAlpha()
    .raw()
    .toBuffer();
  return { data, width: 640, height: 480 };
}
