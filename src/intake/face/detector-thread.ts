/**
 * Worker-thread entry of the server's photo check: tfjs's wasm kernels run synchronously (~0.1 s per photo), which on
 * the main thread would stall every request in flight. Messages: { id, content } in, { id, verdict } or { id, error } out.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { checkPhoto } from './detector-node.ts';

// Lowest CPU priority for this thread only (on Linux /proc/thread-self names it): checks take idle time, submissions first.
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 19);
} catch {
  // not Linux: the check simply runs at normal priority
}

parentPort!.on('message', async ({ id, content }: { id: number; content: Uint8Array }) => {
  try {
    parentPort!.postMessage({ id, result: await checkPhoto(Buffer.from(content.buffer, content.byteOffset, content.byteLength)) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
