/**
 * Worker-thread entry of the signature's blank check: a pad's PNG inflated and its grey levels counted here, off the
 * event loop, in a heap of its own (each pad inflates to about half a megabyte). Messages: { batch: [{ id, content,
 * maxPixels }] } in, { batch: [{ id, result } (a histogram, 'not_mine' or 'damaged') or { id, error }] } out.
 */
import { parentPort } from 'node:worker_threads';
import { pngGreyLevels } from './grey-levels.ts';

type Request = { id: number; content: Uint8Array; maxPixels: number };

function answer({ id, content, maxPixels }: Request) {
  try {
    return { id, result: pngGreyLevels(Buffer.from(content.buffer, content.byteOffset, content.byteLength), maxPixels) };
  } catch (error) {
    return { id, error: error instanceof Error ? error.message : String(error) };
  }
}

// Requests come in batches (ThreadClient's `batched`): those of one turn of the server's event loop.
parentPort!.on('message', ({ batch }: { batch: Request[] }) => {
  parentPort!.postMessage({ batch: batch.map(answer) });
});
