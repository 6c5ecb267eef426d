/**
 * The face check in Node: face-api's tiny face detector and 68-landmark tiny model on tfjs's WebAssembly backend (no
 * native tfjs build needed), models read from the npm package. Images are decoded with sharp; the verdict is quality.ts's,
 * the same rules the counter's browser applies.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import type * as Tf from '@tensorflow/tfjs';
import type * as FaceApi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { IMAGE_LIMITS } from '../images.ts';
import { faceStats, fromFaceApi, judgePhoto, toGrey, type FaceDetection, type PhotoVerdict } from './quality.ts';

const require = createRequire(import.meta.url);
export const FACE_MODEL_DIR = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');

/** Detector input (multiple of 32): 416 finds faces down to ~40 px in a 640-px frame; the browser uses the same. */
export const DETECTOR_INPUT_SIZE = 416;
export const DETECTOR_MIN_SCORE = 0.5;
/** Images are analysed at most this large (longer side): enough for the detector and the stats, and quick to decode. */
const ANALYSIS_SIDE = 800;

let loading: Promise<typeof FaceApi> | undefined;

/** face-api with both models loaded, once per thread (about 1 s the first time). */
export function loadFaceDetector(): Promise<typeof FaceApi> {
  loading ??= (async () => {
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof FaceApi;
    // The same tfjs instance face-api required (typed here); its wasm backend finds its .wasm files next to its own
    // module in Node: no setWasmPaths.
    const tf = require('@tensorflow/tfjs') as typeof Tf;
    await tf.setBackend('wasm');
    await tf.ready();
    await faceapi.nets.tinyFaceDetector.loadFromDisk(FACE_MODEL_DIR);
    await faceapi.nets.faceLandmark68TinyNet.loadFromDisk(FACE_MODEL_DIR);
    return faceapi;
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/** Faces with landmarks in an RGB image (3 bytes per pixel). */
export async function detectFaces(rgb: Uint8Array, width: number, height: number): Promise<FaceDetection[]> {
  const faceapi = await loadFaceDetector();
  const tensor = faceapi.tf.tensor3d(rgb, [height, width, 3], 'int32');
  try {
    const results = await faceapi
      .detectAllFaces(tensor as unknown as FaceApi.TNetInput, new faceapi.TinyFaceDetectorOptions({ inputSize: DETECTOR_INPUT_SIZE, scoreThreshold: DETECTOR_MIN_SCORE }))
      .withFaceLandmarks(true);
    return results.map(fromFaceApi);
  } finally {
    tensor.dispose();
  }
}

/**
 * The verdict on an encoded photo (JPEG/PNG/WebP). Detection and stats run on a copy at most ANALYSIS_SIDE pixels
 * long; the verdict (size rules, crop) is in the original image's pixels. A file sharp cannot decode is
 * `photo.unreadable`; only a failure of the detector itself throws.
 */
export async function checkPhoto(content: Buffer): Promise<PhotoVerdict> {
  let width: number;
  let height: number;
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    const image = sharp(content, { failOn: 'truncated', limitInputPixels: IMAGE_LIMITS.photo.maxPixels }).autoOrient();
    ({ width, height } = (await image.metadata()).autoOrient);
    decoded = await image
      .resize(ANALYSIS_SIDE, ANALYSIS_SIDE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch {
    return { ok: false, issues: [{ code: 'photo.unreadable' }], crop: { x: 0, y: 0, width: 0, height: 0 } };
  }
  const { data, info } = decoded;
  const rgb = new Uint8Array(data.buffer, data.byteOffset, data.length);
  const faces = await detectFaces(rgb, info.width, info.height);
  const scale = width / info.width;
  const main = [...faces].sort((a, b) => b.box.height - a.box.height)[0];
  const stats = main ? faceStats(toGrey(rgb, 3), info.width, info.height, main.box) : undefined;
  return judgePhoto({ width, height, faces: faces.map((f) => scaleDetection(f, scale)), stats });
}

function scaleDetection(face: FaceDetection, k: number): FaceDetection {
  const { x, y, width, height } = face.box;
  return { score: face.score, box: { x: x * k, y: y * k, width: width * k, height: height * k }, landmarks: face.landmarks.map((p) => ({ x: p.x * k, y: p.y * k })) };
}
