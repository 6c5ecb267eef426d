import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { actorOf, type App, type AppContext } from '../platform/http.ts';
import type { Jobs } from '../platform/jobs.ts';
import { parsePersonalId } from '../members/domain/personal-id.ts';
import { findMemberIdByPersonalId } from '../members/store.ts';
import { enqueueAwaiting, enqueueRun, type ReconciliationJobSettings } from './jobs.ts';
import type { PopulationRegister } from './register.ts';
import { getRun, listRuns, startRun } from './runs.ts';
import { checkMember, decide, memberReconciliation, results, summary } from './service.ts';
import { exportMismatches } from './export-service.ts';

const Id = z.string().regex(/^\d{1,18}$/);
const Field = z.enum(['fullName', 'dateOfBirth', 'gender', 'hometown', 'residence']);
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export interface ReconciliationServices {
  register: PopulationRegister;
  jobs: Jobs;
  settings?: ReconciliationJobSettings;
}

export function reconciliationRoutes(app: App, { db }: AppContext, { register, jobs, settings }: ReconciliationServices) {
  const awaitLater = (memberIds: string[]) => enqueueAwaiting(jobs, memberIds, settings);
  const memberParams = { params: z.object({ id: Id }) };

  app.get(
    '/api/reconciliation/summary',
    { schema: { querystring: z.object({ organisationId: Id.optional() }) } },
    async (request) => summary(db, actorOf(request), request.query.organisationId),
  );

  app.get(
    '/api/reconciliation/results',
    {
      schema: {
        querystring: z.object({
          organisationId: Id.optional(),
          status: z.enum(['matched', 'mismatched', 'not_found', 'awaiting']).optional(),
          field: Field.optional(),
          open: bool.optional(),
          page: z.coerce.number().int().min(1).max(100_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
    },
    async (request) => results(db, actorOf(request), request.query),
  );

  app.get('/api/reconciliation/export.xlsx', { schema: { querystring: z.object({ organisationId: Id.optional() }) } }, async (request, reply) => {
    const fileName = `doi-chieu-dan-cu-${new Date().toISOString().slice(0, 10)}.xlsx`;
    reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    reply.header('content-disposition', `attachment; filename="${fileName}"`);
    return reply.send(await exportMismatches(db, actorOf(request), request.query.organisationId, request.locale));
  });

  app.get('/api/members/:id/reconciliation', { schema: memberParams }, async (request) => memberReconciliation(db, actorOf(request), request.params.id));

  app.post('/api/members/:id/reconciliation/check', { schema: memberParams }, async (request) =>
    checkMember(db, actorOf(request), register, request.params.id, awaitLater),
  );

  // The counter starts from the personal ID on the chip card, not from a member id.
  app.post('/api/reconciliation/check', { schema: { body: z.object({ personalId: z.string().max(40) }) } }, async (request) => {
    const actor = actorOf(request);
    const parsed = parsePersonalId(request.body.personalId);
    if (!parsed.ok) throw new AppError('validation', {}, [{ field: 'personalId', code: parsed.problem }]);
    const memberId = await findMemberIdByPersonalId(db, actor.scope, parsed.value);
    if (!memberId) throw new AppError('member.not_found', { id: parsed.value });
    return checkMember(db, actor, register, memberId, awaitLater);
  });

  app.post(
    '/api/members/:id/reconciliation/decision',
    { schema: { ...memberParams, body: z.object({ decision: z.enum(['correct', 'keep', 'refer']), reason: z.string().max(500).optional() }) } },
    async (request) => decide(db, actorOf(request), request.params.id, request.body),
  );

  app.post('/api/reconciliation/runs', { schema: { body: z.object({ organisationId: Id.optional() }) } }, async (request, reply) => {
    const run = await startRun(db, actorOf(request), request.body.organisationId, (data) => enqueueRun(jobs, data));
    return reply.status(202).send({ run });
  });

  app.get('/api/reconciliation/runs', { schema: { querystring: z.object({ organisationId: Id.optional() }) } }, async (request) => ({
    runs: await listRuns(db, actorOf(request), request.query.organisationId),
  }));

  app.get('/api/reconciliation/runs/:id', { schema: { params: z.object({ id: Id }) } }, async (request) => ({ run: await getRun(db, actorOf(request), request.params.id) }));
}
