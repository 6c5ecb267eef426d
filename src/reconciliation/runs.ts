import type { Db, Queryable } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { getOrganisation } from '../organisations/service.ts';
import type { PopulationRegister } from './register.ts';
import { reconcile, type Progress } from './service.ts';

export interface RunView extends Progress {
  id: string;
  organisationId: string | null;
  organisationName: string | null;
  status: 'queued' | 'running' | 'done' | 'failed';
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

function runs(db: Queryable) {
  return db
    .selectFrom('reconciliation_runs as r')
    .leftJoin('organisations as o', 'o.id', 'r.organisation_id')
    .select([
      'r.id',
      'r.organisation_id as organisationId',
      'o.name as organisationName',
      'r.requested_by as requestedBy',
      'r.status',
      'r.total',
      'r.checked',
      'r.matched',
      'r.mismatched',
      'r.not_found as notFound',
      'r.awaiting',
      'r.error',
      'r.created_at as createdAt',
      'r.started_at as startedAt',
      'r.finished_at as finishedAt',
    ]);
}

function view({ requestedBy: _r, ...row }: Awaited<ReturnType<ReturnType<typeof runs>['executeTakeFirstOrThrow']>>): RunView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return { ...row, createdAt: row.createdAt.toISOString(), startedAt: iso(row.startedAt), finishedAt: iso(row.finishedAt) };
}

/** Queues a whole-list check of a unit (or of the caller's whole scope); the screen follows it by id. */
export async function startRun(db: Db, actor: Actor, organisationId: string | undefined, enqueue: (data: { runId: string; actor: Actor }) => Promise<void>): Promise<RunView> {
  requirePermission(actor, 'reconciliation.run');
  if (organisationId) await getOrganisation(db, actor, organisationId);
  const { id } = await db
    .insertInto('reconciliation_runs')
    .values({ organisation_id: organisationId ?? null, requested_by: actor.userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await enqueue({ runId: id, actor });
  return getRun(db, actor, id);
}

/** Runs are seen by whoever sees their unit; a run of a whole scope only by the one who started it (or the centre). */
export async function getRun(db: Queryable, actor: Actor, id: string): Promise<RunView> {
  const row = await runs(db).where('r.id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('reconciliation.run_not_found', { id });
  if (row.organisationId) await getOrganisation(db, actor, row.organisationId).catch(() => Promise.reject(new AppError('reconciliation.run_not_found', { id })));
  else if (!actor.scope.all && row.requestedBy !== actor.userId) throw new AppError('reconciliation.run_not_found', { id });
  return view(row);
}

export async function listRuns(db: Queryable, actor: Actor, organisationId?: string): Promise<RunView[]> {
  let qb = runs(db).orderBy('r.id', 'desc').limit(10);
  if (organisationId) {
    await getOrganisation(db, actor, organisationId);
    qb = qb.where('r.organisation_id', '=', organisationId);
  } else {
    qb = qb.where('r.organisation_id', 'is', null);
    if (!actor.scope.all) qb = qb.where('r.requested_by', '=', actor.userId);
  }
  return (await qb.execute()).map(view);
}

/** The job's work: the run's row follows the reconciliation batch by batch. */
export async function executeRun(db: Db, register: PopulationRegister, data: { runId: string; actor: Actor }, onAwaiting: (memberIds: string[]) => Promise<void>): Promise<void> {
  const run = await db.selectFrom('reconciliation_runs').select(['organisation_id']).where('id', '=', data.runId).executeTakeFirst();
  if (!run) return;
  await db.updateTable('reconciliation_runs').set({ status: 'running', started_at: new Date(), error: null }).where('id', '=', data.runId).execute();
  try {
    await reconcile(db, data.actor, register, {
      organisationId: run.organisation_id ?? undefined,
      onAwaiting,
      onProgress: async (p) => {
        await db
          .updateTable('reconciliation_runs')
          .set({ total: p.total, checked: p.checked, matched: p.matched, mismatched: p.mismatched, not_found: p.notFound, awaiting: p.awaiting })
          .where('id', '=', data.runId)
          .execute();
      },
    });
    await db.updateTable('reconciliation_runs').set({ status: 'done', finished_at: new Date() }).where('id', '=', data.runId).execute();
  } catch (error) {
    await db.updateTable('reconciliation_runs').set({ status: 'failed', finished_at: new Date(), error: (error as Error).message }).where('id', '=', data.runId).execute();
    throw error;
  }
}
