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
