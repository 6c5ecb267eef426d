import { z } from 'zod';
import { actorOf, type App, type AppContext, sendPdf } from '../platform/http.ts';
import type { FileStore } from '../platform/files.ts';
import { STATUSES } from './domain/dossier.ts';
import { receiptPdf, slipPdf } from './printouts-service.ts';
import { dossierImage, getDossier, intakePace, listDossiers } from './review.ts';

const Id = z.string().regex(/^\d{1,18}$/);
const DossierParams = z.object({ id: z.uuid() });
const QUEUE_PAGE_SIZE = 50;

/** The supervisor's queue, dossier, images and officers' pace; the counter's receipt and confirmation slip. */
export function reviewRoutes(app: App, { db }: AppContext, files: FileStore) {
  app.get(
    '/api/dossiers',
    {
      schema: {
        querystring: z.object({
          state: z.enum(STATUSES).optional(),
          pointId: Id.optional(),
          conflicts: z.enum(['true', 'false']).optional(),
          officer: Id.optional(),
          page: z.coerce.number().int().min(1).max(10_000).default(1),
        }),
      },
    },
    async (request) => {
      const { conflicts, ...query } = request.query;
      return listDossiers(db, actorOf(request), { ...query, conflicts: conflicts === 'true', pageSize: QUEUE_PAGE_SIZE }, request.locale);
    },
  );

  app.get('/api/dossiers/:id', { schema: { params: DossierParams } }, async (request) => getDossier(db, actorOf(request), request.params.id, request.locale));

  for (const kind of ['photo', 'signature'] as const) {
    app.get(`/api/dossiers/:id/${kind}`, { schema: { params: DossierParams } }, async (request, reply) => {
      const image = await dossierImage(db, actorOf(request), files, request.params.id, kind);
      // Personal data: never kept by the browser's or a proxy's cache.
      reply.header('cache-control', 'no-store');
      reply.type(image.mime);
      return reply.send(image.content);
    });
  }

  app.get('/api/dossiers/:id/receipt.pdf', { schema: { params: DossierParams } }, async (request, reply) => {
    const pdf = await receiptPdf(db, actorOf(request), request.params.id, request.locale);
    return sendPdf(reply, pdf, `bien-nhan-${request.params.id}.pdf`, 'inline', { noStore: true });
  });

  app.post(
    '/api/intake/slip.pdf',
    {
      // A 5 MB photo is about 6.7 MB as base64.
      bodyLimit: 8 * 1024 * 1024,
      schema: { body: z.object({ memberId: Id, data: z.record(z.string(), z.unknown()).default({}), photo: z.string().optional() }) },
    },
    async (request, reply) => {
      const pdf = await slipPdf(db, actorOf(request), request.body, request.locale);
      return sendPdf(reply, pdf, `phieu-xac-nhan-${request.body.memberId}.pdf`, 'inline', { noStore: true });
    },
  );

  app.get(
    '/api/intake/pace',
    { schema: { querystring: z.object({ date: z.iso.date().optional(), pointId: Id.optional() }) } },
    async (request) => intakePace(db, actorOf(request), request.query),
  );
}
