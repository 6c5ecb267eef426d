import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ThreadClient } from './thread-client.ts';

/**
 * A thread that answers each request `{ id, ms }` with its id after `ms` milliseconds (a batch when all of its requests
 * are done), and counts the threads started.
 */
function echoThreads(options: { idleMs?: number; batched?: boolean } = {}) {
  const started: Worker[] = [];
  const spawn = () => {
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const answer = ({ id, ms }) => new Promise((resolve) => setTimeout(() => resolve({ id, result: id }), ms));
       parentPort.on('message', async (message) => {
         if (message.batch) parentPort.postMessage({ batch: await Promise.all(message.batch.map(answer)) });
         else parentPort.postMessage(await answer(message));
       });`,
      { eval: true },
    );
    started.push(worker);
    return worker;
  };
  return { started, client: new ThreadClient<{ ms: number }, number>(spawn, 'echo', options.idleMs ?? 60_000, options.batched) };
}

const exited = (worker: Worker) => new Promise<number>((resolve) => worker.once('exit', resolve));

describe('ThreadClient.release', () => {
  it('ends an idle thread at once, and the next request starts another', async () => {
    const { started, client } = echoThreads();
    expect(await client.request({ ms: 0 })).toBe(0);
    const ending = exited(started[0]!);
    await client.release();
    await ending;
    expect(await client.request({ ms: 0 })).toBe(1);
    expect(started).toHaveLength(2);
    await client.close();
  });

  it('leaves a thread alone while a request is waiting on it', async () => {
    const { started, client } = echoThreads();
    const answer = client.request({ ms: 300 });
    await client.release();
    expect(await answer).toBe(0);
    expect(await client.request({ ms: 0 })).toBe(1);
    expect(started).toHaveLength(1);
    await client.close();
  });

  it('answers a request made while the released thread is still ending, from the next thread', async () => {
    const { started, client } = echoThreads();
    expect(await client.request({ ms: 0 })).toBe(0);
    const releasing = client.release();
    expect(await client.request({ ms: 50 })).toBe(1);
    await releasing;
    expect(started).toHaveLength(2);
    await client.close();
  });
});

describe('ThreadClient idle end', () => {
  it('never ends a thread under a request, whatever requests ended together before it', async () => {
    const { started, client } = echoThreads({ idleMs: 100, batched: true });
    // Two requests answered in one message: each, as it ends, finds nothing else waiting.
    expect(await Promise.all([client.request({ ms: 0 }), client.request({ ms: 0 })])).toEqual([0, 1]);
    // Asked before the idle time is up, and still running well after it.
    expect(await client.request({ ms: 400 })).toBe(2);
    expect(started).toHaveLength(1);
    await client.close();
  });

  it('ends a thread left idle, and starts another for the next request', async () => {
    const { started, client } = echoThreads({ idleMs: 100 });
    expect(await client.request({ ms: 0 })).toBe(0);
    await exited(started[0]!);
    expect(await client.request({ ms: 0 })).toBe(1);
    expect(started).toHaveLength(2);
    await client.close();
  });
});
