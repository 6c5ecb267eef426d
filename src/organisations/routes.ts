import { z } from 'zod';
import { actorOf, type App, type AppContext } from '../platform/http.ts';
import * as service from './service.ts';

const Id = z.string().regex(/^\d{1,18}$/);
const Kind = z.enum(['provincial_committee', 'central_committee', 'commune_committee', 'grassroots_committee', 'grassroots_cell', 'cell']);

export function organisationRoutes(app: App, { db }: AppContext) {
  app.get('/api/organisations/roots', async (request) => service.roots(db, actorOf(request)));
  app.get('/api/organisations/:id', { schema: { params: z.object({ id: Id }) } }, async (request) =>
    service.organisationDetail(db, actorOf(request), request.params.id),
  );
  app.get('/api/organisations/:id/children', { schema: { params: z.object({ id: Id }) } }, async (request) =>
    service.children(db, actorOf(request), request.params.id),
  );
  app.post(
    '/api/organisations',
    { schema: { body: z.object({ parentId: Id, name: z.string().max(200), kind: Kind, communeCode: z.string().regex(/^\d{5}$/).nullish() }) } },
    async (request, reply) => {
      const actor = actorOf(request);
      const unit = await service.createOrganisation(db, actor, request.body);
      return reply.status(201).send(await service.organisationDetail(db, actor, unit.id));
    },
  );
  app.patch(
    '/api/organisations/:id',
    { schema: { params: z.object({ id: Id }), body: z.object({ name: z.string().max(200).optional(), parentId: Id.optional() }) } },
    async (request) => {
      const actor = actorOf(request);
      const { id } = request.params;
      const { name, parentId } = request.body;
      // Rename and move together or not at all.
      await db.transaction().execute(async (trx) => {
        if (name !== undefined) await service.renameOrganisation(trx, actor, id, name);
        if (parentId !== undefined) await service.moveOrganisation(trx, actor, id, parentId);
      });
      return service.organisationDetail(db, actor, id);
    },
  );
  app.post('/api/organisations/:id/merge', { schema: { params: z.object({ id: Id }), body: z.object({ intoId: Id }) } }, async (request) => {
    const actor = actorOf(request);
    const into = await service.mergeOrganisation(db, actor, request.params.id, request.body.intoId);
    return service.organisationDetail(db, actor, into.id);
  });
  app.post('/api/organisations/:id/close', { schema: { params: z.object({ id: Id }) } }, async (request) => {
    const actor = actorOf(request);
    await service.closeOrganisation(db, actor, request.params.id);
    return service.organisationDetail(db, actor, request.params.id);
  });
}
