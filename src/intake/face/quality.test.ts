import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faceStats, judgePhoto, portraitCrop, QUALITY, toGrey, type FaceDetection, type FaceStats, type Point } from './quality.ts';

const GOOD: FaceStats = { meanLuminance: 128, sharpness: 15 };

/**
 * A face as the detector would report it: head (crown to chin) `head` pixels high, its centre line at `cx`, the crown
 * at `top`; eyes half-way down the head, `roll` degrees of tilt, nose tip `nose` eye-distances off the middle.
 */
function face({ cx, top, head, roll = 0, nose = 0 }: { cx: number; top: number; head: number; roll?: number; nose?: number }): FaceDetection {
  const eyes = { x: cx, y: top + head / 2 };
  const half = head * 0.17;
  const r = (roll * Math.PI) / 180;
  const along = (d: number): Point => ({ x: eyes.x + d * Math.cos(r), y: eyes.y + d * Math.sin(r) });
  const landmarks: Point[] = Array.from({ length: 68 }, () => ({ ...eyes }));
  for (let i = 36; i < 42; i++) landmarks[i] = along(-half);
  for (let i = 42; i < 48; i++) landmarks[i] = along(half);
  // Nose tip below the eyes (perpendicular to the eye line), moved along it by `nose`; chin straight below the eyes.
  const down = head * 0.2;
  landmarks[30] = { x: eyes.x + nose * 2 * half * Math.cos(r) - down * Math.sin(r), y: eyes.y + nose * 2 * half * Math.sin(r) + down * Math.cos(r) };
  landmarks[8] = { x: eyes.x - (head / 2) * Math.sin(r), y: eyes.y + (head / 2) * Math.cos(r) };
  const box = { x: cx - head * 0.3, y: top + head * 0.3, width: head * 0.6, height: head * 0.6 };
  return { box, score: 0.9, landmarks };
}

/** A face placed where the portrait wants it in a 3×4 image of height `h`. */
const ideal = (h: number, share: number = QUALITY.headShare) => face({ cx: (h * 3) / 8, top: QUALITY.topMargin * h, head: share * h });

const codes = (v: ReturnType<typeof judgePhoto>) => v.issues.map((i) => i.code);

describe('judgePhoto', () => {
  it('passes a frontal, well-lit, sharp face placed as on a card portrait, and crops (nearly) the whole image', () => {
    const verdict = judgePhoto({ width: 480, height: 640, faces: [ideal(640)], stats: GOOD });
    expect(verdict).toMatchObject({ ok: true, issues: [] });
    expect(verdict.crop.height).toBeCloseTo(640, 0);
  });

  it('flags no face, several faces, tilt, a turned head, light and blur', () => {
    expect(codes(judgePhoto({ width: 640, height: 480, faces: [] }))).toEqual(['photo.no_face']);
    const second = face({ cx: 600, top: 100, head: 250 });
    expect(codes(judgePhoto({ width: 800, height: 640, faces: [face({ cx: 300, top: 77, head: 416 }), second], stats: GOOD }))).toContain('photo.many_faces');
    expect(codes(judgePhoto({ width: 480, height: 640, faces: [face({ cx: 240, top: 77, head: 416, roll: 14 })], stats: GOOD }))).toContain('photo.not_frontal');
    expect(codes(judgePhoto({ width: 480, height: 640, faces: [face({ cx: 240, top: 77, head: 416, nose: 0.25 })], stats: GOOD }))).toEqual(['photo.not_frontal']);
    expect(codes(judgePhoto({ width: 480, height: 640, faces: [ideal(640)], stats: { meanLuminance: 40, sharpness: 200 } }))).toEqual(['photo.too_dark']);
    expect(codes(judgePhoto({ width: 480, height: 640, faces: [ideal(640)], stats: { meanLuminance: 240, sharpness: 200 } }))).toEqual(['photo.too_bright']);
    expect(codes(judgePhoto({ width: 480, height: 640, faces: [ideal(640)], stats: { meanLuminance: 128, sharpness: 2 } }))).toEqual(['photo.blurry']);
  });

  it('ignores a small face far behind, outside the portrait, but not one inside it', () => {
    const main = face({ cx: 320, top: 40, head: 260 });
    const far = face({ cx: 600, top: 20, head: 60 });
    expect(codes(judgePhoto({ width: 640, height: 480, faces: [main, far], stats: GOOD }))).toEqual([]);
    const behind = face({ cx: 400, top: 20, head: 60 });
    expect(codes(judgePhoto({ width: 640, height: 480, faces: [main, behind], stats: GOOD }))).toEqual(['photo.many_faces']);
  });

  it('flags a face too small for the card (upscaled too much) and one too close to leave room above and beside it', () => {
    expect(codes(judgePhoto({ width: 195, height: 260, faces: [ideal(260)], stats: GOOD }))).toEqual(['photo.face_too_small']);
    expect(codes(judgePhoto({ width: 480, height: 640, faces: [face({ cx: 240, top: 20, head: 600 })], stats: GOOD }))).toContain('photo.face_too_large');
  });

  const frame = { width: 640, height: 480 };
  const head = QUALITY.headShare * 400;
  const arbitraryFace = fc.record({
    cx: fc.double({ min: -200, max: 840, noNaN: true }),
    top: fc.double({ min: -200, max: 600, noNaN: true }),
    head: fc.double({ min: 20, max: 900, noNaN: true }),
    roll: fc.double({ min: -40, max: 40, noNaN: true }),
    nose: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
  });

  it('always crops a 3×4 rectangle inside the image, whatever the faces', () => {
    fc.assert(
      fc.property(fc.array(arbitraryFace, { maxLength: 3 }), fc.integer({ min: 50, max: 4000 }), fc.integer({ min: 50, max: 4000 }), (faces, width, height) => {
        const { crop } = judgePhoto({ width, height, faces: faces.map(face), stats: GOOD });
        expect(crop.width / crop.height).toBeCloseTo(3 / 4, 6);
        expect(crop.x).toBeGreaterThanOrEqual(-1e-9);
        expect(crop.y).toBeGreaterThanOrEqual(-1e-9);
        expect(crop.x + crop.width).toBeLessThanOrEqual(width + 1e-6);
        expect(crop.y + crop.height).toBeLessThanOrEqual(height + 1e-6);
      }),
    );
  });

  it('accepts a good face anywhere its portrait fits in the frame, and flags it off centre once moved toward an edge beyond the tolerance', () => {
    const cropH = head / QUALITY.headShare;
    const cropW = cropH * QUALITY.aspect;
    const margin = QUALITY.topMargin * cropH;
    fc.assert(
      fc.property(fc.double({ min: -150, max: 790, noNaN: true }), fc.double({ min: -150, max: 300, noNaN: true }), (cx, top) => {
        const verdict = judgePhoto({ ...frame, faces: [face({ cx, top, head })], stats: GOOD });
        const fits = cx - cropW / 2 >= 0 && cx + cropW / 2 <= frame.width && top - margin >= 0 && top - margin + cropH <= frame.height;
        // How far the face sits from its place once the crop is pushed back inside the frame, as a share of the crop.
        const dx = Math.max(0, cropW / 2 - cx, cx + cropW / 2 - frame.width) / cropW;
        const dy = Math.max(0, margin - top, top - margin + cropH - frame.height) / cropH;
        if (fits) expect(verdict.ok).toBe(true);
        if (dx > QUALITY.centreTolerance + 1e-9 || dy > QUALITY.centreTolerance + 1e-9) expect(codes(verdict)).toContain('photo.off_centre');
        if (dx <= QUALITY.centreTolerance - 1e-9 && dy <= QUALITY.centreTolerance - 1e-9) expect(codes(verdict)).not.toContain('photo.off_centre');
      }),
    );
  });

  it('is monotonic in face size: a smaller face is never large enough where a larger one is too small, and vice versa', () => {
    fc.assert(
      fc.property(arbitraryFace, fc.double({ min: 0.2, max: 1, noNaN: true }), (f, k) => {
        const large = codes(judgePhoto({ ...frame, faces: [face(f)], stats: GOOD }));
        const small = codes(judgePhoto({ ...frame, faces: [face({ ...f, head: f.head * k })], stats: GOOD }));
        if (large.includes('photo.face_too_small')) expect(small).toContain('photo.face_too_small');
        if (small.includes('photo.face_too_large')) expect(large).toContain('photo.face_too_large');
      }),
    );
  });

  it('says ok again on its own crop (the server re-checks the portrait the browser cut)', () => {
    fc.assert(
      fc.property(fc.double({ min: 200, max: 440, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (h, u, v) => {
        const f = face({ cx: 150 + u * 340, top: v * 150, head: h * 0.65 });
        const first = judgePhoto({ ...frame, faces: [f], stats: GOOD });
        fc.pre(first.ok);
        // The portrait at 480×640: every landmark moved into the crop's coordinates and scaled.
        const k = 640 / first.crop.height;
        const move = (p: Point) => ({ x: (p.x - first.crop.x) * k, y: (p.y - first.crop.y) * k });
        const cropped: FaceDetection = { score: f.score, box: { ...move(f.box), width: f.box.width * k, height: f.box.height * k }, landmarks: f.landmarks.map(move) };
        const again = judgePhoto({ width: 480, height: 640, faces: [cropped], stats: GOOD });
        expect(again.ok).toBe(true);
        expect(again.crop.height).toBeGreaterThan(0.95 * 640);
      }),
    );
  });

  it('reports how far the face is from its place, so the UI can say which way to move', () => {
    const placed = portraitCrop(face({ cx: 100, top: 60, head: 260 }), 640, 480);
    expect(placed.crop.x).toBe(0);
    expect(placed.horizontalOffset).toBeLessThan(-QUALITY.centreTolerance);
  });
});

describe('faceStats', () => {
  const image = (width: number, height: number, pixel: (x: number, y: number) => number) => {
    const grey = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) grey[y * width + x] = pixel(x, y);
    return grey;
  };

  it('measures the mean light and finds no detail in a flat region', () => {
    const flat = faceStats(image(200, 200, () => 90), 200, 200, { x: 20, y: 20, width: 150, height: 150 });
    expect(flat).toEqual({ meanLuminance: 90, sharpness: 0 });
  });

  it('scores detail high, a blurred copy lower, and the same pattern about the same at another size', () => {
    const stripes = (period: number) => (x: number) => (Math.floor(x / period) % 2 ? 200 : 50);
    const sharp = faceStats(image(192, 192, stripes(4)), 192, 192, { x: 0, y: 0, width: 192, height: 192 });
    const bigger = faceStats(image(384, 384, stripes(8)), 384, 384, { x: 0, y: 0, width: 384, height: 384 });
    const soft = faceStats(image(192, 192, (x) => 125 + 75 * Math.sin((x * Math.PI) / 48)), 192, 192, { x: 0, y: 0, width: 192, height: 192 });
    expect(sharp.sharpness).toBeGreaterThan(QUALITY.minSharpness * 10);
    expect(Math.abs(bigger.sharpness - sharp.sharpness) / sharp.sharpness).toBeLessThan(0.1);
    expect(soft.sharpness).toBeLessThan(QUALITY.minSharpness);
    expect(sharp.meanLuminance).toBeCloseTo(125, 0);
  });

  it('copes with a region at the edge of, or larger than, the image', () => {
    const stats = faceStats(image(50, 40, (x, y) => (x + y) % 256), 50, 40, { x: -30, y: 30, width: 200, height: 100 });
    expect(Number.isFinite(stats.sharpness)).toBe(true);
    expect(stats.meanLuminance).toBeGreaterThan(0);
  });
});

describe('toGrey', () => {
  it('weights red, green and blue as BT.601 luma, RGB or RGBA', () => {
    expect([...toGrey([255, 0, 0, 0, 255, 0, 0, 0, 255], 3)]).toEqual([76, 150, 29]);
    expect([...toGrey([255, 255, 255, 7, 0, 0, 0, 255], 4)]).toEqual([255, 0]);
  });
});
