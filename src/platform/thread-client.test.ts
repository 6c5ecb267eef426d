import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ThreadClient } from './thread-client.ts';

/** A thread that answers each request `{ id, ms }` with its id after `ms` milliseconds, and counts the threads started. */
function echoThreads() {
  const started: Worker[] = [];
  const spawn = () => {
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       parentPort.on('message', ({ id, ms }) => setTimeout(() => parentPort.postMessage({ id, result: id }), ms));`,
      { eval: true },
    );
    started.push(worker);
    return worker;
  };
  return { started, client: new ThreadClient<{ ms: number }, number>(spawn, 'echo', 60_000) };
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
