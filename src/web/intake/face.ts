/**
 * The counter's live photo check: face-api (tfjs bundled in its browser build) on tfjs's WebAssembly backend — it needs
 * no GPU, so it runs the same on any counter PC and in headless Chromium. Models and .wasm files come from our own server
 * (/models/face/, see src/intake/face/routes.ts). The rules are quality.ts's, the very ones the server applies again.
 */
import { FACE_MODEL_URL } from '../../intake/face/files.ts';
import { faceStats, fromFaceApi, judgePhoto, toGrey, type PhotoVerdict, type Rect } from '../../intake/face/quality.ts';

type FaceApi = typeof import('@vladmandic/face-api/dist/face-api.esm.js');
type Source = HTMLVideoElement | HTMLCanvasElement | HTMLImageElement;

/** Same detector settings as the server (src/intake/face/detector-node.ts). */
const DETECTOR_INPUT_SIZE = 416;
const DETECTOR_MIN_SCORE = 0.5;
const ANALYSIS_SIDE = 800;

export const CARD = { width: 480, height: 640, quality: 0.85 } as const;

let loading: Promise<FaceApi> | undefined;

/** Loads face-api (its own chunk, ~1.5 MB), the wasm backend and both models; once per page, again after a failure. */
export function loadFaceModel(): Promise<FaceApi> {
  loading ??= (async () => {
    const faceapi = await import('@vladmandic/face-api/dist/face-api.esm.js');
    // The bundled tfjs carries the wasm backend's exports at its top level (face-api's types do not declare them).
    const tf = faceapi.tf as unknown as { setBackend(name: string): Promise<boolean>; ready(): Promise<void>; setWasmPaths(prefix: string): void };
    tf.setWasmPaths(FACE_MODEL_URL);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend unavailable');
    await tf.ready();
    await faceapi.nets.tinyFaceDetector.loadFromUri(FACE_MODEL_URL);
    await faceapi.nets.faceLandmark68TinyNet.loadFromUri(FACE_MODEL_URL);
    return faceapi;
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

function naturalSize(source: Source): { width: number; height: number } {
  if (source instanceof HTMLVideoElement) return { width: source.videoWidth, height: source.videoHeight };
  if (source instanceof HTMLImageElement) return { width: source.naturalWidth, height: source.naturalHeight };
  return { width: source.width, height: source.height };
}

/**
 * The verdict on what the camera shows now (or on a picture): issues in the order to fix them, and where to cut the 3×4
 * portrait, in the source's own pixels.
 */
export async function checkFrame(source: Source): Promise<PhotoVerdict> {
  const faceapi = await loadFaceModel();
  const { width, height } = naturalSize(source);
  if (!width || !height) return judgePhoto({ width: 1, height: 1, faces: [] });
  // Analysed at most ANALYSIS_SIDE long, like on the server: a big uploaded file checks as fast as a webcam frame.
  const k = Math.min(1, ANALYSIS_SIDE / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * k);
  canvas.height = Math.round(height * k);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  const results = await faceapi
    .detectAllFaces(canvas, new faceapi.TinyFaceDetectorOptions({ inputSize: DETECTOR_INPUT_SIZE, scoreThreshold: DETECTOR_MIN_SCORE }))
    .withFaceLandmarks(true);
  const faces = results.map(fromFaceApi);
  const main = [...faces].sort((a, b) => b.box.height - a.box.height)[0];
  const stats = main ? faceStats(toGrey(context.getImageData(0, 0, canvas.width, canvas.height).data, 4), canvas.width, canvas.height, main.box) : undefined;
  const up = (v: number) => v / k;
  return judgePhoto({
    width,
    height,
    stats,
    faces: faces.map((f) => ({ score: f.score, box: { x: up(f.box.x), y: up(f.box.y), width: up(f.box.width), height: up(f.box.height) }, landmarks: f.landmarks.map((p) => ({ x: up(p.x), y: up(p.y) })) })),
  });
}

/** The card portrait: `crop` of the source scaled to 480×640, JPEG quality 0.85 (about 30–60 KB for a face). */
export function cropToCard(source: Source, crop: Rect): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = CARD.width;
  canvas.height = CARD.height;
  const context = canvas.getContext('2d')!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(source, crop.x, crop.y, crop.width, crop.height, 0, 0, CARD.width, CARD.height);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('JPEG encoding failed'))), 'image/jpeg', CARD.quality));
}
