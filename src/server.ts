import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttp, type App, type AppContext, type HttpOptions } from './platform/http.ts';
import { openJobs } from './platform/jobs.ts';
import type { FileStore } from './platform/files.ts';
import { intakeRoutes } from './intake/routes.ts';
import { reviewRoutes } from './intake/review-routes.ts';
import { faceModelRoutes } from './intake/face/routes.ts';
import { startPhotoCheckWorker, type PhotoCheckSettings } from './intake/photo-check.ts';
import { counterRoutes } from './intake/counter-routes.ts';
import { startFileSweepWorker } from './intake/file-sweep.ts';
import { memberRoutes } from './members/routes.ts';
import { organisationRoutes } from './organisations/routes.ts';
import { startReportArchiveWorker } from './progress/reports.ts';
import { startProgressFolding } from './progress/rollups.ts';
import { progressRoutes } from './progress/routes.ts';
import { reconciliationRoutes } from './reconciliation/routes.ts';
import { startReconciliationWorkers, type ReconciliationJobSettings } from './reconciliation/jobs.ts';
import { embeddedRegister, type PopulationRegister } from './reconciliation/register.ts';
import { referenceRoutes } from './reference/routes.ts';
import { schedulingRoutes } from './scheduling/routes.ts';
import { userRoutes } from './users/routes.ts';
import { keyRing, type KeyRing } from './cards/key-ring.ts';
import { batchContentStore, type BatchContentStore } from './centre/batch-content.ts';
import { centreRoutes } from './centre/routes.ts';
import { cardRoutes } from './cards/routes.ts';
import { startSendingWorker } from './sending/jobs.ts';
import { sendingRoutes } from './sending/routes.ts';
import { sessionFor } from './users/service.ts';

export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/web');

export interface ServerOptions {
  logLevel?: HttpOptions['logLevel'];
  webDir?: string;
  /** The population register to check against: the embedded table unless a remote one is given. */
  register?: PopulationRegister;
  jobSettings?: ReconciliationJobSettings;
  /** Where photos and signatures go (the caller knows the data directory). */
  files: FileStore;
  photoCheck?: PhotoCheckSettings;
  /** How often the progress counters are folded (1 s by default); null: never in the background (a test folds itself). */
  progressFoldMs?: number | null;
  /** Sending to the centre and issuing cards (issue 7); absent: neither runs in this process. */
  cards?: CardsOptions;
}

/**
 * Which side this process plays (decision 0018): a province sends its batches to a centre over HTTP; the centre
 * receives them and issues cards; `both` (the one-machine default) is both, the province sending to this same server.
 */
export interface CardsOptions {
  role: 'both' | 'province' | 'central';
  keys: KeyRing;
  /** Where the centre keeps received batches (central and both). */
  content?: BatchContentStore;
  /** The centre's base URL (province); by default this server's own address. */
  centreUrl?: string;
  retryDelaySeconds?: number;
}

/** The keys under DATA/keys and the centre's store of received batches under DATA/centre (decision 0018). */
export async function cardsOptionsIn(dataDir: string, role: CardsOptions['role'] = 'both', centreUrl?: string, retryDelaySeconds?: number): Promise<CardsOptions> {
  const content = role === 'province' ? undefined : await batchContentStore(path.join(dataDir, 'centre', 'batches'), path.join(dataDir, 'centre.key'));
  return { role, keys: keyRing(path.join(dataDir, 'keys')), content, centreUrl, retryDelaySeconds };
}

/** The address a listening server answers on, for the one-machine province to reach its own centre. */
function ownUrl(app: App): string {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server is not listening on TCP');
  const host = address.family === 'IPv6' ? `[${address.address === '::' ? '::1' : address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
  return `http://${host}:${address.port}`;
}

/** The whole HTTP API, the built web UI and the background workers over one database. */
export async function buildServer(ctx: AppContext, options: ServerOptions): Promise<App> {
  const app = await createHttp({ logLevel: options.logLevel, webDir: options.webDir ?? WEB_DIR, authenticate: (token) => sessionFor(ctx.db, token) });
  const register = options.register ?? embeddedRegister(ctx.db);
  const jobs = await openJobs(ctx.pool, { work: true, pollingIntervalSeconds: options.jobSettings?.pollingIntervalSeconds });
  await startReconciliationWorkers(jobs, ctx.db, register, options.jobSettings);
  const stopFileSweep = await startFileSweepWorker(jobs, ctx.db, options.files, { pollingIntervalSeconds: options.jobSettings?.pollingIntervalSeconds });
  const photoCheck = await startPhotoCheckWorker(jobs, ctx.db, options.files, { pollingIntervalSeconds: options.jobSettings?.pollingIntervalSeconds, ...options.photoCheck });
  const progressFolding = options.progressFoldMs === null ? { stop: async () => undefined } : startProgressFolding(ctx.db, options.progressFoldMs);
  const stopReportArchive = await startReportArchiveWorker(jobs, ctx.db, { pollingIntervalSeconds: options.jobSettings?.pollingIntervalSeconds });
  const cards = options.cards;
  if (cards && cards.role !== 'central') {
    await startSendingWorker(jobs, ctx.db, {
      keys: cards.keys,
      files: options.files,
      centre: { url: cards.centreUrl ?? (() => ownUrl(app)) },
      centreIsLocal: cards.role === 'both' && !cards.centreUrl,
      pollingIntervalSeconds: options.jobSettings?.pollingIntervalSeconds,
      retryDelaySeconds: cards.retryDelaySeconds,
    });
  }
  // Workers stop taking jobs before the database goes away; an unfinished job is retried after a restart.
  app.addHook('onClose', async () => {
    await progressFolding.stop();
    await jobs.stop({ graceful: true, wait: true, timeout: 5000, close: false });
    await photoCheck.stop();
    stopFileSweep();
    stopReportArchive();
  });
  userRoutes(app, ctx);
  organisationRoutes(app, ctx);
  memberRoutes(app, ctx);
  referenceRoutes(app, ctx);
  reconciliationRoutes(app, ctx, { register, jobs, settings: options.jobSettings });
  schedulingRoutes(app, ctx);
  intakeRoutes(app, ctx, options.files, photoCheck.checkNow);
  reviewRoutes(app, ctx, options.files);
  faceModelRoutes(app);
  counterRoutes(app, ctx);
  progressRoutes(app, ctx);
  if (cards && cards.role !== 'central') sendingRoutes(app, ctx, jobs, cards.keys, { retryDelaySeconds: cards.retryDelaySeconds });
  if (cards && cards.role !== 'province') {
    if (!cards.content) throw new Error('the centre needs a store for received batches');
    centreRoutes(app, ctx, cards.keys, cards.content);
    cardRoutes(app, ctx, cards.keys, cards.content);
  }
  return app;
}
