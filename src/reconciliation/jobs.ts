import type { Db } from '../platform/db.ts';
import type { Jobs } from '../platform/jobs.ts';
import type { Actor } from '../platform/scope.ts';
import { RegisterUnavailable } from './remote-register.ts';
import type { PopulationRegister } from './register.ts';
import { recheckAwaiting } from './service.ts';
import { executeRun } from './runs.ts';

/** Members recorded as "chờ đối chiếu", to ask the register about again until it answers. */
export const CHECK_QUEUE = 'register-check';
/** A whole-list check of a scope started from the screen. */
export const RUN_QUEUE = 'reconciliation-run';

export interface ReconciliationJobSettings {
  /** Wait between two tries of an awaiting check. pg-boss's own backoff is uncapped (up to a day), so the wait is fixed. */
  retryDelaySeconds?: number;
  pollingIntervalSeconds?: number;
}

const CHECK_BATCH = 500;

export async function createReconciliationQueues(jobs: Jobs): Promise<void> {
  for (const name of [CHECK_QUEUE, RUN_QUEUE]) await jobs.createQueue(name);
}

/** Enqueues the awaiting members in batches; each job is retried until the register answers for its batch. */
export async function enqueueAwaiting(jobs: Jobs, memberIds: readonly string[], settings: ReconciliationJobSettings = {}): Promise<void> {
  const batches = [];
  for (let i = 0; i < memberIds.length; i += CHECK_BATCH) {
    batches.push({
      name: CHECK_QUEUE,
      data: { memberIds: memberIds.slice(i, i + CHECK_BATCH) },
      // A register outage can last hours; the check must still complete when it returns.
      retryLimit: 100_000,
      retryDelay: settings.retryDelaySeconds ?? 30,
      retryBackoff: false,
      expireInSeconds: 600,
    });
  }
  if (batches.length) await jobs.insert(batches);
}

export interface RunJobData {
  runId: string;
  actor: Actor;
}

export async function enqueueRun(jobs: Jobs, data: RunJobData): Promise<void> {
  // A run interrupted by a crash starts again (results are upserts, so nothing is counted twice).
  await jobs.send(RUN_QUEUE, data, { retryLimit: 2, retryDelay: 10, expireInSeconds: 4 * 3600 });
}

/** The server's workers: awaiting checks and whole-list runs, both against the configured register. */
export async function startReconciliationWorkers(jobs: Jobs, db: Db, register: PopulationRegister, settings: ReconciliationJobSettings = {}): Promise<void> {
  await createReconciliationQueues(jobs);
  const polling = settings.pollingIntervalSeconds ? { pollingIntervalSeconds: settings.pollingIntervalSeconds } : {};
  await jobs.work<{ memberIds: string[] }>(CHECK_QUEUE, { batchSize: 1, ...polling }, async ([job]) => {
    // Throwing hands the job back to pg-boss, which tries again after the retry delay.
    if (!(await recheckAwaiting(db, register, job!.data.memberIds))) throw new RegisterUnavailable('still unavailable');
  });
  await jobs.work<RunJobData>(RUN_QUEUE, { batchSize: 1, ...polling }, async ([job]) => {
    await executeRun(db, register, job!.data, (memberIds) => enqueueAwaiting(jobs, memberIds, settings));
  });
}
