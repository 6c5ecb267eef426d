import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { todayInVietnam } from '../common/dates.ts';
import { AppError } from '../platform/errors.ts';
import { dayNumber } from '../scheduling/domain/slots.ts';
import { actorOf, type App, type AppContext } from '../platform/http.ts';
import { pointsProgress } from './points.ts';
import { archivedReport, archivedReportOn, listArchivedReports, reportFileName, reportPdf, reportXlsx } from './reports.ts';
import { dailyReportOf, progressOf, waitingMembers } from './service.ts';

const Id = z.string().regex(/^\d{1,18}$/);
const Day = z.string().max(10);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const FORMATS = { pdf: 'application/pdf', xlsx: XLSX } as const;

function sendReport(reply: FastifyReply, day: string, format: keyof typeof FORMATS, content: Buffer) {
  reply.header('content-type', FORMATS[format]);
  reply.header('content-disposition', `attachment; filename="${reportFileName(day, format)}"`);
  return reply.send(content);
}

export function progressRoutes(app: App, { db }: AppContext) {
  app.get(
    '/api/progress',
    { schema: { querystring: z.object({ organisationId: Id.optional(), from: Day.optional(), to: Day.optional() }) } },
    async (request) => progressOf(db, actorOf(request), request.query),
  );

  app.get('/api/progress/points', { schema: { querystring: z.object({ organisationId: Id.optional(), from: Day.optional(), to: Day.optional() }) } }, async (request) =>
    pointsProgress(db, actorOf(request), request.query),
  );

  app.get('/api/progress/waiting', { schema: { querystring: z.object({ organisationId: Id, page: z.coerce.number().int().min(1).max(100000).optional() }) } }, async (request) =>
    waitingMembers(db, actorOf(request), request.query),
  );

  // Today's report is made from the counts now; an earlier day's is the one archived that evening.
  app.get(
    '/api/progress/report.:format',
    { schema: { params: z.object({ format: z.enum(['pdf', 'xlsx']) }), querystring: z.object({ organisationId: Id.optional(), date: Day.optional() }) } },
    async (request, reply) => {
      const actor = actorOf(request);
      const { format } = request.params;
      const { organisationId, date } = request.query;
      let content: Buffer;
      let day: string;
      if (date !== undefined && dayNumber(date) !== undefined && date < todayInVietnam()) {
        if (!organisationId) throw new AppError('validation', {}, [{ field: 'organisationId', code: 'validation' }]);
        ({ content, day } = await archivedReportOn(db, actor, organisationId, date, format));
      } else {
        const report = await dailyReportOf(db, actor, { organisationId, date });
        day = report.date;
        content = await (format === 'pdf' ? reportPdf : reportXlsx)(report, request.locale);
      }
      return sendReport(reply, day, format, content);
    },
  );

  app.get('/api/progress/reports', { schema: { querystring: z.object({ organisationId: Id }) } }, async (request) => ({
    reports: await listArchivedReports(db, actorOf(request), request.query.organisationId),
  }));

  app.get('/api/progress/reports/:id/report.:format', { schema: { params: z.object({ id: Id, format: z.enum(['pdf', 'xlsx']) }) } }, async (request, reply) => {
    const { day, content } = await archivedReport(db, actorOf(request), request.params.id, request.params.format);
    return sendReport(reply, day, request.params.format, content);
  });
}
