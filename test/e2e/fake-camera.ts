/**
 * A fake webcam for Chromium: a Y4M file (YUV4MPEG2, 4:2:0) that `--use-file-for-fake-video-capture=<file>` (with
 * `--use-fake-device-for-media-stream --use-fake-ui-for-media-stream`) plays in a loop instead of a camera.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { faceFrame } from '../face-fixtures.ts';

/** Chromium flags for a fake camera showing `file`; without a file, its own test pattern (no face). */
export function fakeCameraArgs(file?: string): string[] {
  return ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', ...(file ? [`--use-file-for-fake-video-capture=${file}`] : [])];
}

/** Raw RGB → one Y4M 4:2:0 frame, BT.601 studio range (what Chromium assumes for I420). */
function yuv420(rgb: Buffer, width: number, height: number): Buffer {
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc((width / 2) * (height / 2));
  const v = Buffer.alloc((width / 2) * (height / 2));
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const p = (row * width + col) * 3;
      y[row * width + col] = Math.round(16 + 0.257 * rgb[p]! + 0.504 * rgb[p + 1]! + 0.098 * rgb[p + 2]!);
    }
  }
  // Chroma of each 2×2 block from its average colour.
  for (let row = 0; row < height / 2; row++) {
    for (let col = 0; col < width / 2; col++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
        const p = ((row * 2 + dy) * width + col * 2 + dx) * 3;
        r += rgb[p]! / 4;
        g += rgb[p + 1]! / 4;
        b += rgb[p + 2]! / 4;
      }
      u[row * (width / 2) + col] = Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b);
      v[row * (width / 2) + col] = Math.round(128 + 0.439 * r - 0.368 * g - 0.071 * b);
    }
  }
  return Buffer.concat([Buffer.from('FRAME\n'), y, u, v]);
}

/**
 * Writes `face-camera.y4m` in `dir`: 640×480, a few identical frames of one frontal face, centred and sized so that
 * quality.ts passes it (test/face-fixtures.ts faceFrame). Returns the file's path.
 */
export async function faceCameraFile(dir: string): Promise<string> {
  return cameraFile(path.join(dir, 'face-camera.y4m'), await faceFrame());
}

/** Writes `file`: a few identical frames of a raw RGB picture (even width and height). Returns its path. */
async function cameraFile(file: string, { data, width, height }: { data: Buffer; width: number; height: number }): Promise<string> {
  const frame = yuv420(data, width, height);
  await writeFile(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420\n`), ...Array.from({ length: 5 }, () => frame)]));
  return file;
}

/** Writes `qr-camera.y4m` in `dir`: a chip ID card's QR code holding `text`, held up to a 640×480 camera. */
export async function qrCameraFile(dir: string, text: string): Promise<string> {
  const code = await QRCode.toBuffer(text, { errorCorrectionLevel: 'M', margin: 4, width: 360 });
  const data = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 235, g: 235, b: 230 } } })
    .composite([{ input: code, left: 140, top: 60 }])
    .removeAlpha()
    .raw()
    .toBuffer();
  return cameraFile(path.join(dir, 'qr-camera.y4m'), { data, width: 640, height: 480 });
}
