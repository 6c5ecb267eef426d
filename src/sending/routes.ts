import { z } from 'zod';
import { actorOf, type App, type AppContext } from '../platform/http.ts';
import type { Jobs } from '../platform/jobs.ts';
import type { KeyRing } from '../cards/key-ring.ts';
import { enqueueSend, type SendingSettings } from './jobs.ts';
import { listBatches, prepareBatch, requeueBatch } from './service.ts';

export function sendingRoutes(app: App, { db }: AppContext, jobs: Jobs, keys: KeyRing, settings: Pick<SendingSettings, 'retryDelaySeconds'>) {
  const Province = z.string().regex(/^\d{2}$/);
  app.get('/api/sending/batches', { schema: { querystring: z.object({ provinceCode: Province.optional() }) } }, async (request) => ({
    items: await listBatches(db, actorOf(request), request.query.provinceCode),
  }));

  // Freezes what is ready into a batch and sends it in the background; the list shows how it goes.
  app.post('/api/sending/batches', { schema: { body: z.object({ provinceCode: Province.optional(), max: z.number().int().min(1).max(200000).optional() }) } }, async (request, reply) => {
    const batch = await prepareBatch(db, actorOf(request), keys, request.body);
    if (batch) await enqueueSend(jobs, batch.id, settings);
    return reply.status(batch ? 201 : 200).send({ batch });
  });

  // A refused batch sent again (after the centre enrolled the province's key, say).
  app.post('/api/sending/batches/:id/send', { schema: { params: z.object({ id: z.string().uuid() }) } }, async (request) => {
    const batch = await requeueBatch(db, actorOf(request), request.params.id);
    await enqueueSend(jobs, batch.id, settings);
    return { batch };
  });
}
