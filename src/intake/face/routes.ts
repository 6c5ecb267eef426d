/**
 * The files the counter's browser needs for its face check, served from the npm packages they ship in (works offline,
 * no CDN): the two face-api models and tfjs's WebAssembly kernels. Only these files; nothing else under node_modules.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { App } from '../../platform/http.ts';
import { AppError } from '../../platform/errors.ts';
import { FACE_MODEL_DIR } from './detector-node.ts';
import { FACE_MODEL_URL, FACE_MODELS, TFJS_WASM_FILES } from './files.ts';

const require = createRequire(import.meta.url);
const WASM_DIR = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));

const FILES: Record<string, { file: string; type: string }> = Object.fromEntries([
  ...FACE_MODELS.flatMap((model) => [
    [`${model}-weights_manifest.json`, { file: path.join(FACE_MODEL_DIR, `${model}-weights_manifest.json`), type: 'application/json' }],
    [`${model}.bin`, { file: path.join(FACE_MODEL_DIR, `${model}.bin`), type: 'application/octet-stream' }],
  ]),
  ...TFJS_WASM_FILES.map((name) => [name, { file: path.join(WASM_DIR, name), type: 'application/wasm' }]),
]);

export function faceModelRoutes(app: App): void {
  const cache = new Map<string, Promise<Buffer>>();
  app.get<{ Params: { name: string } }>(`${FACE_MODEL_URL}:name`, { schema: { hide: true } }, async (request, reply) => {
    const entry = Object.hasOwn(FILES, request.params.name) ? FILES[request.params.name] : undefined;
    if (!entry) throw new AppError('route.not_found');
    let content = cache.get(entry.file);
    if (!content) {
      content = readFile(entry.file);
      cache.set(entry.file, content);
      // A failed read is not kept: the next request tries the disk again.
      content.catch(() => cache.delete(entry.file));
    }
    // Versions are pinned in package.json: a day of caching, revalidated after an upgrade at the latest then.
    return reply.type(entry.type).header('cache-control', 'public, max-age=86400').send(await content);
  });
}
