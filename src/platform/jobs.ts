import PgBoss from 'pg-boss';
import type pg from 'pg';

export type Jobs = PgBoss;

export interface JobsOptions {
  /** Poll for work (the server); a command that only enqueues leaves this off. */
  work?: boolean;
  pollingIntervalSeconds?: number;
}

/**
 * The background job queue (pg-boss) in the app's own PostgreSQL, over the app's pool: a job is enqueued in the
 * same database as the data it is about, so it survives a crash of the process that asked for it.
 */
export async function openJobs(pool: pg.Pool, options: JobsOptions = {}): Promise<Jobs> {
  const boss = new PgBoss({
    db: { executeSql: (text, values) => pool.query(text, values) },
    supervise: options.work ?? false,
    schedule: false,
    ...(options.pollingIntervalSeconds ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {}),
  });
  // pg-boss reports maintenance errors as events; without a listener Node would treat them as fatal.
  boss.on('error', (error) => console.error('jobs:', error.message));
  await boss.start();
  return boss;
}

export interface PeriodicJob<T extends object> {
  queue: string;
  /** How often it is asked for (it is also asked for at once). */
  everyMs: number;
  pollingIntervalSeconds?: number;
  /** The job's data this time, or undefined when there is nothing to ask for now. */
  data(): T | undefined;
  /** pg-boss's options for one asking (singleton key, retries, expiry). */
  options?(data: T): PgBoss.SendOptions;
  /** The work; `again` asks for another run at once (a sweep that stopped with more to do). */
  run(data: T, again: () => Promise<void>): Promise<void>;
  /** Names it in the error log. */
  label: string;
}

/**
 * A job asked for at start and every `everyMs`, on a "stately" queue: at most one waiting and one running across all
 * server processes, so asking often costs nothing. Returns the stop for the server's shutdown.
 */
export async function startPeriodicJob<T extends object>(jobs: Jobs, job: PeriodicJob<T>): Promise<() => void> {
  await jobs.createQueue(job.queue, { name: job.queue, policy: 'stately' });
  const request = async () => {
    try {
      const data = job.data();
      if (data) await jobs.send(job.queue, data, job.options?.(data) ?? {});
    } catch (error) {
      // Asked again at the next tick; a failure here must not end the server.
      console.error(`${job.label}:`, (error as Error).message);
    }
  };
  await jobs.work<T>(job.queue, { batchSize: 1, ...(job.pollingIntervalSeconds ? { pollingIntervalSeconds: job.pollingIntervalSeconds } : {}) }, ([one]) => job.run(one!.data, request));
  await request();
  const timer = setInterval(() => void request(), job.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
