/**
 * Worker-thread entry of the signature's blank check: a pad's PNG inflated and its grey levels counted here, off the
 * event loop, in a heap of its own (each pad inflates to about half a megabyte). Messages: { id, content, maxPixels }
 * in, { id, result } (a histogram, 'not_mine' or 'damaged') or { id, error } out.
 */
import { parentPort } from 'node:worker_threads';
import { pngGreyLevels } from './grey-levels.ts';

parentPort!.on('message', ({ id, content, maxPixels }: { id: number; content: Uint8Array; maxPixels: number }) => {
  try {
    parentPort!.postMessage({ id, result: pngGreyLevels(Buffer.from(content.buffer, content.byteOffset, content.byteLength), maxPixels) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
