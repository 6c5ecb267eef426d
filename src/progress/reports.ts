/**
 * The daily report, made on demand (today's counts) and every evening into the archive: at 20:00 Vietnam time the
 * report of every unit down to the commune and grassroots committees is made and kept as it was sent up (both
 * formats). One job per day across all server processes; a restart finishes what is missing and keeps what was made.
 */
import { formatDate, todayInVietnam } from '../common/dates.ts';
import { bytesOf } from '../common/streams.ts';
import type { Db, Queryable } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import type { Locale } from '../platform/i18n/index.ts';
import { startPeriodicJob, type Jobs } from '../platform/jobs.ts';
import { requirePermission } from '../platform/permissions.ts';
import { cliActor, type Actor } from '../platform/scope.ts';
import { organisationInScope } from '../organisations/scope.ts';
import { getOrganisation } from '../organisations/service.ts';
import { writeDailyReportPdf, writeDailyReportXlsx, type DailyReport } from './outputs/daily-report.ts';
import { dailyReportOf } from './service.ts';

export const REPORTS_QUEUE = 'progress-reports';
/** Vietnam's hour at which the day's reports are made. */
export const REPORT_HOUR = 20;
/** Units that report up each evening (cells report to their committee, which reports for them). */
const REPORTING_KINDS = ['central', 'provincial_committee', 'central_committee', 'commune_committee', 'grassroots_committee'] as const;

export const reportPdf = (report: DailyReport, locale: Locale) => bytesOf((out) => writeDailyReportPdf(report, out, locale));
export const reportXlsx = (report: DailyReport, locale: Locale) => bytesOf((out) => writeDailyReportXlsx(report, out, locale));

/** "bao-cao-tien-do-2026-12-05.pdf" */
export const reportFileName = (date: string, extension: 'pdf' | 'xlsx') => `bao-cao-tien-do-${date}.${extension}`;

/** Makes and keeps the day's report of every reporting unit not yet archived for that day; answers how many were made. */
export async function archiveDailyReports(db: Db, date: string, options: { now?: Date } = {}): Promise<number> {
  const actor = cliActor();
  const units = await db
    .selectFrom('organisations as o')
    .select('o.id')
    .where('o.kind', 'in', REPORTING_KINDS)
    .where('o.closed_at', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('progress_reports as r').select('r.id').whereRef('r.organisation_id', '=', 'o.id').where('r.day', '=', date))))
    .orderBy('o.depth')
    .orderBy('o.id')
    .execute();
  let made = 0;
  for (const { id } of units) {
    const report = await dailyReportOf(db, actor, { organisationId: id, date, now: options.now });
    const [pdf, xlsx] = [await reportPdf(report, 'vi'), await reportXlsx(report, 'vi')];
    const inserted = await db
      .insertInto('progress_reports')
      .values({ organisation_id: id, day: date, generated_at: new Date(report.generatedAt), pdf, xlsx })
      .onConflict((oc) => oc.columns(['organisation_id', 'day']).doNothing())
      .executeTakeFirst();
    made += Number(inserted.numInsertedOrUpdatedRows ?? 0);
  }
  return made;
}

/** The archived reports of a unit, newest first. */
export async function listArchivedReports(db: Queryable, actor: Actor, organisationId: string, limit = 62) {
  requirePermission(actor, 'progress.read');
  await getOrganisation(db, actor, organisationId);
  const rows = await db.selectFrom('progress_reports').select(['id', 'day', 'generated_at']).where('organisation_id', '=', organisationId).orderBy('day', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, day: r.day, generatedAt: r.generated_at.toISOString() }));
}

const contentOf = (format: 'pdf' | 'xlsx') => (format === 'pdf' ? 'r.pdf as content' : 'r.xlsx as content');

/** One archived report's file, within the caller's scope. */
export async function archivedReport(db: Queryable, actor: Actor, id: string, format: 'pdf' | 'xlsx'): Promise<{ day: string; content: Buffer }> {
  requirePermission(actor, 'progress.read');
  const row = /^\d{1,18}$/.test(id)
    ? await db
        .selectFrom('progress_reports as r')
        .innerJoin('organisations as o', 'o.id', 'r.organisation_id')
        .select(['r.day', contentOf(format)])
        .where('r.id', '=', id)
        .where(organisationInScope(actor.scope, 'o'))
        .executeTakeFirst()
    : undefined;
  if (!row) throw new AppError('progress.report.not_found', { id });
  return row;
}

/** The archived report of a unit for a day, or a clear error when that evening's report was not made. */
export async function archivedReportOn(db: Queryable, actor: Actor, organisationId: string, date: string, format: 'pdf' | 'xlsx'): Promise<{ day: string; content: Buffer }> {
  requirePermission(actor, 'progress.read');
  await getOrganisation(db, actor, organisationId);
  const row = await db.selectFrom('progress_reports as r').select(['r.day', contentOf(format)]).where('r.organisation_id', '=', organisationId).where('r.day', '=', date).executeTakeFirst();
  if (!row) throw new AppError('progress.report.not_archived', { date: formatDate(date) }, [{ field: 'date', code: 'progress.report.not_archived', params: { date: formatDate(date) } }]);
  return row;
}

/** Vietnam's hour now. */
const vietnamHour = (now: Date) => (now.getUTCHours() + 7) % 24;

/**
 * Each minute, from REPORT_HOUR on, asks for the day's archive job (one per day across processes: a singleton key);
 * the job makes what is missing.
 */
export function startReportArchiveWorker(jobs: Jobs, db: Db, settings: { pollingIntervalSeconds?: number } = {}): Promise<() => void> {
  return startPeriodicJob<{ date: string }>(jobs, {
    queue: REPORTS_QUEUE,
    label: 'progress reports',
    everyMs: 60_000,
    pollingIntervalSeconds: settings.pollingIntervalSeconds,
    data: () => {
      const now = new Date();
      return vietnamHour(now) < REPORT_HOUR ? undefined : { date: todayInVietnam(now) };
    },
    options: ({ date }) => ({ singletonKey: date, retryLimit: 3, retryDelay: 60 }),
    run: async ({ date }) => {
      const made = await archiveDailyReports(db, date);
      if (made > 0) console.log(`progress reports of ${date}: ${made} archived`);
    },
  });
}
