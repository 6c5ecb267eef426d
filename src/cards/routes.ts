import { z } from 'zod';
import { actorOf, sendPdf, type App, type AppContext } from '../platform/http.ts';
import { streamed } from '../common/streams.ts';
import type { BatchContentStore } from '../centre/batch-content.ts';
import { CARD_STATES, CARD_STEPS, REVOCATION_REASONS } from './domain/lifecycle.ts';
import { writeCardsPdf } from './card-pdf.ts';
import { issuerKeyLookup, type KeyRing } from './key-ring.ts';
import { produceCards } from './production.ts';
import { cardForPrint, currentStatusList, getCard, listCards, listPrintBatches, printBatchCards, recordCardStep, revokeCard } from './service.ts';

/** The centre's card desk: production, printing, the chip export, the card's way, revocation, the status list. */
export function cardRoutes(app: App, { db }: AppContext, keys: KeyRing, content: BatchContentStore) {
  const Code = z.string().min(1).max(5000);

  app.post('/api/cards/production', { schema: { body: z.object({ provinceCode: z.string().regex(/^\d{2}$/).optional(), max: z.number().int().min(1).max(20000).optional() }) } }, async (request) =>
    produceCards(db, actorOf(request), keys, content, request.body),
  );

  app.get('/api/cards/print-batches', async (request) => ({ items: await listPrintBatches(db, actorOf(request)) }));

  app.get('/api/cards/print-batches/:id/cards.pdf', { schema: { params: z.object({ id: z.string().uuid() }) } }, async (request, reply) => {
    const { batch, cards } = await printBatchCards(db, actorOf(request), request.params.id);
    const keyOf = await issuerKeyLookup(db);
    return sendPdf(reply, streamed((out) => writeCardsPdf(cards, keyOf, out)), `the-${batch.province_code}-${batch.commune_code ?? 'tinh'}.pdf`, 'attachment', { noStore: true });
  });

  // For the personalisation machine: one JSON line per card, the signed chip record in base64.
  app.get('/api/cards/print-batches/:id/chip-data.jsonl', { schema: { params: z.object({ id: z.string().uuid() }) } }, async (request, reply) => {
    const { batch, cards } = await printBatchCards(db, actorOf(request), request.params.id);
    reply.header('content-type', 'application/x-ndjson');
    reply.header('cache-control', 'no-store');
    reply.header('content-disposition', `attachment; filename="chip-${batch.province_code}-${batch.commune_code ?? 'tinh'}.jsonl"`);
    return reply.send(cards.map((c) => JSON.stringify({ cardNumber: c.card_number, chip: c.chip.toString('base64') })).join('\n') + '\n');
  });

  app.get(
    '/api/cards',
    { schema: { querystring: z.object({ state: z.enum(CARD_STATES).optional(), printBatchId: z.string().uuid().optional(), page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) }) } },
    async (request) => listCards(db, actorOf(request), request.query),
  );

  app.get('/api/cards/:code', { schema: { params: z.object({ code: Code }) } }, async (request) => getCard(db, actorOf(request), request.params.code));

  app.get('/api/cards/:code/card.pdf', { schema: { params: z.object({ code: Code }) } }, async (request, reply) => {
    const card = await cardForPrint(db, actorOf(request), request.params.code);
    const keyOf = await issuerKeyLookup(db);
    return sendPdf(reply, streamed((out) => writeCardsPdf([card], keyOf, out)), `the-${card.card_number}.pdf`, 'attachment', { noStore: true });
  });

  // A step of the card's way, scanned by its number or QR; the member's signature (PNG, base64) at handover.
  app.post(
    '/api/cards/scan',
    { schema: { body: z.object({ code: Code, step: z.enum(CARD_STEPS), signature: z.string().max(4_000_000).optional(), note: z.string().max(500).optional() }) } },
    async (request) => {
      const { signature, ...rest } = request.body;
      return recordCardStep(db, actorOf(request), { ...rest, signature: signature ? Buffer.from(signature, 'base64') : undefined });
    },
  );

  app.post(
    '/api/cards/:code/revoke',
    { schema: { params: z.object({ code: Code }), body: z.object({ reason: z.enum(REVOCATION_REASONS), note: z.string().max(500).optional() }) } },
    async (request) => revokeCard(db, actorOf(request), keys, { code: request.params.code, reason: request.body.reason, note: request.body.note }),
  );

  // Published for every verifier, without signing in: the signed status list.
  app.get('/api/public/status-list', async (_request, reply) => {
    reply.header('content-type', 'application/cose');
    reply.header('cache-control', 'no-cache');
    return reply.send(await currentStatusList(db, keys));
  });
}
