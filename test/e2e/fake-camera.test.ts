import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/platform/http.ts';
import { faceModelRoutes } from '../../src/intake/face/routes.ts';
import { checkPhoto } from '../../src/intake/face/detector-node.ts';
import { faceCameraFile, fakeCameraArgs } from './fake-camera.ts';

/**
 * The fake camera and the browser's face check together, without the web app: src/web/intake/face.ts bundled on its
 * own, served with the model routes, run in Debian's Chromium on the camera's frames.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'doithe-camera-'));
let base: string;
let close: () => Promise<void>;

const PAGE = `<!doctype html><meta charset="utf-8"><video muted playsinline></video><script type="module">
import { loadFaceModel, checkFrame, cropToCard } from '/face.js';
window.check = async () => {
  const video = document.querySelector('video');
  video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  await video.play();
  while (video.readyState < 2 || !video.videoWidth) await new Promise((r) => setTimeout(r, 50));
  let t = performance.now();
  await loadFaceModel();
  const loadMs = performance.now() - t;
  await checkFrame(video);
  t = performance.now();
  const verdict = await checkFrame(video);
  const checkMs = performance.now() - t;
  const blob = await cropToCard(video, verdict.crop);
  const jpeg = btoa(String.fromCharCode(...new Uint8Array(await blob.arrayBuffer())));
  return { verdict, loadMs, checkMs, size: [video.videoWidth, video.videoHeight], jpeg };
};
</script>`;

beforeAll(async () => {
  const bundled = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: { entry: fileURLToPath(new URL('../../src/web/intake/face.ts', import.meta.url)), formats: ['es'], fileName: 'face' },
      rollupOptions: { output: { inlineDynamicImports: true } },
    },
  });
  const output = (Array.isArray(bundled) ? bundled[0]! : bundled) as { output: { type: string; code?: string }[] };
  const code = output.output.find((o) => o.type === 'chunk')!.code!;
  const app = Fastify();
  faceModelRoutes(app as unknown as App);
  app.get('/', (_request, reply) => reply.type('text/html').send(PAGE));
  app.get('/face.js', (_request, reply) => reply.type('text/javascript').send(code));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  close = () => app.close();
}, 120_000);
afterAll(async () => {
  await close?.();
  rmSync(dir, { recursive: true, force: true });
});

async function checkCamera(args: string[]) {
  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...args],
  });
  try {
    const page = await browser.newPage();
    await page.goto(base);
    type Result = { verdict: { ok: boolean; issues: { code: string }[] }; loadMs: number; checkMs: number; size: number[]; jpeg: string };
    return await page.evaluate(() => (window as unknown as { check: () => Promise<Result> }).check());
  } finally {
    await browser.close();
  }
}

describe('fake camera + browser face check', () => {
  it('passes the face camera file, and the server passes the portrait the browser cut from it', async () => {
    const result = await checkCamera(fakeCameraArgs(await faceCameraFile(dir)));
    const portrait = Buffer.from(result.jpeg, 'base64');
    console.log(`Chromium (wasm): model ${Math.round(result.loadMs)} ms, one frame checked in ${Math.round(result.checkMs)} ms, portrait ${Math.round(portrait.length / 1024)} KB`);
    expect(result.size).toEqual([640, 480]);
    expect(result.verdict.issues).toEqual([]);
    expect(portrait.length).toBeGreaterThan(15_000);
    expect(portrait.length).toBeLessThan(80_000);
    expect((await checkPhoto(portrait)).issues).toEqual([]);
  });

  it("finds no face in Chromium's own fake camera pattern", async () => {
    const result = await checkCamera(fakeCameraArgs());
    expect(result.verdict.issues.map((i) => i.code)).toEqual(['photo.no_face']);
  });
});
