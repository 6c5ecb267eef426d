import { z } from 'zod';
import { actorOf, type App, type AppContext, sendPdf } from '../platform/http.ts';
import { applyPlanAdvice, changePointSettings, closePointOn, createCampaign, createMobileTeam, createPoint, listMobileTeams, getCampaign, getPlan, listCampaigns, listPlans, listPoints, markMissed, moveAppointment, planCampaign } from './service.ts';
import { pointSchedulePdf, pointScheduleXlsx, publishPlan } from './outputs-service.ts';

const Id = z.string().regex(/^\d{1,18}$/);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Shift = z.enum(['morning', 'afternoon', 'evening']);
const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/);
const Capacity = z.object({
  kits: z.number().int().min(0).max(100),
  recordsPerKitHour: z.number().positive().max(200).optional(),
  shifts: z.array(z.object({ key: Shift, start: Time, end: Time })).max(3),
  openWeekdays: z.array(z.number().int().min(0).max(6)).max(7),
});

export function schedulingRoutes(app: App, { db }: AppContext) {
  app.get('/api/campaigns', async (request) => ({ campaigns: await listCampaigns(db, actorOf(request)) }));
  app.post(
    '/api/campaigns',
    {
      schema: {
        body: z.object({
          name: z.string().max(200),
          organisationId: Id,
          provinceCode: z.string().regex(/^\d{2}$/).optional(),
          startDate: IsoDate,
          deadline: IsoDate,
          holidays: z.array(IsoDate).max(100).optional(),
        }),
      },
    },
    async (request, reply) => reply.status(201).send(await createCampaign(db, actorOf(request), request.body)),
  );
  app.get('/api/campaigns/:id', { schema: { params: z.object({ id: Id }) } }, async (request) => getCampaign(db, actorOf(request), request.params.id));
  app.get('/api/campaigns/:id/plans', { schema: { params: z.object({ id: Id }) } }, async (request) => ({ plans: await listPlans(db, actorOf(request), request.params.id) }));
  app.post('/api/campaigns/:id/plans', { schema: { params: z.object({ id: Id }) } }, async (request, reply) =>
    reply.status(201).send(await planCampaign(db, actorOf(request), request.params.id)),
  );

  app.get('/api/points', { schema: { querystring: z.object({ provinceCode: z.string().regex(/^\d{2}$/).optional() }) } }, async (request) => ({
    points: await listPoints(db, actorOf(request), request.query.provinceCode),
  }));
  app.post(
    '/api/points',
    {
      schema: {
        body: Capacity.extend({
          name: z.string().max(200),
          communeCode: z.string().regex(/^\d{5}$/),
          address: z.string().max(500).nullable().optional(),
          operator: z.enum(['provincial', 'commune']),
        }),
      },
    },
    async (request, reply) => reply.status(201).send(await createPoint(db, actorOf(request), request.body)),
  );
  app.put('/api/points/:id/settings', { schema: { params: z.object({ id: Id }), body: Capacity.extend({ from: IsoDate.optional() }) } }, async (request) =>
    changePointSettings(db, actorOf(request), request.params.id, request.body),
  );
  app.post('/api/points/:id/closures', { schema: { params: z.object({ id: Id }), body: z.object({ date: IsoDate }) } }, async (request) =>
    closePointOn(db, actorOf(request), request.params.id, request.body.date),
  );

  app.get('/api/mobile-teams', { schema: { querystring: z.object({ provinceCode: z.string().regex(/^\d{2}$/).optional() }) } }, async (request) => ({
    teams: await listMobileTeams(db, actorOf(request), request.query.provinceCode),
  }));
  app.post(
    '/api/mobile-teams',
    { schema: { body: z.object({ name: z.string().max(200), communeCodes: z.array(z.string().regex(/^\d{5}$/)).max(200), visitsPerDay: z.number().int().min(1).max(200) }) } },
    async (request, reply) => reply.status(201).send(await createMobileTeam(db, actorOf(request), request.body)),
  );

  app.get('/api/plans/:id', { schema: { params: z.object({ id: Id }) } }, async (request) => getPlan(db, actorOf(request), request.params.id));
  app.post('/api/plans/:id/apply-advice', { schema: { params: z.object({ id: Id }) } }, async (request, reply) =>
    reply.status(201).send(await applyPlanAdvice(db, actorOf(request), request.params.id)),
  );
  app.post('/api/plans/:id/publish', { schema: { params: z.object({ id: Id }) } }, async (request) =>
    publishPlan(db, actorOf(request), request.params.id, request.locale),
  );
  const scheduleParams = { params: z.object({ id: Id, pointId: Id }), querystring: z.object({ date: IsoDate.optional() }) };
  app.get('/api/plans/:id/points/:pointId/schedule.xlsx', { schema: scheduleParams }, async (request, reply) => {
    const { id, pointId } = request.params;
    reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    reply.header('content-disposition', `attachment; filename="lich-tiep-nhan-${pointId}${request.query.date ? `-${request.query.date}` : ''}.xlsx"`);
    return reply.send(await pointScheduleXlsx(db, actorOf(request), id, pointId, request.query.date, request.locale));
  });
  app.get('/api/plans/:id/points/:pointId/schedule.pdf', { schema: { params: scheduleParams.params, querystring: z.object({ date: IsoDate }) } }, async (request, reply) => {
    const { id, pointId } = request.params;
    return sendPdf(reply, await pointSchedulePdf(db, actorOf(request), id, pointId, request.query.date, request.locale), `lich-tiep-nhan-${pointId}-${request.query.date}.pdf`, 'attachment');
  });
  app.post('/api/appointments/:id/missed', { schema: { params: z.object({ id: Id }) } }, async (request) => markMissed(db, actorOf(request), request.params.id));
  app.patch(
    '/api/appointments/:id',
    { schema: { params: z.object({ id: Id }), body: z.object({ pointId: Id, date: IsoDate, shift: Shift }) } },
    async (request) => moveAppointment(db, actorOf(request), request.params.id, request.body),
  );
}
