import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The young generation of our worker threads: the process's 64 MB semi-spaces (bin/doithe.js) are for the server's
 * requests; a thread's work (a pad decoded, a photo checked, files read) keeps little alive, and each thread would
 * otherwise grow its own young generation to the process's size.
 */
export const THREAD_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 24 };

/**
 * A worker thread running a TypeScript module: the thread registers tsx itself (a worker does not inherit the
 * parent's loader hooks), through tsx's ESM entry (its CommonJS one resolves its own files wrongly from an eval'd
 * worker).
 */
export function spawnTypeScriptThread(module: URL): Worker {
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(bootstrap, { eval: true, resourceLimits: THREAD_RESOURCE_LIMITS });
}

/** A thread's answer to one request. */
type Answer<Result> = { id: number; result?: Result; error?: string };

/**
 * Requests to a worker thread that is started on first use (and again after a crash) and ended when idle. Each
 * request is a message carrying an id; the thread answers `{ id, result }` or `{ id, error }`. A thread that dies
 * fails every request waiting on it. With `batched`, the requests made in one turn of the event loop go as one message
 * `{ batch: [requests] }`, answered by `{ batch: [answers] }`: under load one wake-up of the thread serves several.
 */
export class ThreadClient<Request extends object, Result> {
  private worker: Worker | undefined;
  private next = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Requests waiting for an answer, each with the thread it went to (undefined while in the outbox). */
  private readonly pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void; worker: Worker | undefined }>();
  private outbox: (Request & { id: number })[] = [];

  constructor(
    private readonly spawn: () => Worker,
    /** For error messages: what the thread does. */
    private readonly name: string,
    private readonly idleMs: number,
    private readonly batched = false,
  ) {}

  request(message: Request): Promise<Result> {
    clearTimeout(this.idleTimer);
    const id = this.next++;
    return new Promise<Result>((resolve, reject) => {
      if (this.batched) {
        this.pending.set(id, { resolve, reject, worker: undefined });
        if (this.outbox.push({ ...message, id }) === 1) setImmediate(() => this.flush());
      } else {
        const worker = this.start();
        this.pending.set(id, { resolve, reject, worker });
        worker.postMessage({ ...message, id });
      }
    }).finally(() => {
      // One timer at most: requests answered together each find nothing waiting, and a timer left behind by one of
      // them would end the thread under a later request. When it fires, the thread ends only if still idle.
      clearTimeout(this.idleTimer);
      if (this.pending.size === 0 && this.worker) this.idleTimer = setTimeout(() => void this.release(), this.idleMs).unref();
    });
  }

  /** Ends the thread now unless a request is waiting on it, sent or still in the outbox (the next one starts another). */
  async release(): Promise<void> {
    if (this.pending.size === 0) await this.close();
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private flush() {
    const batch = this.outbox;
    this.outbox = [];
    // The thread may have died since these were asked: a new one takes them.
    const worker = this.start();
    for (const { id } of batch) {
      const waiting = this.pending.get(id);
      if (waiting) waiting.worker = worker;
    }
    worker.postMessage({ batch });
  }

  private settle({ id, result, error }: Answer<Result>) {
    const waiting = this.pending.get(id);
    this.pending.delete(id);
    if (error === undefined) waiting?.resolve(result as Result);
    else waiting?.reject(new Error(`${this.name} failed: ${error}`));
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = this.spawn();
    worker.unref();
    worker.on('message', (message: Answer<Result> | { batch: Answer<Result>[] }) => {
      if ('batch' in message) for (const answer of message.batch) this.settle(answer);
      else this.settle(message);
    });
    // Only the requests sent to this thread: one released or closed may end after the next has taken new requests.
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, waiting] of this.pending) {
        if (waiting.worker !== worker) continue;
        this.pending.delete(id);
        waiting.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`${this.name} thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}
