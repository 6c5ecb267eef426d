/**
 * Is this photo good enough for a party card? The rules shared by the counter's browser (live, on webcam frames) and
 * the server (again, on the stored photo). Pure: the caller runs the face detector (tiny face detector + 68 landmarks)
 * and hands over its detections and the image's pixels; nothing here knows about tfjs, canvases or files.
 *
 * Geometry comes from the landmarks (iBUG 68 points): the eyes sit about half-way down the head, so the head (crown to
 * chin) is estimated as twice the eyes-to-chin distance. The card portrait is 3×4 with the head 65% of its height
 * (60–70% accepted), the crown 12% below the top edge and the face centred horizontally.
 */

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One face as the detector sees it: its box, its score and the 68 landmarks, in image pixels. */
export interface FaceDetection {
  box: Rect;
  score: number;
  landmarks: readonly Point[];
}

/** Brightness and sharpness of the face region (see faceStats). */
export interface FaceStats {
  /** Mean luma, 0–255. */
  meanLuminance: number;
  /** Variance of the Laplacian of the face resampled to STATS_SIZE² (so the face's pixel size does not matter), as a
   * percentage of the region's own variance (so neither does its contrast). */
  sharpness: number;
}

export const PHOTO_ISSUES = [
  /** Only from the server: the stored file cannot be read or decoded. */
  'photo.unreadable',
  'photo.no_face',
  'photo.many_faces',
  'photo.not_frontal',
  'photo.face_too_small',
  'photo.face_too_large',
  'photo.off_centre',
  'photo.too_dark',
  'photo.too_bright',
  'photo.blurry',
] as const;
export type PhotoIssueCode = (typeof PHOTO_ISSUES)[number];

export interface PhotoVerdict {
  ok: boolean;
  issues: { code: PhotoIssueCode }[];
  /** Where to cut the 3×4 portrait, in image pixels, always inside the image (a centred 3×4 when there is no face). */
  crop: Rect;
}

export const QUALITY = {
  /** Card portrait proportions (width / height). */
  aspect: 3 / 4,
  /** Head (crown to chin) as a share of the portrait's height: aimed at, and accepted range. */
  headShare: 0.65,
  minHeadShare: 0.6,
  maxHeadShare: 0.7,
  /** Crown to the portrait's top edge, as a share of its height. */
  topMargin: 0.12,
  /** Accepted distance of the face from where it should be, as a share of the portrait's width (horizontal) or height. */
  centreTolerance: 0.08,
  /** The head must be this many pixels high: the 480×640 card portrait would otherwise be upscaled more than ~2.3×. */
  minHeadPixels: 180,
  /** Eyes' tilt, degrees. */
  maxRollDegrees: 10,
  /** Nose tip off the middle between the eyes, as a share of the eye distance (0.5 would be on an eye). */
  maxNoseOffset: 0.18,
  /** Another face counts when it would show in the portrait (overlaps the crop) or is at least this share of the main
   * face's height (smaller ones are people far behind, cropped away). */
  otherFaceShare: 0.5,
  /** Mean luma of the face region. */
  minLuminance: 60,
  maxLuminance: 215,
  minSharpness: 4,
} as const;

/** Side of the square the face region is resampled to before measuring its sharpness. */
export const STATS_SIZE = 96;

const centre = (points: readonly Point[]): Point => ({
  x: points.reduce((s, p) => s + p.x, 0) / points.length,
  y: points.reduce((s, p) => s + p.y, 0) / points.length,
});

/** Eyes, nose tip, chin and the head they imply (iBUG 68: 36–41 and 42–47 eyes, 30 nose tip, 8 chin). */
export function faceGeometry(face: FaceDetection) {
  const lm = face.landmarks;
  const eyeA = centre(lm.slice(36, 42));
  const eyeB = centre(lm.slice(42, 48));
  const nose = lm[30]!;
  const chin = lm[8]!;
  const eyes = { x: (eyeA.x + eyeB.x) / 2, y: (eyeA.y + eyeB.y) / 2 };
  const eyeDistance = Math.hypot(eyeB.x - eyeA.x, eyeB.y - eyeA.y);
  const rollDegrees = (Math.atan2(eyeB.y - eyeA.y, eyeB.x - eyeA.x) * 180) / Math.PI;
  // Nose tip along the eye line, relative to the eyes' middle: 0 when the face looks straight at the camera.
  const ux = (eyeB.x - eyeA.x) / (eyeDistance || 1);
  const uy = (eyeB.y - eyeA.y) / (eyeDistance || 1);
  const noseOffset = ((nose.x - eyes.x) * ux + (nose.y - eyes.y) * uy) / (eyeDistance || 1);
  const eyesToChin = Math.hypot(chin.x - eyes.x, chin.y - eyes.y);
  const headHeight = 2 * eyesToChin;
  return { eyes, eyeDistance, rollDegrees, noseOffset, headHeight, headTop: chin.y - headHeight, headCentreX: (eyes.x + chin.x) / 2 };
}

/** face-api's detection with landmarks, taken structurally (this file never imports face-api). */
export function fromFaceApi(result: { detection: { box: Rect; score: number }; landmarks: { positions: readonly Point[] } }): FaceDetection {
  const { x, y, width, height } = result.detection.box;
  return { box: { x, y, width, height }, score: result.detection.score, landmarks: result.landmarks.positions.map((p) => ({ x: p.x, y: p.y })) };
}

/** The largest 3×4 rectangle centred in the image. */
function centredCrop(width: number, height: number): Rect {
  const h = Math.min(height, width / QUALITY.aspect);
  const w = h * QUALITY.aspect;
  return { x: (width - w) / 2, y: (height - h) / 2, width: w, height: h };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * The portrait crop for a face: head 65% of the height (less room → up to 70%), crown 12% below the top, face centred;
 * then moved (never resized beyond that) to stay inside the image. Also says how far the face ended up from where it
 * should be, which is what off_centre / face_too_large are judged on.
 */
export function portraitCrop(face: FaceDetection, width: number, height: number) {
  const g = faceGeometry(face);
  const fits = Math.min(height, width / QUALITY.aspect);
  const h = Math.min(g.headHeight / QUALITY.headShare, fits);
  const w = h * QUALITY.aspect;
  const x = clamp(g.headCentreX - w / 2, 0, width - w);
  const y = clamp(g.headTop - QUALITY.topMargin * h, 0, height - h);
  return {
    crop: { x, y, width: w, height: h },
    headShare: g.headHeight / h,
    horizontalOffset: (g.headCentreX - (x + w / 2)) / w,
    verticalOffset: (g.headTop - (y + QUALITY.topMargin * h)) / h,
    geometry: g,
  };
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * The verdict on one image. `stats` are those of the main (largest) face, measured by faceStats; the issues come in
 * PHOTO_ISSUES order, so the first one is the most basic thing to fix.
 */
export function judgePhoto(input: { width: number; height: number; faces: readonly FaceDetection[]; stats?: FaceStats }): PhotoVerdict {
  const { width, height } = input;
  const faces = [...input.faces].sort((a, b) => b.box.height - a.box.height);
  const main = faces[0];
  if (!main) return { ok: false, issues: [{ code: 'photo.no_face' }], crop: centredCrop(width, height) };

  const found = new Set<PhotoIssueCode>();
  const placed = portraitCrop(main, width, height);
  const g = placed.geometry;
  if (faces.slice(1).some((f) => f.box.height >= QUALITY.otherFaceShare * main.box.height || overlaps(f.box, placed.crop))) found.add('photo.many_faces');
  if (Math.abs(g.rollDegrees) > QUALITY.maxRollDegrees || Math.abs(g.noseOffset) > QUALITY.maxNoseOffset) found.add('photo.not_frontal');
  if (g.headHeight < QUALITY.minHeadPixels) found.add('photo.face_too_small');
  if (placed.headShare > QUALITY.maxHeadShare) found.add('photo.face_too_large');
  if (Math.abs(placed.horizontalOffset) > QUALITY.centreTolerance || Math.abs(placed.verticalOffset) > QUALITY.centreTolerance) found.add('photo.off_centre');
  if (input.stats) {
    if (input.stats.meanLuminance < QUALITY.minLuminance) found.add('photo.too_dark');
    if (input.stats.meanLuminance > QUALITY.maxLuminance) found.add('photo.too_bright');
    if (input.stats.sharpness < QUALITY.minSharpness) found.add('photo.blurry');
  }
  const issues = PHOTO_ISSUES.filter((c) => found.has(c)).map((code) => ({ code }));
  return { ok: issues.length === 0, issues, crop: placed.crop };
}

/** Luma (BT.601) of RGB or RGBA pixels, one byte per pixel. */
export function toGrey(pixels: ArrayLike<number>, channels: 3 | 4): Uint8Array {
  const grey = new Uint8Array(Math.floor(pixels.length / channels));
  for (let i = 0, p = 0; i < grey.length; i++, p += channels) {
    grey[i] = Math.round(0.299 * pixels[p]! + 0.587 * pixels[p + 1]! + 0.114 * pixels[p + 2]!);
  }
  return grey;
}

/**
 * Mean luma and Laplacian variance of a region of a grey image. The region is first averaged down (area sampling) to
 * STATS_SIZE×STATS_SIZE so that the same face, large or small in the frame, scores the same sharpness.
 */
export function faceStats(grey: ArrayLike<number>, width: number, height: number, region: Rect): FaceStats {
  const x0 = clamp(Math.floor(region.x), 0, width - 1);
  const y0 = clamp(Math.floor(region.y), 0, height - 1);
  const x1 = clamp(Math.ceil(region.x + region.width), x0 + 1, width);
  const y1 = clamp(Math.ceil(region.y + region.height), y0 + 1, height);
  const n = STATS_SIZE;
  const sums = new Float64Array(n * n);
  const counts = new Float64Array(n * n);
  let total = 0;
  for (let y = y0; y < y1; y++) {
    const cy = Math.min(n - 1, Math.floor(((y - y0) * n) / (y1 - y0)));
    for (let x = x0; x < x1; x++) {
      const v = grey[y * width + x]!;
      const cell = cy * n + Math.min(n - 1, Math.floor(((x - x0) * n) / (x1 - x0)));
      sums[cell]! += v;
      counts[cell]!++;
      total += v;
    }
  }
  // A region smaller than the grid leaves cells empty: they take their left or upper neighbour's value (flat, no edge).
  const cells = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) cells[i] = counts[i] ? sums[i]! / counts[i]! : i % n ? cells[i - 1]! : i >= n ? cells[i - n]! : 0;
  let sum = 0;
  let sumSq = 0;
  let level = 0;
  let levelSq = 0;
  for (let y = 1; y < n - 1; y++) {
    for (let x = 1; x < n - 1; x++) {
      const i = y * n + x;
      const lap = cells[i - 1]! + cells[i + 1]! + cells[i - n]! + cells[i + n]! - 4 * cells[i]!;
      sum += lap;
      sumSq += lap * lap;
      level += cells[i]!;
      levelSq += cells[i]! * cells[i]!;
    }
  }
  const m = (n - 2) * (n - 2);
  const detail = sumSq / m - (sum / m) ** 2;
  const contrast = levelSq / m - (level / m) ** 2;
  // Relative to the region's own contrast: a dim but sharp face is too_dark, not also blurry.
  return { meanLuminance: total / ((x1 - x0) * (y1 - y0)), sharpness: contrast > 0 ? (100 * detail) / contrast : 0 };
}
