/**
 * The server checks every dossier's photo again (the counter's browser already did, but a browser can be bypassed):
 * after receipt, never in the submission path — counters send hundreds of dossiers a second and the detector takes
 * ~0.05 s a photo. A sweep job finds dossiers whose photo_check is NULL, oldest first, and stores the verdict. The
 * detector runs in a worker thread at the lowest CPU priority, so the event loop and the submissions keep the CPU; its
 * decode (libuv's pool), file read and row update are not at low priority, so the sweep also waits while the server is
 * busy (decision 0015): under a rush the check lags, and catches up when the counters slow down. The thread (about
 * 200 MB, tfjs) is ended after a minute without work, and at once when the server turns busy: a rush's requests need
 * that memory (a server under 500 MB).
 */
import { performance } from 'node:perf_hooks';
import type { Db } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import type { FileStore } from '../platform/files.ts';
import { startPeriodicJob, type Jobs } from '../platform/jobs.ts';
import { spawnTypeScriptThread, ThreadClient } from '../platform/thread-client.ts';
import type { PhotoVerdict } from './face/quality.ts';

export const PHOTO_CHECK_QUEUE = 'photo-check';

/** What dossiers.photo_check holds. */
export interface PhotoCheck {
  ok: boolean;
  issues: { code: string }[];
  checkedAt: string;
}

export interface PhotoCheckSettings {
  /** How often a sweep is asked for (seconds); one also runs at start. */
  intervalSeconds?: number;
  /** Dossiers read per query. */
  batchSize?: number;
  pollingIntervalSeconds?: number;
}

/** A sweep hands over to a fresh job after this long, so a large backlog never holds one job past its expiry. */
const SWEEP_SECONDS = 60;
/** The detector thread is ended after this long without a photo to check (its memory goes back to the system). */
const IDLE_THREAD_MS = 60_000;
/**
 * The server is busy while its event loop was busy more than this share of a second, and for BUSY_HOLD_MS after. A
 * fifth: submissions at ~300 a second and more (a dossier costs the event loop ~0.6 ms). Under a rush the detector
 * cannot keep up anyway (~15 photos a second), and its thread would add ~200 MB while it runs.
 */
const BUSY_SHARE = 0.2;
/**
 * The server stays busy this long after its last busy second. Starting the detector costs ~1 s of CPU and ~200 MB, and
 * it is ended when the next rush begins (the rush's requests need that memory): a lull of a few seconds between two
 * rushes is not worth it, and would add the thread's memory to the server's at the moment the rush comes back.
 */
const BUSY_HOLD_MS = 10_000;

/**
 * Whether the server is busy: the event loop's utilisation, sampled every second, held BUSY_HOLD_MS after the last busy
 * second. `onBusy` is called when a busy spell begins.
 */
function eventLoopBusy(onBusy: () => void): { busy(): boolean; stop(): void } {
  let last = performance.eventLoopUtilization();
  let busyUntil = 0;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    if (performance.eventLoopUtilization(now, last).utilization > BUSY_SHARE) {
      if (Date.now() >= busyUntil) onBusy();
      busyUntil = Date.now() + BUSY_HOLD_MS;
    }
    last = now;
  }, 1000);
  timer.unref();
  return { busy: () => Date.now() < busyUntil, stop: () => clearInterval(timer) };
}

/** The detector in its own thread, started on first use and again after a crash, ended when idle. */
export class PhotoChecker {
  private readonly thread = new ThreadClient<{ content: Buffer }, PhotoVerdict>(() => spawnTypeScriptThread(new URL('./face/detector-thread.ts', import.meta.url)), 'photo check', IDLE_THREAD_MS);

  check(content: Buffer): Promise<PhotoVerdict> {
    return this.thread.request({ content });
  }

  /** Ends the thread unless a check is under way (the next check starts it again, ~1 s at idle priority). */
  release(): Promise<void> {
    return this.thread.release();
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}

/** The verdict on a stored photo; a missing, corrupt or undecodable file is `photo.unreadable`, not a failure. */
async function checkStoredPhoto(files: FileStore, checker: PhotoChecker, ref: string | null): Promise<PhotoCheck> {
  let content: Buffer | undefined;
  if (ref) content = await files.get(ref).catch(() => undefined);
  const verdict = content ? await checker.check(content) : { ok: false, issues: [{ code: 'photo.unreadable' }] };
  return { ok: verdict.ok, issues: verdict.issues.map(({ code }) => ({ code })), checkedAt: new Date().toISOString() };
}

/** Detector failures per dossier in this process (see verdictCountingFailures). */
const detectorFailures = new Map<string, number>();

/**
 * A detector failure may pass (its thread restarting): it is thrown. A photo that fails it again and again must not
 * hold up every photo after it nor its approval forever: the third time, it is recorded as unreadable for the
 * supervisor.
 */
async function verdictCountingFailures(files: FileStore, checker: PhotoChecker, id: string, ref: string | null): Promise<PhotoCheck> {
  try {
    const check = await checkStoredPhoto(files, checker, ref);
    detectorFailures.delete(id);
    return check;
  } catch (error) {
    const failures = (detectorFailures.get(id) ?? 0) + 1;
    detectorFailures.set(id, failures);
    if (failures < 3) throw error;
    detectorFailures.delete(id);
    return { ok: false, issues: [{ code: 'photo.unreadable' }], checkedAt: new Date().toISOString() };
  }
}

/**
 * Checks unchecked dossiers, oldest first, until none is left or the time is up; answers whether some may remain.
 * Before each photo it waits while `busy()` says the server is. A verdict is only written over NULL, so two sweeps (two
 * processes) never disagree on a row's result.
 */
export async function sweepPhotoChecks(db: Db, files: FileStore, checker: PhotoChecker, settings: PhotoCheckSettings = {}, busy: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + SWEEP_SECONDS * 1000;
  const batchSize = settings.batchSize ?? 50;
  while (Date.now() < deadline) {
    const rows = await db.selectFrom('dossiers').select(['id', 'photo_ref']).where('photo_check', 'is', null).orderBy('received_at').limit(batchSize).execute();
    for (const row of rows) {
      if (busy()) await checker.release();
      while (busy()) {
        if (Date.now() >= deadline) return true;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      const check = await verdictCountingFailures(files, checker, row.id, row.photo_ref);
      await db.updateTable('dossiers').set({ photo_check: JSON.stringify(check) }).where('id', '=', row.id).where('photo_check', 'is', null).execute();
    }
    if (rows.length < batchSize) return false;
  }
  return true;
}

/** Checks one dossier's photo now if nobody has yet (a supervisor about to approve it), and stores the verdict. */
export async function checkDossierPhotoNow(db: Db, files: FileStore, checker: PhotoChecker, id: string): Promise<void> {
  const row = await db.selectFrom('dossiers').select(['photo_ref']).where('id', '=', id).where('photo_check', 'is', null).executeTakeFirst();
  if (!row) return;
  // The supervisor is told to try again in a moment rather than shown an internal error.
  const check = await verdictCountingFailures(files, checker, id, row.photo_ref).catch(() => {
    throw new AppError('dossier.photo_unchecked');
  });
  await db.updateTable('dossiers').set({ photo_check: JSON.stringify(check) }).where('id', '=', id).where('photo_check', 'is', null).execute();
}

export interface PhotoCheckWorker {
  /** The check of one dossier, at once (see checkDossierPhotoNow). */
  checkNow(id: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The server's photo check: a sweep at start and every `intervalSeconds` (10 by default), pausing while this process's
 * event loop is busy. The queue is "stately" — at most one sweep waiting and one running across all server processes —
 * so asking often costs nothing. Returns the check of one dossier on demand, and the stop for the server's shutdown.
 */
export async function startPhotoCheckWorker(jobs: Jobs, db: Db, files: FileStore, settings: PhotoCheckSettings = {}): Promise<PhotoCheckWorker> {
  const checker = new PhotoChecker();
  const load = eventLoopBusy(() => void checker.release());
  const stopAsking = await startPeriodicJob(jobs, {
    queue: PHOTO_CHECK_QUEUE,
    label: 'photo check',
    everyMs: (settings.intervalSeconds ?? 10) * 1000,
    pollingIntervalSeconds: settings.pollingIntervalSeconds,
    data: () => ({}),
    options: () => ({ expireInSeconds: SWEEP_SECONDS * 3, retryLimit: 3, retryDelay: 5 }),
    run: async (_data, again) => {
      if (await sweepPhotoChecks(db, files, checker, settings, load.busy)) await again();
    },
  });
  return {
    checkNow: (id) => checkDossierPhotoNow(db, files, checker, id),
    stop: async () => {
      stopAsking();
      load.stop();
      await checker.close();
    },
  };
}
