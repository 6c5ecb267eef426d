/**
 * Removes stored photos and signatures no dossier points at: files written for a submission whose row never
 * committed (a crash between the two, or a failure whose outcome the database could not tell, decision 0015). Only
 * files older than a day are considered, so a submission in flight is never touched.
 */
import type { Db } from '../platform/db.ts';
import type { FileStore } from '../platform/files.ts';
import { startPeriodicJob, type Jobs } from '../platform/jobs.ts';

export const FILE_SWEEP_QUEUE = 'file-sweep';
const BATCH = 500;

/** Deletes the unreferenced files last written before `before`; answers how many. */
export async function sweepUnreferencedFiles(db: Db, files: FileStore, before: Date): Promise<number> {
  let deleted = 0;
  let batch: string[] = [];
  const flush = async () => {
    // Two lookups, each on its own indexed column (one query with OR scanned every dossier).
    const [byPhoto, bySignature] = await Promise.all([
      db.selectFrom('dossiers').select('photo_ref as ref').where('photo_ref', 'in', batch).execute(),
      db.selectFrom('dossiers').select('signature_ref as ref').where('signature_ref', 'in', batch).execute(),
    ]);
    const referenced = new Set([...byPhoto, ...bySignature].map((r) => r.ref));
    for (const ref of batch.filter((r) => !referenced.has(r))) {
      await files.delete(ref);
      deleted++;
    }
    batch = [];
  };
  for await (const ref of files.listOlderThan(before)) {
    batch.push(ref);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  return deleted;
}

/** Once at start and every `intervalHours` (6 by default), across all server processes one sweep at a time. */
export function startFileSweepWorker(jobs: Jobs, db: Db, files: FileStore, settings: { intervalHours?: number; pollingIntervalSeconds?: number } = {}): Promise<() => void> {
  return startPeriodicJob(jobs, {
    queue: FILE_SWEEP_QUEUE,
    label: 'file sweep',
    everyMs: (settings.intervalHours ?? 6) * 3600 * 1000,
    pollingIntervalSeconds: settings.pollingIntervalSeconds,
    data: () => ({}),
    options: () => ({ retryLimit: 2 }),
    run: async () => void (await sweepUnreferencedFiles(db, files, new Date(Date.now() - 24 * 3600 * 1000))),
  });
}
