/** The files the browser's face check loads from our server (pure: the service worker's build lists them too). */
export const FACE_MODEL_URL = '/models/face/';
export const FACE_MODELS = ['tiny_face_detector_model', 'face_landmark_68_tiny_model'] as const;
export const TFJS_WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;
export const FACE_FILE_NAMES: readonly string[] = [...FACE_MODELS.flatMap((m) => [`${m}-weights_manifest.json`, `${m}.bin`]), ...TFJS_WASM_FILES];
